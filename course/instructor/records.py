"""What ``course grade`` records about each student, and the tables made from the records: one
home for the statuses, the record's fields and the ``grades.csv`` / ``cells.csv`` schema (the
report reads them with these same names).

A record (``reports/ASSIGNMENT/records/STUDENT.json``, written whole or not at all) has:
student, original (the name as submitted), status, reasons, sha (of the submission folder),
flags, score, max_score, cells (grade_id, score, max_score, failure), seconds.

Statuses: graded, repaired (fixed before grading; see reason), timeout (a cell or the notebook
ran past its limit), crashed (the kernel died or ignored interrupts; graded without that cell),
failed (nbgrader could not grade it), invalid (not a notebook, a link, or an id nbgrader would
misread), missing (no notebook).
"""
import json
import os
from pathlib import Path

from .textsafe import write_csv

__all__ = ["STATUSES", "GRADES_COLUMNS", "CELLS_COLUMNS", "write_tables", "write_json",
           "ungraded", "lost"]

STATUSES = ("graded", "repaired", "timeout", "crashed", "failed", "invalid", "missing")
GRADES_COLUMNS = ["student", "score", "max_score", "status", "reason", "flags", "seconds",
                  "submitted_as"]
CELLS_COLUMNS = ["student", "grade_id", "score", "max_score", "failure"]


def write_json(path, data):
    path = Path(path)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1))
    os.replace(tmp, path)        # a record is there whole or not at all


def ungraded(student, status, reasons, sha, max_score, seconds=0.0):
    """The record of a submission nbgrader did not grade: 0 points, with the reason why."""
    return {"student": student, "status": status, "reasons": list(reasons), "sha": sha,
            "flags": [], "score": 0.0, "max_score": max_score, "cells": [],
            "seconds": round(seconds, 2)}


def lost(student, exitcode, seconds, hard_limit, max_score):
    """The grading process was killed at the hard limit, or died: no sha, so a rerun retries."""
    if seconds >= hard_limit:
        return ungraded(student, "timeout", [f"grading was stopped after {seconds:.0f} s "
                                              f"(hard limit {hard_limit:.0f} s)"],
                        None, max_score, seconds)
    return ungraded(student, "failed", [f"the grading process ended with code {exitcode}"],
                     None, max_score, seconds)


def write_tables(root, assignment, students=None):
    """grades.csv and cells.csv from the records (the report reads these)."""
    reports = Path(root) / "reports" / assignment
    records = sorted((reports / "records").glob("*.json"))
    rows = [json.loads(p.read_text()) for p in records]
    if students is not None:
        rows = [r for r in rows if r["student"] in set(students)]
    # every text cell passes spreadsheet_cell (textsafe.write_csv): ids, reasons, flags and
    # failure messages come from submissions, and a spreadsheet runs = + - @ as a formula
    write_csv(reports / "grades.csv", [GRADES_COLUMNS] + [
        [r["student"], r["score"], r["max_score"], r["status"], "; ".join(r["reasons"]),
         "; ".join(r["flags"]), r["seconds"], r.get("original", r["student"])] for r in rows])
    write_csv(reports / "cells.csv", [CELLS_COLUMNS] + [
        [r["student"], c["grade_id"], c["score"], c["max_score"], c["failure"]]
        for r in rows for c in r["cells"]])
    return rows
