"""The self-learner's path: ``python -m course start`` and ``python -m course check``.

``start [DIR]`` copies the release notebooks into the learner's own folder (default ``work/`` in
the clone, which git ignores), never over a notebook already there; run again after ``git pull``,
it adds the new chapters only. The folder is remembered in ``.course-workspace`` (also ignored).

``check [CHAPTER ...]`` grades the learner's notebooks as a class is graded (``classgrade``): the
same inspection and repairs, nbgrader's autograde with the hidden tests from ``source/``, in the
sandbox where bubblewrap is installed (otherwise in an ordinary kernel, and it says so), and
feedback without the hidden tests. It works in a private nbgrader course inside the workspace
(``DIR/.check/``: its own source copy, SQLite gradebook and submission copy), so the learner's
notebooks are only read, never written, and the clone's release stays untouched. A notebook
that has not changed since its last check (nor its chapter's source) keeps its grade.

Writes ``DIR/progress/index.html`` (points per chapter over the whole course, with a chart) and
``DIR/progress/feedback/CHAPTER.html`` (nbgrader's feedback page).
"""
import base64
import hashlib
import json
import shutil
import sys
import time
from pathlib import Path

from . import sandbox
from .chapters import find_chapters
from .records import ungraded, write_json
from .textsafe import printable

__all__ = ["start", "check", "workspace"]

MARKER = ".course-workspace"        # in the course root: where the learner's folder is
STUDENT = "me"


def workspace(root, folder=None):
    """The learner's folder: ``folder`` if given, else the one ``start`` remembered, else
    ``ROOT/work``."""
    root = Path(root)
    if folder:
        return Path(folder).expanduser().resolve()
    marker = root / MARKER
    if marker.is_file():
        return Path(marker.read_text().strip())
    return root / "work"


def start(root, folder=None, out=sys.stdout):
    """Copy every chapter's release notebook into the workspace, never over an existing one.
    Returns the ids of the chapters added."""
    root = Path(root)
    ws = workspace(root, folder)
    ws.mkdir(parents=True, exist_ok=True)
    (root / MARKER).write_text(str(ws) + "\n")
    added, kept, missing = [], 0, []
    for ch in find_chapters(root):
        dest = ws / ch.id / ch.release.name
        if dest.exists() or dest.is_symlink():
            kept += 1
            continue
        if not ch.release.is_file():
            missing.append(ch.id)
            continue
        dest.parent.mkdir(exist_ok=True)
        shutil.copyfile(ch.release, dest)
        added.append(ch.id)
    for cid in added:
        print(f"  added {cid}", file=out)
    print(f"{len(added)} chapter(s) added, {kept} already there (never overwritten) in {ws}",
          file=out)
    if missing:
        print(f"no release yet for {', '.join(missing)}", file=out)
    print(f"open it with:  jupyter lab {ws}\n"
          f"grade your work:  python -m course check [CHAPTER ...]  (progress page: "
          f"{ws / 'progress' / 'index.html'})", file=out)
    return added


def _sha(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _private_course(root, ws):
    """``ws/.check``: an nbgrader course of its own (the course's settings, a SQLite gradebook
    there whatever ``COURSE_DB_URL`` says, and no exchange)."""
    private = ws / ".check"
    private.mkdir(parents=True, exist_ok=True)
    config = (root / "nbgrader_config.py").read_text()
    config += ('\n# python -m course check: a learner\'s private course, its own gradebook\n'
               'c.CourseDirectory.db_url = f"sqlite:///{here / \'gradebook.db\'}"\n'
               'c.Exchange.root = str(here / "exchange")\n')
    target = private / "nbgrader_config.py"
    if not target.is_file() or target.read_text() != config:
        target.write_text(config)
    return private


def _prepare(root, private, ch, state):
    """Copy the chapter's source into the private course and generate it there when it changed
    (the gradebook needs the assignment and its test cells). Returns the source's hash."""
    from .classgrade import _folder_sha
    from .grading import generate, nbgrader_api
    source_sha = _folder_sha(ch.source.parent)
    dest = private / "source" / ch.id
    if state.get(ch.id, {}).get("source_sha") != source_sha or not dest.is_dir():
        shutil.rmtree(dest, ignore_errors=True)
        shutil.copytree(ch.source.parent, dest,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        generate(nbgrader_api(private), ch.id)
    return source_sha


def check(root, chapters=None, folder=None, jobs=2, timeout=120.0, force=False,
          out=sys.stdout, cell_timeout=None):
    """Grade the learner's notebooks; returns {chapter id: record} for the chapters checked."""
    from .classgrade import Task, _inspect, _max_score, run_workers

    root = Path(root).resolve()
    ws = workspace(root, folder)
    if not ws.is_dir():
        raise SystemExit(f"no workspace at {ws}: run `python -m course start` first")
    everything = find_chapters(root)
    wanted = set(chapters or [])
    unknown = wanted - {ch.id for ch in everything} - {ch.id[:4] for ch in everything}
    if unknown:
        raise SystemExit(f"no such chapter: {', '.join(sorted(unknown))} "
                         "(use an id such as ch01_logistic_regression, or ch01)")
    selected = [ch for ch in everything
                if (not wanted or ch.id in wanted or ch.id[:4] in wanted)
                and (ws / ch.id / ch.release.name).exists()]
    why = sandbox.available()
    sandboxed = why is None
    if not sandboxed:
        print(f"note: grading WITHOUT the sandbox ({why}): your code runs as you, as it does "
              "in JupyterLab", file=out)
    private = _private_course(root, ws)
    state_file = private / "state.json"
    state = json.loads(state_file.read_text()) if state_file.is_file() else {}
    results, tasks, started = {}, [], time.monotonic()
    for ch in selected:
        mine = ws / ch.id / ch.release.name
        source_sha = _prepare(root, private, ch, state)
        nb_sha = _sha(mine)
        old = state.get(ch.id, {})
        if not force and old.get("notebook_sha") == nb_sha and \
                old.get("source_sha") == source_sha and old.get("record"):
            results[ch.id] = old["record"]
            print(f"{ch.id}: unchanged since the last check", file=out)
            continue
        submitted = private / "submitted" / STUDENT / ch.id
        shutil.rmtree(submitted, ignore_errors=True)
        submitted.mkdir(parents=True)
        shutil.copyfile(mine, submitted / mine.name)        # the learner's file is only read
        reports = private / "reports" / ch.id
        (reports / "records").mkdir(parents=True, exist_ok=True)
        record = reports / "records" / f"{STUDENT}.json"
        max_score = _max_score(private, ch.id)
        inspection = _inspect(private, ch.id, STUDENT, reports)
        state[ch.id] = {"notebook_sha": nb_sha, "source_sha": source_sha}
        if inspection["status"] in ("failed", "missing", "invalid"):
            rec = ungraded(STUDENT, inspection["status"], inspection["reasons"],
                           inspection["sha"], max_score)
            write_json(record, rec)
            _finish(ch, rec, state, results, ws, private, out)
            continue
        tasks.append(Task(ch.id, (str(private), ch.id, STUDENT, inspection, timeout,
                                  cell_timeout, 2048, record, 256), record, inspection["sha"],
                                  max_score,
                          {"sandboxed": sandboxed}))
    by_id = {ch.id: ch for ch in selected}
    if tasks:            # chapters are graded side by side: make the student once, beforehand
        from nbgrader.api import Gradebook

        from .grading import load_config
        with Gradebook(load_config(private).CourseDirectory.db_url) as gb:
            gb.update_or_create_student(STUDENT)
    try:
        run_workers(tasks, jobs, 2 * timeout + 60,
                    lambda task, rec: _finish(by_id[task.key], rec, state, results, ws, private,
                                              out))
    finally:
        write_json(state_file, state)
    page = write_progress(everything, state, ws)
    graded = len(tasks)
    print(f"\nchecked {len(selected)} chapter(s) ({graded} graded, "
          f"{len(selected) - graded} unchanged or not gradable) in "
          f"{time.monotonic() - started:.1f} s", file=out)
    print(f"progress: {page}", file=out)
    return results


def _finish(ch, rec, state, results, ws, private, out):
    """Keep the record, copy the feedback page out, print the chapter's lines."""
    state[ch.id]["record"] = rec
    state[ch.id]["checked"] = time.strftime("%Y-%m-%d %H:%M")
    results[ch.id] = rec
    page = private / "feedback" / STUDENT / ch.id / f"{ch.id}.html"
    dest = ws / "progress" / "feedback" / f"{ch.id}.html"
    dest.parent.mkdir(parents=True, exist_ok=True)
    if page.is_file() and not page.is_symlink():
        shutil.copyfile(page, dest)
    else:
        dest.unlink(missing_ok=True)
    print(f"{ch.id}: {rec['score']:g}/{rec['max_score']:g}  {rec['status']}", file=out)
    for reason in rec.get("reasons", [])[:3]:
        print(f"    {printable(reason[:160])}", file=out)
    for cell in rec.get("cells", []):
        ok = cell["score"] >= cell["max_score"]
        line = f"  {'ok  ' if ok else 'FAIL'} {cell['grade_id']:<40} " \
               f"{cell['score']:g}/{cell['max_score']:g}"
        failure = cell.get("failure") or ""
        if not ok and failure.startswith("NotImplementedError"):
            line += "  not answered yet"
        elif not ok and failure:
            line += f"  {printable(failure[:120])}"
        print(line, file=out, flush=True)


def _chart(rows):
    """A PNG (base64) of points per chapter: earned over the chapter's points (drawn off screen
    by ``course.widgets.render_png``, as the class report's charts are)."""
    from course.widgets import render_png

    def draw(fig):
        ax = fig.add_subplot(1, 1, 1)
        xs = range(len(rows))
        ax.bar(xs, [r["max"] for r in rows], color="#e4e4e4", label="points")
        ax.bar(xs, [r["score"] for r in rows], color="#3b7dd8", label="earned")
        ax.set_xticks(list(xs), [r["number"] for r in rows], fontsize=7)
        ax.set_xlabel("chapter")
        ax.set_ylabel("points")
        ax.legend(fontsize=8, loc="upper right")
        ax.set_xlim(-0.7, len(rows) - 0.3)
    return base64.b64encode(render_png(draw, size=(11, 3.2))).decode()


PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Progress</title>
<style>
body { font-family: sans-serif; margin: 2em; max-width: 70em; }
table { border-collapse: collapse; } td, th { padding: 2px 10px; border-bottom: 1px solid #ddd; }
td.num { text-align: right; } .full { color: #1a7f37; } .part { color: #9a6700; }
.none { color: #888; }
</style></head><body>
<h1>Progress through the course</h1>
<p id="total">{{ earned|round(1) }} of {{ total|round(1) }} points
({{ graded }} of {{ rows|length }} chapters checked)</p>
<img alt="points per chapter" src="data:image/png;base64,{{ chart }}">
<table>
<tr><th>chapter</th><th>title</th><th>points</th><th>status</th><th>checked</th>
<th>feedback</th></tr>
{% for r in rows %}
<tr id="{{ r.id }}"><td>{{ r.number }}</td><td>{{ r.title }}</td>
<td class="num {{ r.klass }}">{{ r.score|round(1) }} / {{ r.max|round(1) }}</td>
<td>{{ r.status }}</td><td>{{ r.checked }}</td>
<td>{% if r.feedback %}<a href="feedback/{{ r.id }}.html">feedback</a>{% endif %}</td></tr>
{% endfor %}
</table>
<p>Check again with <code>python -m course check CHAPTER</code>; only changed notebooks are
graded again.</p>
</body></html>
"""


def write_progress(chapters, state, ws):
    """``ws/progress/index.html``: every chapter's points (0 where not checked) and a chart."""
    from jinja2 import Environment
    rows = []
    for ch in chapters:
        rec = state.get(ch.id, {}).get("record")
        score = rec["score"] if rec else 0.0
        rows.append({"id": ch.id, "number": ch.number, "title": ch.title, "score": score,
                     "max": ch.points, "status": rec["status"] if rec else "not checked",
                     "checked": state.get(ch.id, {}).get("checked", ""),
                     "feedback": (ws / "progress" / "feedback" / f"{ch.id}.html").is_file(),
                     "klass": "none" if not rec else
                     ("full" if score >= ch.points else "part")})
    html = Environment(autoescape=True).from_string(PAGE).render(
        rows=rows, chart=_chart(rows), earned=sum(r["score"] for r in rows),
        total=sum(r["max"] for r in rows), graded=sum(r["status"] != "not checked" for r in rows))
    page = ws / "progress" / "index.html"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(html, encoding="utf-8")
    return page
