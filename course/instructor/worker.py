"""One student, graded in a process of its own: nbgrader's autograde in the sandboxed, guarded
kernel (``sandbox``, ``guard``), the checks that nothing but the notebook came back, feedback
without hidden tests (``feedback``), and the student's record (``records``) with the scores, the
reasons and the guard's flags. Whatever goes wrong becomes this student's record, never the
class's problem.
"""
import json
import os
import signal
import tempfile
import time
from pathlib import Path

from . import sandbox
from .cells import grade_id
from .executor import resilient_execute
from .feedback import clean_text, error_line, hidden_lines
from .records import ungraded, write_json
from .textsafe import printable

__all__ = ["grade_worker", "flags_from_guard_log"]


def _die_with_parent():
    """Linux: this worker gets SIGKILL when the grading command dies, so an interrupted run
    leaves no orphan that could grade a student at the same time as the rerun."""
    try:
        import ctypes
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)   # PR_SET_PDEATHSIG
    except OSError:
        pass


def _config(root, budget, cell_timeout, workdir, sandboxed=True):
    from nbgrader.converters.autograde import Autograde

    from .grading import load_config
    config = load_config(root)
    config.Execute.shutdown_kernel = "immediate"
    if sandboxed:
        config.Execute.kernel_name = sandbox.KERNEL_NAME
        config.KernelManager.transport = "ipc"    # the sandbox has no network, not even loopback
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


def grade_worker(root, assignment, student, inspection, budget, cell_timeout, memory_mb, record,
                  disk_mb=256, sandboxed=True):
    """Grade one student's notebook; the outcome is the record written to ``record``.

    ``sandboxed=False`` runs the notebook in an ordinary kernel, without the sandbox and the
    tamper guard (and so without flags): only for a learner grading their own work on a
    machine without bubblewrap (``python -m course check``), never for a class.
    """
    _die_with_parent()
    try:
        _grade_one(root, assignment, student, inspection, budget, cell_timeout, memory_mb,
                   record, disk_mb, sandboxed)
    except Exception as e:        # this student's record says what happened; the class goes on
        rec = ungraded(student, "failed", list(inspection["reasons"]) +
                        [f"the grader failed on this submission: {type(e).__name__}: {e}"[:300]],
                        inspection["sha"], None)
        rec["original"] = inspection.get("original", student)
        write_json(record, rec)


def _grade_one(root, assignment, student, inspection, budget, cell_timeout, memory_mb, record,
               disk_mb, sandboxed=True):
    import warnings
    warnings.filterwarnings("ignore", module="nbgrader")    # nbgrader 0.9.6's SQLAlchemy SAWarnings
    import logging

    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    from .grading import _tools_on_path

    start = time.monotonic()
    _tools_on_path()
    work = Path(tempfile.mkdtemp(prefix="course-grade-"))
    guard_log = work / "guard.log"
    if sandboxed:
        os.environ.update(sandbox.kernel_env(work, memory_mb, cpu_seconds=int(budget * 2) + 30,
                                             disk_mb=disk_mb))
        os.environ[sandbox.GUARD_LOG] = str(guard_log)
    config = _config(root, budget, cell_timeout, work, sandboxed)
    config.NbGraderAPI.log_level = logging.WARNING
    api = NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)
    run = resilient_execute().report = {"skipped": [], "timeouts": [], "cells_run": 0}
    result = api.autograde(assignment, student, force=True, create=True)
    rec = {"student": student, "original": inspection.get("original", student),
           "status": inspection["status"], "reasons": list(inspection["reasons"]),
           "sha": inspection["sha"],
           "flags": flags_from_guard_log(_relayed(guard_log, run["cells_run"]),
                                         run["cells_run"]) if sandboxed else []}
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
    write_json(record, rec)
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
    import nbformat
    from nbgrader.api import Gradebook, MissingEntry
    failures = {}
    for path in (Path(root) / "autograde" / student / assignment).glob("*.ipynb"):
        nb = nbformat.read(str(path), as_version=4)
        secrets = hidden_lines(nb)
        for cell in nb.cells:
            gid = grade_id(cell)
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


def _relayed(guard_log, cells_run, timeout=10.0):
    """``guard_log`` once it holds a line for each code cell the last kernel ran, or once every
    kernel's relay has copied its last line (a relay adds a "closed" line when its kernel's pipe
    closes), or after ``timeout`` seconds: under load the relay can lag the end of autograde (3 s
    was once not enough with the whole test suite on 2 cores), and a guard's last line must not be
    taken for a silence. A notebook whose guard really went quiet costs this wait once."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            lines = guard_log.read_text(errors="replace").splitlines()
        except OSError:
            return guard_log
        last_ready = max((i for i, ln in enumerate(lines) if '"kind": "ready"' in ln), default=-1)
        cells = sum('"kind": "cell"' in ln and '"cell": 0,' not in ln
                    for ln in lines[last_ready + 1:])
        closed = sum('"kind": "closed"' in ln for ln in lines)
        ready = sum('"kind": "ready"' in ln for ln in lines)
        if cells >= cells_run or (ready and closed >= ready):
            break
        time.sleep(0.05)
    return guard_log


def flags_from_guard_log(guard_log, cells_run=None):
    """Tamper findings from the guard's log, one sentence each; also a guard that never
    started, or went quiet before the last cell (its pipe closed, its hooks undone)."""
    try:
        lines = guard_log.read_text(errors="replace").splitlines()
    except OSError:
        lines = []
    flags, ready, reported = [], False, set()
    for line in filter(str.strip, lines):
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
            flags.append(f"{what + ' ' if what else ''}{item.get('what')} "
                         f"(code cell {item.get('cell')})")
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
