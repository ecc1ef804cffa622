"""The gradebook works on PostgreSQL, as a class too big for one machine would run it:
COURSE_DB_URL points nbgrader at a throwaway server (tests/pgserver.py), a chapter is
generated, a class of six is graded in parallel by ``python -m course grade``'s code (two
workers, sandboxed kernels), and every grade comes back from that server."""
import io
import warnings

import pytest
import sqlalchemy

from course.instructor.chapters import find_chapters
from course.instructor.classgrade import grade_class
from course.instructor.demo import filled_release
from course.instructor.grading import generate, nbgrader_api, scores
from nbtools import course_copy, read, submit
from pgserver import postgres_server

pytestmark = pytest.mark.pipeline
warnings.filterwarnings("ignore", message=".*not in session.*")

CHAPTER = "ch01_logistic_regression"   # the smallest chapter: this test is about the gradebook


def test_gradebook_on_postgres(tmp_path, monkeypatch):
    with postgres_server(tmp_path / "server") as url:
        monkeypatch.setenv("COURSE_DB_URL", url)
        course = course_copy(tmp_path / "course", [CHAPTER])
        chapter, = find_chapters(course)
        api = nbgrader_api(course)
        generate(api, CHAPTER)

        source = read(chapter.source)
        release = read(course / "release" / CHAPTER / chapter.source.name)
        expected = {}
        for i in range(6):
            student = f"{'solution' if i % 2 == 0 else 'untouched'}{i}"
            submit(course, student, CHAPTER,
                   filled_release(source, release) if i % 2 == 0 else release)
            expected[(student, CHAPTER)] = (chapter.points if i % 2 == 0 else 0, chapter.points)
        out = io.StringIO()
        rows = grade_class(course, CHAPTER, jobs=2, timeout=60, out=out)
        assert all(r["status"] == "graded" for r in rows), out.getvalue()

        got = scores(course)
        assert got == expected, got
        assert chapter.points > 0

        # The grades are in PostgreSQL itself, not in a file beside the course.
        engine = sqlalchemy.create_engine(url)
        try:
            with engine.connect() as conn:
                students = conn.execute(sqlalchemy.text(
                    "SELECT s.id FROM submitted_assignment a JOIN student s ON a.student_id = s.id "
                    "ORDER BY s.id")).scalars().all()
        finally:
            engine.dispose()
        assert students == sorted(s for s, _ in expected)
        assert not (course / "gradebook.db").exists(), "nbgrader made a SQLite gradebook anyway"
