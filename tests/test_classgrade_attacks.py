"""A hostile class, graded with the real ``python -m course grade`` in the real sandbox.

Every submission here is built the way an attacker would build it: modules planted beside the
notebook or written by a cell before it kills its kernel, links made by a cell through libc and
links placed in the submission folder, a zip with link entries and entries in each other's way,
HTML and JavaScript in outputs, a disk filler, functions rewritten in place through ``__code__``
and ``ctypes``, a guard silenced by closing its pipe, ids that nbgrader would read as patterns,
Korean ids, ids that differ only by a space, ids and exception names that a spreadsheet would
run as formulas, and terminal control sequences. One class of chapter 1 (20 points: sigmoid 3,
logistic_forward 3, bce_cost 3, propagate 7, trained 4) is graded once, from a zip and from
folders placed by hand, by the command line in a subprocess; each test then checks one "must
hold" of the issue that asked for it (issue 11), and that nobody else was affected.
"""
import csv
import html.parser
import io
import json
import os
import stat
import subprocess
import sys
import time
import unicodedata
import zipfile

import nbformat
import pytest

from course.instructor import demo, grading
from course.instructor.textsafe import student_id
from tests.nbtools import HIDDEN, course_copy, strip_hidden, submit
from tests.test_classgrade import WRONG_SIGMOID, _cell, _notebooks, _with

pytestmark = [pytest.mark.pipeline, pytest.mark.xdist_group("classgrade")]

CH = "ch01_logistic_regression"
NB = f"{CH}.ipynb"
SECRET = "TOPSECRET-7f3a"


def _marker(mark, name):
    """Python source that leaves a file in ``mark`` (a host folder the sandbox cannot see):
    it can only appear if the code ran outside the sandbox."""
    return (f"try:\n    open({str(mark)!r} + '/' + {name!r}, 'w')"
            ".write('ran outside the sandbox')\n"
            "except OSError:\n    pass\n")


def _planted(mark):
    """Module files that shadow what the launcher, the kernel and the checks import."""
    shadow_numpy = _marker(mark, "numpy") + ("def allclose(*a, **k):\n    return True\n"
                                             "def isclose(*a, **k):\n    return True\n")
    return {
        "course/__init__.py": _marker(mark, "course"),
        "course/instructor/__init__.py": _marker(mark, "course.instructor"),
        "course/instructor/sandbox.py": (_marker(mark, "course.instructor.sandbox")
                                         + "def main(argv=None):\n    pass\n"),
        "course/instructor/guard.py": (_marker(mark, "course.instructor.guard")
                                       + "def install():\n    pass\n"),
        "course/testing.py": _marker(mark, "course.testing"),
        "numpy.py": shadow_numpy,
        "ipykernel_launcher.py": _marker(mark, "ipykernel_launcher"),
        "IPython/__init__.py": _marker(mark, "IPython"),
        "sitecustomize.py": _marker(mark, "sitecustomize"),
        "usercustomize.py": _marker(mark, "usercustomize"),
        "ipython_kernel_config.py": _marker(mark, "ipython_kernel_config"),
        "ipython_config.py": _marker(mark, "ipython_config"),
        "json.py": _marker(mark, "json"),
        "encodings/__init__.py": _marker(mark, "encodings"),
    }


def _writes(files):
    """A cell body that writes ``files`` (path -> text) into the kernel's folder."""
    return ("import os as _os\n"
            f"for _p, _t in {files!r}.items():\n"
            "    _os.makedirs(_os.path.dirname(_p) or '.', exist_ok=True)\n"
            "    open(_p, 'w').write(_t)\n")


def _libc_links(targets):
    """A cell body that makes links through libc (no Python-level hook sees the call), and
    through os.symlink, and prints what each attempt returned."""
    return ("import ctypes, os\n_libc = ctypes.CDLL(None, use_errno=True)\n"
            f"for _name, _target in {targets!r}:\n"
            "    _rc = _libc.symlink(_target.encode(), _name.encode())\n"
            "    print('LIBC', _name, _rc, ctypes.get_errno())\n"
            "    try:\n        os.symlink(_target, _name + '.py')\n        print('LINKED', _name)\n"
            "    except OSError as e:\n        print('REFUSED', _name, e.errno)\n"
            "    _rc = _libc.link(_target.encode(), (_name + '.hard').encode())\n"
            "    print('HARD', _name, _rc)\n"
            "try:\n    os.mkfifo('trap')\n    print('FIFO MADE')\nexcept OSError as e:\n"
            "    print('FIFO REFUSED', e.errno)\n"
            # the only grader folder the sandbox can write: the kernel's socket folder
            "import sys\n_sockets = os.path.dirname(sys.argv[sys.argv.index('-f') + 1])\n"
            "print('SOCKETS', _libc.symlink(b'/etc/passwd',"
            " (_sockets + '/kernel.json.x').encode()))\n")


_CTYPES_CODE_SWAP = """
import ctypes, course.testing
_f = course.testing.check_close
_fake = (lambda *a, **k: None).__code__
ctypes.pythonapi.Py_IncRef(ctypes.py_object(_fake))
for _off in range(16, 256, 8):      # find the function's code pointer, then overwrite it
    _slot = ctypes.c_void_p.from_address(id(_f) + _off)
    if _slot.value == id(_f.__code__):
        _slot.value = id(_fake)
        break
"""

_SILENCE_GUARD = """
import fcntl, os
for _fd in range(3, 256):           # close every pipe the kernel writes to: the guard's among them
    try:
        if os.readlink(f'/proc/self/fd/{_fd}').startswith('pipe:') and \\
                fcntl.fcntl(_fd, fcntl.F_GETFL) & os.O_WRONLY:
            os.close(_fd)
    except OSError:
        pass
import course.testing, numpy
course.testing._isclose = lambda a, b, **k: numpy.ones(numpy.shape(a), bool)
"""

_SCRIPTS = """
from IPython.display import HTML, Javascript, SVG, display
display(HTML('<script>document.title="PWNED-1"</script><img src=x onerror="alert(\\'PWNED-2\\')">'
             '<a href="javascript:alert(\\'PWNED-3\\')">click</a>'))
display(Javascript('alert("PWNED-4")'))
display(SVG('<svg xmlns="http://www.w3.org/2000/svg"><script>alert("PWNED-5")</script></svg>'))
"""

_FILLER = """
import os
for _where in ('big.bin', '/tmp/big.bin', '/dev/shm/big.bin'):
    _n = 0
    try:
        with open(_where, 'wb') as _f:
            for _ in range(100):          # 100 MB, past the 32 MB the grader allows
                _f.write(b'x' * (1 << 20))
                _f.flush()
                _n += 1
        print('WROTE ALL', _where)
    except OSError as e:
        print('DISK LIMIT', _where, _n, 'MB', e.errno)
    try:
        os.remove(_where)
    except OSError:
        pass
"""


def _formula_exception(nb):
    return _with(nb, "ch01-sigmoid", "", (
        "class _E(Exception):\n    pass\n_E.__name__ = \"=HYPERLINK(\\\"http://x\\\",\\\"y\\\")\"\n"
        "def sigmoid(z):\n    raise _E('boom')\n"))


def _zip_entry(z, name, data=b"", mode=0o100644):
    info = zipfile.ZipInfo(name)
    info.external_attr = mode << 16
    z.writestr(info, data)


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("attacks")
    root = course_copy(tmp / "course", [CH])
    grading.generate(grading.nbgrader_api(root), CH)
    mark = tmp / "marks"
    mark.mkdir()
    private = tmp / "private"
    private.mkdir()
    victim = private / "secret.txt"
    victim.write_text(SECRET)
    victim.chmod(0o600)
    src, rel = _notebooks(root)
    good = demo.filled_release(src, rel)
    wrong = _with(good, "ch01-sigmoid", "", WRONG_SIGMOID)
    gradebook = root / "gradebook.db"
    outside = tmp / "outside.txt"
    outside.write_text("untouched")

    # -- placed by hand in submitted/ ------------------------------------------------------
    by_hand = {
        "alice": good, "bob": rel, "wrong_sigmoid": wrong,
        # 1. modules beside the notebook, and written by a cell that then kills its kernel
        "planted_modules": wrong,
        "planted_then_killed": _with(good, "ch01-propagate", _writes(_planted(mark)) +
                                     "import os\nos._exit(1)\n"),
        # 2. links made by a cell (libc, os), to the victim, the gradebook, a file outside
        "link_maker": _with(good, "ch01-sigmoid", _libc_links([
            (NB, str(victim)), ("gradebook_link", str(gradebook)), ("out", str(outside)),
            ("src", str(root / "source"))])),
        "links_beside": good,
        # 3. HTML and JavaScript in outputs and in a markdown cell; a disk filler
        "scripts": _with(good, "ch01-sigmoid", _SCRIPTS),
        "disk_filler": _with(good, "ch01-sigmoid", _FILLER),
        # 4. the checks rewritten in place
        "code_swap": _with(wrong, "ch01-sigmoid",
                           "import course.testing\ncourse.testing.check_close.__code__ = "
                           "(lambda *a, **k: None).__code__\n"),
        "ctypes_swap": _with(wrong, "ch01-sigmoid", _CTYPES_CODE_SWAP),
        "private_rebind": _with(wrong, "ch01-sigmoid",
                                "import course.testing, numpy\ncourse.testing._isclose = "
                                "lambda a, b, **k: numpy.ones(numpy.shape(a), bool)\n"),
        "silencer": _with(wrong, "ch01-sigmoid", _SILENCE_GUARD),
        # a block inside a library submodule, which course.nn.model_forward calls
        "submodule_rebind": _with(_with(good, "ch01-sigmoid",
                                        "import course.nn.dense\ncourse.nn.dense.linear_forward = "
                                        "lambda A_prev, W, b: (0 * A_prev[:1], None)\n"),
                                  "ch01-propagate", "import course.nn.dense as _dense\nprint("
                                  "'RESTORED', _dense.linear_forward.__name__ == "
                                  "'linear_forward')\n"),
        # 7. an exception name a spreadsheet runs
        "formula_exception": _formula_exception(good),
        # 6. an id that nbgrader reads as a glob matching alice
        "al?ce": rel,
    }
    markdown = nbformat.from_dict(json.loads(json.dumps(by_hand["scripts"])))
    markdown.cells.insert(3, nbformat.from_dict({"cell_type": "markdown", "metadata": {
        "tags": ["x\"><script>alert('PWNED-8')</script>"]}, "source":
        "<script>alert('PWNED-6')</script><img src=x onerror=\"alert('PWNED-7')\">\n\n"
        "[click](javascript:alert('PWNED-9')) <javascript:alert('PWNED-10')>\n\n$z < 0$"}))
    markdown.metadata["title"] = "</title><script>alert('PWNED-11')</script>"
    markdown.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {
        "state": {}, "version_major": 2, "version_minor": 0,
        "x": "</script><script>alert('PWNED-12')</script>"}}
    by_hand["scripts"] = markdown
    for name, nb in by_hand.items():
        submit(root, name, CH, nb)
    folder = lambda s: root / "submitted" / s / CH
    for path, text in _planted(mark).items():
        (folder("planted_modules") / path).parent.mkdir(parents=True, exist_ok=True)
        (folder("planted_modules") / path).write_text(text)
    os.symlink(victim, folder("links_beside") / "secret.txt")
    os.symlink(root / "source", folder("links_beside") / "src")
    os.symlink(root / "source" / CH / NB, folder("links_beside") / "extra.ipynb")
    (folder("notebook_link")).mkdir(parents=True)
    os.symlink(root / "source" / CH / NB, folder("notebook_link") / NB)
    (root / "submitted" / "folder_link").mkdir()
    os.symlink(folder("alice"), folder("folder_link"))
    (folder("nb_folder") / NB).mkdir(parents=True)
    nbformat.write(good, str(folder("nb_folder") / NB / "inside.ipynb"))
    (folder("control_chars")).mkdir(parents=True)
    (folder("control_chars") / "notes\x1b[2J\x1b]0;owned\x07.txt").write_text("no notebook")
    submit(root, "esc\x1b[31mred", CH, good)

    # -- a zip export, as an LMS makes it ------------------------------------------------
    export = tmp / "export.zip"
    text = lambda nb: nbformat.writes(nb).encode()
    ko = "김민수"
    with zipfile.ZipFile(export, "w") as z:
        # 5. a folder-link entry before an entry inside it; an entry that is in another's way
        _zip_entry(z, "zip_symdir/sub", b"../../../source", 0o120777)
        _zip_entry(z, "zip_symdir/sub/ch01.ipynb", text(good))
        _zip_entry(z, "zip_blocked/sub", b"a file where a folder will be wanted")
        _zip_entry(z, "zip_blocked/sub/ch01.ipynb", text(good))
        _zip_entry(z, "zip_link_nb/ch01.ipynb", str(root / "source" / CH / NB).encode(), 0o120777)
        # 6. ids: a glob, two Korean names (one NFD, as macOS zips them), a space vs an
        # underscore, a comma, a carriage return, a formula, a terminal escape
        _zip_entry(z, "a*/ch01.ipynb", text(good))
        _zip_entry(z, f"{ko}/ch01.ipynb", text(good))
        _zip_entry(z, unicodedata.normalize("NFD", "이영희") + "/ch01.ipynb", text(rel))
        _zip_entry(z, "alice smith/ch01.ipynb", text(wrong))
        _zip_entry(z, "alice_smith/ch01.ipynb", text(good))
        # a name that is, literally, the id another name maps to: a collision, both kept
        _zip_entry(z, student_id("alice smith") + "/ch01.ipynb", text(good))
        _zip_entry(z, "bob,jr/ch01.ipynb", text(good))
        _zip_entry(z, "carol\r/ch01.ipynb", text(wrong))
        _zip_entry(z, "=HYPERLINK(\"x\")/ch01.ipynb", text(good))
        _zip_entry(z, "esc\x1b[2Jape/ch01.ipynb", text(good))
    cmd = [sys.executable, "-m", "course", "--root", str(root), "grade", CH, "--jobs", "2",
           "--timeout", "25", "--cell-timeout", "4", "--disk", "32", "--from", str(export)]
    started = time.monotonic()
    run = subprocess.run(cmd, capture_output=True, timeout=900)
    seconds = time.monotonic() - started
    records = {}
    for p in (root / "reports" / CH / "records").glob("*.json"):
        r = json.loads(p.read_text())
        records[r["student"]] = r
    return {"root": root, "run": run, "stdout": run.stdout.decode("utf-8", "replace"),
            "rows": records, "mark": mark, "victim": victim, "outside": outside,
            "seconds": seconds, "by_hand": by_hand, "ko": ko}


def _printed(attacked, student):
    nb = nbformat.read(str(attacked["root"] / "autograde" / student / CH / NB), as_version=4)
    return "".join(o.get("text", "") + o.get("evalue", "") for c in nb.cells
                   for o in c.get("outputs", []))


def _row(attacked, student):
    return attacked["rows"][student]


def test_the_class_is_graded_whatever_the_inputs(attacked):
    run = attacked["run"]
    assert run.returncode == 0, attacked["stdout"][-3000:] + run.stderr.decode()[-3000:]
    rows = attacked["rows"]
    assert len(rows) >= 30
    assert all(r["status"] == "graded" or r["reasons"] for r in rows.values())
    assert rows["alice"]["score"] == 20 and not rows["alice"]["flags"], rows["alice"]
    assert rows["bob"]["score"] == 0 and not rows["bob"]["flags"]
    assert 0 < rows["wrong_sigmoid"]["score"] < 20 and not rows["wrong_sigmoid"]["flags"]


# --- 1. nothing from the student's folder runs outside the sandbox, or before the guard -------

def test_planted_modules_run_nowhere(attacked):
    assert sorted(os.listdir(attacked["mark"])) == [], "code ran outside the sandbox"
    planted = _row(attacked, "planted_modules")
    assert planted["score"] == _row(attacked, "wrong_sigmoid")["score"], planted
    killed = _row(attacked, "planted_then_killed")
    assert killed["status"] == "crashed" and killed["score"] == 9, killed
    assert not any("did not start" in f or "went quiet" in f
                   for f in planted["flags"] + killed["flags"])


# --- 2. no link is followed, before or after execution -----------------------------------------

def test_links_made_by_a_cell_are_refused_and_reach_nothing(attacked):
    printed = _printed(attacked, "link_maker")
    assert "LINKED" not in printed and "FIFO MADE" not in printed, printed
    assert sum(ln.startswith("REFUSED ") for ln in printed.splitlines()) == 4
    assert "FIFO REFUSED" in printed and "HARD ch01_logistic_regression.ipynb -1" in printed
    assert "SOCKETS -1" in printed
    row = _row(attacked, "link_maker")
    assert row["score"] == 20 and any("ctypes" in f for f in row["flags"]), row
    victim = attacked["victim"]
    assert victim.read_text() == SECRET and stat.S_IMODE(victim.stat().st_mode) == 0o600
    assert attacked["outside"].read_text() == "untouched"
    assert grading.scores(attacked["root"])[("alice", CH)][0] == 20


def test_no_link_anywhere_the_grader_wrote(attacked):
    root = attacked["root"]
    for top in ("autograde", "feedback", "reports"):
        for dirpath, dirnames, filenames in os.walk(root / top):
            for name in dirnames + filenames:
                assert not os.path.islink(os.path.join(dirpath, name)), (dirpath, name)
    for student in attacked["rows"]:
        folder = root / "autograde" / student / CH
        if folder.exists():
            assert sorted(os.listdir(folder)) == [NB], (student, os.listdir(folder))


def test_links_in_the_submission_are_dropped_with_a_reason(attacked):
    row = _row(attacked, "links_beside")
    assert row["status"] == "repaired" and row["score"] == 20, row
    said = " ".join(row["reasons"])
    for name in ("secret.txt", "src", "extra.ipynb"):
        assert f"{name} was a symbolic link" in said, said
    assert not os.path.lexists(attacked["root"] / "submitted" / "links_beside" / CH / "src")
    kept = attacked["root"] / "reports" / CH / "originals" / "links_beside" / "LINKS.txt"
    assert "secret.txt" in kept.read_text()


@pytest.mark.parametrize("student, words", [
    ("notebook_link", f"{NB} was a symbolic link"),
    ("folder_link", "is a symbolic link"),
    ("zip_link_nb", "is a symbolic link; not unpacked"),
])
def test_a_linked_notebook_or_folder_is_not_graded(attacked, student, words):
    sid = student
    row = _row(attacked, sid)
    assert row["status"] in ("invalid", "missing") and row["score"] == 0, row
    assert any(words in r for r in row["reasons"]), row["reasons"]
    assert not (attacked["root"] / "feedback" / sid).exists()


# --- 3. feedback holds the page, sanitised, and nothing else; a notebook's files are bounded ---

class _Scripts(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts, self.attrs, self.inside = [], [], False

    def handle_starttag(self, tag, attrs):
        self.inside = tag == "script"
        if self.inside:
            self.scripts.append("")
        self.attrs += [(k, v or "") for k, v in attrs]

    def handle_endtag(self, tag):
        self.inside = False

    def handle_data(self, data):
        if self.inside:
            self.scripts[-1] += data


def test_feedback_runs_no_student_html(attacked):
    page = (attacked["root"] / "feedback" / "scripts" / CH / f"{CH}.html").read_text()
    parsed = _Scripts()
    parsed.feed(page)
    assert not [s for s in parsed.scripts if "PWNED" in s]
    assert not [a for a in parsed.attrs if "PWNED" in a[1] and
                (a[0].startswith("on") or a[1].lstrip().lower().startswith("javascript:"))]
    assert not [a for a in parsed.attrs if "PWNED" in a[1] and a[0] in ("href", "src")]
    assert "$z &lt; 0$" in page and "&amp;lt;" not in page     # math in markdown is intact
    assert _row(attacked, "scripts")["score"] == 20
    # the course's own page keeps its formulas and tables
    alice = (attacked["root"] / "feedback" / "alice" / CH / f"{CH}.html").read_text()
    assert "<table" in alice and "\\sigma" in alice


def test_feedback_holds_the_page_and_nothing_else(attacked):
    root = attacked["root"]
    src, _ = _notebooks(root)
    public = "\n".join(strip_hidden(c.source) for c in src.cells)
    secrets = {ln.strip() for c in src.cells for block in HIDDEN.findall(c.source)
               for ln in block.splitlines() if len(ln.strip()) >= 12 and ln.strip() not in public}
    for student, row in attacked["rows"].items():
        folder = root / "feedback" / student / CH
        if row["status"] in ("invalid", "missing", "failed"):
            assert not folder.exists(), student
            continue
        assert not any("feedback was not" in r for r in row["reasons"]), row
        assert sorted(os.listdir(folder)) == [f"{CH}.html"], (student, os.listdir(folder))
        text = (folder / f"{CH}.html").read_text()
        assert SECRET not in text
        assert not [s for s in secrets if s in text], student


def test_a_notebooks_files_are_bounded(attacked):
    printed = _printed(attacked, "disk_filler")
    assert "WROTE ALL" not in printed, printed
    for where in ("big.bin", "/tmp/big.bin", "/dev/shm/big.bin"):
        assert f"DISK LIMIT {where}" in printed
    sizes = [int(part.split(" MB")[0].split()[-1]) for part in printed.split("DISK LIMIT")[1:]]
    assert max(sizes) <= 64, sizes
    assert _row(attacked, "disk_filler")["score"] == 20
    total = sum(p.stat().st_size for p in (attacked["root"] / "autograde").rglob("*")
                if p.is_file())
    assert total < 40 << 20


# --- 4. rewriting the checks in place is undone and flagged ------------------------------------

@pytest.mark.parametrize("student, words", [
    ("code_swap", "replaced __code__ of course.testing.check_close"),
    ("ctypes_swap", "used ctypes"),
    ("ctypes_swap", "changed the code of course.testing.check_close in place"),
    ("private_rebind", "rebound course.testing._isclose"),
    ("silencer", "went quiet"),
])
def test_checks_rewritten_in_place_are_flagged_and_do_not_pay(attacked, student, words):
    row = _row(attacked, student)
    assert any(words in f for f in row["flags"]), row["flags"]
    if student != "silencer":
        assert row["score"] == _row(attacked, "wrong_sigmoid")["score"], row


def test_a_library_submodule_is_watched_too(attacked):
    row = _row(attacked, "submodule_rebind")
    assert any("rebound course.nn.dense.linear_forward" in f for f in row["flags"]), row["flags"]
    assert "RESTORED True" in _printed(attacked, "submodule_rebind")
    assert row["score"] == 20


def test_flagged_students_come_first_in_the_report(attacked):
    from course.instructor.report import needs_attention, read_grades, write_report
    reports = attacked["root"] / "reports" / CH
    order = [g.student for g in needs_attention(read_grades(reports / "grades.csv"))]
    flagged = {s for s, r in attacked["rows"].items() if r["flags"]}
    assert {"code_swap", "ctypes_swap", "private_rebind", "silencer", "link_maker"} <= flagged
    assert set(order[:len(flagged)]) == flagged, order
    assert "ctypes_swap" in write_report(attacked["root"], CH).read_text()


# --- 5. malformed input: its own status and reason --------------------------------------------

@pytest.mark.parametrize("student, status, score, words", [
    ("zip_symdir", "graded", 20, "zip_symdir/sub' is a symbolic link"),
    ("zip_blocked", "missing", 0, "could not be unpacked"),
    ("nb_folder", "invalid", 0, f"{NB} is a folder, not a notebook"),
    ("control_chars", "missing", 0, "no ch01_logistic_regression.ipynb"),
])
def test_malformed_input_gets_a_status_and_a_reason(attacked, student, status, score, words):
    row = _row(attacked, student)
    assert row["status"] == status and row["score"] == score, row
    assert any(words in r for r in row["reasons"]), row["reasons"]


# --- 6. ids: a rule, no merging, no mis-grading, export rows that parse back -------------------

def test_ids_follow_the_rule_and_never_merge(attacked):
    rows = attacked["rows"]
    by_original = {r.get("original"): r for r in rows.values()}
    expect = {"a*": 20, attacked["ko"]: 20, unicodedata.normalize("NFD", "이영희"): 0,
              "alice smith": None, "alice_smith": 20, "bob,jr": 20, "carol\r": None,
              "=HYPERLINK(\"x\")": 20, "esc\x1b[2Jape": 20}
    wrong = rows["wrong_sigmoid"]["score"]
    for original, score in expect.items():
        row = by_original[original]
        assert row["student"] == student_id(original)
        assert row["score"] == (wrong if score is None else score), (original, row)
    assert attacked["ko"] in rows and "이영희" in rows            # Korean names stay readable (NFC)
    assert rows["esc\x1b[31mred"]["status"] == "invalid"
    assert rows["alice_smith"]["student"] != by_original["alice smith"]["student"]
    literal = by_original[student_id("alice smith")]
    assert literal["student"] == student_id("alice smith") + "-2" and literal["score"] == 20
    assert any("belongs to another submitter" in r for r in literal["reasons"]), literal
    # a folder whose name nbgrader would read as a pattern is not graded, and alice is untouched
    assert rows["al?ce"]["status"] == "invalid" and "id rule" in rows["al?ce"]["reasons"][0]
    assert rows["alice"]["score"] == 20


def test_every_export_row_parses_back_to_its_student(attacked):
    root = attacked["root"]
    book = grading.scores(root)
    with open(root / "reports" / CH / "gradebook_export.csv", newline="", encoding="utf-8") as f:
        exported = list(csv.DictReader(f))
    assert len({r["student_id"] for r in exported}) == len(exported)
    for r in exported:
        assert float(r["score"]) == book[(r["student_id"], CH)][0], r
    with open(root / "reports" / CH / "grades.csv", newline="", encoding="utf-8") as f:
        table = list(csv.DictReader(f))
    assert sorted(r["student"] for r in table) == sorted(attacked["rows"])
    for r in table:
        assert float(r["score"]) == attacked["rows"][r["student"]]["score"]
    # plain `nbgrader export` uses the same safe plugin
    out = root / "plain_export.csv"
    subprocess.run([sys.executable, "-m", "nbgrader", "export", "--to", str(out)], cwd=root,
                   check=True, capture_output=True,
                   env={**os.environ, "PATH": os.path.dirname(sys.executable) + os.pathsep
                        + os.environ["PATH"]})
    with open(out, newline="", encoding="utf-8") as f:
        assert list(csv.DictReader(f)) == exported


# --- 7. no formula in a spreadsheet, no control sequence in the terminal -----------------------

def test_no_cell_is_a_formula(attacked):
    reports = attacked["root"] / "reports" / CH
    seen_quoted = 0
    for name in ("grades.csv", "cells.csv", "gradebook_export.csv"):
        with open(reports / name, newline="", encoding="utf-8") as f:
            for row in csv.reader(f):
                for cell in row:
                    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (name, cell)
                    seen_quoted += cell.startswith("'=")
    assert seen_quoted >= 2       # the formula id's original name and the formula exception


def test_no_control_character_reaches_the_terminal(attacked):
    out = attacked["stdout"]
    assert "control_chars" in out and "notes\\x1b" in out and "esc\\x1b[31mred" in out
    bad = [ch for ch in out if unicodedata.category(ch)[0] == "C" and ch != "\n"]
    assert not bad, sorted(set(map(repr, bad)))
