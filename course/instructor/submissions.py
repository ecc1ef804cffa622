"""Submissions as they arrive, made gradable where they can be, with a reason for every change.

``collect`` brings an LMS export (a folder or a zip of notebooks) into nbgrader's
``submitted/STUDENT/ASSIGNMENT/`` layout, under ids that follow the course's id rule
(``course.instructor.textsafe.ID_RULE``); the original names and anything that could not be taken
(links, entries in the way of others) are recorded per student in
``reports/ASSIGNMENT/collected.json``.
``inspect`` checks one student's folder against the release before nbgrader sees it, because
nbgrader fails the whole submission on a renamed notebook, invalid JSON, or a renamed grade id,
grades a deleted test cell as if nothing happened, and follows links (it would grade a notebook
linked to the solution and copy a linked ``source/`` into feedback). Each repair is one sentence
in the submission's ``reasons``; the student's original file is kept beside the report.

Nothing here follows a link: folders and files are examined with ``lstat``, links and special
files are taken out of the submission (their target is recorded) and never read.
"""
import ast
import json
import os
import re
import shutil
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from .cells import meta
from .textsafe import ID_RULE, student_id, valid_student_id

__all__ = ["collect", "inspect", "Inspection", "student_ids", "collected", "check_notebook",
           "ENTRY_LIMIT"]

ENTRY_LIMIT = 256 << 20        # bytes: a zip entry larger than this is not unpacked
TOTAL_LIMIT = 4 << 30          # bytes unpacked from one zip at most


def collect(root, assignment, source):
    """Copy notebooks from ``source`` (a folder or .zip) into submitted/STUDENT/ASSIGNMENT/.

    Accepted layouts: STUDENT/<anything>.ipynb (one folder per student), or flat files named
    STUDENT.ipynb or STUDENT_<anything>.ipynb (Moodle/Canvas-style exports). Names become ids by
    ``course.instructor.textsafe.student_id``; two different names never share an id (a collision is
    reported and both are kept). Links, special files, and entries that cannot be placed are
    skipped with a note for their student. Returns the ids."""
    root, source = Path(root), Path(source)
    notes = {}                                    # raw name -> [sentence]

    def note(raw, text):
        notes.setdefault(raw, []).append(text)

    if source.suffix == ".zip":
        unpacked = root / "reports" / assignment / "incoming"
        shutil.rmtree(unpacked, ignore_errors=True)
        unpacked.mkdir(parents=True)
        _unzip(source, unpacked, note)
        source = unpacked
    found = {}                                    # raw name -> [path]
    for path in _regular_files(source, note):
        if (path.suffix != ".ipynb" or ".ipynb_checkpoints" in path.parts
                or "__MACOSX" in path.parts):
            continue
        rel = path.relative_to(source)
        raw = rel.parts[0] if len(rel.parts) > 1 else path.stem.split("_")[0]
        found.setdefault(raw, []).append(path)
    book = collected(root, assignment)
    taken = {sid: entry["original"] for sid, entry in book.items()}
    release = release_notebooks(root, assignment)
    ids = []
    for raw in sorted(set(found) | set(notes)):
        sid, why = _assign_id(raw, taken)
        taken[sid] = raw
        entry = book.setdefault(sid, {"original": raw, "notes": []})
        entry["original"], entry["notes"] = raw, list(notes.get(raw, []))
        if why:
            entry["notes"].append(why)
        if sid != raw:
            entry["notes"].append(f"submitted as {raw!r}; graded under the id {sid!r} ({ID_RULE})")
        paths = found.get(raw, [])
        dest = root / "submitted" / sid / assignment
        dest.mkdir(parents=True, exist_ok=True)
        for path in paths:
            # an LMS renames uploads: one file for a one-notebook assignment takes its name
            single = len(paths) == 1 and len(release) == 1
            target = dest / (release[0] if single else path.name)
            if target.is_symlink() or (target.exists() and not target.is_file()):
                entry["notes"].append(f"{target.name} is in the way in submitted/{sid}; not copied")
                continue
            shutil.copyfile(path, target, follow_symlinks=False)
        ids.append(sid)
    _save_collected(root, assignment, book)
    return ids


def _assign_id(raw, taken):
    """(id, note): the rule's id for ``raw``, or that id with -2, -3, ... when another
    submitter already has it."""
    import unicodedata
    sid = student_id(raw)
    same = lambda other: unicodedata.normalize("NFC", other) == unicodedata.normalize("NFC", raw)
    if sid not in taken or same(taken[sid]):
        return sid, None
    n = 2
    while f"{sid}-{n}" in taken and not same(taken[f"{sid}-{n}"]):
        n += 1
    return f"{sid}-{n}", (f"the id {sid!r} belongs to another submitter ({taken[sid]!r}); "
                          f"this one is {sid}-{n}")


def collected(root, assignment):
    """{id: {"original": name as submitted, "notes": [...]}} from earlier collections."""
    path = Path(root) / "reports" / assignment / "collected.json"
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def _save_collected(root, assignment, book):
    path = Path(root) / "reports" / assignment / "collected.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(book, indent=1, ensure_ascii=False))
    os.replace(tmp, path)


def _owner(name):
    """The submitter a path in an export belongs to (its first part, or a flat file's stem)."""
    parts = Path(name).parts
    return parts[0] if len(parts) > 1 else Path(name).stem.split("_")[0]


def _unzip(archive, unpacked, note):
    """Regular files of ``archive`` into ``unpacked``: no ../ escapes, no links, no entry that
    would replace or pass through another, no entry over ENTRY_LIMIT (TOTAL_LIMIT in all)."""
    total = 0
    try:
        z = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as e:
        raise SystemExit(f"cannot read {archive}: {e}")
    with z:
        for member in z.infolist():
            name = member.filename
            kind = stat.S_IFMT(member.external_attr >> 16)
            target = Path(os.path.normpath(unpacked / name))
            if member.is_dir():
                continue
            if unpacked not in target.parents:
                note(_owner(name), f"zip entry {name!r} points outside the export; not unpacked")
                continue
            if kind and kind != stat.S_IFREG:
                what = "a symbolic link" if kind == stat.S_IFLNK else "not a regular file"
                note(_owner(name), f"zip entry {name!r} is {what}; not unpacked "
                                   "(links are never followed)")
                continue
            if member.file_size > ENTRY_LIMIT or total + member.file_size > TOTAL_LIMIT:
                note(_owner(name), f"zip entry {name!r} is too large ({member.file_size} bytes); "
                                   "not unpacked")
                continue
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                if target.exists() or target.is_symlink():
                    raise FileExistsError("another entry of the same name came first")
                with z.open(member) as src, open(target, "xb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
                total += member.file_size
            except (OSError, zipfile.BadZipFile, RuntimeError, EOFError) as e:
                reason = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
                note(_owner(name), f"zip entry {name!r} could not be unpacked ({reason})")


def _regular_files(folder, note):
    """Regular files under ``folder``, found without following links; links and special files
    get a note for their submitter."""
    out = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        for name in sorted(dirnames + filenames):
            path = Path(dirpath) / name
            st = os.lstat(path)
            rel = path.relative_to(folder)
            if stat.S_ISLNK(st.st_mode):
                note(_owner(str(rel)), f"{rel} is a symbolic link; not followed")
            elif stat.S_ISREG(st.st_mode):
                out.append(path)
            elif not stat.S_ISDIR(st.st_mode):
                note(_owner(str(rel)), f"{rel} is not a regular file; skipped")
    return sorted(out)


def student_ids(root, assignment):
    """Students with an entry for this assignment in submitted/ (a folder, or anything else in
    its place: ``inspect`` says what is wrong with it). No link is followed."""
    base = Path(root) / "submitted"
    try:
        names = sorted(os.listdir(base))
    except OSError:
        return []
    return [n for n in names if os.path.lexists(base / n / assignment)]


def release_notebooks(root, assignment):
    return sorted(p.name for p in (Path(root) / "release" / assignment).glob("*.ipynb"))


def _link_free(root, student, assignment, result, keep_original_in):
    """Make the submission folder hold no link and no special file, without following any:
    the folder itself (and the student's folder) must be real folders; inside, links and
    special files are removed (their targets recorded in the reasons and in
    ``keep_original_in/LINKS.txt``). Returns False when the folder cannot be graded."""
    base = Path(root) / "submitted"
    for path in (base / student, base / student / assignment):
        st = os.lstat(path)
        if stat.S_ISLNK(st.st_mode):
            result.status = "invalid"
            result.reasons.append(f"submitted/{path.relative_to(base)} is a symbolic link (to "
                                  f"{os.readlink(path)!r}); the grader follows no links")
            return False
        if not stat.S_ISDIR(st.st_mode):
            result.status = "invalid"
            result.reasons.append(f"submitted/{path.relative_to(base)} is not a folder")
            return False
    folder = base / student / assignment
    removed = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            st = os.lstat(path)
            rel = path.relative_to(folder)
            if stat.S_ISLNK(st.st_mode):
                removed.append(f"{rel} -> {os.readlink(path)}")
                result.repaired(f"{rel} was a symbolic link (to {os.readlink(path)!r}); "
                                "removed, links are never followed")
                path.unlink()
            elif not (stat.S_ISREG(st.st_mode) or stat.S_ISDIR(st.st_mode)):
                removed.append(f"{rel} (special file)")
                result.repaired(f"{rel} is not a regular file; removed")
                path.unlink()
    if removed:
        Path(keep_original_in).mkdir(parents=True, exist_ok=True)
        with open(Path(keep_original_in) / "LINKS.txt", "a") as f:
            f.write("\n".join(removed) + "\n")
    return True


@dataclass
class Inspection:
    student: str
    status: str = "graded"            # graded | repaired | missing | invalid
    reasons: list = field(default_factory=list)

    def repaired(self, reason):
        self.reasons.append(reason)
        if self.status == "graded":
            self.status = "repaired"


_nbgrader = meta             # a cell's nbgrader metadata (course.instructor.cells)


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
    if not valid_student_id(student):
        result.status = "invalid"
        result.reasons.append(f"the student id {student!r} breaks the course's id rule, so "
                              "nbgrader could read it as a pattern and grade someone else "
                              f"({ID_RULE}); rename the folder, or collect with --from")
        return result
    if not _link_free(root, student, assignment, result, keep_original_in):
        return result
    expected = release_notebooks(root, assignment)
    links = [r for r in result.reasons if ".ipynb was a symbolic link" in r]
    folders = sorted(p.name for p in folder.glob("*.ipynb") if p.is_dir())
    present = sorted(p.name for p in folder.glob("*.ipynb") if p.is_file())
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
            files = ", ".join(sorted(p.name + ("/" if p.is_dir() else "")
                                     for p in folder.iterdir()))
            result.status = "invalid" if links or folders else "missing"
            if folders:
                result.reasons.append(f"{', '.join(folders)} is a folder, not a notebook")
            result.reasons.append(f"no {name} in the submission (found: {files or 'nothing'})")
            return result
    for name in expected:
        check_notebook(Path(root) / "release" / assignment / name, folder / name, result,
                        keep_original_in)
        if result.status == "invalid":
            return result
    return result


def check_notebook(release_path, path, result, keep_original_in):
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
            result.repaired(f"cell id {gid!r} is not in the assignment; "
                            "it was run as ordinary code")
        changed = True
    for gid, rcell in ref.items():
        meta = _nbgrader(rcell)
        if not (meta.get("grade") or meta.get("locked")) or meta.get("solution"):
            continue
        cells = [c for c in nb.cells if _nbgrader(c).get("grade_id") == gid]
        if not cells:
            if meta.get("grade"):
                result.repaired(f"test cell {gid} was deleted; "
                                "the original was put back and graded")
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
