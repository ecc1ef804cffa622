"""``python -m course demo``: the instructor's job on three pretend students prints the
expected scores: full marks, zero, and in between.

The demo runs on two chapters here (the first and the last), not all: every chapter's grading of
the same three students (solution, untouched, partial) is checked in test_autograde.py, and a
demo of the whole course is one test that no second worker can share (200 s at 24 chapters)."""
import re
import subprocess
import sys

import pytest

from conftest import CHAPTERS
from nbtools import ROOT


@pytest.mark.pipeline
def test_demo_prints_expected_scores():
    chosen = [CHAPTERS[0], CHAPTERS[-1]]
    out = subprocess.run([sys.executable, "-m", "course", "demo", "--chapters",
                          *[ch.id for ch in chosen]], cwd=ROOT, capture_output=True,
                         text=True, timeout=600)
    assert out.returncode == 0, out.stdout + out.stderr
    rows = {}
    for line in out.stdout.splitlines():
        parts = line.split()
        if len(parts) == 4 and all("/" in p for p in parts[1:]):   # a chapter row or the total
            rows[parts[0]] = [tuple(map(float, p.split("/"))) for p in parts[1:]]
    assert set(rows) == {ch.id for ch in chosen} | {"total"}, rows
    for ch in chosen:
        solution, untouched, partial = rows[ch.id]
        assert solution == (ch.points, ch.points), (ch.id, solution)
        assert untouched == (0.0, ch.points), (ch.id, untouched)
        assert 0 < partial[0] < ch.points, (ch.id, partial)
    total = sum(ch.points for ch in chosen)
    assert rows["total"][0] == (total, total) and rows["total"][1] == (0.0, total)
    assert "grades exported" in out.stdout
    assert re.search(r"done in \d+\.\d s", out.stdout)
