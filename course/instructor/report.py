"""One assignment's class results as an HTML page an instructor can act on.

Reads what the grading command wrote to ``reports/<assignment>/``:

  grades.csv  student,score,max_score,status,reason,flags,seconds   one per student
  cells.csv   student,grade_id,score,max_score,failure              one per student and test cell

and writes ``reports/<assignment>/report.html``: a single file (inline CSS, plots as base64 PNG,
no JavaScript, nothing fetched) that can be mailed or opened from disk. The page is the Jinja2
template ``templates/report.html``, rendered with autoescape on: every string that came from a
student (names, reasons, flags, error messages) is escaped, since a notebook can put anything in
them, ``<script>`` included.
"""
import base64
import csv
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import jinja2
import numpy as np

from course.widgets import render_png

from .records import STATUSES
from .textsafe import from_spreadsheet_cell

__all__ = ["Grade", "CellResult", "read_grades", "read_cells", "summarize", "pass_rates",
           "common_failures", "needs_attention", "render_html", "write_report"]

# The grading command's statuses (records.STATUSES) are listed in their order:
# fine first, then worse.
TOP_FAILURES = 15

# CSI sequences (colours, cursor moves) and the two-character escapes: what IPython's coloured
# tracebacks leave in an error's first line.
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|[@-Z\\-_])")


@dataclass
class Grade:
    """One row of grades.csv; numbers that did not parse are None."""
    student: str
    score: float | None
    max_score: float | None
    status: str
    reason: str = ""
    flags: list = field(default_factory=list)
    seconds: float | None = None


@dataclass
class CellResult:
    """One row of cells.csv: one student's result on one autograded test cell."""
    student: str
    grade_id: str
    score: float | None
    max_score: float | None
    failure: str = ""        # first line of the error, ANSI codes removed; "" when it passed

    @property
    def passed(self):
        return not self.failure


# ---------------------------------------------------------------------------------- reading

def _text(value):
    """A CSV field as clean text: short rows give None, colour codes are noise on a page, and
    the ' that keeps a spreadsheet from running a cell as a formula is not part of it."""
    return _ANSI.sub("", from_spreadsheet_cell(value or "")).strip()


def _number(value):
    """A CSV field as a float, or None when it is empty or not a finite number."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return x if np.isfinite(x) else None


def _rows(path):
    """The rows of a CSV as dicts; a file that is not there has no rows."""
    if not path.exists():
        return []
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def read_grades(path):
    """grades.csv as a list of Grade, in file order."""
    return [Grade(student=_text(r.get("student")), score=_number(r.get("score")),
                  max_score=_number(r.get("max_score")), status=_text(r.get("status")) or "?",
                  reason=_text(r.get("reason")),
                  flags=[f for f in (_text(x) for x in (r.get("flags") or "").split(";")) if f],
                  seconds=_number(r.get("seconds")))
            for r in _rows(Path(path))]


def read_cells(path):
    """cells.csv as a list of CellResult, in file order (which is notebook order per student)."""
    return [CellResult(student=_text(r.get("student")), grade_id=_text(r.get("grade_id")),
                       score=_number(r.get("score")), max_score=_number(r.get("max_score")),
                       failure=(_text(r.get("failure")).splitlines() or [""])[0].strip())
            for r in _rows(Path(path))]


# ------------------------------------------------------------------------------- statistics

def summarize(grades):
    """Class numbers for the header. Mean and median are over the students whose score is a
    number (a missing submission may have none); ``max_score`` is the assignment's points, the
    most common max_score in the file (every row should carry the same)."""
    scores = [g.score for g in grades if g.score is not None]
    maxima = Counter(g.max_score for g in grades if g.max_score is not None)
    counts = Counter(g.status for g in grades)
    # Known statuses in their order, then anything unexpected so it is not hidden.
    ordered = [(s, counts[s]) for s in STATUSES if counts[s]]
    ordered += sorted((s, n) for s, n in counts.items() if s not in STATUSES)
    return {
        "students": len(grades),
        "scored": len(scores),
        "mean": statistics.fmean(scores) if scores else None,
        "median": statistics.median(scores) if scores else None,
        "best": max(scores) if scores else None,
        "max_score": maxima.most_common(1)[0][0] if maxima else None,
        "status_counts": ordered,
        "flagged": sum(1 for g in grades if g.flags),
    }


def pass_rates(cells):
    """[(grade_id, points, passed, total)] per test cell, in the order cells first appear
    (notebook order). points is the cell's max_score (None when the file has none)."""
    table = {}
    for c in cells:
        entry = table.setdefault(c.grade_id, [c.max_score, 0, 0])
        if entry[0] is None:
            entry[0] = c.max_score
        entry[1] += c.passed
        entry[2] += 1
    return [(gid, pts, passed, total) for gid, (pts, passed, total) in table.items()]


def common_failures(cells, top=TOP_FAILURES):
    """[(message, count, [(grade_id, count in that cell), ...])] for the ``top`` most frequent
    failure messages. Identical messages are grouped wherever they occurred; the cells are in
    notebook order; ties between messages keep first-seen order."""
    order = {}                                   # grade_id -> notebook position
    counts, per_cell = Counter(), {}
    for c in cells:
        order.setdefault(c.grade_id, len(order))
        if c.failure:
            counts[c.failure] += 1
            per_cell.setdefault(c.failure, Counter())[c.grade_id] += 1
    # Counter.most_common keeps insertion order among equal counts.
    return [(msg, n, sorted(per_cell[msg].items(), key=lambda item: order[item[0]]))
            for msg, n in counts.most_common(top)]


def needs_attention(grades):
    """Students whose status is not ``graded`` or who have tamper flags: flagged ones first
    (a possible cheat needs a human before anything else), then in STATUSES order, then by name."""
    rank = {s: i for i, s in enumerate(STATUSES)}
    chosen = [g for g in grades if g.status != "graded" or g.flags]
    return sorted(chosen, key=lambda g: (not g.flags, rank.get(g.status, len(STATUSES)),
                                         g.student.lower()))


# ------------------------------------------------------------------------------------ plots

def _histogram_png(grades, max_score):
    scores = np.array([g.score for g in grades if g.score is not None])
    top = max([max_score or 0.0, *scores.tolist()]) or 1.0
    # One bar per point when points are few and whole, so "7/10" is its own bar.
    whole = float(top).is_integer() and top <= 25
    bins = np.arange(0, top + 2) - 0.5 if whole else np.linspace(0, top, 11)

    def draw(fig):
        ax = fig.add_subplot()
        ax.hist(scores, bins=bins, color="#1b9e77", edgecolor="white")
        for value, colour, name in ((scores.mean(), "#d95f02", "mean"),
                                    (np.median(scores), "#7570b3", "median")):
            ax.axvline(value, color=colour, linestyle="--", linewidth=1.5,
                       label=f"{name} {_fmt(value)}")
        ax.set_xlim(bins[0], bins[-1])
        ax.set_xlabel(f"score (out of {_fmt(max_score)})" if max_score else "score")
        ax.set_ylabel("students")
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.legend(frameon=False, fontsize=9)
        ax.spines[["top", "right"]].set_visible(False)
    return render_png(draw, size=(8.0, 3.4))


def _pass_raterender_png(rates):
    def draw(fig):
        ax = fig.add_subplot()
        labels = [f"{gid} ({_fmt(pts)} pt)" if pts is not None else gid
                  for gid, pts, _, _ in rates]
        fractions = [passed / total for _, _, passed, total in rates]
        colours = ["#1b9e77" if f >= 0.8 else "#e6ab02" if f >= 0.5 else "#d95f02"
                   for f in fractions]
        y = np.arange(len(rates))
        ax.barh(y, fractions, color=colours, height=0.7)
        for i, (f, (_, _, passed, total)) in enumerate(zip(fractions, rates)):
            ax.text(f + 0.01, i, f"{f:.0%}  ({passed}/{total})", va="center", fontsize=9)
        ax.set_yticks(y)
        ax.set_yticklabels(labels, fontsize=9)
        ax.invert_yaxis()                      # first cell of the notebook at the top
        ax.set_xlim(0, 1.22)                   # room for the labels right of a full bar
        ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
        ax.set_xticklabels(["0%", "25%", "50%", "75%", "100%"])
        ax.set_xlabel("students passing the cell")
        ax.spines[["top", "right"]].set_visible(False)
    return render_png(draw, size=(8.0, 1.2 + 0.3 * len(rates)))


# ------------------------------------------------------------------------------------- HTML

def _fmt(x):
    """A score for people: at most two decimals, no trailing zeros; '—' when there is none."""
    return "—" if x is None else f"{round(float(x), 2):g}"


def _chart(png, alt):
    """A plot for the template: the PNG as base64 (so the page needs no other file) and its
    alt text, which the template escapes like any other value."""
    return {"png": base64.b64encode(png).decode("ascii"), "alt": alt}


# Autoescape everything: the template is HTML and every value in it may have come from a
# student. StrictUndefined makes a misspelt name in the template an error, not an empty cell.
_PAGES = jinja2.Environment(loader=jinja2.PackageLoader("course.instructor", "templates"),
                            autoescape=True, undefined=jinja2.StrictUndefined,
                            trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
_PAGES.filters["fmt"] = _fmt


def render_html(assignment, grades, cells, generated=None):
    """The report page as a string, from templates/report.html (``write_report`` reads the
    files and saves it)."""
    summary = summarize(grades)
    rates = pass_rates(cells)
    failures = common_failures(cells)
    generated = generated or datetime.now()
    out_of = summary["max_score"]

    histogram = pass_chart = None
    if summary["scored"]:
        histogram = _chart(_histogram_png(grades, out_of),
                           f"histogram of {summary['scored']} scores, "
                           f"mean {_fmt(summary['mean'])}")
    if rates:
        pass_chart = _chart(_pass_raterender_png(rates), "pass rate per cell: " + ", ".join(
            f"{gid} {passed}/{total} ({passed / total:.0%})" for gid, _, passed, total in rates))

    return _PAGES.get_template("report.html").render(
        assignment=assignment, generated=f"{generated:%Y-%m-%d %H:%M}", statuses=STATUSES,
        summary=summary, of=f" of {_fmt(out_of)}" if out_of is not None else "",
        unscored=summary["students"] - summary["scored"],
        histogram=histogram, pass_chart=pass_chart, failures=failures,
        more_failures=len({c.failure for c in cells if c.failure}) > TOP_FAILURES,
        attention=needs_attention(grades),
        grades=sorted(grades, key=lambda g: g.student.lower()))


def write_report(root, assignment):
    """Write ``<root>/reports/<assignment>/report.html`` from the grading command's CSVs and
    return its path. grades.csv must exist (it is how we know grading ran); cells.csv may be
    absent when nobody could be graded."""
    folder = Path(root) / "reports" / assignment
    grades_csv = folder / "grades.csv"
    if not grades_csv.exists():
        raise FileNotFoundError(f"{grades_csv} not found: grade the assignment first")
    page = render_html(assignment, read_grades(grades_csv), read_cells(folder / "cells.csv"))
    out = folder / "report.html"
    out.write_text(page, encoding="utf-8")
    return out
