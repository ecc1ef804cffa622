"""Each chapter's tests catch the usual mistakes (tests/mistakes/, one file per chapter).

One kernel per chapter runs the solution notebook once, up to its last function test. Then, for
each mistake, it runs that answer cell with the mistake written in, the cells after it up to the
function's test cell, which must fail, and the original answer again. (A kernel start and the
imports cost more than most mistakes; each chapter's mistakes share one worker.)
"""
import pytest

from conftest import CHAPTERS
from mistakes import MISTAKES
from nbtools import SOLUTION, KernelSession, nbmeta, read

CASES = [(ch, m) for ch in CHAPTERS for m in MISTAKES.get(ch.id, [])]


def test_every_graded_function_has_mistakes(chapter):
    covered = {gid for gid, *_ in MISTAKES.get(chapter.id, [])}
    missing = [gid for gid in chapter.answers if gid not in covered]
    assert not missing, f"no mistakes listed in tests/mistakes/{chapter.id}.py for {missing}"


def with_mistake(source, gid, old, new):
    """``source`` with ``old`` replaced by ``new`` inside its solution regions: a cell that
    defines a forward and a backward pass has one region per function, and ``old`` must occur
    once across all of them."""
    regions = [r for r in SOLUTION.finditer(source) if old in r.group(1)]
    assert len(regions) == 1 and regions[0].group(1).count(old) == 1, \
        f"{old!r} must occur once in {gid}'s solution regions"
    start, end = regions[0].span(1)
    return source[:start] + regions[0].group(1).replace(old, new) + source[end:]


class ChapterRunner:
    """The solution notebook, run once in a kernel of its own."""

    def __init__(self, chapter, cwd):
        self.chapter = chapter
        self.cells = read(chapter.source).cells
        ids = [nbmeta(c).get("grade_id") for c in self.cells]
        targets = [ids.index(f"test-{gid}") for gid in chapter.answers]
        self.session = KernelSession(cwd)
        for i, cell in enumerate(self.cells[: max(targets) + 1]):
            if cell.cell_type == "code":
                error = self.session.run(cell.source)
                assert error is None, f"the solution fails at cell {i}: {error}"

    def try_mistake(self, gid, old, new):
        """The error of test-<gid> with the mistake written into answer <gid> (None: passed)."""
        ids = [nbmeta(c).get("grade_id") for c in self.cells]
        answer, target = ids.index(gid), ids.index(f"test-{gid}")
        original = self.cells[answer].source
        between = [c.source for c in self.cells[answer + 1: target] if c.cell_type == "code"]
        try:
            error = self.session.run(with_mistake(original, gid, old, new))
            assert error is None, f"the answer cell with the mistake does not even run: {error}"
            for source in between:
                self.session.run(source)
            return self.session.run(self.cells[target].source)
        finally:
            self.session.run(original)
            for source in between:
                self.session.run(source)


_runner = {}


@pytest.fixture
def runner_for(tmp_path_factory):
    def get(chapter):
        if chapter.id not in _runner:
            for old in _runner.values():       # one live kernel per worker is enough
                old.session.close()
            _runner.clear()
            _runner[chapter.id] = ChapterRunner(chapter, tmp_path_factory.mktemp("mistakes"))
        return _runner[chapter.id]
    return get


@pytest.mark.pipeline
@pytest.mark.parametrize("case", [pytest.param(c, marks=pytest.mark.xdist_group(c[0].id))
                                  for c in CASES],
                         ids=[f"{m[0]}-{m[1]}-{i}" for i, (_, m) in enumerate(CASES)])
def test_tests_catch_mistake(case, runner_for):
    chapter, (gid, kind, old, new) = case
    error = runner_for(chapter).try_mistake(gid, old, new)
    what = kind if case[1].note is None else f"{kind}: {case[1].note}"
    assert error is not None, f"test-{gid} passes with the mistake ({what})"
