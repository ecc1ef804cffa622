"""The parts of class grading's defences that can be checked one at a time (the whole class,
attacked through the real command, is tests/test_classgrade_attacks.py): the id rule, CSV and
terminal neutralising, the isolated launcher, the seccomp filter inside bubblewrap, the guard's
code snapshot and canaries, and collection from a folder that holds links."""
import json
import os
import shutil
import subprocess
import sys
import unicodedata

import numpy as np
import pytest

from course.instructor import guard, sandbox, submissions
from course.instructor.textsafe import (
    from_spreadsheet_cell,
    printable,
    spreadsheet_cell,
    student_id,
    valid_student_id,
)

needs_bwrap = pytest.mark.skipif(sandbox.available() is not None,
                                 reason=f"sandbox unavailable: {sandbox.available()}")


# --- ids ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["alice", "s01", "김민수", "jean-luc.picard", "O_Brien"])
def test_ids_that_follow_the_rule_stay(name):
    assert valid_student_id(name) and student_id(name) == name


@pytest.mark.parametrize("name", ["a*", "al?ce", "[ab]", "alice smith", "bob,jr", "carol\r",
                                  "=1+1", "-rf", ".hidden", "../x", "esc\x1b[2J", "", "x" * 65,
                                  "‮evil", "tab\tbed"])
def test_other_names_get_a_rule_id_that_keeps_them_apart(name):
    sid = student_id(name)
    assert valid_student_id(sid), sid
    assert not any(ch in sid for ch in "*?[],\r\n\t /\\=\x1b")
    assert sid != student_id(name + " ") and sid == student_id(name)   # stable, and distinct


def test_nfd_and_nfc_korean_are_one_id():
    nfd = unicodedata.normalize("NFD", "이영희")
    assert nfd != "이영희" and student_id(nfd) == "이영희"


def test_alice_smith_and_alice_underscore_smith_never_merge():
    assert student_id("alice smith") != student_id("alice_smith") == "alice_smith"


# --- spreadsheets and terminals -----------------------------------------------------------------

@pytest.mark.parametrize("text", ["=HYPERLINK(\"x\")", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_formula_cells_are_neutralised_and_read_back(text):
    cell = spreadsheet_cell(text)
    assert cell == "'" + text and from_spreadsheet_cell(cell) == text


def test_plain_cells_and_numbers_are_left_alone():
    assert spreadsheet_cell("alice") == "alice" and spreadsheet_cell(-1.5) == -1.5
    assert from_spreadsheet_cell("'quoted") == "'quoted"


def test_control_characters_are_shown_not_obeyed():
    shown = printable("a\x1b[2J\x1b]0;title\x07b\r\u202ec\x9b")
    assert all(unicodedata.category(ch)[0] != "C" for ch in shown)
    assert "\\x1b[2J" in shown and "\\u202e" in shown and shown.startswith("a")


# --- the launcher and the kernel start in isolated mode -------------------------------------------

def _plant(folder, marker):
    (folder / "course").mkdir(parents=True)
    for name in ("__init__.py", "sandbox.py"):
        (folder / "course" / name).write_text(f"open({str(marker)!r}, 'w').write('ran')\n")


def test_kernelspec_starts_the_launcher_isolated(tmp_path):
    env = sandbox.kernel_env(tmp_path / "work")
    spec = json.loads((tmp_path / "work" / "share" / "kernels" / sandbox.KERNEL_NAME /
                       "kernel.json").read_text())
    assert spec["argv"][1:4] == ["-I", "-m", "course.instructor.sandbox"]
    assert env[sandbox.LIMITS].count(",") == 2


def test_a_course_package_beside_the_notebook_is_not_imported_by_the_launcher(tmp_path):
    marker = tmp_path / "marker"
    _plant(tmp_path / "nb", marker)
    argv = [sys.executable, "-I", "-m", "course.instructor.sandbox", "-f", str(tmp_path / "x.json")]
    run = subprocess.run(argv, cwd=tmp_path / "nb", capture_output=True, text=True, timeout=60)
    assert not marker.exists()
    assert "private runtime folder" in run.stderr          # the real launcher ran, and refused
    # without -I the same folder wins: the attack this guards against is real
    subprocess.run(argv[:1] + argv[2:], cwd=tmp_path / "nb", capture_output=True, timeout=60)
    assert marker.exists()


def test_the_launcher_refuses_to_run_unisolated(tmp_path):
    run = subprocess.run([sys.executable, "-c",
                          "import course.instructor.sandbox as s; s.main(['-f', 'x'])"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert run.returncode != 0 and "isolated mode" in run.stderr


# --- the seccomp filter, loaded by bubblewrap -----------------------------------------------------

@needs_bwrap
def test_no_link_fifo_or_io_uring_inside_the_sandbox(tmp_path):
    code = ("import ctypes, os\nlibc = ctypes.CDLL(None, use_errno=True)\n"
            "open('f', 'w').write('x')\n"
            "for call in (lambda: os.symlink('/etc/passwd', 's'), lambda: os.link('f', 'h'),\n"
            "             lambda: os.mkfifo('p')):\n"
            "    try:\n        call(); print('MADE')\n    except OSError as e:\n"
            "        print('EPERM' if e.errno == 1 else e)\n"
            # io_uring_setup
            "print('SYSCALL', libc.syscall(425, 8, 0) == -1 and ctypes.get_errno())\n"
            "open('g', 'w').write('ordinary files still work'); print('WROTE')\n"
            "print('SHADOW' if os.path.exists('/etc/shadow') else 'NO-SHADOW')\n")
    fd = sandbox.seccomp_filter_fd()
    os.set_inheritable(fd, True)
    args = sandbox._bwrap_args(tmp_path, tmp_path / "runtime", 2, fd, 16)
    (tmp_path / "runtime").mkdir()
    run = subprocess.run(args + [sys.executable, "-I", "-c", code], capture_output=True, text=True,
                         timeout=60, pass_fds=(fd,))
    assert run.stdout.split() == ["EPERM", "EPERM", "EPERM", "SYSCALL", "1", "WROTE",
                                  "NO-SHADOW"], run
    assert not os.listdir(tmp_path / "runtime")
    assert sorted(os.listdir(tmp_path)) == ["runtime"]      # the real folder saw none of it


# --- the guard's code snapshot and canaries -------------------------------------------------------

def test_canaries_pass_on_the_real_functions_and_name_a_broken_one(monkeypatch):
    canaries = guard._canaries()
    assert guard._failed_canaries(canaries) == []
    import course.testing as t
    monkeypatch.setattr(t.check_close, "__code__", (lambda *a, **k: None).__code__)
    monkeypatch.setattr(np.isclose._implementation, "__code__",
                        (lambda a, b, rtol=1e-5, atol=1e-8, equal_nan=False: True).__code__)
    failed = guard._failed_canaries(canaries)
    assert any("check_close accepted a wrong array" in f for f in failed), failed
    assert any("numpy.isclose said 1 == 2" in f for f in failed), failed


def test_code_snapshot_covers_the_checks_and_numpys_dispatchers():
    import course.testing  # noqa: F401
    snap = guard._code_snapshot({"course.testing": vars(sys.modules["course.testing"]),
                                 "numpy": vars(np)})
    assert ("course.testing", "check_close") in snap and ("numpy", "allclose") in snap
    func, saved = snap[("numpy", "allclose")]
    assert func is np.allclose._implementation and saved[0] is func.__code__


# --- collection from a folder: links are noted, never followed ------------------------------------

def test_collect_from_a_folder_skips_links(tmp_path):
    root = tmp_path / "course"
    (root / "release" / "hw").mkdir(parents=True)
    (root / "release" / "hw" / "hw.ipynb").write_text("{}")
    (tmp_path / "secret.ipynb").write_text("SECRET")
    export = tmp_path / "export"
    (export / "alice").mkdir(parents=True)
    (export / "alice" / "mine.ipynb").write_text("{}")
    (export / "mallory").mkdir()
    os.symlink(tmp_path / "secret.ipynb", export / "mallory" / "hw.ipynb")
    os.symlink(export / "alice", export / "eve")
    ids = submissions.collect(root, "hw", export)
    assert "alice" in ids
    assert (root / "submitted" / "alice" / "hw" / "hw.ipynb").read_text() == "{}"
    assert not (root / "submitted" / "mallory" / "hw" / "hw.ipynb").exists()
    notes = submissions.collected(root, "hw")
    assert "symbolic link" in " ".join(notes["mallory"]["notes"])
    assert "symbolic link" in " ".join(notes["eve"]["notes"])
    shutil.rmtree(root)
