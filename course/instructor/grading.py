"""nbgrader, driven from Python: the same generate, autograde, feedback and export code that the
``nbgrader`` commands run, without paying each command's ~3 s start-up.

Everything reads the course's own ``nbgrader_config.py``, so the gradebook is SQLite by default
and PostgreSQL (or any SQLAlchemy URL) through ``COURSE_DB_URL``.
"""
import logging
import os
import sys
from pathlib import Path

from traitlets.config.loader import PyFileConfigLoader

__all__ = ["load_config", "nbgrader_api", "generate", "autograde", "feedback", "export_csv",
           "scores", "NbgraderError"]


BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


class NbgraderError(RuntimeError):
    """An nbgrader step failed; the message carries nbgrader's own log."""


def _tools_on_path():
    """nbgrader runs ``alembic`` (to create or upgrade the gradebook) from PATH: make it the one
    installed beside this interpreter, so a virtual environment works without activation.
    Kernels started from here get one BLAS thread each: notebooks are graded side by side,
    and two-thread BLAS next to another busy process is several times slower (measured)."""
    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")
    for var in BLAS_THREADS:
        os.environ.setdefault(var, "1")


def load_config(root):
    """The traitlets Config of ``root``/nbgrader_config.py."""
    return PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()


def nbgrader_api(root, quiet=True):
    """An ``nbgrader.apps.NbGraderAPI`` for the course in ``root``."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    _tools_on_path()
    config = load_config(root)
    if quiet:
        config.NbGraderAPI.log_level = logging.WARNING
    return NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)


def _check(result, what):
    if not result.get("success"):
        raise NbgraderError(f"{what} failed:\n{result.get('error') or ''}\n"
                            f"{result.get('log') or ''}")
    return result


def generate(api, assignment):
    """``nbgrader generate_assignment ASSIGNMENT --force``: writes release/ and the gradebook."""
    return _check(api.generate_assignment(assignment, force=True),
                  f"generate_assignment {assignment}")


def autograde(api, assignment, student):
    """``nbgrader autograde ASSIGNMENT --student STUDENT --force``. Returns nbgrader's result
    dict; a failed submission is reported in it (``success`` False), not raised."""
    return api.autograde(assignment, student, force=True)


def feedback(api, assignment, student):
    """``nbgrader generate_feedback``: HTML feedback without the hidden tests."""
    return _check(api.generate_feedback(assignment, student, force=True),
                  f"generate_feedback {assignment} {student}")


def export_csv(root, dest):
    """``nbgrader export --to DEST``, with the course's export plugin (nbgrader's CSV columns,
    quoted and formula-safe: ``course.instructor.export``) on the course gradebook."""
    from nbgrader.api import Gradebook

    from .export import SafeCsvExportPlugin

    config = load_config(root)
    with Gradebook(config.CourseDirectory.db_url) as gb:
        SafeCsvExportPlugin(to=str(dest)).export(gb)
    return Path(dest)


def scores(root):
    """{(student, assignment): (score, max_score)} for every submission in the gradebook."""
    from nbgrader.api import Gradebook

    config = load_config(root)
    out = {}
    with Gradebook(config.CourseDirectory.db_url) as gb:
        for assignment in gb.assignments:
            for sub in assignment.submissions:
                out[(sub.student.id, assignment.name)] = (sub.score, assignment.max_score)
    return out
