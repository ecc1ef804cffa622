"""nbgrader grades each chapter as the contract says: the committed release is what a fresh
``generate_assignment`` makes, the solution gets full marks, the untouched release gets zero on
every test cell, the demo's partial student (the last exercise left undone) gets something in
between, and a submission that hard-codes the visible tests' answers passes them but fails every
test cell with hidden tests. Feedback hides them.

One generation and one gradebook per chapter serve all of these checks (each used to make its
own; the demo test made a third): at 51 chapters that keeps the suite within its time budget."""
import json
import warnings

import pytest

from course.instructor.demo import partial_submission
from course.instructor.grading import autograde, feedback, generate, nbgrader_api
from nbtools import (
    HIDDEN,
    answer_cells,
    cell_scores,
    course_copy,
    errors,
    execute,
    grading_cells,
    hardcoded_submission,
    read,
    secret_lines,
    submit,
)

pytestmark = pytest.mark.pipeline
warnings.filterwarnings("ignore", message=".*not in session.*")


def test_autograde_solution_release_hardcoded(chapter, tmp_path):
    course = course_copy(tmp_path / "course", [chapter.id])
    api = nbgrader_api(course)
    generate(api, chapter.id)
    source = read(chapter.source)
    fresh = course / "release" / chapter.id / chapter.source.name
    assert chapter.release.is_file(), f"{chapter.release} missing: run nbgrader generate_assignment"
    assert json.loads(chapter.release.read_text()) == json.loads(fresh.read_text()), \
        f"{chapter.release} is stale: regenerate it with nbgrader generate_assignment"
    release = read(fresh)

    hardcoded = hardcoded_submission(source, release, tmp_path)
    visible_run = read_copy(hardcoded)
    execute(visible_run, tmp_path)
    failed = [e for e in errors(visible_run) if e[1] in chapter.tests]
    assert not failed, f"the hard-coded submission should pass the visible tests: {failed}"

    students = [("solution", source), ("untouched", release), ("hardcoded", hardcoded),
                ("partial", partial_submission(source, release))]
    for student, nb in students:
        submit(course, student, chapter.id, nb)
        result = autograde(api, chapter.id, student)
        assert result["success"], result.get("log")

    full = cell_scores(course, chapter.id, "solution")
    assert set(full) == set(chapter.tests)
    for gid, (score, most) in full.items():
        assert score == most, f"solution: {gid} scored {score}/{most}"

    for gid, (score, most) in cell_scores(course, chapter.id, "untouched").items():
        assert score == 0, f"untouched release: {gid} scored {score}/{most}"

    partial = sum(score for score, _ in cell_scores(course, chapter.id, "partial").values())
    assert 0 < partial < chapter.points, f"the demo's partial student scored {partial}"

    hidden = {c.metadata.nbgrader.grade_id for c in grading_cells(source)
              if HIDDEN.search(c.source)}
    for gid, (score, most) in cell_scores(course, chapter.id, "hardcoded").items():
        if gid in hidden:
            assert score == 0, f"hard-coded answers pass the hidden tests of {gid}"

    feedback(api, chapter.id, "solution")
    text = visible_text((course / "feedback" / "solution" / chapter.id / f"{chapter.id}.html")
                        .read_text())
    assert answer_cells(source)[0].source.splitlines()[0] in text   # the text is readable
    hidden_lines = [line for c in grading_cells(source) for line in secret_lines_of(c, source)]
    shown = [line for line in hidden_lines if line in text]
    assert not shown, f"feedback shows hidden test lines: {shown[:5]}"


def secret_lines_of(cell, nb):
    """The secret lines of one test cell's hidden region (not those that also stand in an
    answer: the feedback rightly shows the student's own code)."""
    region = "\n".join(HIDDEN.findall(cell.source))
    answers = "\n".join(c.source for c in answer_cells(nb))
    return [line for line in secret_lines(nb) if line in region and line not in answers]


def read_copy(nb):
    import nbformat
    return nbformat.from_dict(nb)


def visible_text(page):
    """What a reader sees of an HTML page: no tags, entities decoded (code is split into
    highlighted spans, so a raw search would never find a line)."""
    import html
    import re
    page = re.sub(r"<(script|style)\b.*?</\1>", "", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", page))
