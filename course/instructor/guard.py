"""Tamper guard, installed in the grading kernel before any student code runs.

Measured with plain nbgrader: ``np.allclose = lambda *a, **k: True`` in an answer cell wins full
marks, because the tests then call the student's allclose. The guard

- binds the trusted references first: ``course.testing`` keeps its own numpy functions from the
  moment it is imported, which is here, before the first cell;
- snapshots numpy, ``builtins``, ``math``, the ``course`` modules and the test helpers, and after
  every cell puts back anything a cell rebound (so a cheat stops working at the next cell) and
  reports it;
- snapshots the code of every function there (``__code__``, defaults), because a function can
  be changed in place without rebinding it (``check_close.__code__ = ...``, or a pointer
  written through ``ctypes``); after every cell changed code is put back and reported;
- reports, through Python's audit hooks (which code cannot remove), files opened or listed
  outside the student's folder, programs started, sockets opened, ``ctypes`` used (it can
  rewrite anything in memory, the guard included), a function's code or defaults replaced,
  and tracing or reading of running frames;
- after every cell, calls the trusted checks and numpy functions on known inputs (canaries):
  a check that no longer rejects a wrong value, or a numpy function that computes a wrong one,
  is reported, whatever way it was changed;
- refuses to let code ignore the interrupt signal that ends a cell at its time limit;
- puts the student's folder at the *end* of the module path once all of this is imported, so
  a file there (``numpy.py``, ``course/``) can shadow nothing.

A Python-level guard shares its process with the code it watches and cannot prevent what
``ctypes`` can do; it makes it visible. Code that silences the guard (closes its pipe) stops the
"cell" lines, and the grader reports a guard that went quiet.

Reports are JSON lines on the file descriptor ``COURSE_GUARD_FD`` (a pipe whose reading end is
outside the sandbox: code can add lines but not take any back). Every cell ends with a "cell"
line, so a guard that was silenced shows up as missing lines.
"""
import json
import os
import signal
import sys

_WATCHED = ("numpy", "numpy.linalg", "numpy.random", "numpy.testing", "builtins", "math")


def _watched():
    """The fixed modules, and every module of the student library loaded by now: ``course`` and
    each ``course.*`` (``course.nn.dense`` too: rebinding its ``linear_forward`` would change
    what ``course.nn.model_forward`` computes). Not ``course.instructor.*``: the guard's own."""
    library = sorted(name for name in sys.modules
                     if (name == "course" or name.startswith("course."))
                     and not (name == "course.instructor" or name.startswith("course.instructor.")))
    return _WATCHED + tuple(library)
_PATH_EVENTS = {"open", "os.listdir", "os.scandir", "os.remove", "os.rename", "os.rmdir",
                "os.mkdir", "os.chdir", "os.symlink", "os.link", "os.truncate", "shutil.rmtree",
                "shutil.copyfile", "os.chmod", "os.chown", "glob.glob", "sqlite3.connect"}
_INTROSPECTION_EVENTS = {"sys._getframe", "sys._current_frames", "gc.get_referrers",
                         "gc.get_objects", "sys.settrace", "sys.setprofile"}
# function attributes whose assignment changes what an existing function object does
_CODE_ATTRIBUTES = ("__code__", "__defaults__", "__kwdefaults__")
_PROGRAM_EVENTS = {"subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn",
                   "os.fork", "pty.spawn"}


class _Guard:
    def __init__(self, fd, student_dir):
        self.fd = fd
        self.student_dir = os.path.realpath(student_dir)
        import sysconfig

        import course
        package = os.path.dirname(os.path.realpath(course.__file__))
        private = [os.environ.get("MPLCONFIGDIR", "/tmp/mpl"),
                   os.environ.get("IPYTHONDIR", "/tmp/ipython")]
        # what code in a notebook may touch without being reported: its folder, the sandbox's
        # private caches and (reading) the system, Python and the course package
        self.readable = [os.path.realpath(p) for p in
                         ("/usr", "/etc", "/proc", "/dev", "/sys", sys.prefix, sys.base_prefix,
                          package, self.student_dir, *private)]
        self.writable = [self.student_dir, "/dev/null", *private]
        self.stdlib_root = os.path.realpath(sysconfig.get_paths()["stdlib"])
        self.library_roots = tuple({os.path.realpath(p) for p in
                                    (sys.prefix, sys.base_prefix, package)} | {"<frozen"})
        self.cell = 0
        self.busy = False
        self.seen = set()
        self.snapshot = {name: dict(vars(sys.modules[name])) for name in _watched()
                         if name in sys.modules}
        self.modules = {name: sys.modules[name] for name in self.snapshot}
        self.code = _code_snapshot(self.snapshot)
        self.canaries = _canaries()

    def emit(self, **record):
        try:
            os.write(self.fd, (json.dumps(record, default=str) + "\n").encode())
        except OSError:
            pass

    def flag(self, kind, what):
        key = (self.cell, kind, what)
        if key not in self.seen and len(self.seen) < 200:
            self.seen.add(key)
            self.emit(cell=self.cell, kind=kind, what=what)

    # -- audit hook: files outside the folder, programs, sockets ---------------------------
    def by_notebook_code(self):
        """True when the audited call comes from code written in the notebook (or files in
        the student's folder), directly or through the standard library; False when a
        library did it on its own account (matplotlib runs fc-list, IPython reads its files)."""
        frame = sys._getframe(2)      # 0: this method, 1: audit, 2: the call audited
        while frame is not None:
            name = frame.f_code.co_filename
            if not name.startswith(self.library_roots):
                return True
            transparent = name.startswith(self.stdlib_root) and "site-packages" not in name \
                or frame.f_code.co_name == "_modified_open"     # IPython's wrapper of open()
            if not transparent:
                return False
            frame = frame.f_back
        return False

    def audit(self, event, args):
        if self.busy:
            return
        self.busy = True                     # the hook's own work must not re-enter it
        try:
            code_change = event == "object.__setattr__" and len(args) > 1 \
                and args[1] in _CODE_ATTRIBUTES
            if not (event in _PATH_EVENTS or event in _PROGRAM_EVENTS or code_change
                    or event.startswith(("socket.", "ctypes.")) or event in _INTROSPECTION_EVENTS) \
                    or not self.by_notebook_code():
                return
            if event in _PATH_EVENTS and args:
                self.check_path(event, args)
            elif event in _PROGRAM_EVENTS:
                self.flag("program", f"{event} {str(args[0])[:120] if args else ''}")
            elif event in ("socket.connect", "socket.bind", "socket.sendto"):
                self.flag("network", f"{event} {args[1] if len(args) > 1 else ''}")
            elif code_change:
                target = getattr(args[0], "__qualname__", type(args[0]).__name__)
                module = getattr(args[0], "__module__", "") or ""
                self.flag("code", f"replaced {args[1]} of {module}.{target}".replace(" .", " "))
            elif event.startswith("ctypes."):
                self.flag("ctypes", f"used ctypes ({event}), which can rewrite the interpreter's "
                                    "memory, the checks and the guard included")
            elif event in _INTROSPECTION_EVENTS:
                self.flag("introspection", f"{event}: looked into running frames or objects "
                                           "(a test's local variables can be read that way)")
        finally:
            self.busy = False

    def check_path(self, event, args):
        path = args[0]
        if isinstance(path, int) or path is None:
            return
        if isinstance(path, bytes):
            path = os.fsdecode(path)
        full = os.path.realpath(os.path.join(os.getcwd(), str(path)))
        writing = event != "open" or (len(args) > 1
                                      and any(c in str(args[1] or "") for c in "wax+"))
        if event in ("os.listdir", "os.scandir", "glob.glob"):
            writing = False
        allowed = self.writable if writing else self.readable
        if not any(full == root or full.startswith(root.rstrip("/") + "/") for root in allowed):
            self.flag("file",
                      f"{'wrote' if writing else 'read'} {full} ({event}) outside its folder")

    # -- after every cell: put back what was rebound ---------------------------------------
    def after_cell(self, result=None):
        for name, original in self.modules.items():
            if sys.modules.get(name) is not original:
                self.flag("rebind", f"sys.modules[{name!r}]")
                sys.modules[name] = original
            now = vars(original)
            for attr, value in self.snapshot[name].items():
                # private names count too (course.testing._isclose is what check_close calls);
                # IPython keeps _, __, ___ in builtins, and modules keep their own dunders
                if now.get(attr, _MISSING) is not value and not _dunder(attr) \
                        and not (name == "builtins" and attr.startswith("_")) \
                        and (name, attr) not in _IPYTHON_MANAGED:
                    self.flag("rebind", f"{name}.{attr}")
                    try:
                        setattr(original, attr, value)
                    except (AttributeError, TypeError):
                        pass
        for (module, attr), (func, saved) in self.code.items():
            now = tuple(getattr(func, a, None) for a in _CODE_ATTRIBUTES)
            if any(x is not y for x, y in zip(now, saved)):
                self.flag("code", f"changed the code of {module}.{attr} in place")
                for a, value in zip(_CODE_ATTRIBUTES, saved):
                    try:
                        setattr(func, a, value)
                    except (AttributeError, TypeError, ValueError):
                        pass
        for what in _failed_canaries(self.canaries):
            self.flag("canary", what)
        user = self.shell.user_ns
        import course.testing as trusted
        for attr in trusted.__all__:
            if attr in user and user[attr] is not getattr(trusted, attr):
                self.flag("rebind", f"test helper {attr}")
                user[attr] = getattr(trusted, attr)
        # (outside a cell's execution ipykernel itself ignores SIGINT: cell 0 is the set-up)
        if self.cell and signal.getsignal(signal.SIGINT) in (signal.SIG_IGN, None):
            self.flag("signal", "SIGINT ignored")
            signal.signal(signal.SIGINT, signal.default_int_handler)
        self.emit(cell=self.cell, kind="cell")

    def before_cell(self, info=None):
        self.cell += 1


_MISSING = object()


def _dunder(name):
    return name.startswith("__") and name.endswith("__")


def _code_snapshot(snapshot):
    """{(module, name): (function, (__code__, __defaults__, __kwdefaults__))} for the plain
    Python functions in the watched modules, and the Python implementations behind numpy's
    dispatching functions (np.isclose is a dispatcher around a Python function)."""
    import types
    out = {}
    for module, names in snapshot.items():
        for attr, value in names.items():
            func = value if isinstance(value, types.FunctionType) else \
                getattr(value, "_implementation", None)
            if isinstance(func, types.FunctionType):
                out[(module, attr)] = (func, tuple(getattr(func, a) for a in _CODE_ATTRIBUTES))
    return out


def _canaries():
    """Known inputs and verdicts for the trusted checks and the numpy functions the tests
    compute with: (what, call, expected) where expected is "raises", "passes" or a number.
    The functions are bound now, before any student code."""
    import numpy as np

    import course.testing as t
    a, b = np.array([[1.0, 2.0]]), np.array([[1.0, 2.5]])
    exp, log, dot, total, mean, absolute = np.exp, np.log, np.dot, np.sum, np.mean, np.abs
    maximum, allclose, isclose, sqrt = np.maximum, np.allclose, np.isclose, np.sqrt
    return [
        ("course.testing.check_close accepted a wrong array",
         lambda: t.check_close(b, a), "raises"),
        ("course.testing.check_close rejected a right array",
         lambda: t.check_close(a, a.copy()), "passes"),
        ("course.testing.check_shape accepted a transposed array",
         lambda: t.check_shape(a.T, (1, 2)), "raises"),
        ("course.testing.check_scalar accepted a wrong number",
         lambda: t.check_scalar(1.0, 2.0), "raises"),
        ("course.testing.check_true accepted a false condition",
         lambda: t.check_true(False, "x"), "raises"),
        ("course.testing.grad_check accepted a wrong gradient",
         lambda: t.grad_check(lambda p: float(total(p["w"] ** 2)), {"w": a.copy()},
                              {"w": a.copy()}), "raises"),
        ("numpy.allclose said 1 == 2", lambda: float(allclose(1.0, 2.0)), 0.0),
        ("numpy.isclose said 1 == 2", lambda: float(isclose(1.0, 2.0)), 0.0),
        ("numpy.exp(1) is wrong", lambda: round(float(exp(1.0)), 12), 2.718281828459),
        ("numpy.log(2) is wrong", lambda: round(float(log(2.0)), 12), 0.69314718056),
        ("numpy.sqrt(2) is wrong", lambda: round(float(sqrt(2.0)), 12), 1.414213562373),
        ("numpy.dot is wrong", lambda: float(dot(a, b.T)[0, 0]), 6.0),
        ("numpy.sum is wrong", lambda: float(total(a)), 3.0),
        ("numpy.mean is wrong", lambda: float(mean(b)), 1.75),
        ("numpy.abs is wrong", lambda: float(absolute(-2.5)), 2.5),
        ("numpy.maximum is wrong", lambda: float(maximum(-1.0, 0.0)), 0.0),
    ]


def _failed_canaries(canaries):
    failed = []
    for what, call, expected in canaries:
        try:
            value = call()
            ok = expected == "passes" if expected in ("raises", "passes") else value == expected
        except AssertionError:
            ok = expected == "raises"
        except Exception as e:                      # a canary that crashes was tampered with too
            ok, what = False, f"{what.split(' ')[0]} failed on a known input ({type(e).__name__})"
        if not ok:
            failed.append(f"canary: {what}: the trusted checks or numpy were changed in memory")
    return failed
# names IPython itself binds and unbinds around every cell
_IPYTHON_MANAGED = {("builtins", "get_ipython"), ("builtins", "exit"), ("builtins", "quit"),
                    ("builtins", "display"), ("builtins", "input"), ("builtins", "raw_input")}
_original_signal = signal.signal


def _no_ignored_interrupt(signum, handler):
    """signal.signal, except that SIGINT cannot be ignored or swallowed: the grader interrupts
    a cell that runs past its time limit, and a kernel that ignores it stalls the class."""
    if signum == signal.SIGINT and handler is not signal.default_int_handler:
        _GUARD.flag("signal", "tried to replace the SIGINT handler (refused)")
        return signal.getsignal(signum)
    return _original_signal(signum, handler)


_GUARD = None


def install():
    """Bind the trusted references, then start watching. Called by the kernel's exec_lines."""
    global _GUARD
    import numpy  # noqa: F401 (snapshot it as it is now)
    import numpy.linalg  # noqa: F401
    import numpy.random  # noqa: F401
    import numpy.testing  # noqa: F401
    from IPython import get_ipython

    import course.data  # noqa: F401
    import course.nn  # noqa: F401
    import course.testing  # noqa: F401 (binds trusted numpy functions)

    fd = int(os.environ.get("COURSE_GUARD_FD", "-1"))
    if fd < 0:
        fd = os.open(os.devnull, os.O_WRONLY)
    _GUARD = _Guard(fd, os.environ.get("COURSE_STUDENT_DIR", os.getcwd()))
    _GUARD.shell = get_ipython()
    _GUARD.shell.events.register("pre_run_cell", _GUARD.before_cell)
    _GUARD.shell.events.register("post_run_cell", _GUARD.after_cell)
    signal.signal = _no_ignored_interrupt
    _GUARD.snapshot["signal"] = {"signal": _no_ignored_interrupt}
    _GUARD.modules["signal"] = signal
    sys.addaudithook(_GUARD.audit)
    os.environ.pop("COURSE_GUARD_FD", None)
    # the kernel starts without its folder on the module path (python -I, ignore_cwd); now that
    # numpy, IPython and the course are imported, the folder goes last: a notebook can import a
    # module it wrote, and no file of its can shadow the standard library or a package
    if _GUARD.student_dir not in sys.path:
        sys.path.append(_GUARD.student_dir)
    bad = _failed_canaries(_GUARD.canaries)
    _GUARD.emit(cell=0, kind="ready")
    for what in bad:
        _GUARD.flag("canary", what)
