"""``python -m course export``: a small class of chapter 1 graded for real by ``course grade``'s
code, then exported through the real command line; every cell of canvas.csv, moodle.csv and
tests.csv is read back with ``csv`` and checked against the gradebook (nbgrader's own API),
on SQLite and on PostgreSQL (tests/pgserver.py).

The class: alice (the solution), bob (the untouched release), carol (the last exercise left
out; a formula as her last name in the gradebook), dave (his sigmoid raises an exception whose
name is a formula), and a folder named like a formula (``course grade`` calls it invalid, so it
has a record and no score). The roster leaves carol and that folder out, gives dave a formula as
his name, and lists erin, who submitted nothing, with a formula as her section.
"""
import contextlib
import csv
import io
import json
import subprocess
import sys

import nbformat
import pytest

from course.instructor import classgrade, demo, grading
from course.instructor.cells import grade_id
from course.instructor.lms import CANVAS_COLUMNS, MOODLE_COLUMNS, TESTS_COLUMNS
from course.instructor.textsafe import from_spreadsheet_cell
from nbtools import course_copy, submit
from pgserver import postgres_server

pytestmark = [pytest.mark.pipeline, pytest.mark.xdist_group("lms_export")]

CH = "ch01_logistic_regression"
NB = f"{CH}.ipynb"
HOSTILE_ID = "=HYPERLINK(\"x\")"          # a folder name: no slash
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
ROSTER = [  # student_id, Student, ID, SIS User ID, SIS Login ID, Section
    ("alice", "Liddell, Alice", "101", "S-1", "alice", "A"),
    ("bob", "Builder, Bob", "102", "S-2", "bob", "A"),
    ("dave", "@SUM(A1:A2)", "104", "S-4", "dave", "B"),
    ("erin", "Erin, E.", "105", "S-5", "erin", "=cmd|' /C calc'!A0"),
]


def _class(root):
    src = nbformat.read(str(root / "source" / CH / NB), as_version=4)
    rel = nbformat.read(str(root / "release" / CH / NB), as_version=4)
    good = demo.filled_release(src, rel)
    raising = nbformat.from_dict(json.loads(json.dumps(good)))
    cell = next(c for c in raising.cells if grade_id(c) == "ch01-sigmoid")
    cell.source = ("class _E(Exception):\n    pass\n_E.__name__ = '=HYPERLINK(\"http://x\",\"y\")'\n"
                   "def sigmoid(z):\n    raise _E('boom')\n")
    return {"alice": good, "bob": rel, "carol": demo.partial_submission(src, rel),
            "dave": raising, HOSTILE_ID: good}


def _grade(root):
    grading.generate(grading.nbgrader_api(root), CH)
    for name, nb in _class(root).items():
        submit(root, name, CH, nb)
    out = io.StringIO()
    rows = classgrade.grade_class(root, CH, jobs=2, timeout=60, out=out)
    status = {r["student"]: r["status"] for r in rows}
    assert status == {"alice": "graded", "bob": "graded", "carol": "graded", "dave": "graded",
                      HOSTILE_ID: "invalid"}, out.getvalue()
    from nbgrader.api import Gradebook
    with Gradebook(grading.load_config(root).CourseDirectory.db_url) as gb:
        gb.update_or_create_student("carol", last_name="+1+1", first_name="Carol")


def _book(root):
    """What the gradebook says: {student: score or None}, max score, {(student, grade_id):
    (score, max)} (nbgrader's API, nothing of the export's)."""
    from nbgrader.api import Gradebook, MissingEntry
    with Gradebook(grading.load_config(root).CourseDirectory.db_url) as gb:
        top = gb.find_assignment(CH).max_score
        students, cells = {}, {}
        for s in gb.students:
            try:
                sub = gb.find_submission(CH, s.id)
            except MissingEntry:
                students[s.id] = None
                continue
            students[s.id] = max(0.0, sub.score - sub.late_submission_penalty)
            for nb in sub.notebooks:
                for g in nb.grades:
                    cells[(s.id, g.name)] = (g.score, g.max_score)
    return students, top, cells


def _read(path):
    with open(path, newline="", encoding="utf-8") as f:
        raw = list(csv.reader(f))
    for row in raw:
        for cell in row:
            assert not cell.startswith(FORMULA_START), (path.name, cell)
    return raw, [[from_spreadsheet_cell(c) for c in row] for row in raw]


def _score(cell):
    return None if cell == "" else float(cell)


def _export_and_check(root, tmp):
    roster = tmp / "roster.csv"
    with open(roster, "w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([["student_id", "Student", "ID", "SIS User ID", "SIS Login ID",
                                  "Section"], *ROSTER])
    dest = tmp / "lms"
    cmd = [sys.executable, "-m", "course", "--root", str(root), "export"]
    done = subprocess.run(cmd + [CH, "--roster", str(roster), "--to", str(dest)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr

    book, top, cells = _book(root)
    assert book["alice"] == top == 20 and book["bob"] == 0 and 0 < book["carol"] < top
    assert 0 < book["dave"] < top and HOSTILE_ID not in book and "erin" not in book

    # canvas.csv: header, Points Possible, the roster in its order, then the others, sorted
    raw, rows = _read(dest / "canvas.csv")
    assert rows[0] == CANVAS_COLUMNS + [CH]
    assert rows[1][:5] == ["Points Possible", "", "", "", ""] and float(rows[1][5]) == top
    expected = [list(r[1:]) + [book.get(r[0])] for r in ROSTER]
    expected += [[HOSTILE_ID, "", "", "", "", None],            # sorted: "=" before "c"
                 ["+1+1, Carol", "", "", "", "", book["carol"]]]
    assert [r[:5] + [_score(r[5])] for r in rows[2:]] == expected
    cells_raw = {c for row in raw for c in row}
    assert {"'@SUM(A1:A2)", "'=cmd|' /C calc'!A0", "'+1+1, Carol", "'" + HOSTILE_ID} <= cells_raw

    # moodle.csv: the same students and scores, identified by SIS ids
    _, mrows = _read(dest / "moodle.csv")
    assert mrows[0] == MOODLE_COLUMNS + [CH]
    assert [r[:3] + [_score(r[3])] for r in mrows[1:]] == \
        [["", r[3], r[4], book.get(r[0])] for r in ROSTER] \
        + [["", "", "", None], ["", "", "", book["carol"]]]

    # tests.csv: every graded cell of the gradebook once, with status and first failure line
    _, trows = _read(dest / "tests.csv")
    assert trows[0] == TESTS_COLUMNS
    seen = {}
    for student, assignment, nb, gid, score, mx, status, failure in trows[1:]:
        assert assignment == CH
        if student == HOSTILE_ID:
            assert (gid, score, status) == ("", "", "invalid") and failure, trows
            continue
        assert nb == CH and status == "graded" and "\n" not in failure
        seen[(student, gid)] = (float(score), float(mx))
        assert bool(failure) == (float(score) < float(mx)), (student, gid, failure)
    assert seen == cells and len(trows) == len(cells) + 2
    dave = next(r for r in trows if r[0] == "dave" and r[3] == "test-ch01-sigmoid")
    assert "HYPERLINK" in dave[7], dave            # the formula came through, quoted

    # the notes: who is not in the roster, who is in it without a submission
    notes = (dest / "export_notes.txt").read_text()
    missing = next(ln for ln in notes.splitlines() if "not in the roster" in ln)
    assert "carol" in missing and HOSTILE_ID in missing and "alice" not in missing
    extra = next(ln for ln in notes.splitlines() if "no submission" in ln)
    assert extra.endswith(": erin")
    assert HOSTILE_ID in next(ln for ln in notes.splitlines() if "no score" in ln)
    assert missing in done.stdout and extra in done.stdout

    # an assignment the gradebook does not have is refused, with the ones it has
    bad = subprocess.run(cmd + ["ch99_nothing"], capture_output=True, text=True, timeout=120)
    assert bad.returncode != 0 and "ch99_nothing" in bad.stderr and CH in bad.stderr


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_export_matches_the_gradebook(backend, tmp_path, monkeypatch):
    with contextlib.ExitStack() as stack:
        if backend == "postgres":
            monkeypatch.setenv("COURSE_DB_URL",
                               stack.enter_context(postgres_server(tmp_path / "server")))
        root = course_copy(tmp_path / "course", [CH])
        _grade(root)
        if backend == "postgres":
            assert not (root / "gradebook.db").exists()
        _export_and_check(root, tmp_path)


def test_a_canvas_gradebook_export_is_a_roster(tmp_path):
    """Canvas's own export (a BOM, its Points Possible row, score columns after Section) read
    as a roster: SIS Login ID is the nbgrader id; a row without one, or listed twice, is noted."""
    from course.instructor.lms import read_roster
    path = tmp_path / "canvas_export.csv"
    path.write_text("\ufeffStudent,ID,SIS User ID,SIS Login ID,Section,Quiz 1 (77),Current Score\n"
                    "    Points Possible,,,,,10.00,(read only)\n"
                    "\"Liddell, Alice\",101,S-1,alice,A,9,90\n"
                    "\"Student, Test\",999,,,A,,\n"
                    "\"Again, Alice\",103,S-3,alice,B,1,10\n", encoding="utf-8")
    entries, notes = read_roster(path)
    assert [(sid, row["Student"], row["ID"], row["Section"]) for sid, row in entries] == \
        [("alice", "Liddell, Alice", "101", "A")]
    assert len(notes) == 2 and "line 4" in notes[0] and "Student, Test" in notes[0]
    assert "alice is listed twice" in notes[1]
    (tmp_path / "bad.csv").write_text("name,score\nalice,3\n")
    with pytest.raises(SystemExit, match="student_id"):
        read_roster(tmp_path / "bad.csv")
