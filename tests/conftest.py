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

from course.instructor.chapters import find_chapters  # noqa: E402
from nbtools import ROOT  # noqa: E402

CHAPTERS = find_chapters(ROOT)


def pytest_generate_tests(metafunc):
    if "chapter" in metafunc.fixturenames:
        metafunc.parametrize("chapter", CHAPTERS, ids=[c.id for c in CHAPTERS])


def pytest_collection_modifyitems(items):
    # A course with no chapters would make every parametrised test vanish silently.
    if not CHAPTERS:
        raise pytest.UsageError("no chapters found in source/")


# --- where the time goes: each chapter's test cost, printed at the end of every run ------------
# (test ids carry the chapter id; the seconds are summed over setup, call and teardown, on
# whichever worker ran them, so they add up CPU-side, not wall-clock)
_COST = {}


def pytest_runtest_logreport(report):
    chapter = next((c.id for c in CHAPTERS if c.id in report.nodeid), None)
    _COST[chapter] = _COST.get(chapter, 0.0) + report.duration


def pytest_terminal_summary(terminalreporter):
    per_chapter = {k: v for k, v in _COST.items() if k}
    if not per_chapter:
        return
    ranked = sorted(per_chapter.items(), key=lambda kv: -kv[1])
    mean = sum(per_chapter.values()) / len(per_chapter)
    terminalreporter.write_line(
        f"test cost per chapter: mean {mean:.1f} s over {len(per_chapter)} chapters, "
        f"most {ranked[0][1]:.1f} s ({ranked[0][0]}); tests of no one chapter "
        f"{_COST.get(None, 0.0):.1f} s; slowest chapters: "
        + ", ".join(f"{k} {v:.1f} s" for k, v in ranked[1:4]))
