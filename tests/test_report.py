"""course.instructor.report: the class report page, built from synthetic grading CSVs."""
import base64
import csv
import dataclasses
import html as htmllib
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from course.instructor import report

HOSTILE = "<script>alert(1)</script>"
RED = "\x1b[31m"
RESET = "\x1b[0m"
TRANSPOSE = "AssertionError: dw has shape (1, 2), expected (2, 1): a missing transpose?"
NAN = "AssertionError: cost is nan"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

GRADES = [
    # student, score, max_score, status, reason, flags, seconds
    ("alice", "10", "10", "graded", "", "", "12.5"),
    ("bob", "6", "10", "graded", "", "", "11.0"),
    ("carol", "4", "10", "repaired", "the notebook's JSON was truncated; repaired", "", "13.1"),
    ("dave", "7", "10", "graded", "",
     "rebound numpy.allclose in cell 7; read /work/main/source/x.ipynb outside its folder", "9.8"),
    (HOSTILE, "0", "10", "crashed", "kernel died <b>twice</b>", "", "30.0"),
    ("erin", "", "10", "missing", "no submission", "", ""),
    ("frank", "n/a", "10", "invalid", "not a notebook", "", "0.1"),
]

CELLS_ORDER = ["test_sigmoid", "test_grads", "test_model"]
# student -> failure per cell in CELLS_ORDER ("" = passed); each cell is worth 2, 4 and 4 points
CELL_RESULTS = {
    "alice": ["", "", ""],
    "bob": ["", TRANSPOSE, ""],
    "carol": ["", RED + TRANSPOSE + RESET, NAN],
    "dave": ["", "", TRANSPOSE],
    HOSTILE: [f"NameError: name '{HOSTILE}' is not defined", TRANSPOSE, NAN],
}
POINTS = {"test_sigmoid": 2, "test_grads": 4, "test_model": 4}


def write_csvs(root, grades, cell_results, assignment="ch01"):
    folder = root / "reports" / assignment
    folder.mkdir(parents=True)
    with open(folder / "grades.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["student", "score", "max_score", "status", "reason", "flags", "seconds"])
        w.writerows(grades)
    with open(folder / "cells.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["student", "grade_id", "score", "max_score", "failure"])
        for student, failures in cell_results.items():
            for gid, failure in zip(CELLS_ORDER, failures):
                w.writerow([student, gid, 0 if failure else POINTS[gid], POINTS[gid], failure])
    return folder


@pytest.fixture
def page(tmp_path):
    write_csvs(tmp_path, GRADES, CELL_RESULTS)
    path = report.write_report(tmp_path, "ch01")
    return path, path.read_text(encoding="utf-8")


def section(html, anchor):
    """The HTML from heading ``id=anchor`` to the next heading."""
    start = html.index(f"<h2 id={anchor}>")
    end = html.find("<h2", start + 1)
    return html[start:end if end > 0 else None]


def test_writes_a_self_contained_page(page, tmp_path):
    path, html = page
    assert path == tmp_path / "reports" / "ch01" / "report.html" and path.exists()
    images = re.findall(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)
    assert len(images) == 2                                    # histogram and pass rates
    for data in images:
        assert base64.b64decode(data).startswith(PNG_MAGIC)
    assert "<script" not in html.lower() and "http://" not in html and "https://" not in html


def test_header_counts(page):
    _, html = page
    header = html[:html.index("<h2")]
    assert "ch01" in header and "Generated" in header
    assert "<b>7</b><span>students</span>" in header
    # mean and median over the 5 numeric scores 10, 6, 4, 7, 0; erin and frank have none
    assert "<b>5.4</b><span>mean of 10</span>" in header
    assert "<b>6</b><span>median of 10</span>" in header
    for status, n in (("graded", 3), ("repaired", 1), ("crashed", 1), ("missing", 1),
                      ("invalid", 1)):
        assert f'<b>{n}</b><span><span class="badge s-{status}">{status}</span>' in header


def test_pass_rates_in_notebook_order():
    rows = [report.CellResult(s, gid, None, POINTS[gid], failure)
            for s, failures in CELL_RESULTS.items() for gid, failure in zip(CELLS_ORDER, failures)]
    rates = report.pass_rates(rows)
    assert rates == [("test_sigmoid", 2, 4, 5), ("test_grads", 4, 2, 5), ("test_model", 4, 2, 5)]


def test_pass_rates_on_the_page(page):
    _, html = page
    alt = re.search(r'alt="(pass rate per cell: [^"]*)"', html).group(1)
    assert alt == ("pass rate per cell: test_sigmoid 4/5 (80%), test_grads 2/5 (40%), "
                   "test_model 2/5 (40%)")


def test_most_common_failure_first_and_ansi_stripped(page):
    _, html = page
    failures = section(html, "failures")
    assert "\x1b" not in html and "[31m" not in html
    # the transpose message: 4 times (one of them coloured), in two cells; then nan, twice
    first_row = re.search(r"<tbody><tr><td>(.*?)</tr>", failures).group(1)
    assert htmllib.escape(TRANSPOSE) in first_row
    assert ("<td class=num>4</td><td><span class=nowrap>test_grads (3)</span><br>"
            "<span class=nowrap>test_model (1)</span></td>") in first_row
    assert failures.index("cost is nan") < failures.index("NameError")


def test_common_failures_groups_identical_messages():
    cells = [report.CellResult("a", "c1", 0, 1, "x"), report.CellResult("b", "c2", 0, 1, "y"),
             report.CellResult("c", "c2", 0, 1, "y"), report.CellResult("d", "c1", 0, 1, "y"),
             report.CellResult("e", "c1", 1, 1, "")]
    # cells in notebook order (c1 first seen before c2), each with its own count
    assert report.common_failures(cells) == [("y", 3, [("c1", 1), ("c2", 2)]),
                                             ("x", 1, [("c1", 1)])]
    many = [report.CellResult("s", "c", 0, 1, f"error {i}") for i in range(40)]
    assert len(report.common_failures(many)) == report.TOP_FAILURES


def test_hostile_text_is_escaped(page):
    _, html = page
    assert HOSTILE not in html and "<b>twice</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "kernel died &lt;b&gt;twice&lt;/b&gt;" in html


def test_needs_attention_lists_flagged_and_ungraded(page):
    _, html = page
    attention = section(html, "attention")
    rows = re.findall(r"<tr( class=tamper)?><td><span class=name>(.*?)</span></td>",
                      attention.split("<tbody>")[1])
    students = [name for _, name in rows]
    # dave is graded but flagged: listed first and highlighted; alice and bob are clean
    assert students[0] == "dave" and rows[0][0] == " class=tamper"
    assert set(students) == {"dave", "carol", htmllib.escape(HOSTILE), "erin", "frank"}
    assert all(not tamper for tamper, _ in rows[1:])
    assert "<li>rebound numpy.allclose in cell 7</li>" in attention
    assert "<li>read /work/main/source/x.ipynb outside its folder</li>" in attention


def test_full_grade_table(page):
    _, html = page
    grades = section(html, "grades")
    assert grades.count("<tr") == 1 + len(GRADES)             # header + one row per student
    assert ("<td><span class=name>frank</span></td><td class=num>—</td><td class=num>10</td>"
            in grades)


@pytest.mark.parametrize("grades", [[], [("erin", "", "", "missing", "no submission", "", ""),
                                         ("finn", "", "", "missing", "no submission", "", "")]],
                         ids=["empty class", "all missing"])
def test_empty_and_all_missing_classes(tmp_path, grades):
    write_csvs(tmp_path, grades, {})
    html = report.write_report(tmp_path, "ch01").read_text(encoding="utf-8")
    assert "<img" not in html
    assert "No scores to plot" in html and "No test cell results" in html
    assert "No failures" in html
    assert f"<b>{len(grades)}</b><span>students</span>" in html


def test_missing_cells_csv_and_odd_scores(tmp_path):
    folder = write_csvs(tmp_path, [("a", "abc", "10", "graded", "", "", "x"),
                                   ("b", "inf", "", "failed", "oops", "", "1")], {})
    (folder / "cells.csv").unlink()
    html = report.write_report(tmp_path, "ch01").read_text(encoding="utf-8")
    assert "No test cell results" in html and "<td>oops</td>" in html


def test_no_grades_csv_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="grade the assignment first"):
        report.write_report(tmp_path, "ch01")


def test_only_the_most_common_failures_are_listed(tmp_path):
    cells = [report.CellResult(f"s{i}", "c", 0, 1, f"error {i:02d}") for i in range(20)]
    cells += [report.CellResult("s0", "d", 0, 1, "error 19")]           # the most common: first
    html = report.render_html("ch01", [report.Grade("s0", 0, 2, "graded")], cells)
    failures = section(html, "failures")
    assert failures.count("<tr") == 1 + report.TOP_FAILURES
    assert re.search(r"<tbody><tr><td><code>error 19</code></td><td class=num>2</td>", failures)
    assert f"The {report.TOP_FAILURES} most common are shown." in failures
    few = report.render_html("ch01", [], cells[:report.TOP_FAILURES])
    assert "most common are shown" not in few


# --- no value reaches the page unescaped ------------------------------------------------------

PAYLOADS = ['"><img src=x onerror=alert(1)>', "{{7*7}}", "</style><script>alert(2)</script>",
            "x' onmouseover='alert(3)", "{% raw %}{# comment"]
# what the template itself writes; anything else in the page came from a value
TAGS = {"html", "head", "meta", "title", "style", "body", "h1", "h2", "p", "nav", "a", "div",
        "b", "span", "img", "table", "thead", "tbody", "tr", "th", "td", "code", "br", "ul", "li"}


class Tags(HTMLParser):
    """The page as a browser's tokenizer sees it: its tags with their attributes, and its
    text with the character references decoded."""

    def __init__(self, page):
        super().__init__(convert_charrefs=True)
        self.tags, self.text = [], []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def hostile(cls, payload, **numbers):
    """An instance of a report dataclass with every text field set to ``payload``."""
    values = {f.name: payload if f.type is str else [payload, payload] if f.type is list
              else None for f in dataclasses.fields(cls)}
    return cls(**{**values, **numbers})


@pytest.mark.parametrize("payload", PAYLOADS)
def test_no_value_reaches_the_page_unescaped(payload):
    grades = [hostile(report.Grade, payload, score=3.0, max_score=10.0, seconds=1.0),
              report.Grade("alice", 8.0, 10.0, "graded")]
    cells = [hostile(report.CellResult, payload, score=0.0, max_score=2.0),
             report.CellResult("alice", "test_ok", 2.0, 2.0, "")]
    html = report.render_html(payload, grades, cells)
    assert payload not in html or not re.search(r"[<>\"'&]", payload)
    parsed = Tags(html)
    # nothing the template does not write: no tag, no attribute, no second style or image
    assert {tag for tag, _ in parsed.tags} <= TAGS
    assert not [a for _, attrs in parsed.tags for a in attrs if a.startswith("on")]
    images = [attrs for tag, attrs in parsed.tags if tag == "img"]
    assert len(images) == 2 and all(a["src"].startswith("data:image/png;base64,") for a in images)
    assert sum(tag == "style" for tag, _ in parsed.tags) == 1
    # and the value is all there as text: escaped, not dropped; never run as template code
    text = "".join(parsed.text)
    for where in (f"{payload}: class report", f"reports/{payload}/grades.csv",
                  f"{payload} (1)"):                           # title and h1, meta line, cells
        assert where in text, where
    assert text.count(payload) >= 10
    assert any(payload in a["alt"] for a in images)           # the pass-rate chart's cell name
    if "7*7" in payload:
        assert "49" not in re.sub(r"base64,[A-Za-z0-9+/=]+", "", html)


def test_the_template_marks_nothing_safe():
    """The page escapes because the template never opts out; the test above checks each field
    the template shows today, this keeps a field added later from opting out."""
    template = (Path(report.__file__).parent / "templates" / "report.html").read_text("utf-8")
    code = re.sub(r"\{#.*?#\}", "", template, flags=re.S)          # the comments may say it
    assert not re.search(r"\|\s*safe\b|autoescape\s+false|Markup", code)
