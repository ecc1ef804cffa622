"""``python -m course grade ASSIGNMENT --retest``: regrading a class after a hidden test was fixed
in source/ (nbgrader keeps the tests it released in the gradebook and puts them back into every
submission, issues #1069 and #1322, so an edit of source/ alone changes no grade).

One class of chapter 1 (20 points; sigmoid's test is worth 3) is graded once, then the course
copy's source is edited and ``--retest`` is run through the real command line, step by step:
no change (nothing regraded), a stricter hidden test (only the student it catches loses points),
then two edits that need a new release (refused, nothing touched).
"""
import csv
import json
import math
import subprocess
import sys

import nbformat
import pytest

from course.instructor import classgrade, demo, grading
from course.instructor.cells import grade_id
from course.instructor.retest import compare
from tests.nbtools import cell_scores, course_copy, submit

pytestmark = [pytest.mark.pipeline, pytest.mark.xdist_group("retest")]

CH = "ch01_logistic_regression"
NB = f"{CH}.ipynb"

# sigmoid(-z) = 1 - sigmoid(z): right in every existing test (at z = -50 it returns 0 where
# 1.9e-22 is due, inside the hidden test's atol), but all precision is lost for z << 0
CANCELLING_SIGMOID = ("import numpy as np\ndef sigmoid(z):\n"
                      "    z = np.asarray(z, dtype=np.float64)\n"
                      "    p = 1.0 / (1.0 + np.exp(-np.abs(z)))\n"
                      "    return np.where(z >= 0, p, 1.0 - p)\n")
# the fix: sigmoid(-40) to full relative precision (the source's solution computes e/(1+e))
STRICTER = (f"check_close(sigmoid(np.array([-40.0])), [{1 / (1 + math.exp(40))!r}], "
            "'sigmoid(-40) to full relative precision', rtol=1e-9, atol=0)\n")


def _cell(nb, gid):
    return next(c for c in nb.cells if grade_id(c) == gid)


def _source(root):
    return nbformat.read(str(root / "source" / CH / NB), as_version=4)


def _write_source(root, nb):
    nbformat.write(nb, str(root / "source" / CH / NB))


def _retest(root):
    cmd = [sys.executable, "-m", "course", "--root", str(root), "grade", CH, "--retest",
           "--jobs", "2", "--timeout", "25", "--cell-timeout", "4"]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300)


def _state(root):
    """What a refused retest must leave as it was: records, tables, history, gradebook."""
    reports = root / "reports" / CH
    files = {p.name: p.read_bytes() for p in sorted((reports / "records").glob("*.json"))}
    for name in ("grades.csv", "cells.csv", "history.jsonl"):
        files[name] = (reports / name).read_bytes() if (reports / name).exists() else None
    book = {s: cell_scores(root, CH, s) for s in ("alice", "bob", "carol")}
    return files, book, grading.scores(root)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = course_copy(tmp_path_factory.mktemp("retest"), [CH])
    grading.generate(grading.nbgrader_api(root), CH)
    src = _source(root)
    rel = nbformat.read(str(root / "release" / CH / NB), as_version=4)
    good = demo.filled_release(src, rel)
    buggy = nbformat.from_dict(json.loads(json.dumps(good)))
    _cell(buggy, "ch01-sigmoid").source = CANCELLING_SIGMOID
    for name, nb in (("alice", good), ("bob", buggy), ("carol", rel)):
        submit(root, name, CH, nb)

    class Quiet:
        def write(self, s):
            pass

        def flush(self):
            pass

    classgrade.grade_class(root, CH, jobs=2, timeout=25, cell_timeout=4, out=Quiet())
    out = {"root": root, "first": _state(root)}
    out["unchanged"] = _retest(root)
    out["after_unchanged"] = _state(root)

    src = _source(root)
    test = _cell(src, "test-ch01-sigmoid")
    assert "### END HIDDEN TESTS" in test.source
    test.source = test.source.replace("### END HIDDEN TESTS", STRICTER + "### END HIDDEN TESTS")
    _write_source(root, src)
    release = root / "release" / CH / NB
    release_before = release.read_bytes()
    out["fixed"] = _retest(root)
    out["release_same"] = release.read_bytes() == release_before
    out["after_fix"] = _state(root)

    renamed = _source(root)
    _cell(renamed, "ch01-bce_cost").metadata.nbgrader["grade_id"] = "ch01-bce"
    _write_source(root, renamed)
    out["renamed"] = _retest(root)
    out["after_renamed"] = _state(root)
    out["release_kept"] = release.read_bytes() == release_before

    added = _source(root)            # the rename undone; one more graded test instead
    _cell(added, "ch01-bce").metadata.nbgrader["grade_id"] = "ch01-bce_cost"
    extra = nbformat.from_dict(json.loads(json.dumps(_cell(added, "test-ch01-sigmoid"))))
    extra.metadata.nbgrader["grade_id"] = "test-ch01-sigmoid-more"
    added.cells.insert(added.cells.index(_cell(added, "test-ch01-sigmoid")) + 1, extra)
    _write_source(root, added)
    out["added"] = _retest(root)
    out["after_added"] = _state(root)
    return out


def test_graded_as_expected_before_the_fix(run):
    _, book, scores = run["first"]
    assert {s: scores[(s, CH)][0] for s in ("alice", "bob", "carol")} == \
        {"alice": 20, "bob": 20, "carol": 0}, "the existing hidden test must miss bob's bug"


def test_unchanged_tests_regrade_nothing(run):
    r = run["unchanged"]
    assert r.returncode == 0, r.stdout + r.stderr
    assert "nothing to regrade" in r.stdout
    assert "graded" not in r.stdout                # no student was run
    assert run["after_unchanged"] == run["first"]


def test_stricter_hidden_test_lowers_only_the_student_it_catches(run):
    r = run["fixed"]
    assert r.returncode == 0, r.stdout + r.stderr
    assert "test-ch01-sigmoid (test cell: text)" in r.stdout
    assert "1 of 3 scores changed" in r.stdout
    changed = r.stdout.split("scores changed:")[1].splitlines()
    bob = [ln for ln in changed if ln.strip().startswith("bob")]
    assert len(bob) == 1 and "20 -> 17" in bob[0] and "test-ch01-sigmoid 3 -> 0" in bob[0], bob
    assert not any(ln.strip().startswith(("alice", "carol")) for ln in changed), r.stdout
    # the gradebook agrees, cell by cell
    files, book, scores = run["after_fix"]
    _, old_book, _ = run["first"]
    assert {s: scores[(s, CH)][0] for s in ("alice", "bob", "carol")} == \
        {"alice": 20, "bob": 17, "carol": 0}
    assert book["bob"]["test-ch01-sigmoid"] == (0, 3)
    assert {k: v for k, v in book["bob"].items() if k != "test-ch01-sigmoid"} == \
        {k: v for k, v in old_book["bob"].items() if k != "test-ch01-sigmoid"}
    assert book["alice"] == old_book["alice"] and book["carol"] == old_book["carol"]
    rows = {row["student"]: row for row in csv.DictReader(files["grades.csv"].decode()
                                                          .splitlines())}
    assert float(rows["bob"]["score"]) == 17
    # the stricter test is what ran: it is in bob's autograded notebook
    graded = nbformat.read(str(run["root"] / "autograde" / "bob" / CH / NB), as_version=4)
    assert "full relative precision" in _cell(graded, "test-ch01-sigmoid").source
    assert run["release_same"] and "release/ch01_logistic_regression is unchanged" in r.stdout
    assert not (run["root"] / "reports" / CH / "retest-pending.json").exists()


def test_history_keeps_the_old_grades(run):
    lines = run["after_fix"][0]["history.jsonl"].decode().splitlines()
    assert len(lines) == 1
    entry = json.loads(lines[0])
    assert [c["grade_id"] for c in entry["changed"]] == ["test-ch01-sigmoid"]
    students = {s["student"]: s for s in entry["students"]}
    assert sorted(students) == ["alice", "bob", "carol"]
    old_records = {name: json.loads(data) for name, data in run["first"][0].items()
                   if name.endswith(".json")}
    for name, s in students.items():
        old = old_records[f"{name}.json"]
        assert s["old"]["score"] == old["score"]
        assert s["old"]["cells"] == {c["grade_id"]: c["score"] for c in old["cells"]}
    assert students["bob"]["old"]["cells"]["test-ch01-sigmoid"] == 3
    assert students["bob"]["new"]["cells"]["test-ch01-sigmoid"] == 0
    assert students["bob"]["new"]["score"] == 17 and students["alice"]["new"]["score"] == 20
    assert entry["time"]


@pytest.mark.parametrize("step, words", [
    ("renamed", ["answer cell ch01-bce is new", "answer cell ch01-bce_cost is gone"]),
    ("added", ["test cell test-ch01-sigmoid-more is new"]),
])
def test_new_cells_are_refused_and_nothing_is_regraded(run, step, words):
    r = run[step]
    assert r.returncode != 0, r.stdout
    assert "--retest refused" in r.stderr and "new release" in r.stderr, r.stderr
    assert r.stderr.count(" is new") + r.stderr.count(" is gone") == len(words), r.stderr
    for w in words:
        assert w in r.stderr, r.stderr
    assert "graded" not in r.stdout
    assert run[f"after_{step}"] == run["after_fix"]     # records, tables, history, gradebook
    assert run["release_kept"]                          # nbgrader would have deleted it


def test_compare_sorts_changes_from_refusals():
    def nb(points=3.0, text="assert f(1) == 2", extra=()):
        source = {"f": ("# YOUR CODE HERE", "a"), "test-f": (text, "b"), "setup": ("import x", "c")}
        source.update({name: ("", "d") for name in extra})
        return {"nb": {"grade": {"test-f": points, **{n: 1.0 for n in extra}},
                       "solution": {"f"}, "task": {}, "source": source}}
    assert compare(nb(), nb()) == ([], [])
    assert compare(nb(), nb(points=4.0, text="assert f(1) == 2 and f(2) == 3")) == ([], [
        {"grade_id": "test-f", "notebook": "nb", "kind": "test cell",
         "what": "text, points 3 -> 4"}])
    refusals, changes = compare(nb(), nb(extra=["test-g"]))
    assert refusals == ["nb: test cell test-g is new"] and changes == []
    stub = nb()
    stub["nb"]["source"]["f"] = ("pass", "e")        # the answer's stub: not what is graded
    assert compare(nb(), stub) == ([], [])


@pytest.fixture(scope="module")
def resumed(run):
    """After the steps above: the stricter check taken out again (too strict, say), a
    --retest stopped by Ctrl-C once bob is regraded, then the same command again."""
    import os
    import signal
    import time

    root = run["root"]
    src = _source(root)
    src.cells = [c for c in src.cells if grade_id(c) != "test-ch01-sigmoid-more"]
    test = _cell(src, "test-ch01-sigmoid")
    assert STRICTER in test.source
    test.source = test.source.replace(STRICTER, "")
    _write_source(root, src)
    records = root / "reports" / CH / "records"
    pending = root / "reports" / CH / "retest-pending.json"
    started = time.time()
    cmd = [sys.executable, "-m", "course", "--root", str(root), "grade", CH, "--retest",
           "--jobs", "1", "--timeout", "25", "--cell-timeout", "4"]
    first = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                             start_new_session=True)
    deadline = time.monotonic() + 120
    bob = records / "bob.json"
    while time.monotonic() < deadline and first.poll() is None \
            and bob.stat().st_mtime <= started:
        time.sleep(0.1)
    os.killpg(first.pid, signal.SIGINT)          # Ctrl-C once bob is regraded (one at a time)
    interrupted, _ = first.communicate(timeout=60)
    was_pending = pending.exists()
    again = _retest(root)
    return {"interrupted": interrupted, "was_pending": was_pending, "again": again,
            "state": _state(root), "started": started}


def test_an_interrupted_retest_is_finished_by_running_it_again(run, resumed):
    assert "interrupted" in resumed["interrupted"], resumed["interrupted"]
    assert resumed["was_pending"]
    r = resumed["again"]
    assert r.returncode == 0, r.stdout + r.stderr
    assert "an interrupted regrade is finished first" in r.stdout
    assert "1 of 3 scores changed" in r.stdout
    assert any(ln.strip().startswith("bob") and "17 -> 20" in ln and "test-ch01-sigmoid 0 -> 3"
               in ln for ln in r.stdout.splitlines()), r.stdout
    root = run["root"]
    assert not (root / "reports" / CH / "retest-pending.json").exists()
    assert all(p.stat().st_mtime > resumed["started"]
               for p in (root / "reports" / CH / "records").glob("*.json"))
    lines = resumed["state"][0]["history.jsonl"].decode().splitlines()
    assert len(lines) == 2
    entry = json.loads(lines[1])
    assert [c["grade_id"] for c in entry["changed"]] == ["test-ch01-sigmoid"]
    # the grades from before the interrupted run (bob's record already said 20 when it stopped)
    assert {s["student"]: s["old"]["score"] for s in entry["students"]} == \
        {"alice": 20, "bob": 17, "carol": 0}
    assert {s["student"]: s["new"]["score"] for s in entry["students"]} == \
        {"alice": 20, "bob": 20, "carol": 0}
    assert resumed["state"][2][("bob", CH)][0] == 20
