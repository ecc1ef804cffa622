"""``python -m course export``: the gradebook's scores as files an LMS imports, and one row per
test for item analysis.

Writes into ``--to DIR`` (default ``reports/`` in the course):

``canvas.csv``, Canvas's gradebook import ("Grades > Import"). Followed: Canvas's own importer,
``app/models/gradebook_importer.rb`` in instructure/canvas-lms (its rules are below), and
universities' guides to it (Ohio State's "Import a CSV file to Carmen grades", VCU's "Gradebook
action menu": a CSV shaped like Canvas's own gradebook export). The header is
``Student, ID, SIS User ID, SIS Login ID, Section`` (the importer needs ``Student`` and ``ID``
first, ``SIS User ID`` and ``SIS Login ID`` third and fourth, and ``Section`` as the last
student column), then one column per assignment. A column
named ``Title (12345)`` updates Canvas assignment 12345; a plain title updates the assignment
with that title or, if there is none, creates it: this file writes the nbgrader assignment name,
so the first import creates the column. The second row starts with ``Points Possible`` and gives
each assignment's maximum (the importer reads it as the new assignment's points). Canvas finds
each student by ``ID`` (its user id), else ``SIS User ID``, else ``SIS Login ID``, else by the
name in ``Student`` ("Last, First" or the display name); one it cannot find is shown on the
import page to be matched by hand. An empty score cell is no score (over a score Canvas already
has, the importer lists it as a change to confirm).

``moodle.csv``, Moodle's "Import grades > CSV file": a header row and one row per student;
``Email address``, ``ID number`` and ``Username`` are the identifier columns to map to Moodle's
user fields on the import page, then one column per assignment (map each to a grade item).

``tests.csv``, course-wide (one file, an ``assignment`` column, not one per assignment):
student, assignment, notebook, grade_id, score, max_score, status, failure. One row per student,
assignment and graded cell in the gradebook; status is the record's from
``reports/ASSIGNMENT/records/STUDENT.json`` when ``course grade`` wrote one, else ``graded``; the
failure is the first line of the record's message for that cell (the records already removed
hidden-test text). A student with a record but no gradebook submission (missing, invalid, failed)
gets one row with no grade_id, their status and their first reason.

``export_notes.txt`` (also printed): students the gradebook has but the roster has not, roster
entries without a submission, and students with a record but no score. Nobody is dropped:
every gradebook student, every student with a record and every roster entry gets a row; the
unknown ones get what is known, the ones without a submission empty score cells.

Scores are nbgrader's, as its own export computes them: the submission's score (autograded plus
manual) less its late penalty, never below 0; an assignment not submitted is an empty cell.

The roster (``--roster``, optional) is a CSV with a header row and the columns
``student_id`` (the nbgrader id, the folder name in ``submitted/``), ``Student``, ``ID``,
``SIS User ID``, ``SIS Login ID``, ``Section`` (as Canvas shows them) and optionally ``Email``.
A Canvas gradebook export works as it is: without a ``student_id`` column the ``SIS Login ID`` is
taken as the nbgrader id, and its ``Points Possible`` row is skipped.

Every cell of every file passes ``textsafe.spreadsheet_cell`` (names, ids and messages come from
students: a cell starting with ``=``, ``+``, ``-``, ``@`` would run as a formula).
"""
import csv
import json
import sys
from pathlib import Path

from .grading import load_config
from .textsafe import printable, write_csv

__all__ = ["export", "read_roster", "ROSTER_COLUMNS", "CANVAS_COLUMNS", "MOODLE_COLUMNS",
           "TESTS_COLUMNS"]

ROSTER_COLUMNS = ["student_id", "Student", "ID", "SIS User ID", "SIS Login ID", "Section",
                  "Email"]
CANVAS_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
MOODLE_COLUMNS = ["Email address", "ID number", "Username"]
TESTS_COLUMNS = ["student", "assignment", "notebook", "grade_id", "score", "max_score", "status",
                 "failure"]
POINTS_POSSIBLE = "Points Possible"


class ExportError(SystemExit):
    """A roster or an assignment name the export cannot use; the message says which."""


def read_roster(path):
    """[(nbgrader id, {column: value})] in the file's order, and notes on rows it skipped."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:     # Excel writes a BOM
            rows = list(csv.DictReader(f))
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise ExportError(f"cannot read the roster {printable(path)}: {e}") from None
    if rows and "student_id" not in rows[0] and "SIS Login ID" not in rows[0]:
        raise ExportError(f"{path}: the roster needs a student_id column (or Canvas's "
                          f"SIS Login ID); its columns: {', '.join(rows[0])}")
    entries, notes, seen = [], [], set()
    for n, row in enumerate(rows, start=2):
        row = {k: (v or "").strip() for k, v in row.items() if k}
        if row.get("Student", "").startswith(POINTS_POSSIBLE):
            continue                                # the second row of a Canvas export
        sid = row.get("student_id") or row.get("SIS Login ID", "")
        if not sid:
            notes.append(f"roster line {n} has no student id: skipped ({row.get('Student', '')})")
        elif sid in seen:
            notes.append(f"roster line {n}: {sid} is listed twice; the first entry is used")
        else:
            seen.add(sid)
            entries.append((sid, row))
    return entries, notes


def _gradebook(root, assignments):
    """Everything the files need, read once: assignments {name: max}, students {id: (name,
    email)}, scores {(id, assignment): score}, cells [(id, assignment, notebook, grade_id,
    score, max)]."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(load_config(root).CourseDirectory.db_url) as gb:
        known = [a.name for a in gb.assignments]
        unknown = [a for a in assignments if a not in known]
        if unknown:
            raise ExportError(f"not in the gradebook: {', '.join(map(printable, unknown))} "
                              f"(it has: {', '.join(known) or 'no assignment'})")
        names = assignments or known
        book = {"assignments": {a: gb.find_assignment(a).max_score for a in names},
                "students": {}, "scores": {}, "cells": []}
        for s in gb.students:
            full = ", ".join(p for p in (s.last_name, s.first_name) if p)
            book["students"][s.id] = (full, s.email or "")
            for a in names:
                try:
                    sub = gb.find_submission(a, s.id)
                except MissingEntry:
                    continue
                book["scores"][(s.id, a)] = max(0.0, sub.score - sub.late_submission_penalty)
                for nb in sub.notebooks:
                    for g in nb.grades:
                        book["cells"].append((s.id, a, nb.name, g.name, g.score, g.max_score))
    return book


def _records(root, assignments):
    """{(student, assignment): record} from ``course grade``'s records."""
    out = {}
    for a in assignments:
        for path in sorted((Path(root) / "reports" / a / "records").glob("*.json")):
            try:
                rec = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue                  # a record being written; the gradebook still counts
            out[(rec.get("student", path.stem), a)] = rec
    return out


def _first_line(text):
    lines = str(text or "").strip().splitlines()
    return lines[0] if lines else ""


def export(root, assignments=(), roster=None, dest=None, out=sys.stdout):
    """Write canvas.csv, moodle.csv, tests.csv and export_notes.txt into ``dest``; returns
    {"students": [...], "notes": [...], "files": [...]}."""
    root = Path(root)
    dest = Path(dest) if dest else root / "reports"
    book = _gradebook(root, list(assignments))
    names = list(book["assignments"])
    records = _records(root, names)
    entries, notes = read_roster(roster) if roster else ([], [])
    listed = dict(entries)

    # who gets a row: the roster in its order, then everyone the gradebook or a record knows
    others = sorted((set(book["students"]) | {s for s, _ in records}) - set(listed))
    students = [s for s, _ in entries] + others
    submitted = {s for s, _ in book["scores"]} | {s for s, _ in records}

    if roster:
        if others:
            notes.append(f"in the gradebook or graded, not in the roster ({len(others)}; "
                         "exported with what nbgrader knows, no Canvas ID): " + ", ".join(others))
        extra = [s for s, _ in entries if s not in submitted]
        if extra:
            notes.append(f"in the roster, no submission of {', '.join(names)} ({len(extra)}; "
                         "exported with empty scores): " + ", ".join(extra))
    unscored = sorted({(s, a) for (s, a) in records if (s, a) not in book["scores"]})
    if unscored:
        notes.append(f"graded by `course grade` but no score in the gradebook ({len(unscored)}; "
                     "left empty, see reports/ASSIGNMENT/grades.csv): " + ", ".join(
                         f"{s} ({a}: {records[(s, a)].get('status', '?')})" for s, a in unscored))

    def identity(s):
        row = listed.get(s, {})
        name, email = book["students"].get(s, ("", ""))
        return {"Student": row.get("Student") or name or s, "ID": row.get("ID", ""),
                "SIS User ID": row.get("SIS User ID", ""),
                "SIS Login ID": row.get("SIS Login ID", ""), "Section": row.get("Section", ""),
                "Email": row.get("Email") or email}

    def scores(s):
        return [book["scores"].get((s, a), "") for a in names]

    dest.mkdir(parents=True, exist_ok=True)
    canvas = [CANVAS_COLUMNS + names,
              [POINTS_POSSIBLE] + [""] * (len(CANVAS_COLUMNS) - 1)
              + [book["assignments"][a] for a in names]]
    moodle = [MOODLE_COLUMNS + names]
    for s in students:
        who = identity(s)
        canvas.append([who[c] for c in CANVAS_COLUMNS] + scores(s))
        moodle.append([who["Email"], who["SIS User ID"], who["SIS Login ID"]] + scores(s))
    tests = [TESTS_COLUMNS]
    for s, a, nb, gid, score, top in book["cells"]:
        rec = records.get((s, a), {})
        failure = next((c.get("failure", "") for c in rec.get("cells", [])
                        if c.get("grade_id") == gid), "")
        tests.append([s, a, nb, gid, score, top, rec.get("status", "graded"),
                      _first_line(failure)])
    for s, a in unscored:
        rec = records[(s, a)]
        tests.append([s, a, "", "", "", book["assignments"][a], rec.get("status", ""),
                      _first_line((rec.get("reasons") or [""])[0])])

    files = [dest / "canvas.csv", dest / "moodle.csv", dest / "tests.csv",
             dest / "export_notes.txt"]
    for path, rows in zip(files, (canvas, moodle, tests)):
        write_csv(path, rows)
    files[3].write_text("".join(n + "\n" for n in notes) or "nothing to note\n",
                        encoding="utf-8")
    print(f"{len(students)} students, {len(names)} assignment(s) "
          f"({', '.join(names)}), {len(tests) - 1} test rows", file=out)
    for n in notes:
        print(printable(n), file=out)
    for path in files:
        try:                              # short paths when run from the course folder
            path = path.resolve().relative_to(Path.cwd())
        except ValueError:
            pass
        print(printable(f"wrote {path}"), file=out)
    return {"students": students, "notes": notes, "files": files}
