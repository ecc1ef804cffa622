"""``python -m course grade ASSIGNMENT --retest``: regrade a class after a test was fixed in
``source/``.

Why it is needed: nbgrader keeps the test cells (hidden tests included) in the gradebook when
the assignment is generated, and its ``OverwriteCells`` step puts that copy back into every
submission before running it (nbgrader issues #1069, #1322). An edit of
``source/ASSIGNMENT/ASSIGNMENT.ipynb`` is therefore silently ignored by every later autograde
until the gradebook's copy is updated.

How the gradebook is updated (measured with nbgrader 0.9.6, and read in its ``SaveCells``):
``generate_assignment --force`` on an assignment with submissions updates, in place, the text
and checksum of each changed read-only cell and the points of each grade cell; submissions and
grades stay. If a grade, answer, task or read-only cell was added, removed or renamed, it
raises "Cannot add or remove cells ... because there are submissions associated with it", and
by then it has already deleted ``release/ASSIGNMENT``. So this module first generates the
current source into a scratch course with a scratch SQLite gradebook (nbgrader's own
preprocessors say what generate would store), compares the two gradebooks cell by cell, and
refuses before nbgrader touches anything when the cells themselves changed: that is a new
release, not a regrade. Only then does it run the real generate, with a copy of ``release/``
put back if generate fails anyway. When only hidden tests changed, the release notebook comes
out byte for byte the same (measured); when a visible part changed, the new release differs
from what students have, and this is said.

``grade_class`` calls ``begin`` (under its lock, before grading), regrades everyone as
``--force`` does, then calls ``record`` with the old and new records: one line per run in
``reports/ASSIGNMENT/history.jsonl`` and a printout of every score that changed.
"""
import json
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path

from .records import write_json
from .textsafe import printable

__all__ = ["begin", "old_grades", "record", "compare"]


def _cells(gb, assignment):
    """What the gradebook holds of ``assignment``'s cells, per notebook."""
    out = {}
    for nb in gb.find_assignment(assignment).notebooks:
        out[nb.name] = {
            "grade": {c.name: c.max_score for c in nb.grade_cells},
            "solution": {c.name for c in nb.solution_cells},
            "task": {c.name: c.max_score for c in nb.task_cells},
            "source": {c.name: (c.source, c.checksum) for c in nb.source_cells},
        }
    return out


def _kind(cells, name):
    if name in cells["grade"]:
        return "manually graded answer" if name in cells["solution"] else "test cell"
    if name in cells["solution"]:
        return "answer cell"
    return "task" if name in cells["task"] else "read-only cell"


def compare(stored, current):
    """(refusals, changes): why the gradebook cannot just be updated (cells added, removed or
    renamed: a new release), and the cells whose text or points differ, as
    [{"grade_id", "notebook", "kind", "what"}]."""
    refusals, changes = [], []
    if set(stored) != set(current):
        refusals.append(f"notebooks {sorted(stored)} in the gradebook, {sorted(current)} in "
                        "source/")
    for nb in sorted(set(stored) & set(current)):
        old, new = stored[nb], current[nb]
        for key in ("grade", "solution", "task", "source"):
            for name in sorted(set(new[key]) - set(old[key])):
                refusals.append(f"{nb}: {_kind(new, name)} {name} is new")
            for name in sorted(set(old[key]) - set(new[key])):
                refusals.append(f"{nb}: {_kind(old, name)} {name} is gone")
        for name in sorted(set(old["source"]) & set(new["source"])):
            # an answer cell's text in the gradebook is the stub; a submission has its own
            if name in new["solution"]:
                continue
            what = []
            if old["source"][name][0] != new["source"][name][0]:
                what.append("text")
            if name in old["grade"] and name in new["grade"] \
                    and old["grade"][name] != new["grade"][name]:
                what.append(f"points {old['grade'][name]:g} -> {new['grade'][name]:g}")
            if what:
                changes.append({"grade_id": name, "notebook": nb, "kind": _kind(new, name),
                                "what": ", ".join(what)})
    refusals = list(dict.fromkeys(refusals))      # a cell can be new both as grade and source
    return refusals, changes


def _stored(root, assignment):
    from nbgrader.api import Gradebook, MissingEntry

    from .grading import load_config
    with Gradebook(load_config(root).CourseDirectory.db_url) as gb:
        try:
            return _cells(gb, assignment)
        except MissingEntry:
            raise SystemExit(f"--retest: {assignment} is not in the gradebook; generate and "
                             "grade it first (python -m course grade without --retest)")


def _as_generated(root, assignment):
    """The cells ``generate_assignment`` would store for the current source: generated into a
    scratch course with its own SQLite gradebook, with the course's configuration."""
    from nbgrader.api import Gradebook
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    from .grading import NbgraderError, _tools_on_path, generate, load_config

    _tools_on_path()
    with tempfile.TemporaryDirectory(prefix="course-retest-") as tmp:
        config = load_config(root)
        config.NbGraderAPI.log_level = logging.WARNING
        config.CourseDirectory.root = tmp
        config.CourseDirectory.db_url = f"sqlite:///{tmp}/gradebook.db"
        shutil.copytree(Path(root) / "source" / assignment, Path(tmp) / "source" / assignment)
        api = NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)
        try:
            generate(api, assignment)
        except NbgraderError as e:
            raise SystemExit(f"--retest: source/{assignment} does not generate, nothing was "
                             f"changed:\n{e}")
        with Gradebook(config.CourseDirectory.db_url) as gb:
            return _cells(gb, assignment)


def _release_notebooks(folder):
    return {p.name: p.read_bytes() for p in sorted(Path(folder).glob("*.ipynb"))}


def begin(root, assignment, records, out):
    """Bring the gradebook's copy of the tests up to the current source. Returns the run
    ({"changes", "before": the old grades}) to regrade with, or None when no test changed.
    Exits with the reason, having changed nothing, when the source needs a new release.

    The run is kept in reports/ASSIGNMENT/retest-pending.json until ``record`` has written
    it: a regrade that was interrupted after the gradebook was updated would otherwise find
    nothing changed when run again, and leave some students graded by the old tests."""
    root = Path(root)
    stored, current = _stored(root, assignment), _as_generated(root, assignment)
    refusals, changes = compare(stored, current)
    if refusals:
        raise SystemExit(
            f"--retest refused: source/{assignment} no longer has the cells the class was "
            "given:\n  " + "\n  ".join(printable(r) for r in refusals) + "\n"
            "A regrade can only use changed test code; cells that were added, removed or "
            "renamed need a new release (a new assignment name). Nothing was changed.")
    pending = _pending(root, assignment)
    run = json.loads(pending.read_text()) if pending.exists() else None
    if run is None and not changes:
        print(f"--retest: the tests of source/{assignment} are those in the gradebook; "
              "nothing to regrade", file=out)
        return None
    if run is None:
        run = {"changes": [], "before": old_grades(records)}
    else:
        print("--retest: an interrupted regrade is finished first (everyone is regraded; "
              "the grades from before it are kept)", file=out)
    run["changes"] += [c for c in changes if c not in run["changes"]]
    write_json(pending, run)
    if changes:
        print(f"--retest: {len(changes)} cell(s) of source/{assignment} changed since the "
              "gradebook's copy:", file=out)
        for c in changes:
            print(f"  {c['grade_id']} ({c['kind']}: {c['what']})", file=out)
        _generate_keeping_release(root, assignment, out)
        refusals, left = compare(_stored(root, assignment), current)
        if refusals or left:      # nbgrader did not store what it generates: never grade on it
            raise SystemExit("--retest: the gradebook still differs from source/ after "
                             f"generate_assignment: {refusals + [c['grade_id'] for c in left]}")
    return run


def _pending(root, assignment):
    return Path(root) / "reports" / assignment / "retest-pending.json"


def _generate_keeping_release(root, assignment, out):
    """The real ``generate_assignment --force``: it deletes release/ASSIGNMENT before it can
    fail, so a copy is put back if it does."""
    from .grading import NbgraderError, generate, nbgrader_api

    release = root / "release" / assignment
    with tempfile.TemporaryDirectory(prefix="course-release-") as tmp:
        kept = Path(tmp) / "release"
        if release.is_dir():
            shutil.copytree(release, kept, symlinks=True)
        before = _release_notebooks(release) if release.is_dir() else {}
        try:
            generate(nbgrader_api(root), assignment)
        except NbgraderError as e:
            if kept.is_dir():
                shutil.rmtree(release, ignore_errors=True)
                shutil.copytree(kept, release, symlinks=True)
            _pending(root, assignment).unlink(missing_ok=True)    # nothing to finish
            raise SystemExit(f"--retest: generate_assignment failed; release/{assignment} "
                             f"was put back:\n{e}")
    after = _release_notebooks(release)
    if after == before:
        print(f"  gradebook updated; release/{assignment} is unchanged (only hidden parts "
              "changed)", file=out)
    else:
        print(f"  gradebook updated; release/{assignment} changed too (a visible part "
              "changed): students have the old one, run `nbgrader release_assignment "
              f"{assignment}` if they should see it", file=out)


def _grades(rec):
    if rec is None:
        return None
    return {"score": rec.get("score"), "max_score": rec.get("max_score"),
            "status": rec.get("status"),
            "cells": {c["grade_id"]: c["score"] for c in rec.get("cells", [])}}


def old_grades(records):
    """{student: grades} from the records before the regrade."""
    out = {}
    for path in sorted(Path(records).glob("*.json")):
        try:
            rec = json.loads(path.read_text())
            out[rec["student"]] = _grades(rec)
        except (ValueError, KeyError, TypeError):
            continue                 # an unreadable record: that student has no old grade
    return out


def record(root, assignment, run, rows, out):
    """Append this run to reports/ASSIGNMENT/history.jsonl and print each changed score."""
    changes, before = run["changes"], run["before"]
    students = []
    moved = []
    for row in rows:
        old, new = before.get(row["student"]), _grades(row)
        students.append({"student": row["student"], "old": old, "new": new})
        if old is None or old["score"] == new["score"]:
            continue
        cells = sorted(set(old["cells"]) | set(new["cells"]))
        which = [f"{g} {_num(old['cells'].get(g))} -> {_num(new['cells'].get(g))}"
                 for g in cells if old["cells"].get(g) != new["cells"].get(g)]
        moved.append((row["student"], old["score"], new["score"], which))
    entry = {"time": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "assignment": assignment,
             "changed": changes, "students": students}
    history = Path(root) / "reports" / assignment / "history.jsonl"
    with open(history, "a", encoding="utf-8") as f:   # one whole line per run
        f.write(json.dumps(entry) + "\n")
        f.flush()
        os.fsync(f.fileno())
    if not moved:
        print(f"\n--retest: no score changed ({len(rows)} students regraded)", file=out)
    else:
        print(f"\n--retest: {len(moved)} of {len(rows)} scores changed:", file=out)
        for student, old, new, which in moved:
            print(f"  {printable(student):<16} {_num(old):>5} -> {_num(new):<5} "
                  f"{printable('; '.join(which)) or 'no cell score changed'}", file=out)
    _pending(root, assignment).unlink(missing_ok=True)
    print(f"previous grades: reports/{assignment}/history.jsonl", file=out)


def _num(x):
    return "-" if x is None else f"{x:g}"
