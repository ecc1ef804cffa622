"""The class report (python -m course report) as an instructor sees it: opened from disk in
headless Chromium, its tables and charts render, and a hostile student name stays text."""
from pathlib import Path

import pytest
from lab import CHROMIUM, SHOTS, browser, page, shot  # noqa: F401 (fixtures)

from course.instructor import report
from test_report import CELL_RESULTS, GRADES, HOSTILE, write_csvs

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

# fires an alert the moment the browser parses it, if it is ever parsed as HTML
IMG_ATTACK = '"><img src=x onerror=alert(1)>'


@pytest.fixture(scope="session")
def lab():
    """The report is a file and needs no JupyterLab: this stands in for lab.py's ``lab``
    (which lab.py's ``browser`` and ``page`` ask for), so only Chromium is started."""
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} not found: the browser tests need Debian's chromium")
    return {}


def test_report_renders_in_a_browser(page, shot, tmp_path):  # noqa: F811 (fixture names)
    grades = GRADES + [(IMG_ATTACK, "5", "10", "failed", IMG_ATTACK, IMG_ATTACK, "1")]
    write_csvs(tmp_path, grades, CELL_RESULTS)
    path = report.write_report(tmp_path, "ch01")
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    shot(page, "top")
    page.screenshot(path=str(SHOTS / "test_report_renders_in_a_browser-full.png"), full_page=True)

    assert page.title() == "ch01: class report"
    assert page.locator(".card").count() == 4 + 6 + 1       # numbers, 6 statuses, flagged
    # every student a row of the full table, and the two hostile names shown as text
    rows = page.locator("#grades + table tbody tr")
    assert rows.count() == len(grades)
    names = rows.locator("span.name").all_inner_texts()
    assert HOSTILE in names and IMG_ATTACK in names
    assert page.locator("#attention + p + table tr.tamper").count() == 2   # dave and the attack
    # both charts decoded: an image that failed has naturalWidth 0
    sizes = page.eval_on_selector_all("img", "imgs => imgs.map(i => [i.naturalWidth, "
                                              "i.getBoundingClientRect().height])")
    assert len(sizes) == 2 and all(w > 500 and h > 100 for w, h in sizes), sizes
    # nothing ran: no script element, no alert, and the only image elements are the charts
    assert page.locator("script").count() == 0 and dialogs == []
    assert page.eval_on_selector_all("img", "imgs => imgs.every(i => "
                                            "i.src.startsWith('data:image/png;base64,'))")
