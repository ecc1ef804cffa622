"""``python -m course grade ASSIGNMENT``: the whole class, graded by nbgrader, in parallel, safely.

For each student, in a process of its own (one student per worker, each graded once):
``submissions.inspect`` repairs what nbgrader would fail on, then nbgrader's own autograde runs
the notebook in the sandboxed, guarded kernel (``course.sandbox``, ``course.guard``) and
``generate_feedback`` writes feedback without hidden tests (``course.feedback``). A record per
student (status, reason, tamper flags, per-cell scores and failure messages) is written
atomically to ``reports/ASSIGNMENT/records/``, so a run that is interrupted continues where it
stopped when it is started again. At the end: ``grades.csv`` and ``cells.csv`` (with statuses),
nbgrader's own CSV export, and a summary. ``python -m course report`` turns them into a page.

Statuses: graded, repaired (fixed before grading; see reason), timeout (a cell or the notebook
ran past its limit), crashed (the kernel died or ignored interrupts; graded without that cell),
failed (nbgrader could not grade it), invalid (not a notebook, a link, or an id nbgrader would
misread), missing (no notebook).

What a submission can reach: nbgrader is given the notebooks only (``CourseDirectory.ignore``
is ``*`` here, so other files in the student's folder are neither run nor copied into
``autograde/`` or ``feedback/``); the kernel sees a scratch folder, not the autograde folder
(``course.sandbox``); after grading, the autograde and feedback folders are checked without
following links, and feedback keeps the HTML page only. One student's failure of any kind is
that student's record (status failed, with the reason); the class goes on.
"""
import copy
import csv
import hashlib
import json
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

from . import sandbox, submissions
from .feedback import hidden_lines, clean_text, error_line
from .textsafe import printable, spreadsheet_cell

__all__ = ["grade_class", "resilient_execute", "write_tables", "STATUSES"]

STATUSES = ("graded", "repaired", "timeout", "crashed", "failed", "invalid", "missing")
OUTPUT_CAP = 1 << 20          # bytes of output kept per cell; the rest is dropped with a notice


# --- the executor: nbgrader's Execute with a notebook budget and kernel restarts ------------------

def _resilient_execute():
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from nbformat.notebooknode import NotebookNode
    from nbgrader.preprocessors import Execute
    from traitlets import Float, Integer

    class ResilientExecute(Execute):
        """nbgrader's Execute, with three changes for class-scale grading:

        - a budget per notebook: each cell may use ``timeout`` seconds but no more than what is
          left of ``budget`` (at least 1 s), so a looping graded function costs the notebook its
          budget, not timeout x the cells that call it;
        - a kernel that dies, or ignores the interrupt at a time limit, costs only the cell that
          did it: the notebook is run again in a fresh kernel without that cell;
        - at most OUTPUT_CAP bytes of output per cell reach the grader's memory.
        """
        budget = Float(0.0, help="seconds per notebook (0: no budget)").tag(config=True)
        max_restarts = Integer(3).tag(config=True)
        # what happened, by cell name (grade id, or "cell N"), for the grading record; the
        # worker grading one student empties it first
        report = {"skipped": [], "timeouts": [], "cells_run": 0}

        def preprocess(self, nb, resources, km=None):
            original = copy.deepcopy(nb)
            names = [c.metadata.get("nbgrader", {}).get("grade_id", f"cell {i + 1}")
                     for i, c in enumerate(nb.cells)]
            self.skip = {}
            self.deadline = time.monotonic() + self.budget if self.budget else None
            for attempt in range(self.max_restarts + 1):
                work = copy.deepcopy(original)
                self.current = None
                try:
                    out = super().preprocess(work, resources, km)
                    break
                except (DeadKernelError, CellTimeoutError) as e:
                    if self.current is None:          # the kernel never started: not a cell's fault
                        raise
                    why = ("the kernel died while running it" if isinstance(e, DeadKernelError)
                           else "it ran past its time limit and did not stop when interrupted")
                    self.skip[self.current] = why
                    self.report["skipped"].append((names[self.current], why))
            else:
                out = (work, resources)
            # code cells the last kernel ran: the guard writes one line after each of them
            self.report["cells_run"] = sum(
                1 for i, c in enumerate(original.cells)
                if c.cell_type == "code" and c.source.strip() and i not in self.skip)
            nb.cells = out[0].cells
            nb.metadata = out[0].metadata
            self.report["timeouts"] += [
                names[i] for i, cell in enumerate(nb.cells)
                if any(o.get("output_type") == "error" and o.get("ename") == "CellTimeoutError"
                       for o in cell.get("outputs", []))]
            return nb, out[1]

        def preprocess_cell(self, cell, resources, index):
            self.current = index
            self.cell_bytes = 0
            if index in self.skip:
                cell.outputs = [NotebookNode(
                    output_type="error", ename="KernelStopped", evalue=self.skip[index],
                    traceback=[f"KernelStopped: this cell was not run again because "
                               f"{self.skip[index]}; the rest of the notebook was graded "
                               "in a fresh kernel"])]
                return cell, resources
            return super().preprocess_cell(cell, resources, index)

        def _get_timeout(self, cell):
            limit = super()._get_timeout(cell)
            if self.deadline is None:
                return limit
            left = max(1.0, self.deadline - time.monotonic())
            return int(min(limit or left, left) + 0.999)

        def output(self, outs, msg, display_id, cell_index):
            size = len(json.dumps(msg.get("content", {})))
            self.cell_bytes += size
            if self.cell_bytes > OUTPUT_CAP:
                if self.cell_bytes - size <= OUTPUT_CAP:
                    outs.append(NotebookNode(output_type="stream", name="stderr",
                                             text=f"\n[output beyond {OUTPUT_CAP >> 20} MB "
                                                  "dropped by the grader]\n"))
                return None
            return super().output(outs, msg, display_id, cell_index)

    return ResilientExecute


_CLASSES = {}


def resilient_execute():
    """The ResilientExecute class (built on first use: nbgrader is imported only when needed)."""
    if "ResilientExecute" not in _CLASSES:
        _CLASSES["ResilientExecute"] = _resilient_execute()
    return _CLASSES["ResilientExecute"]


# --- one student, in its own process ---------------------------------------------------------------

def _die_with_parent():
    """Linux: this worker gets SIGKILL when the grading command dies, so an interrupted run
    leaves no orphan that could grade a student at the same time as the rerun."""
    try:
        import ctypes
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)   # PR_SET_PDEATHSIG
    except OSError:
        pass


def _config(root, budget, cell_timeout, workdir):
    from .grading import load_config
    from nbgrader.converters.autograde import Autograde
    config = load_config(root)
    config.Execute.kernel_name = sandbox.KERNEL_NAME
    config.Execute.shutdown_kernel = "immediate"
    config.KernelManager.transport = "ipc"        # the sandbox has no network, not even loopback
    config.KernelManager.connection_file = sandbox.connection_file(workdir)
    if cell_timeout:
        config.Execute.timeout = int(cell_timeout)
    config.ResilientExecute.budget = float(budget)
    # the notebooks only: other files in a student's folder are not run with them, nor copied
    # into autograde/ and feedback/ (nbgrader copies them by default, following links)
    config.CourseDirectory.ignore = ["*"]
    steps = list(Autograde.class_traits()["autograde_preprocessors"].default())
    steps[0] = resilient_execute()
    config.Autograde.autograde_preprocessors = steps
    return config


def _grade_worker(root, assignment, student, inspection, budget, cell_timeout, memory_mb, record,
                  disk_mb=256):
    _die_with_parent()
    try:
        _grade_one(root, assignment, student, inspection, budget, cell_timeout, memory_mb,
                   record, disk_mb)
    except Exception as e:        # this student's record says what happened; the class goes on
        rec = _ungraded(student, "failed", list(inspection["reasons"]) +
                        [f"the grader failed on this submission: {type(e).__name__}: {e}"[:300]],
                        inspection["sha"], None)
        rec["original"] = inspection.get("original", student)
        _write_json(record, rec)


def _grade_one(root, assignment, student, inspection, budget, cell_timeout, memory_mb, record,
               disk_mb):
    import warnings
    warnings.filterwarnings("ignore", module="nbgrader")    # nbgrader 0.9.6's SQLAlchemy SAWarnings
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from .grading import _tools_on_path
    import logging

    start = time.monotonic()
    _tools_on_path()
    work = Path(tempfile.mkdtemp(prefix="course-grade-"))
    guard_log = work / "guard.log"
    os.environ.update(sandbox.kernel_env(work, memory_mb, cpu_seconds=int(budget * 2) + 30,
                                         disk_mb=disk_mb))
    os.environ[sandbox.GUARD_LOG] = str(guard_log)
    config = _config(root, budget, cell_timeout, work)
    config.NbGraderAPI.log_level = logging.WARNING
    api = NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)
    run = resilient_execute().report = {"skipped": [], "timeouts": [], "cells_run": 0}
    result = api.autograde(assignment, student, force=True, create=True)
    rec = {"student": student, "original": inspection.get("original", student),
           "status": inspection["status"], "reasons": list(inspection["reasons"]),
           "sha": inspection["sha"], "flags": _flags(guard_log, run["cells_run"])}
    autograded = Path(root) / "autograde" / student / assignment
    strays = _strays(autograded, ".ipynb")
    if not result.get("success"):
        rec["status"] = "failed"
        rec["reasons"].append("nbgrader could not grade it: " + _last_error(result))
    elif strays:               # cannot happen unless the sandbox leaked: then no feedback
        rec["status"] = "failed"
        rec["reasons"].append("the autograded folder holds what nbgrader did not write: "
                              + ", ".join(strays[:5]) + "; no feedback was made")
    else:
        fb = api.generate_feedback(assignment, student, force=True)
        if not fb.get("success"):
            rec["reasons"].append("feedback was not generated: " + _last_error(fb))
        _explain_run(rec, run, budget)
    _keep_only(Path(root) / "feedback" / student / assignment, ".html")
    rec["score"], rec["max_score"], rec["cells"] = _scores(root, config, assignment, student)
    rec["seconds"] = round(time.monotonic() - start, 2)
    _write_json(record, rec)
    import shutil
    shutil.rmtree(work, ignore_errors=True)


def _explain_run(rec, run, budget):
    """Status and reasons from what ResilientExecute reported: crashed beats timeout."""
    for name, why in run["skipped"]:
        rec["status"] = "crashed"
        rec["reasons"].append(f"{name}: {why}; graded without that cell")
    timeouts = run["timeouts"]
    if timeouts:
        if rec["status"] != "crashed":
            rec["status"] = "timeout"
        cells = ", ".join(timeouts[:5]) + (" ..." if len(timeouts) > 5 else "")
        rec["reasons"].append(f"stopped at the time limit in {cells} (limit per notebook "
                              f"{budget:.0f} s)")


def _strays(folder, suffix):
    """Entries of ``folder`` (looked at without following links) that are not regular files
    named ``*suffix`` directly in it."""
    out = []
    if not os.path.lexists(folder):
        return out
    for entry in os.scandir(folder):
        if entry.is_symlink() or not entry.is_file(follow_symlinks=False) \
                or not entry.name.endswith(suffix):
            out.append(entry.name)
    return sorted(out)


def _keep_only(folder, suffix):
    """Feedback is the page and nothing else from the student's folder: remove the rest,
    links included (unlinked, never followed)."""
    import shutil
    for name in _strays(folder, suffix):
        path = Path(folder) / name
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def _scores(root, config, assignment, student):
    """(score, max_score, per-cell rows) from the gradebook, with each failing cell's message
    taken from the autograded notebook (hidden-test text removed)."""
    from nbgrader.api import Gradebook, MissingEntry
    import nbformat
    failures = {}
    for path in (Path(root) / "autograde" / student / assignment).glob("*.ipynb"):
        nb = nbformat.read(str(path), as_version=4)
        secrets = hidden_lines(nb)
        for cell in nb.cells:
            gid = cell.metadata.get("nbgrader", {}).get("grade_id")
            errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
            if gid and errors:
                failures[gid] = clean_text(error_line(errors[-1]), secrets)[:300]
    with Gradebook(config.CourseDirectory.db_url) as gb:
        max_score = gb.find_assignment(assignment).max_score
        try:
            sub = gb.find_submission(assignment, student)
        except MissingEntry:
            return 0.0, max_score, []
        cells = [{"grade_id": g.name, "score": g.score, "max_score": g.max_score,
                  "failure": failures.get(g.name, "") if g.score < g.max_score else ""}
                 for nb_ in sub.notebooks for g in nb_.grades]
        return sub.score, max_score, cells


def _flags(guard_log, cells_run=None):
    """Tamper findings from the guard's log, one sentence each; also a guard that never
    started, or went quiet before the last cell (its pipe closed, its hooks undone)."""
    try:
        lines = guard_log.read_text(errors="replace").splitlines()
    except OSError:
        lines = []
    flags, ready, reported = [], False, set()
    for line in lines:
        try:
            item = json.loads(line)
        except ValueError:
            flags.append("the guard's log holds a line it did not write")
            continue
        kind = item.get("kind")
        if kind == "ready":
            ready, reported = True, set()         # a new kernel: count its cells afresh
        elif kind == "cell":
            reported.add(item.get("cell"))
        elif kind in ("rebind", "file", "program", "network", "signal", "introspection",
                      "code", "ctypes", "canary"):
            what = {"rebind": "rebound"}.get(kind, "")
            flags.append(f"{what + ' ' if what else ''}{item.get('what')} (code cell {item.get('cell')})")
    if not ready and (lines or cells_run):
        flags.append("the tamper guard did not start")
    elif cells_run and len(reported - {0}) < cells_run:
        last = max((c for c in reported if isinstance(c, int)), default=0)
        flags.append(f"the tamper guard went quiet after code cell {last} of {cells_run} "
                     "(its pipe was closed or its hooks undone)")
    return list(dict.fromkeys(printable(f) for f in flags))[:50]


def _last_error(result):
    text = (result.get("error") or "") + "\n" + (result.get("log") or "")
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    for ln in reversed(lines):
        if "Error" in ln or "error" in ln:
            return ln[:300]
    return lines[-1][:300] if lines else "no message"


def _write_json(path, data):
    path = Path(path)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1))
    os.replace(tmp, path)        # a record is there whole or not at all


def _folder_sha(folder):
    """A hash of the submission as it is on disk: regular files by content, links by their
    target text (never followed), so a link to a pipe or /dev/zero cannot stall the grader."""
    h = hashlib.sha256()
    folder = Path(folder)
    if os.path.islink(folder) or os.path.islink(folder.parent) or not folder.is_dir():
        h.update(b"not a folder: " + os.fsencode(os.readlink(folder) if os.path.islink(folder) else ""))
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


# --- the class ---------------------------------------------------------------------------------------

def grade_class(root, assignment, jobs=2, timeout=120.0, source=None, force=False,
                memory_mb=2048, cell_timeout=None, out=sys.stdout, disk_mb=256):
    """Grade every submission of ``assignment``; returns the list of records (dicts)."""
    import multiprocessing
    import multiprocessing.connection
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
        raise SystemExit(f"another `course grade {assignment}` is running (reports/{assignment}/grading.lock)")
    if source:
        got = submissions.collect(root, assignment, source)
        print(printable(f"collected {len(got)} submissions from {source}"), file=out)
    students = submissions.student_ids(root, assignment)
    max_score = _max_score(root, assignment)
    ctx = multiprocessing.get_context("fork")
    todo, done, ungraded = [], 0, []
    for student in students:
        record = records / f"{student}.json"
        try:
            inspection = _inspect(root, assignment, student, reports)
        except Exception as e:        # one bad submission never stops the class
            inspection = {"status": "failed", "sha": None, "original": student, "reasons": [
                f"the grader could not inspect it: {type(e).__name__}: {e}"[:300]]}
        if inspection["status"] == "failed":
            rec = _ungraded(student, "failed", inspection["reasons"], None, max_score)
            rec["original"] = inspection["original"]
            _write_json(record, rec)
            ungraded.append(rec)
            continue
        if not force and record.exists():
            old = json.loads(record.read_text())
            if old.get("sha") == inspection["sha"]:
                done += 1
                continue
        if inspection["status"] in ("missing", "invalid"):
            rec = _ungraded(student, inspection["status"], inspection["reasons"],
                            inspection["sha"], max_score)
            rec["original"] = inspection["original"]
            _write_json(record, rec)
            ungraded.append(rec)
        else:
            todo.append((student, inspection))
    total, started = len(students), time.monotonic()
    if done:
        print(f"{done} of {total} already graded (same submission); grading the other {total - done}",
              file=out)
    hard_limit = 2 * timeout + 60          # the budget, plus nbgrader, feedback and restarts
    running, finished = {}, done
    for rec in ungraded:                   # decided without nbgrader: shown first
        finished += 1
        _progress(out, finished, total, rec)
    try:
        while todo or running:
            while todo and len(running) < max(1, jobs):
                student, inspection = todo.pop(0)
                proc = ctx.Process(target=_grade_worker, daemon=True, args=(
                    str(root), assignment, student, inspection, timeout, cell_timeout, memory_mb,
                    records / f"{student}.json", disk_mb))
                proc.start()
                running[proc.sentinel] = (proc, student, time.monotonic(), inspection["sha"])
            multiprocessing.connection.wait(list(running), timeout=1.0)
            for sentinel, (proc, student, t0, sha) in list(running.items()):
                record = records / f"{student}.json"
                if proc.is_alive() and time.monotonic() - t0 < hard_limit:
                    continue
                if proc.is_alive():
                    proc.kill()
                proc.join()
                del running[sentinel]
                rec = json.loads(record.read_text()) if record.exists() else {}
                if proc.exitcode != 0 or rec.get("sha") != sha:     # none, or a stale one
                    rec = _lost(student, proc.exitcode, time.monotonic() - t0, hard_limit, max_score)
                    _write_json(record, rec)
                if rec.get("max_score") is None:
                    rec["max_score"] = max_score
                finished += 1
                _progress(out, finished, total, rec)
    except KeyboardInterrupt:
        for proc, *_ in running.values():
            proc.kill()
        print(f"\ninterrupted: {finished} of {total} graded; run the same command again to "
              "grade the rest (finished students are kept)", file=out)
        raise SystemExit(130)
    rows = write_tables(root, assignment, students)
    _export_gradebook(root, reports)
    _summary(out, assignment, rows, time.monotonic() - started, jobs)
    lock.close()
    return rows


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
    _write_json(saved, data)
    return data


def _ungraded(student, status, reasons, sha, max_score, seconds=0.0):
    """The record of a submission nbgrader did not grade: 0 points, with the reason why."""
    return {"student": student, "status": status, "reasons": list(reasons), "sha": sha,
            "flags": [], "score": 0.0, "max_score": max_score, "cells": [],
            "seconds": round(seconds, 2)}


def _lost(student, exitcode, seconds, hard_limit, max_score):
    """The grading process was killed at the hard limit, or died: no sha, so a rerun retries."""
    if seconds >= hard_limit:
        return _ungraded(student, "timeout", [f"grading was stopped after {seconds:.0f} s "
                                              f"(hard limit {hard_limit:.0f} s)"], None, max_score, seconds)
    return _ungraded(student, "failed", [f"the grading process ended with code {exitcode}"],
                     None, max_score, seconds)


def _max_score(root, assignment):
    from nbgrader.api import Gradebook
    from .grading import load_config
    with Gradebook(load_config(root).CourseDirectory.db_url) as gb:
        return gb.find_assignment(assignment).max_score


def write_tables(root, assignment, students=None):
    """grades.csv and cells.csv from the records (the report reads these)."""
    reports = Path(root) / "reports" / assignment
    records = sorted((reports / "records").glob("*.json"))
    rows = [json.loads(p.read_text()) for p in records]
    if students is not None:
        rows = [r for r in rows if r["student"] in set(students)]
    # every text cell passes spreadsheet_cell: ids, reasons, flags and failure messages come
    # from submissions, and a spreadsheet runs a cell that starts with = + - @ as a formula
    with open(reports / "grades.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["student", "score", "max_score", "status", "reason", "flags", "seconds",
                    "submitted_as"])
        for r in rows:
            w.writerow([spreadsheet_cell(v) for v in (
                r["student"], r["score"], r["max_score"], r["status"], "; ".join(r["reasons"]),
                "; ".join(r["flags"]), r["seconds"], r.get("original", r["student"]))])
    with open(reports / "cells.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["student", "grade_id", "score", "max_score", "failure"])
        for r in rows:
            for c in r["cells"]:
                w.writerow([spreadsheet_cell(v) for v in (
                    r["student"], c["grade_id"], c["score"], c["max_score"], c["failure"])])
    return rows


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
    print(f"mean score {mean:.2f}/{top:g}; flagged: {printable(', '.join(flagged)) or 'none'}", file=out)
    print(f"grades: reports/{assignment}/grades.csv (with status and reason); "
          f"page: python -m course report {assignment}", file=out)
