"""Every pipeline test is parametrised over the chapters found in source/, so the suite grows
with the course."""
import os
import sys
from pathlib import Path

import pytest

# Kernels the tests start inherit this: one BLAS thread each, as two xdist workers share 2 cores.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

sys.path.insert(0, str(Path(__file__).resolve().parent))

from nbtools import ROOT  # noqa: E402

from course.instructor.chapters import find_chapters  # noqa: E402

CHAPTERS = find_chapters(ROOT)


def pytest_generate_tests(metafunc):
    if "chapter" in metafunc.fixturenames:
        metafunc.parametrize("chapter", CHAPTERS, ids=[c.id for c in CHAPTERS])


def pytest_collection_modifyitems(items):
    # A course with no chapters would make every parametrised test vanish silently.
    if not CHAPTERS:
        raise pytest.UsageError("no chapters found in source/")
