"""The chapters of a course folder: where they are, what they grade, whether their release is
current. A chapter is ``source/chNN_slug/chNN_slug.ipynb``; the folder name is the nbgrader
assignment id.
"""
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from .cells import meta

CHAPTER_ID = re.compile(r"^ch(\d\d)_[a-z0-9_]+$")


def find_root(start=None):
    """The course folder: the nearest folder at or above ``start`` (default: the current one)
    holding nbgrader_config.py and source/, else the folder this package was installed from."""
    start = Path(start or Path.cwd()).resolve()
    for folder in [start, *start.parents]:
        if (folder / "nbgrader_config.py").is_file() and (folder / "source").is_dir():
            return folder
    here = Path(__file__).resolve().parent.parent
    if (here / "nbgrader_config.py").is_file():
        return here
    raise FileNotFoundError("no course folder (with nbgrader_config.py and source/) found "
                            f"at or above {start}; run from the course folder")


@dataclass
class Chapter:
    id: str                      # assignment id, e.g. ch01_logistic_regression
    number: int
    title: str
    source: Path                 # the source notebook
    release: Path                # where its release notebook belongs
    tests: dict = field(default_factory=dict)      # test grade_id -> points
    answers: list = field(default_factory=list)    # answer grade_ids, in notebook order

    @property
    def points(self):
        return sum(self.tests.values())

    @property
    def functions(self):
        """Names of the graded functions (answer ids are ``chNN-<function>``)."""
        return [a.split("-", 1)[1] for a in self.answers]

    def release_status(self):
        """'missing', 'current' or 'stale' (the release's cells no longer match the source's
        read-only cells, markdown, grade ids or points: regenerate it)."""
        if not self.release.is_file():
            return "missing"
        try:
            rel = nbformat.read(str(self.release), as_version=4)
        except Exception:
            return "stale"
        return "current" if _fingerprint(rel) == _fingerprint(nbformat.read(
            str(self.source), as_version=4)) else "stale"


def _fingerprint(nb):
    """What generate_assignment leaves unchanged: cell kinds, ids, points, and the text of
    every cell that is neither an answer nor a test (those are rewritten)."""
    out = []
    for cell in nb.cells:
        info = meta(cell)
        text = "" if info.get("solution") or info.get("grade") else cell.source
        out.append((cell.cell_type, info.get("grade_id"), info.get("points"), text))
    return out


def load_chapter(path, root):
    nb = nbformat.read(str(path), as_version=4)
    cid = path.parent.name
    title = cid
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            first = cell.source.strip().splitlines()[0] if cell.source.strip() else ""
            title = re.sub(r"^#+\s*(Chapter \d+:\s*)?", "", first) or cid
            break
    chapter = Chapter(cid, int(CHAPTER_ID.match(cid).group(1)), title, path,
                      root / "release" / cid / path.name)
    for cell in nb.cells:
        info = meta(cell)
        if info.get("solution"):
            chapter.answers.append(info["grade_id"])
        elif info.get("grade"):
            chapter.tests[info["grade_id"]] = float(info.get("points", 0))
    return chapter


def find_chapters(root=None):
    """Every chapter in ``root``/source, in chapter order."""
    root = Path(root) if root else find_root()
    found = []
    for folder in sorted((root / "source").iterdir()):
        nb = folder / f"{folder.name}.ipynb"
        if folder.is_dir() and CHAPTER_ID.match(folder.name) and nb.is_file():
            found.append(load_chapter(nb, root))
    return found
