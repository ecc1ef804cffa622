"""``python -m course similarity ASSIGNMENT``: which students' answers look alike.

Each student's answer cells (nbgrader ``solution`` cells, by the grade ids of the source
notebooks) are taken from ``submitted/STUDENT/ASSIGNMENT/*.ipynb``, what the release gave
everyone (signature, docstring, the ``# YOUR CODE HERE`` stub) is removed, and every pair of
students is compared with copydetect's winnowing fingerprints (MOSS's algorithm): code is
tokenized, names become V/F, comments and whitespace are dropped, and k-grams of what remains
are matched, so renamed variables, added comments and blank lines do not hide a copy.

One document per student: all answer cells joined, in the source's order. ch01's functions are
one to seven lines; fingerprints of one function alone are too short to tell a copy from the
one obvious way of writing it, while a copied assignment matches across its functions. The page
names the grade ids in which the matching code lies.

Similarity in each direction is copydetect's: the share of a student's fingerprinted code that
also appears in the other's. Pairs are ranked and thresholded by the larger of the two.

Notebooks are read as ``course grade`` reads them (``submissions``): no link is followed, and a
notebook that is not UTF-8, not JSON or not a notebook is skipped with the reason (its checks run
on a private copy, so the submission is never changed). Nothing is executed.
"""
import io
import os
import re
import shutil
import stat
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import nbformat

from .cells import grade_id, is_solution
from .submissions import Inspection, check_notebook, student_ids
from .textsafe import printable

__all__ = ["Student", "Pair", "read_students", "compare", "render_html", "run_similarity",
           "NOISE", "THRESHOLD"]

NOISE = 25          # copydetect's noise threshold: k, in characters of tokenized code
THRESHOLD = 0.5     # default: pairs whose larger similarity is above this are reported
PAGE_PAIRS = 300    # pairs shown with their code at most; the rest are counted, not shown
CELL_LIMIT = 50_000  # characters of an answer cell compared (hashing is per character)
_DOCSTRING = re.compile(r'[rRuU]?("""|\'\'\')(.*?)\1', re.S)


@dataclass
class Student:
    id: str
    code: str = ""                                   # own answer code, cells joined
    cells: list = field(default_factory=list)        # [(grade_id, start, end)] in ``code``
    notes: list = field(default_factory=list)        # notebooks skipped, with the reason
    fingerprint: object = None


@dataclass
class Pair:
    a: Student
    b: Student
    sim_a: float          # share of a's code found in b's
    sim_b: float
    slices_a: object      # copydetect's 2xN array of [start, end) in a.code
    slices_b: object

    @property
    def score(self):
        return max(self.sim_a, self.sim_b)

    def grade_ids(self):
        """The grade ids in which either side has matching code, in the source's order."""
        found = []
        for student, slices in ((self.a, self.slices_a), (self.b, self.slices_b)):
            for gid, start, end in student.cells:
                if gid not in found and any(s < end and e > start for s, e in zip(*slices)):
                    found.append(gid)
        order = [gid for gid, _, _ in self.a.cells]
        return sorted(found, key=lambda g: order.index(g) if g in order else len(order))

    def sections(self, which):
        """[(grade_id, [(text, matched)])]: one side's answer cells cut at the matches."""
        student, slices = (self.a, self.slices_a) if which == "a" else (self.b, self.slices_b)
        out = []
        for gid, start, end in student.cells:
            chunks, at = [], start
            for s, e in sorted(zip(slices[0], slices[1])):
                s, e = max(int(s), start), min(int(e), end)
                if s >= e:
                    continue
                if s > at:
                    chunks.append((student.code[at:s], False))
                chunks.append((student.code[max(s, at):e], True))
                at = max(at, e)
            if at < end:
                chunks.append((student.code[at:end], False))
            out.append((gid, chunks))
        return out


# ----------------------------------------------------------------------------- answer cells

def _answers(nb):
    """{grade id: source} of a notebook's answer cells (the first cell of each id)."""
    out = {}
    for cell in nb.cells:
        if is_solution(cell) and grade_id(cell) and grade_id(cell) not in out:
            out[grade_id(cell)] = cell.source
    return out


def _notebooks_answers(folder):
    answers = {}
    for path in sorted(Path(folder).glob("*.ipynb")):
        for gid, src in _answers(nbformat.read(str(path), as_version=4)).items():
            answers.setdefault(gid, src)
    return answers


def own_code(code, stub):
    """``code`` without what the release's answer cell ``stub`` already held: its docstrings
    (wherever the student left them) and each of its other lines once (signature, the
    ``# YOUR CODE HERE`` comment, ``raise NotImplementedError()``)."""
    for match in _DOCSTRING.finditer(stub):
        code = code.replace(match.group(0), "", 1)
    given = [line.strip() for line in _DOCSTRING.sub("", stub).splitlines() if line.strip()]
    kept = []
    for line in code.splitlines():
        if line.strip() in given:
            given.remove(line.strip())
        else:
            kept.append(line)
    while kept and not kept[0].strip():          # what the docstring's line left behind
        kept.pop(0)
    while kept and not kept[-1].strip():
        kept.pop()
    return "\n".join(kept)


def _read_submission(root, assignment, sid, release, gids, scratch):
    """A Student from submitted/sid/assignment, or (None, reason) when nothing can be read."""
    base = Path(root) / "submitted"
    for path in (base / sid, base / sid / assignment):
        st = os.lstat(path)
        if stat.S_ISLNK(st.st_mode):
            return None, (f"submitted/{path.relative_to(base)} is a symbolic link (to "
                          f"{os.readlink(path)!r}); links are never followed")
        if not stat.S_ISDIR(st.st_mode):
            return None, f"submitted/{path.relative_to(base)} is not a folder"
    student = Student(sid)
    folder = base / sid / assignment
    answers = {}
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        if not entry.name.endswith(".ipynb"):
            continue
        st = os.lstat(entry.path)
        if stat.S_ISLNK(st.st_mode):
            student.notes.append(f"{entry.name} is a symbolic link (to "
                                 f"{os.readlink(entry.path)!r}); links are never followed")
            continue
        if not stat.S_ISREG(st.st_mode):
            student.notes.append(f"{entry.name} is not a regular file; skipped")
            continue
        # course grade's checks and repairs (JSON, UTF-8, renamed grade ids), on a copy
        copy = Path(scratch) / entry.name
        shutil.copyfile(entry.path, copy, follow_symlinks=False)
        ref = release / entry.name if (release / entry.name).exists() else release_nb(release)
        check = Inspection(sid)
        try:
            check_notebook(ref, copy, check, Path(scratch) / "originals")
            if check.status == "invalid":
                student.notes.extend(check.reasons)
            else:
                for gid, src in _answers(nbformat.read(str(copy), as_version=4)).items():
                    answers.setdefault(gid, str(src)[:CELL_LIMIT])
        except Exception as e:      # a notebook shaped to break the checks skips itself only
            student.notes.append(f"{entry.name} could not be read ({type(e).__name__}: "
                                 f"{str(e)[:200]})")
        copy.unlink()
    if not answers:
        return None, "; ".join(student.notes) or "no notebook in the submission"
    parts, at = [], 0
    for gid, stub in gids.items():
        text = own_code(answers.get(gid, ""), stub)
        student.cells.append((gid, at, at + len(text)))
        parts.append(text)
        at += len(text) + 1
    student.code = "\n".join(parts)
    return student, None


def release_nb(release):
    names = sorted(release.glob("*.ipynb"))
    if not names:
        raise SystemExit(f"no release notebook in {release}: run `nbgrader generate_assignment "
                         f"{release.name}` first")
    return names[0]


def read_students(root, assignment):
    """(students, skipped, gids): the students whose answers can be compared, [(id, reason)] for
    the others, and {grade id: release stub} in the source's order."""
    root = Path(root)
    source = root / "source" / assignment
    release = root / "release" / assignment
    order = list(_notebooks_answers(source))
    if not order:
        raise SystemExit(f"no answer cells in {source}/*.ipynb")
    release_nb(release)
    stubs = _notebooks_answers(release)
    gids = {gid: stubs.get(gid, "") for gid in order}
    students, skipped = [], []
    with tempfile.TemporaryDirectory(prefix="similarity-") as scratch:
        for sid in student_ids(root, assignment):
            student, reason = _read_submission(root, assignment, sid, release, gids, scratch)
            if student is None:
                skipped.append((sid, reason))
            else:
                students.append(student)
    return students, skipped, gids


# ------------------------------------------------------------------------------ comparison

def compare(students, stubs, k=NOISE):
    """Every pair of students, with copydetect's similarities; the release's code (``stubs``)
    is boilerplate: fingerprints it has are never a match."""
    import numpy as np
    from copydetect import CodeFingerprint, compare_files
    from copydetect.utils import filter_code, get_document_fingerprints

    # The lexer is chosen by the file name; all hashes come from this one process (copydetect
    # uses Python's salted hash(), so fingerprints of two processes could not be compared).
    filtered, _ = filter_code("\n".join(stubs), "answers.py")
    boilerplate = np.array(sorted(get_document_fingerprints(filtered, k, 1)[0]))
    for s in students:
        s.fingerprint = CodeFingerprint("answers.py", k, 1, boilerplate=boilerplate,
                                        fp=io.StringIO(s.code))
    # Only pairs that share a fingerprint can match: an index avoids the other comparisons.
    holders = {}
    for i, s in enumerate(students):
        for h in s.fingerprint.hashes:
            holders.setdefault(h, []).append(i)
    candidates = set()
    for group in holders.values():
        for x, i in enumerate(group):
            candidates.update((i, j) for j in group[x + 1:])
    pairs = []
    for i, j in sorted(candidates):
        a, b = students[i], students[j]
        _, (sim_a, sim_b), (slices_a, slices_b) = compare_files(a.fingerprint, b.fingerprint)
        pairs.append(Pair(a, b, float(sim_a), float(sim_b), slices_a, slices_b))
    pairs.sort(key=lambda p: (-p.score, -min(p.sim_a, p.sim_b), p.a.id, p.b.id))
    return pairs


# ---------------------------------------------------------------------------------- output

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Similarity: {{ assignment }}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; max-width: 110em; }
.note { background: #fff8e1; border-left: 4px solid #f0a500; padding: .6em 1em; }
table { border-collapse: collapse; } td, th { padding: .2em .8em; text-align: left; }
th { border-bottom: 1px solid #999; }
.pair { border-top: 1px solid #ccc; margin-top: 1.5em; }
.sides { display: grid; grid-template-columns: 1fr 1fr; gap: 1em; }
pre { background: #f6f6f6; padding: .5em; overflow-x: auto; font-size: 85%; margin: .2em 0; }
mark { background: #ffd54f; }
h4 { margin: .6em 0 0 0; font-size: 90%; color: #555; }
</style></head><body>
<h1>Similarity of the answers: {{ assignment }}</h1>
<p class="note"><strong>A signal for a person to look at, not a verdict.</strong>
Independent solutions of short functions can look alike: there are few ways to write them.
Read the code side by side before drawing any conclusion.</p>
<p>{{ n_students }} students compared ({{ n_pairs }} pairs share some code) on their answer
cells joined ({{ gids|join(", ") }}), without what the release gave them. Method: copydetect's
winnowing fingerprints (MOSS), k = {{ k }} characters of tokenized code (names and comments do
not count). Similarity A&rarr;B is the share of A's code found in B's.
Pairs with a similarity above {{ "%.0f"|format(threshold * 100) }}% in either direction:
<strong>{{ above|length }}</strong>. Written {{ when }}.</p>
{% if above %}
<table><tr><th>#</th><th>student A</th><th>student B</th><th>A&rarr;B</th><th>B&rarr;A</th>
<th>matching grade ids</th></tr>
{% for p in above %}<tr><td><a href="#pair{{ loop.index }}">{{ loop.index }}</a></td>
<td>{{ p.a.id }}</td><td>{{ p.b.id }}</td><td>{{ "%.0f"|format(p.sim_a * 100) }}%</td>
<td>{{ "%.0f"|format(p.sim_b * 100) }}%</td><td>{{ p.grade_ids()|join(", ") }}</td></tr>
{% endfor %}</table>
{% if hidden %}<p>The code of the {{ shown|length }} highest pairs is shown below; the other
{{ hidden }} are in the table only (a higher --threshold shows fewer).</p>{% endif %}
{% for p in shown %}<div class="pair" id="pair{{ loop.index }}">
<h3>{{ loop.index }}. {{ p.a.id }} &amp; {{ p.b.id }}: {{ "%.0f"|format(p.sim_a * 100) }}%
/ {{ "%.0f"|format(p.sim_b * 100) }}%</h3>
<div class="sides">{% for side, who in (("a", p.a), ("b", p.b)) %}<div>
<strong>{{ who.id }}</strong>
{% for gid, chunks in p.sections(side) %}<h4>{{ gid }}</h4>
<pre>{% for text, hit in chunks %}{% if hit %}<mark>{{ text }}</mark>{% else %}{{ text }}{% endif %}
{%- endfor %}</pre>{% endfor %}</div>{% endfor %}</div></div>
{% endfor %}
{% else %}<p>No pair is above the threshold.</p>{% endif %}
{% if skipped or notes %}<h2>Not compared, or partly</h2><ul>
{% for sid, reason in skipped %}<li><strong>{{ sid }}</strong>: not compared: {{ reason }}</li>
{% endfor %}{% for sid, note in notes %}<li><strong>{{ sid }}</strong>: compared; a notebook
was not read: {{ note }}</li>
{% endfor %}</ul>{% endif %}
{% if empty %}<p>Nothing of their own beyond the release (similarity 0 with everyone):
{{ empty|join(", ") }}.</p>{% endif %}
</body></html>
"""


def render_html(assignment, students, skipped, gids, pairs, threshold, k=NOISE):
    from jinja2 import Environment

    above = [p for p in pairs if p.score > threshold]
    notes = [(s.id, n) for s in students for n in s.notes]
    empty = [s.id for s in students if not s.fingerprint.hashes]
    shown = above[:PAGE_PAIRS]
    return Environment(autoescape=True).from_string(PAGE).render(
        assignment=assignment, n_students=len(students), n_pairs=len(pairs), gids=list(gids),
        k=k, threshold=threshold, above=above, shown=shown, hidden=len(above) - len(shown),
        skipped=skipped, notes=notes, empty=empty,
        when=datetime.now().strftime("%Y-%m-%d %H:%M"))


def table(pairs, top, threshold):
    """The top pairs as lines of text for a terminal (ids made printable)."""
    lines = [f"{'student A':<24} {'student B':<24} {'A->B':>5} {'B->A':>5}  grade ids"]
    for p in pairs[:top]:
        flag = "" if p.score > threshold else "  (below threshold)"
        lines.append(f"{printable(p.a.id)[:24]:<24} {printable(p.b.id)[:24]:<24} "
                     f"{p.sim_a:>5.0%} {p.sim_b:>5.0%}  {', '.join(p.grade_ids())}{flag}")
    return lines


def run_similarity(root, assignment, threshold=THRESHOLD, top=10, out=print):
    """Compare the class, write reports/ASSIGNMENT/similarity.html, print the top pairs."""
    start = time.time()
    students, skipped, gids = read_students(root, assignment)
    pairs = compare(students, list(gids.values()))
    page = render_html(assignment, students, skipped, gids, pairs, threshold)
    path = Path(root) / "reports" / assignment / "similarity.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(page)
    os.replace(tmp, path)
    above = sum(p.score > threshold for p in pairs)
    out(f"{len(students)} students compared, {len(skipped)} skipped; {above} pairs above "
        f"{threshold:.0%} (a signal to read the code, not a verdict)")
    if pairs:
        out("\n".join(table(pairs, top, threshold)))
    for sid, reason in skipped:
        out(f"skipped {printable(sid)}: {printable(reason)}")
    for s in students:
        for note in s.notes:
            out(f"{printable(s.id)}: compared; a notebook was not read: {printable(note)}")
    try:
        shown = path.relative_to(Path.cwd())      # short when run from the course folder
    except ValueError:
        shown = path
    out(f"wrote {shown} ({time.time() - start:.1f} s)")
    return path, pairs, skipped
