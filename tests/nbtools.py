"""Helpers the pipeline tests share: notebook regions, execution with nbclient, a course copy
graded by nbgrader, and the 'hard-coded answer' submission."""
import base64
import pickle
import shutil
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
from course.instructor.cells import HIDDEN, SOLUTION  # noqa: F401 (the tests' one home for them)
from course.instructor.cells import meta as nbmeta


def answer_cells(nb):
    return [c for c in nb.cells if nbmeta(c).get("solution")]


def grading_cells(nb):
    return [c for c in nb.cells if nbmeta(c).get("grade") and not nbmeta(c).get("solution")]


def read(path):
    return nbformat.read(str(path), as_version=4)


def execute(nb, cwd, timeout=60):
    """Run ``nb`` in place with nbclient (errors recorded, not raised). Returns seconds."""
    start = time.time()
    NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(cwd)}}).execute()
    return time.time() - start


class KernelSession:
    """One kernel that runs code cells one at a time (nbclient), for tests that try many
    variations of a notebook without paying a kernel start and the imports each time."""

    def __init__(self, cwd, timeout=60):
        self.nb = nbformat.v4.new_notebook()
        self.client = NotebookClient(self.nb, timeout=timeout, kernel_name="python3",
                                     allow_errors=True, resources={"metadata": {"path": str(cwd)}})
        self.client.km = self.client.create_kernel_manager()
        self.client.start_new_kernel()
        self.client.start_new_kernel_client()

    def run(self, source):
        """Run ``source`` as a code cell; return 'Ename: message' if it raised, else None."""
        cell = nbformat.v4.new_code_cell(source)
        self.nb.cells.append(cell)
        self.client.execute_cell(cell, len(self.nb.cells) - 1)
        for out in cell.outputs:
            if out.get("output_type") == "error":
                return f"{out['ename']}: {out['evalue']}"
        return None

    def close(self):
        self.client._cleanup_kernel()


def errors(nb):
    """[(cell index, grade_id or None, 'Ename: message')] for every cell that raised."""
    out = []
    for i, cell in enumerate(nb.cells):
        for o in cell.get("outputs", []):
            if o.get("output_type") == "error":
                out.append((i, nbmeta(cell).get("grade_id"), f"{o['ename']}: {o['evalue']}"))
    return out


def strip_hidden(source):
    return HIDDEN.sub("", source)


def public_text(nb):
    """Everything a student may see: all cell text without solutions and hidden tests."""
    return "\n".join(HIDDEN.sub("", SOLUTION.sub("", c.source)) for c in nb.cells)


def secret_lines(nb):
    """Lines of the solutions and hidden tests that mean something (12+ characters, not a
    comment) and appear nowhere in the public text: none may reach a student."""
    public = public_text(nb)
    out = []
    for cell in nb.cells:
        for region in SOLUTION.findall(cell.source) + HIDDEN.findall(cell.source):
            for line in region.splitlines():
                line = line.strip()
                if len(line) >= 12 and not line.startswith("#") and line not in public:
                    out.append(line)
    return out


# --- nbgrader on a copy of the course -----------------------------------------------------

def course_copy(dest, chapter_ids):
    """A minimal course (config + the given chapters' source) in ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(ROOT / "nbgrader_config.py", dest)
    for cid in chapter_ids:
        shutil.copytree(ROOT / "source" / cid, dest / "source" / cid)
    return dest


def submit(course, student, chapter_id, nb):
    path = course / "submitted" / student / chapter_id / f"{chapter_id}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))


def cell_scores(course, chapter_id, student):
    """{test grade_id: (score, max_score)} from the gradebook."""
    from nbgrader.api import Gradebook

    from course.instructor.grading import load_config

    url = load_config(course).CourseDirectory.db_url
    with Gradebook(url) as gb:
        sub = gb.find_submission_notebook(chapter_id, chapter_id, student)
        return {g.cell.name: (g.score, g.max_score) for g in sub.grades
                if g.cell.name.startswith("test-")}


# --- the hard-coded answer ----------------------------------------------------------------

FINGERPRINT = '''
def _fp(o):
    """A hashable description of a call's arguments (arrays by content)."""
    import hashlib
    import numpy as _n
    if isinstance(o, _n.ndarray):
        return ("nd", o.shape, str(o.dtype), hashlib.sha1(_n.ascontiguousarray(o).tobytes()).hexdigest())
    if isinstance(o, (list, tuple)):
        return (type(o).__name__, tuple(_fp(x) for x in o))
    if isinstance(o, dict):
        return ("dict", tuple(sorted((str(k), _fp(v)) for k, v in o.items())))
    if isinstance(o, (bool, int, float, complex, str, bytes, type(None), _n.generic)):
        return ("v", type(o).__name__, repr(o))
    # A random generator is one opaque argument: a replayed function never draws from it, so
    # its state could not tell calls apart. Visible tests vary the other arguments (or pass
    # int seeds) where calls must differ.
    code = getattr(o, "__code__", None)
    if code is not None and o.__name__ != "<lambda>":
        return ("fn", o.__qualname__)      # a named function: the replayed one has other code
    if code is not None:
        return ("lambda", code.co_code.hex(), repr(code.co_consts), code.co_names)
    return ("obj", type(o).__name__)
'''  # noqa: E501 (code for the kernel, kept as it is)

RAISED = '''
if "_Raised" not in globals():      # one class for the whole notebook (pickle needs that)
    class _Raised:
        """An exception a graded function raised for some arguments (its type and text)."""
        def __init__(self, error):
            self.kind, self.text = type(error), str(error)
        def throw(self):
            raise self.kind(self.text)
'''

RECORDER = FINGERPRINT + RAISED + '''
import copy as _copy
_CALLS = globals().setdefault("_CALLS", {})
_DEPTH = globals().setdefault("_DEPTH", [0])
def _record(f):
    # Only calls from outside the graded functions: a replayed function never calls the others.
    def wrapper(*args, **kwargs):
        key = _fp((args, kwargs)) if _DEPTH[0] == 0 else None
        _DEPTH[0] += 1
        try:
            out = f(*args, **kwargs)
        except Exception as e:          # a refusal is an answer too: replay raises it
            if key is not None:
                _CALLS.setdefault(f.__name__, []).append((key, _Raised(e)))
            raise
        finally:
            _DEPTH[0] -= 1
        if key is not None:
            _CALLS.setdefault(f.__name__, []).append((key, _copy.deepcopy(out)))
        return out
    wrapper.__name__ = f.__name__
    return wrapper
'''

REPLAY = FINGERPRINT + RAISED + '''
import base64 as _b64, copy as _copy, pickle as _pickle
_TABLE_{name} = _pickle.loads(_b64.b64decode("{table}"))
_LOOKUP_{name} = dict(reversed(_TABLE_{name}))
def {name}(*args, **kwargs):
    """Hard-coded: the answers to the visible tests' calls, and the first of them otherwise."""
    out = _LOOKUP_{name}.get(_fp((args, kwargs)), _TABLE_{name}[0][1])
    if isinstance(out, _Raised):
        out.throw()
    return _copy.deepcopy(out)
'''


MAX_TABLE = 40_000_000     # bytes of recorded answers; beyond this nbgrader would crawl


def record_visible_calls(source_nb, cwd):
    """Run the solution against the visible tests only; return {function: pickled
    [(call, output or _Raised)]}."""
    nb = nbformat.from_dict(source_nb)
    cells = []
    for cell in nb.cells:
        meta = nbmeta(cell)
        if meta.get("grade") and not meta.get("solution"):
            cell.source = strip_hidden(cell.source)
        cells.append(cell)
        if meta.get("solution"):
            wrap = "".join(f"\n{name} = _record({name})" for name in defined_functions(cell))
            cells.append(nbformat.v4.new_code_cell(RECORDER + wrap))
    dump = Path(cwd) / "_calls.pickle"
    # Each function's table is pickled in the kernel and handed over as bytes: it may hold
    # objects (such as _Raised) that only the kernel knows.
    cells.append(nbformat.v4.new_code_cell(
        "import pickle\n"
        f"open({str(dump)!r}, 'wb')"
        f".write(pickle.dumps({{k: pickle.dumps(v) for k, v in _CALLS.items()}}))"))
    nb.cells = cells
    execute(nb, cwd)
    bad = errors(nb)
    assert not bad, f"the solution fails its own visible tests: {bad}"
    size = dump.stat().st_size
    assert size < MAX_TABLE, (
        f"the visible part of the notebook calls the graded functions with {size / 1e6:.0f} MB of "
        "answers: a hard-coded submission would be too large to grade. Keep training runs in "
        "visible cells small (fewer calls or smaller arrays), or leave them uncalled.")
    return pickle.loads(dump.read_bytes())


def hardcoded_submission(source_nb, release_nb, cwd):
    """The release with every answer replaced by a lookup table of the visible tests' answers."""
    calls = record_visible_calls(source_nb, cwd)
    nb = nbformat.from_dict(release_nb)
    answers = {nbmeta(c)["grade_id"]: c for c in answer_cells(nbformat.from_dict(source_nb))}
    for cell in answer_cells(nb):
        gid = nbmeta(cell)["grade_id"]
        names = defined_functions(answers[gid])
        assert gid.split("-", 1)[1] in calls, f"the visible tests never call {gid}"
        cell.source = "\n".join(REPLAY.format(name=n, table=base64.b64encode(calls[n]).decode())
                                for n in names if n in calls)
    return nb


def defined_functions(cell):
    """Names of the functions an answer cell defines at its top level (most cells: one)."""
    import ast
    return [n.name for n in ast.parse(cell.source).body if isinstance(n, ast.FunctionDef)]
