"""Each chapter's source notebook: nbgrader metadata, the contract's sections, execution with
its solutions, no control characters, and a release that leaks nothing (that the release equals
a fresh generate_assignment is checked in test_autograde.py)."""
import json
import re
import unicodedata

import nbformat
import pytest

from nbtools import HIDDEN, SOLUTION, errors, execute, nbmeta, read, secret_lines

GRADE_ID = re.compile(r"^[a-zA-Z0-9_-]+$")
SECTIONS = ["terminology", "put it together", "see it", "pitfalls", "cheat sheet"]


def test_metadata(chapter):
    nb = read(chapter.source)
    nbformat.validate(nb)
    ids = [nbmeta(c)["grade_id"] for c in nb.cells if nbmeta(c)]
    assert len(ids) == len(set(ids)), f"duplicate grade ids: {ids}"
    num = f"ch{chapter.number:02d}"
    for cell in nb.cells:
        meta = nbmeta(cell)
        if not meta:
            continue
        assert meta["schema_version"] == 3
        assert GRADE_ID.match(meta["grade_id"]), meta["grade_id"]
        assert cell.cell_type == "code", f"{meta['grade_id']}: nbgrader cells here are code cells"
        if meta.get("solution"):
            assert not meta.get("grade") and not meta.get("locked")
            assert meta["grade_id"].startswith(num + "-"), meta["grade_id"]
            assert SOLUTION.search(cell.source), f"{meta['grade_id']}: no solution region"
        elif meta.get("grade"):
            assert meta["locked"], f"{meta['grade_id']}: test cells must be locked"
            assert isinstance(meta["points"], (int, float)) and meta["points"] > 0
            assert meta["grade_id"].startswith(f"test-{num}-"), meta["grade_id"]
            assert HIDDEN.search(cell.source), f"{meta['grade_id']}: no hidden tests"
            first = cell.source.lstrip().splitlines()[0]
            assert first.startswith("from course.testing import"), \
                f"{meta['grade_id']}: test cells import their checks first (so a student's " \
                "redefinition of a check name cannot replace them)"
        else:
            assert meta.get("locked"), meta
    for gid in chapter.answers:
        assert f"test-{gid}" in chapter.tests, f"{gid} has no test cell test-{gid}"
    assert 2 <= len(chapter.answers) <= 6, chapter.answers
    assert 10 <= chapter.points <= 30, chapter.points


def test_stored_without_outputs(chapter):
    raw = json.loads(chapter.source.read_text())
    for cell in raw["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None


def test_contract_sections(chapter):
    nb = read(chapter.source)
    first = nb.cells[0]
    assert first.cell_type == "markdown"
    assert first.source.startswith(f"# Chapter {chapter.number:02d}: "), first.source[:60]
    setup = nb.cells[1]
    assert nbmeta(setup).get("locked") and "default_rng" in setup.source, \
        "the second cell is the read-only setup with a seeded default_rng"
    markdown = "\n".join(c.source.lower() for c in nb.cells if c.cell_type == "markdown")
    for section in SECTIONS:
        assert section in markdown, f"no '{section}' section"
    assert "노트" in markdown or re.search(r"[\uac00-\ud7a3]", markdown), \
        "the terminology table keeps the notes' Korean terms"
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            assert "BEGIN SOLUTION" not in cell.source and "HIDDEN TESTS" not in cell.source, \
                "nbgrader reads these markers in markdown too"


WIDGET = re.compile(r"\b(figure_explorer|decision_boundary_explorer)\(")
LONG_CELL = 10        # lines: a widget cell longer than this keeps its code collapsed


def test_widget_code_is_collapsed_and_the_first_cell_says_how_to_check(chapter):
    """The "see it" cells show the picture, not the plumbing: a code cell that builds a widget
    in more than LONG_CELL lines is collapsed in JupyterLab (``jupyter.source_hidden``), in the
    source and in the release (nbgrader keeps the metadata); and the first cell tells a learner
    how to get the hidden tests' grade."""
    first = read(chapter.source).cells[0].source
    assert f"python -m course check ch{chapter.number:02d}" in first, \
        "the first cell says how to check this chapter (python -m course check chNN)"
    for path in (chapter.source, chapter.release):
        if not path.is_file():
            continue
        for cell in read(path).cells:
            if cell.cell_type == "code" and not nbmeta(cell) and WIDGET.search(cell.source) \
                    and len(cell.source.splitlines()) > LONG_CELL:
                hidden = cell.metadata.get("jupyter", {}).get("source_hidden")
                assert hidden, f"{path.name}: a widget cell of {len(cell.source.splitlines())} " \
                    "lines is not collapsed (the text form's '#%% code hidden=true')"


# What an escape in a non-raw string leaves: "\alpha" becomes BEL + "lpha", "\frac" FF + "rac".
ESCAPES = {"\a": "BEL, from \\a", "\b": "BACKSPACE, from \\b", "\v": "VT, from \\v",
           "\f": "FORM FEED, from \\f", "\r": "CARRIAGE RETURN, from \\r"}


def control_characters(nb):
    """'cell N (type, grade id): U+XXXX NAME near ...' for every control character (Unicode
    category Cc other than newline and tab) and format character (Cf: zero-width spaces and
    joiners, bidirectional marks, soft hyphens) in the cells' sources: none renders as intended,
    and some change what the reader sees."""
    found = []
    for i, cell in enumerate(nb.cells):
        for k, ch in enumerate(cell.source):
            category = unicodedata.category(ch)
            if (category == "Cc" and ch not in "\n\t") or category == "Cf":
                name = ESCAPES.get(ch) or unicodedata.name(ch, category)
                gid = nbmeta(cell).get("grade_id")
                where = f"cell {i} ({cell.cell_type}{', ' + gid if gid else ''})"
                found.append(f"{where}: U+{ord(ch):04X} {name} near "
                             f"{cell.source[max(0, k - 25):k + 25]!r}")
    return found


def test_no_control_characters(chapter):
    bad = [f"{path.relative_to(path.parents[2])} {hit}"
           for path in (chapter.source, chapter.release) if path.is_file()
           for hit in control_characters(read(path))]
    assert not bad, "control or invisible characters in cell sources (write LaTeX in " \
        "markdown as typed, and a backslash in a Python string as \\\\ or in a raw string):\n" \
        + "\n".join(bad)


@pytest.mark.pipeline
def test_executes_with_solutions(chapter, tmp_path):
    nb = read(chapter.source)
    seconds = execute(nb, tmp_path, timeout=30)
    assert not errors(nb), errors(nb)
    assert seconds < 30, f"{chapter.id} took {seconds:.1f} s (budget 30 s)"


# That each committed release equals a fresh generate_assignment is checked in
# test_autograde.py, on the generation it grades.


def test_release_leaks_nothing(chapter):
    src = read(chapter.source)
    released = chapter.release.read_text()
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
        assert marker not in released, f"{marker} in the release"
    rel_text = "\n".join(c.source for c in read(chapter.release).cells)
    leaked = [line for line in secret_lines(src) if line in rel_text]
    assert not leaked, f"the release shows solution or hidden-test lines: {leaked[:5]}"
