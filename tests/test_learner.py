"""The self-learner's loop through the real command line: ``course start`` copies the chapters
without ever overwriting, ``course check`` grades with nbgrader and the hidden tests (sandboxed,
and without bubblewrap with a note), reports each test, writes feedback without hidden-test text
and a progress page, regrades only what changed, and never writes the learner's notebooks."""
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from course.instructor import demo
from tests.nbtools import ROOT, secret_lines

pytestmark = [pytest.mark.pipeline, pytest.mark.xdist_group("learner")]

CH1, CH2 = "ch01_logistic_regression", "ch02_binary_classification"


def course_with(dest, chapters):
    """A course copy with the config, and the chapters' source and release."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(ROOT / "nbgrader_config.py", dest)
    for cid in chapters:
        for part in ("source", "release"):
            if not (dest / part / cid).exists():
                shutil.copytree(ROOT / part / cid, dest / part / cid)
    return dest


def course(root, *args, path=None, timeout=600):
    env = dict(os.environ)
    if path is not None:
        env["PATH"] = path
    run = subprocess.run([sys.executable, "-m", "course", "--root", str(root), *args],
                         capture_output=True, text=True, timeout=timeout, env=env)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return run.stdout


def digests(folder):
    """{relative path: sha256} of the learner's own files (not the grader's .check/ and
    progress/ folders, which check writes)."""
    out = {}
    for p in sorted(Path(folder).rglob("*")):
        rel = p.relative_to(folder)
        if p.is_file() and rel.parts[0] not in (".check", "progress"):
            out[str(rel)] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def fill(path, chapter):
    src = nbformat.read(str(ROOT / "source" / chapter / f"{chapter}.ipynb"), as_version=4)
    nbformat.write(demo.filled_release(src, nbformat.read(str(path), as_version=4)), str(path))


def test_start_then_check_grades_with_the_hidden_tests(tmp_path):
    root = course_with(tmp_path / "course", [CH1])
    out = course(root, "start")
    ws = root / "work"
    mine = ws / CH1 / f"{CH1}.ipynb"
    assert f"added {CH1}" in out and mine.is_file()
    assert json.loads(mine.read_text()) == json.loads((root / "release" / CH1 /
                                                       f"{CH1}.ipynb").read_text())
    fill(mine, CH1)
    filled = mine.read_bytes()
    course_with(root, [CH2])                                 # a `git pull` brings chapter 2
    out = course(root, "start")
    assert f"added {CH2}" in out and f"added {CH1}" not in out
    assert mine.read_bytes() == filled                      # never overwritten
    before = digests(ws)

    out = course(root, "check")
    assert f"{CH1}: 20/20  graded" in out and f"{CH2}: 0/20  graded" in out, out
    assert "ok   test-ch01-sigmoid" in out and "not answered yet" in out
    assert "WITHOUT the sandbox" not in out
    assert digests(ws) == before                            # the learner's files: only read
    page = (ws / "progress" / "index.html").read_text()
    assert "20.0 of 40.0 points" in page and "2 of 2 chapters checked" in page
    feedback = (ws / "progress" / "feedback" / f"{CH1}.html").read_text()
    src = nbformat.read(str(ROOT / "source" / CH1 / f"{CH1}.ipynb"), as_version=4)
    shown = [line for line in secret_lines(src) if line in feedback]
    assert not shown, shown[:3]

    out = course(root, "check")                             # nothing changed: nothing regraded
    assert f"{CH1}: unchanged since the last check" in out and "(0 graded" in out
    nb = nbformat.read(str(ws / CH2 / f"{CH2}.ipynb"), as_version=4)
    fill(ws / CH2 / f"{CH2}.ipynb", CH2)
    out = course(root, "check", "ch02")
    assert f"{CH2}: 20/20  graded" in out and CH1 not in out.split("checked")[0]
    assert "40.0 of 40.0 points" in (ws / "progress" / "index.html").read_text()
    assert nb is not None


def test_broken_notebooks_get_class_statuses_without_bubblewrap(tmp_path):
    root = course_with(tmp_path / "course", [CH1, CH2])
    ws = tmp_path / "elsewhere"
    course(root, "start", str(ws))
    nb1 = ws / CH1 / f"{CH1}.ipynb"
    nb = nbformat.read(str(nb1), as_version=4)
    answer = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") ==
                  "ch01-sigmoid")
    answer.source = "def sigmoid(z):\n    while True:\n        pass\n"
    nb.cells = [c for c in nb.cells                             # a test cell deleted too
                if c.metadata.get("nbgrader", {}).get("grade_id") != "test-ch01-bce_cost"]
    nbformat.write(nb, str(nb1))
    (ws / CH2 / f"{CH2}.ipynb").write_text('{"cells": [')     # not JSON any more
    before = digests(ws)
    venv_bin = str(Path(sys.executable).parent)              # no /usr/bin: no bubblewrap
    out = course(root, "check", "--timeout", "20", path=venv_bin, timeout=900)
    assert "WITHOUT the sandbox" in out
    assert f"{CH2}: 0/20  invalid" in out, out
    line = next(ln for ln in out.splitlines() if ln.startswith(f"{CH1}:"))
    assert line.split()[-1] in ("timeout", "repaired"), out
    assert "test-ch01-bce_cost" in out                      # put back, and graded
    assert digests(ws) == before
    assert (root / ".course-workspace").read_text().strip() == str(ws.resolve())
