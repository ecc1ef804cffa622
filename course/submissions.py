"""Submissions as they arrive, made gradable where they can be, with a reason for every change.

``collect`` brings an LMS export (a folder or a zip of notebooks) into nbgrader's
``submitted/STUDENT/ASSIGNMENT/`` layout. ``inspect`` checks one student's folder against the
release before nbgrader sees it, because nbgrader fails the whole submission on a renamed
notebook, invalid JSON, or a renamed grade id, and grades a deleted test cell as if nothing
happened. Each repair is one sentence in the submission's ``reasons``; the student's original
file is kept beside the report.
"""
import ast
import json
import re
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

__all__ = ["collect", "inspect", "Inspection", "student_ids"]

_SAFE_ID = re.compile(r"[^A-Za-z0-9_.-]+")


def _student_id(text):
    return _SAFE_ID.sub("_", text).strip("._") or "unknown"


def collect(root, assignment, source):
    """Copy notebooks from ``source`` (a folder or .zip) into submitted/STUDENT/ASSIGNMENT/.

    Accepted layouts: STUDENT/<anything>.ipynb (one folder per student), or flat files named
    STUDENT.ipynb or STUDENT_<anything>.ipynb (Moodle/Canvas-style exports). Returns the ids."""
    root, source = Path(root), Path(source)
    if source.suffix == ".zip":
        unpacked = root / "reports" / assignment / "incoming"
        shutil.rmtree(unpacked, ignore_errors=True)
        with zipfile.ZipFile(source) as z:
            for member in z.infolist():
                target = (unpacked / member.filename).resolve()
                if unpacked.resolve() in target.parents and not member.is_dir():   # no ../ escapes
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(z.read(member))
        source = unpacked
    found = {}
    for path in sorted(source.rglob("*.ipynb")):
        if ".ipynb_checkpoints" in path.parts or "__MACOSX" in path.parts:
            continue
        rel = path.relative_to(source)
        student = _student_id(rel.parts[0] if len(rel.parts) > 1 else path.stem.split("_")[0])
        found.setdefault(student, []).append(path)
    release = release_notebooks(root, assignment)
    for student, paths in found.items():
        dest = root / "submitted" / student / assignment
        dest.mkdir(parents=True, exist_ok=True)
        for path in paths:
            # an LMS renames uploads: one file for a one-notebook assignment takes its name
            single = len(paths) == 1 and len(release) == 1
            shutil.copy2(path, dest / (release[0] if single else path.name))
    return sorted(found)


def student_ids(root, assignment):
    """Students with a folder for this assignment in submitted/."""
    base = Path(root) / "submitted"
    return sorted(p.parent.name for p in base.glob(f"*/{assignment}") if p.is_dir())


def release_notebooks(root, assignment):
    return sorted(p.name for p in (Path(root) / "release" / assignment).glob("*.ipynb"))


@dataclass
class Inspection:
    student: str
    status: str = "graded"            # graded | repaired | missing | invalid
    reasons: list = field(default_factory=list)

    def repaired(self, reason):
        self.reasons.append(reason)
        if self.status == "graded":
            self.status = "repaired"


def _nbgrader(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def _defined_names(source):
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set(re.findall(r"^def\s+(\w+)", source, re.M))
    return {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}


def inspect(root, assignment, student, keep_original_in):
    """Check and repair one submission in place; returns an Inspection.

    ``keep_original_in``: folder for the student's untouched files when something is changed."""
    folder = Path(root) / "submitted" / student / assignment
    result = Inspection(student)
    expected = release_notebooks(root, assignment)
    present = sorted(p.name for p in folder.glob("*.ipynb"))
    for name in expected:
        if name in present:
            continue
        others = [p for p in present if p not in expected]
        if len(others) == 1:
            _keep(folder / others[0], keep_original_in)
            (folder / others[0]).rename(folder / name)
            present = sorted(p.name for p in folder.glob("*.ipynb"))
            result.repaired(f"the notebook was named {others[0]}; graded as {name}")
        else:
            files = ", ".join(sorted(p.name for p in folder.iterdir())) or "nothing"
            result.status = "missing"
            result.reasons.append(f"no {name} in the submission (found: {files})")
            return result
    for name in expected:
        _check_notebook(Path(root) / "release" / assignment / name, folder / name, result,
                        keep_original_in)
        if result.status == "invalid":
            return result
    return result


def _check_notebook(release_path, path, result, keep_original_in):
    raw = path.read_bytes()
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as e:
        result.status = "invalid"
        result.reasons.append(f"{path.name} is not UTF-8 text ({e.reason} at byte {e.start})")
        return
    except json.JSONDecodeError as e:
        result.status = "invalid"
        result.reasons.append(f"{path.name} is not valid JSON (line {e.lineno}, column {e.colno}: "
                              f"{e.msg}); it may have been saved incompletely or edited by hand")
        return
    try:
        nb = nbformat.reads(json.dumps(data), as_version=4)   # joins list-of-lines sources
        if not isinstance(nb.get("cells"), list):
            raise ValueError("it has no list of cells")
        nbformat.validate(nb)
    except Exception as e:
        result.status = "invalid"
        result.reasons.append(f"{path.name} is JSON but not a notebook: {str(e).splitlines()[0]}")
        return

    release = nbformat.read(str(release_path), as_version=4)
    ref = {_nbgrader(c)["grade_id"]: c for c in release.cells if _nbgrader(c).get("grade_id")}
    changed = False
    seen = set()
    unknown = []
    for cell in nb.cells:
        meta = _nbgrader(cell)
        gid = meta.get("grade_id")
        if not gid:
            continue
        if gid in seen:
            cell.metadata.pop("nbgrader")
            changed = True
            result.repaired(f"cell {gid} appears twice; the copy was run as ordinary code")
        elif gid not in ref:
            unknown.append(cell)
        seen.add(gid)
    for cell in unknown:                       # renamed ids: find the cell they were
        gid = _nbgrader(cell)["grade_id"]
        missing = [k for k in ref if k not in seen]
        match = [k for k in missing if _same_cell(cell, ref[k])]
        if len(match) == 1:
            cell.metadata["nbgrader"]["grade_id"] = match[0]
            seen.add(match[0])
            result.repaired(f"cell id {gid!r} was changed; restored to {match[0]!r}")
        else:
            cell.metadata.pop("nbgrader")
            result.repaired(f"cell id {gid!r} is not in the assignment; it was run as ordinary code")
        changed = True
    for gid, rcell in ref.items():
        meta = _nbgrader(rcell)
        if not (meta.get("grade") or meta.get("locked")) or meta.get("solution"):
            continue
        cells = [c for c in nb.cells if _nbgrader(c).get("grade_id") == gid]
        if not cells:
            if meta.get("grade"):
                result.repaired(f"test cell {gid} was deleted; the original was put back and graded")
        elif cells[0].source != rcell.source:
            result.repaired(f"{'test' if meta.get('grade') else 'read-only'} cell {gid} was "
                            "edited; the original was put back")
    if changed:
        _keep(path, keep_original_in)
        nbformat.write(nb, str(path))


def _same_cell(cell, ref_cell):
    """A renamed cell is the release cell with the same source (a test) or the same defined
    functions (an answer)."""
    if cell.source.strip() == ref_cell.source.strip():
        return True
    if _nbgrader(ref_cell).get("solution"):
        names = _defined_names(ref_cell.source)
        return bool(names) and names <= _defined_names(cell.source)
    return False


def _keep(path, folder):
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / path.name).exists():
        shutil.copy2(path, folder / path.name)
