"""``python -m course grade ASSIGNMENT``: the whole class, graded by nbgrader, in parallel, safely.

For each student, in a process of its own (one student per worker, each graded once):
``submissions.inspect`` repairs what nbgrader would fail on, then nbgrader's own autograde runs
the notebook in the sandboxed, guarded kernel (``course.instructor.sandbox``,
``course.instructor.guard``) and ``generate_feedback`` writes feedback without hidden tests
(``course.instructor.feedback``). A record per student (status, reason, tamper flags, per-cell
scores and failure messages) is written atomically to ``reports/ASSIGNMENT/records/``, so a run that
is interrupted continues where it stopped when it is started again. At the end: ``grades.csv`` and
``cells.csv`` (with statuses), nbgrader's own CSV export, and a summary. ``python -m course report``
turns them into a page.

Statuses and the record's fields: ``records``. One student's grading: ``worker``; the executor:
``executor``.

What a submission can reach: nbgrader is given the notebooks only (``CourseDirectory.ignore``
is ``*`` here, so other files in the student's folder are neither run nor copied into
``autograde/`` or ``feedback/``); the kernel sees a scratch folder, not the autograde folder
(``course.instructor.sandbox``); after grading, the autograde and feedback folders are checked
without following links, and feedback keeps the HTML page only. One student's failure of any kind is
that student's record (status failed, with the reason); the class goes on.
"""
import hashlib
import json
import os
import sys
import time
from pathlib import Path

from . import sandbox, submissions
from .records import STATUSES, lost, ungraded, write_json, write_tables
from .textsafe import printable
from .worker import grade_worker

__all__ = ["grade_class", "write_tables", "STATUSES", "Task", "run_workers"]


def _folder_sha(folder):
    """A hash of the submission as it is on disk: regular files by content, links by their
    target text (never followed), so a link to a pipe or /dev/zero cannot stall the grader."""
    h = hashlib.sha256()
    folder = Path(folder)
    if os.path.islink(folder) or os.path.islink(folder.parent) or not folder.is_dir():
        h.update(b"not a folder: "
                 + os.fsencode(os.readlink(folder) if os.path.islink(folder) else ""))
        return h.hexdigest()
    for dirpath, dirnames, filenames in sorted(os.walk(folder, followlinks=False)):
        for name in sorted(dirnames + filenames):
            p = Path(dirpath) / name
            rel = os.fsencode(str(p.relative_to(folder))) + b"\0"
            if p.is_symlink():
                h.update(b"link " + rel + os.fsencode(os.readlink(p)))
            elif p.is_file():
                with open(p, "rb") as f:
                    h.update(b"file " + rel)
                    while chunk := f.read(1 << 20):
                        h.update(chunk)
            elif not p.is_dir():
                h.update(b"other " + rel)
    return h.hexdigest()


def grade_class(root, assignment, jobs=2, timeout=120.0, source=None, force=False,
                memory_mb=2048, cell_timeout=None, out=sys.stdout, disk_mb=256, retest=False):
    """Grade every submission of ``assignment``; returns the list of records (dicts).
    ``retest``: first bring the gradebook's tests up to source/ (``course.instructor.retest``),
    then regrade everyone; returns [] when no test changed."""
    import fcntl

    root = Path(root).resolve()
    why = sandbox.available()
    if why:
        raise SystemExit(f"cannot grade safely: {why}")
    reports = root / "reports" / assignment
    records = reports / "records"
    records.mkdir(parents=True, exist_ok=True)
    lock = open(reports / "grading.lock", "w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        raise SystemExit(f"another `course grade {assignment}` is running "
                         f"(reports/{assignment}/grading.lock)")
    if retest:               # under the lock: no other run grades on the old tests meanwhile
        from . import retest as retesting
        run = retesting.begin(root, assignment, records, out)
        if run is None:
            lock.close()
            return []
        force = True
    if source:
        got = submissions.collect(root, assignment, source)
        print(printable(f"collected {len(got)} submissions from {source}"), file=out)
    students = submissions.student_ids(root, assignment)
    max_score = _max_score(root, assignment)
    todo, done, decided = [], 0, []
    for student in students:
        record = records / f"{student}.json"
        try:
            inspection = _inspect(root, assignment, student, reports)
        except Exception as e:        # one bad submission never stops the class
            inspection = {"status": "failed", "sha": None, "original": student, "reasons": [
                f"the grader could not inspect it: {type(e).__name__}: {e}"[:300]]}
        if inspection["status"] == "failed":
            rec = ungraded(student, "failed", inspection["reasons"], None, max_score)
            rec["original"] = inspection["original"]
            write_json(record, rec)
            decided.append(rec)
            continue
        if not force and record.exists():
            old = json.loads(record.read_text())
            if old.get("sha") == inspection["sha"]:
                done += 1
                continue
        if inspection["status"] in ("missing", "invalid"):
            rec = ungraded(student, inspection["status"], inspection["reasons"],
                            inspection["sha"], max_score)
            rec["original"] = inspection["original"]
            write_json(record, rec)
            decided.append(rec)
        else:
            todo.append((student, inspection))
    total, started = len(students), time.monotonic()
    if done:
        print(f"{done} of {total} already graded (same submission); "
              f"grading the other {total - done}",
              file=out)
    hard_limit = 2 * timeout + 60          # the budget, plus nbgrader, feedback and restarts
    finished = done
    for rec in decided:                    # decided without nbgrader: shown first
        finished += 1
        _progress(out, finished, total, rec)
    tasks = [Task(student, (str(root), assignment, student, inspection, timeout, cell_timeout,
                            memory_mb, records / f"{student}.json", disk_mb),
                  records / f"{student}.json", inspection["sha"], max_score)
             for student, inspection in todo]

    def report(task, rec):
        nonlocal finished
        finished += 1
        _progress(out, finished, total, rec)
    try:
        run_workers(tasks, jobs, hard_limit, report)
    except KeyboardInterrupt:
        print(f"\ninterrupted: {finished} of {total} graded; run the same command again to "
              "grade the rest (finished students are kept)", file=out)
        raise SystemExit(130)
    rows = write_tables(root, assignment, students)
    _export_gradebook(root, reports)
    _summary(out, assignment, rows, time.monotonic() - started, jobs)
    if retest:
        retesting.record(root, assignment, run, rows, out)
    lock.close()
    return rows


class Task:
    """One notebook for ``run_workers``: ``args`` for ``grade_worker``, where its record goes,
    and the submission hash the record must carry (an older record does not count)."""

    def __init__(self, key, args, record, sha, max_score, kwargs=None):
        self.key, self.args, self.record, self.sha = key, args, Path(record), sha
        self.max_score, self.kwargs = max_score, kwargs or {}


def run_workers(tasks, jobs, hard_limit, on_done):
    """Grade ``tasks`` with ``grade_worker``, each in a process of its own, ``jobs`` at a time;
    a worker still running after ``hard_limit`` seconds is killed. Calls ``on_done(task,
    record)`` as each one ends; a worker that died or left no fresh record gets the ``lost``
    record. Ctrl-C kills the running workers and is raised again."""
    import multiprocessing
    import multiprocessing.connection

    ctx = multiprocessing.get_context("fork")
    todo, running = list(tasks), {}
    try:
        while todo or running:
            while todo and len(running) < max(1, jobs):
                task = todo.pop(0)
                proc = ctx.Process(target=grade_worker, args=task.args, kwargs=task.kwargs,
                                   daemon=True)
                proc.start()
                running[proc.sentinel] = (proc, task, time.monotonic())
            multiprocessing.connection.wait(list(running), timeout=1.0)
            for sentinel, (proc, task, t0) in list(running.items()):
                if proc.is_alive() and time.monotonic() - t0 < hard_limit:
                    continue
                if proc.is_alive():
                    proc.kill()
                proc.join()
                del running[sentinel]
                rec = json.loads(task.record.read_text()) if task.record.exists() else {}
                if proc.exitcode != 0 or rec.get("sha") != task.sha:   # none, or a stale one
                    rec = lost(task.key, proc.exitcode, time.monotonic() - t0, hard_limit,
                               task.max_score)
                    write_json(task.record, rec)
                if rec.get("max_score") is None:
                    rec["max_score"] = task.max_score
                on_done(task, rec)
    except KeyboardInterrupt:
        for proc, *_ in running.values():
            proc.kill()
        raise


def _inspect(root, assignment, student, reports):
    """Inspect (and repair) once per submission: the result is kept with the repaired folder's
    hash, so a rerun after an interruption keeps the reasons of the first inspection."""
    folder = root / "submitted" / student / assignment
    saved = reports / "inspections" / f"{student}.json"
    if saved.exists():
        old = json.loads(saved.read_text())
        if old.get("sha") == _folder_sha(folder):
            return old
    found = submissions.inspect(root, assignment, student, reports / "originals" / student)
    entry = submissions.collected(root, assignment).get(student, {})
    data = {"status": found.status, "reasons": list(entry.get("notes", [])) + found.reasons,
            "sha": _folder_sha(folder), "original": entry.get("original", student)}
    saved.parent.mkdir(parents=True, exist_ok=True)
    write_json(saved, data)
    return data


def _max_score(root, assignment):
    from nbgrader.api import Gradebook

    from .grading import load_config
    with Gradebook(load_config(root).CourseDirectory.db_url) as gb:
        return gb.find_assignment(assignment).max_score


def _export_gradebook(root, reports):
    from .grading import export_csv
    export_csv(root, reports / "gradebook_export.csv")


def _bar(done, total, width=24):
    filled = round(width * done / max(total, 1))
    return "#" * filled + "." * (width - filled)


def _progress(out, done, total, rec):
    note = rec["reasons"][0] if rec["reasons"] else ""
    flag = "  FLAGGED" if rec["flags"] else ""
    print(f"[{_bar(done, total)}] {done:>3}/{total}  {printable(rec['student']):<16} "
          f"{rec['score']:>5.1f}/{rec['max_score']:<5g} {rec['status']:<9} {rec['seconds']:>5.1f} s"
          f"{flag}  {printable(note[:70])}", file=out, flush=True)


def _summary(out, assignment, rows, seconds, jobs):
    counts = {s: sum(r["status"] == s for r in rows) for s in STATUSES}
    flagged = [r["student"] for r in rows if r["flags"]]
    mean = sum(r["score"] for r in rows) / len(rows) if rows else 0.0
    top = rows[0]["max_score"] if rows else 0
    print(f"\n{assignment}: {len(rows)} submissions in {seconds:.1f} s with {jobs} workers; "
          + ", ".join(f"{n} {s}" for s, n in counts.items() if n), file=out)
    print(f"mean score {mean:.2f}/{top:g}; "
          f"flagged: {printable(', '.join(flagged)) or 'none'}", file=out)
    print(f"grades: reports/{assignment}/grades.csv (with status and reason); "
          f"page: python -m course report {assignment}", file=out)
