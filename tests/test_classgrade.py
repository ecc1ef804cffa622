"""Class-scale grading with hostile and broken submissions (``python -m course grade``).

One class of chapter 1 is graded once by ``grade_class`` (nbgrader, sandboxed kernels, two
workers); each test then checks one student's status, score, reason and flags, and that nobody
else was affected. Chapter 1 has 20 points: sigmoid 3, logistic_forward 3, bce_cost 3,
propagate 7, trained 4.
"""
import csv
import json
import signal
import socket
import subprocess
import sys
import threading
import time

import nbformat
import pytest

from course.instructor import classgrade, demo, grading
from course.instructor.cells import grade_id
from tests.nbtools import HIDDEN, course_copy, strip_hidden, submit

pytestmark = [pytest.mark.pipeline, pytest.mark.xdist_group("classgrade")]

CH = "ch01_logistic_regression"
NB = f"{CH}.ipynb"


def _notebooks(root):
    src = nbformat.read(str(root / "source" / CH / NB), as_version=4)
    rel = nbformat.read(str(root / "release" / CH / NB), as_version=4)
    return src, rel


def _cell(nb, gid):
    return next(c for c in nb.cells if grade_id(c) == gid)


def _with(nb, gid, extra, replace=None):
    """A copy of nb with ``extra`` appended to answer cell gid (or its source replaced)."""
    nb = nbformat.from_dict(json.loads(json.dumps(nb)))
    c = _cell(nb, gid)
    c.source = replace if replace is not None else c.source + "\n" + extra
    return nb


WRONG_SIGMOID = ("import numpy as np\ndef sigmoid(z):\n"
                 "    return np.zeros_like(np.asarray(z, dtype=float))\n")


def _class(root, port):
    """The submissions: name -> notebook (or raw bytes, or None for a folder without one)."""
    src, rel = _notebooks(root)
    good = demo.filled_release(src, rel)
    subs = {"alice": good, "bob": rel}
    # the two measured cheats of plain nbgrader
    subs["cheat_allclose"] = _with(good, "ch01-sigmoid", "",
                                   WRONG_SIGMOID + "np.allclose = lambda *a, **k: True\n"
                                   "np.isclose = lambda *a, **k: True\n")
    subs["wrong_sigmoid"] = _with(good, "ch01-sigmoid", "", WRONG_SIGMOID)
    subs["reader"] = _with(good, "ch01-sigmoid", (
        "for p in ['../../../source/ch01_logistic_regression/ch01_logistic_regression.ipynb',\n"
        "          '../../alice/ch01_logistic_regression/ch01_logistic_regression.ipynb']:\n"
        "    try:\n        print('READ', open(p).read()[:40])\n"
        "    except OSError as e:\n        print('BLOCKED', type(e).__name__)\n"))
    subs["gradebook_writer"] = _with(good, "ch01-sigmoid", (
        "import sqlite3, os\n"
        "for p in ['../../../gradebook.db', '" + str(root / "gradebook.db") + "']:\n"
        "    try:\n"
        "        db = sqlite3.connect(p); db.execute('update grade set manual_score = 99');"
        " db.commit()\n"
        "        print('WROTE', p)\n"
        "    except Exception as e:\n        print('BLOCKED', type(e).__name__)\n"))
    subs["network"] = _with(good, "ch01-sigmoid", (
        "import socket\ntry:\n"
        f"    socket.create_connection(('127.0.0.1', {port}), timeout=2).sendall(b'LEAK')\n"
        "    print('CONNECTED')\n"
        "except OSError as e:\n    print('BLOCKED', type(e).__name__)\n"))
    subs["rebinder"] = _with(good, "ch01-sigmoid", (
        "import builtins, course.testing\nbuiltins.abs = lambda x: 0\n"
        "course.testing.check_close = lambda *a, **k: None\n"))
    subs["frame_peeker"] = _with(good, "ch01-sigmoid", "", (
        "import sys\nimport numpy as np\n"
        "def sigmoid(z):\n"
        "    caller = sys._getframe(1).f_locals          # read what the test expects\n"
        "    return 1 / (1 + np.exp(-np.asarray(z, dtype=float)))\n"))
    subs["memory_bomb"] = _with(good, "ch01-sigmoid", "try:\n    hog = bytearray(8 << 30)\n"
                                "except MemoryError:\n    print('MEMORY LIMIT')\n")
    subs["huge_output"] = _with(good, "ch01-sigmoid", "print('x' * (30 << 20))\n")
    subs["loop_top"] = _with(good, "ch01-sigmoid", "while True:\n    pass\n")
    subs["loop_inside"] = _with(good, "ch01-sigmoid", "",
                                "def sigmoid(z):\n    while True:\n        pass\n")
    subs["ignores_interrupt"] = _with(good, "ch01-sigmoid", (
        "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass\n"))
    subs["ignores_interrupt_hard"] = _with(good, "ch01-propagate", (
        "import _signal\n_signal.signal(_signal.SIGINT, _signal.SIG_IGN)\nwhile True:\n    pass\n"))
    subs["kernel_death"] = _with(good, "ch01-propagate", "import os\nos._exit(1)\n")
    subs["invalid_json"] = nbformat.writes(good)[:-200].encode()
    subs["renamed_notebook"] = ("Copy of ch01 (2).ipynb", good)
    subs["no_notebook"] = None
    deleted = nbformat.from_dict(json.loads(json.dumps(good)))
    deleted.cells.remove(_cell(deleted, "test-ch01-bce_cost"))
    subs["deleted_test"] = deleted
    dup = nbformat.from_dict(json.loads(json.dumps(good)))
    t = _cell(dup, "test-ch01-sigmoid")
    dup.cells.insert(dup.cells.index(t) + 1, nbformat.from_dict(json.loads(json.dumps(t))))
    subs["duplicated_test"] = dup
    edited = nbformat.from_dict(json.loads(json.dumps(subs["wrong_sigmoid"])))
    t = _cell(edited, "test-ch01-sigmoid")
    t.source = "assert True"
    t.metadata.nbgrader["points"] = 100
    subs["edited_test"] = edited
    renamed = nbformat.from_dict(json.loads(json.dumps(good)))
    _cell(renamed, "ch01-bce_cost").metadata.nbgrader["grade_id"] = "my-bce"
    _cell(renamed, "test-ch01-sigmoid").metadata.nbgrader["grade_id"] = "my-test"
    subs["renamed_ids"] = renamed
    return subs


def _write(root, name, value):
    folder = root / "submitted" / name / CH
    folder.mkdir(parents=True, exist_ok=True)
    if value is None:
        (folder / "notes.txt").write_text("I could not finish")
    elif isinstance(value, bytes):
        (folder / NB).write_bytes(value)
    elif isinstance(value, tuple):
        nbformat.write(value[1], str(folder / value[0]))
    else:
        submit(root, name, CH, value)


class _Listener:
    """A TCP server on the grader's loopback: a sandboxed kernel must not reach it."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.sock.settimeout(0.5)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.stop = False
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.stop:
            try:
                conn, _ = self.sock.accept()
                self.connections += 1
                conn.close()
            except OSError:
                pass


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = course_copy(tmp_path_factory.mktemp("classgrade"), [CH])
    grading.generate(grading.nbgrader_api(root), CH)
    listener = _Listener()
    subs = _class(root, listener.port)
    for name, value in subs.items():
        _write(root, name, value)
    log = []

    class Out:
        def write(self, s):
            log.append(s)

        def flush(self):
            pass

    started = time.monotonic()
    rows = classgrade.grade_class(root, CH, jobs=2, timeout=25, cell_timeout=4, out=Out())
    listener.stop = True
    return {"root": root, "rows": {r["student"]: r for r in rows}, "log": "".join(log),
            "seconds": time.monotonic() - started, "listener": listener, "names": list(subs)}


def _autograded_text(graded, student):
    """Everything the student's cells printed when nbgrader ran them."""
    path = graded["root"] / "autograde" / student / CH / NB
    nb = nbformat.read(str(path), as_version=4)
    return "".join(o.get("text", "") + o.get("evalue", "") for c in nb.cells
                   for o in c.get("outputs", []))


def _hidden_test_lines(nb):
    """Lines of the hidden tests (12+ characters) that the release does not show."""
    public = "\n".join(strip_hidden(c.source) for c in nb.cells)
    lines = set()
    for c in nb.cells:
        for block in HIDDEN.findall(c.source):
            lines |= {ln.strip() for ln in block.splitlines()
                      if len(ln.strip()) >= 12 and not ln.strip().startswith("#")}
    return {ln for ln in lines if ln not in public}


def test_every_student_once_with_a_status(graded):
    rows = graded["rows"]
    assert sorted(rows) == sorted(graded["names"])
    assert all(r["status"] in classgrade.STATUSES for r in rows.values())
    assert all(r["status"] == "graded" or r["reasons"] for r in rows.values()), \
        "every status other than graded has a reason"
    assert "alice" in graded["log"] and "submissions in" in graded["log"]


def test_good_and_untouched(graded):
    rows = graded["rows"]
    assert rows["alice"]["score"] == 20 and rows["alice"]["status"] == "graded"
    assert not rows["alice"]["flags"]
    assert rows["bob"]["score"] == 0 and rows["bob"]["status"] == "graded"
    assert any("NotImplementedError" in c["failure"] for c in rows["bob"]["cells"])


def test_allclose_cheat_does_not_pay_and_is_flagged(graded):
    rows = graded["rows"]
    assert rows["cheat_allclose"]["score"] == rows["wrong_sigmoid"]["score"] < 20
    assert any("numpy.allclose" in f for f in rows["cheat_allclose"]["flags"])
    assert not rows["wrong_sigmoid"]["flags"]


def test_hidden_tests_and_other_students_unreadable(graded):
    text = _autograded_text(graded, "reader")
    assert text.count("BLOCKED") >= 2 and "READ " not in text
    assert any("outside its folder" in f and "source" in f
               for f in graded["rows"]["reader"]["flags"])
    assert graded["rows"]["reader"]["score"] == 20


def test_gradebook_unwritable(graded):
    text = _autograded_text(graded, "gradebook_writer")
    assert "WROTE" not in text and "BLOCKED" in text
    assert graded["rows"]["gradebook_writer"]["flags"]
    assert graded["rows"]["gradebook_writer"]["score"] == 20
    assert grading.scores(graded["root"])[("alice", CH)][0] == 20


def test_no_network(graded):
    text = _autograded_text(graded, "network")
    assert "CONNECTED" not in text and "BLOCKED" in text
    assert graded["listener"].connections == 0
    assert any("socket" in f for f in graded["rows"]["network"]["flags"])


def test_rebinding_is_undone_and_flagged(graded):
    row = graded["rows"]["rebinder"]
    assert row["score"] == 20
    assert any("builtins.abs" in f for f in row["flags"])
    assert any("course.testing.check_close" in f for f in row["flags"])


def test_reading_the_tests_frames_is_flagged(graded):
    row = graded["rows"]["frame_peeker"]
    assert any("sys._getframe" in f for f in row["flags"]), row
    assert not graded["rows"]["alice"]["flags"]


def test_memory_bounded(graded):
    assert "MEMORY LIMIT" in _autograded_text(graded, "memory_bomb")
    assert graded["rows"]["memory_bomb"]["score"] == 20


def test_huge_output_is_capped(graded):
    row = graded["rows"]["huge_output"]
    assert row["score"] == 20
    size = (graded["root"] / "autograde" / "huge_output" / CH / NB).stat().st_size
    assert size < 3 << 20


@pytest.mark.parametrize("student, score, status", [
    # the loop cell stops at its limit, after its def ran: everything else grades
    ("loop_top", 20, "timeout"),
    # every test whose code calls sigmoid stops at its limit; only bce_cost (3) passes
    ("loop_inside", 3, "timeout"),
    # the guard refuses SIG_IGN, so the cell is interrupted as usual
    ("ignores_interrupt", 20, "timeout"),
    # the kernel really ignores SIGINT / really dies: a fresh kernel runs the notebook without
    # that cell, so propagate (7) and the training check that uses it (4) are lost
    ("ignores_interrupt_hard", 9, "crashed"),
    ("kernel_death", 9, "crashed"),
])
def test_loops_and_dead_kernels(graded, student, score, status):
    row = graded["rows"][student]
    assert row["status"] == status, row
    assert row["score"] == score, row
    assert row["seconds"] < 25 * 2 + 30


def test_time_limits_do_not_hold_up_the_class(graded):
    # 24 students, 5 of them loop or die: with 2 workers this stays far below the
    # sum of their limits on one worker
    assert graded["seconds"] < 240, graded["seconds"]


@pytest.mark.parametrize("student, status, score, words", [
    ("invalid_json", "invalid", 0, "not valid JSON"),
    ("no_notebook", "missing", 0, "notes.txt"),
    ("renamed_notebook", "repaired", 20, "Copy of ch01"),
    ("deleted_test", "repaired", 20, "test-ch01-bce_cost was deleted"),
    ("duplicated_test", "repaired", 20, "appears twice"),
    ("edited_test", "repaired", None, "test-ch01-sigmoid was edited"),
    ("renamed_ids", "repaired", 20, "restored to 'ch01-bce_cost'"),
])
def test_broken_submissions(graded, student, status, score, words):
    row = graded["rows"][student]
    assert row["status"] == status, row
    assert any(words in r for r in row["reasons"]), row["reasons"]
    if score is not None:
        assert row["score"] == score, row
    else:
        assert row["score"] == graded["rows"]["wrong_sigmoid"]["score"]
        assert row["max_score"] == 20


def test_export_and_gradebook_agree(graded):
    root = graded["root"]
    book = grading.scores(root)
    with open(root / "reports" / CH / "grades.csv") as f:
        table = {r["student"]: r for r in csv.DictReader(f)}
    assert sorted(table) == sorted(graded["names"])
    for student, r in table.items():
        assert r["status"] and (r["status"] == "graded" or r["reason"])
        if r["status"] in ("missing", "invalid"):
            assert float(r["score"]) == 0 and (student, CH) not in book
        else:
            assert float(r["score"]) == book[(student, CH)][0], student
    with open(root / "reports" / CH / "gradebook_export.csv") as f:
        exported = {r["student_id"]: float(r["score"]) for r in csv.DictReader(f)
                    if r["assignment"] == CH}
    assert all(exported[s] == book[(s, CH)][0] for s in exported)


def test_feedback_never_shows_hidden_tests(graded):
    root = graded["root"]
    src, _ = _notebooks(root)
    secrets = _hidden_test_lines(src)
    assert len(secrets) > 20
    pages = list((root / "feedback").glob(f"*/{CH}/*.html"))
    assert len(pages) >= 15
    for page in pages:
        text = page.read_text()
        leaked = [s for s in secrets if s in text]
        assert not leaked, (page, leaked[:3])
    # the wrong sigmoid's feedback still says what was wrong
    text = (root / "feedback" / "wrong_sigmoid" / CH / f"{CH}.html").read_text()
    assert "AssertionError" in text or "sigmoid" in text


def test_interrupted_run_resumes_without_losing_or_repeating(tmp_path):
    root = course_copy(tmp_path / "course", [CH])
    grading.generate(grading.nbgrader_api(root), CH)
    src, rel = _notebooks(root)
    good, half = demo.filled_release(src, rel), demo.partial_submission(src, rel)
    names = [f"s{i:02d}" for i in range(8)]
    for i, name in enumerate(names):
        submit(root, name, CH, good if i % 2 == 0 else half)
    cmd = [sys.executable, "-m", "course", "--root", str(root), "grade", CH, "--jobs", "2"]
    first = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                             start_new_session=True)
    records = root / "reports" / CH / "records"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(records.glob("*.json"))) < 3:
        time.sleep(0.2)
    import os
    os.killpg(first.pid, signal.SIGINT)            # Ctrl-C in the instructor's terminal
    out1, _ = first.communicate(timeout=60)
    done_before = len(list(records.glob("*.json")))
    assert 3 <= done_before < len(names), out1
    second = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert second.returncode == 0, second.stdout + second.stderr
    assert f"{done_before} of {len(names)} already graded" in second.stdout
    book = grading.scores(root)
    expected_half = grading.scores(root)[("s01", CH)][0]
    assert expected_half < 20
    for i, name in enumerate(names):
        assert book[(name, CH)][0] == (20 if i % 2 == 0 else expected_half), name
    with open(root / "reports" / CH / "grades.csv") as f:
        assert sorted(r["student"] for r in csv.DictReader(f)) == names   # once each
    from nbgrader.api import Gradebook
    with Gradebook(grading.load_config(root).CourseDirectory.db_url) as gb:
        assert sorted(s.student.id for s in gb.find_assignment(CH).submissions) == names
