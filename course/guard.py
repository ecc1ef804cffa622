"""Tamper guard, installed in the grading kernel before any student code runs.

Measured with plain nbgrader: ``np.allclose = lambda *a, **k: True`` in an answer cell wins full
marks, because the tests then call the student's allclose. The guard

- binds the trusted references first: ``course.testing`` keeps its own numpy functions from the
  moment it is imported, which is here, before the first cell;
- snapshots numpy, ``builtins``, ``math``, the ``course`` modules and the test helpers, and after
  every cell puts back anything a cell rebound (so a cheat stops working at the next cell) and
  reports it;
- reports, through Python's audit hooks (which code cannot remove), files opened or listed
  outside the student's folder, programs started and sockets opened;
- refuses to let code ignore the interrupt signal that ends a cell at its time limit.

Reports are JSON lines on the file descriptor ``COURSE_GUARD_FD`` (a pipe whose reading end is
outside the sandbox: code can add lines but not take any back). Every cell ends with a "cell"
line, so a guard that was silenced shows up as missing lines.
"""
import json
import os
import signal
import sys

_WATCHED = ("numpy", "numpy.linalg", "numpy.random", "numpy.testing", "builtins", "math",
            "course", "course.testing", "course.nn", "course.data")
_PATH_EVENTS = {"open", "os.listdir", "os.scandir", "os.remove", "os.rename", "os.rmdir",
                "os.mkdir", "os.chdir", "os.symlink", "os.link", "os.truncate", "shutil.rmtree",
                "shutil.copyfile", "os.chmod", "os.chown", "glob.glob", "sqlite3.connect"}
_INTROSPECTION_EVENTS = {"sys._getframe", "sys._current_frames", "gc.get_referrers",
                         "gc.get_objects"}
_PROGRAM_EVENTS = {"subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn",
                   "os.fork", "pty.spawn"}


class _Guard:
    def __init__(self, fd, student_dir):
        self.fd = fd
        self.student_dir = os.path.realpath(student_dir)
        import course
        import sysconfig
        package = os.path.dirname(os.path.realpath(course.__file__))
        private = [os.environ.get("MPLCONFIGDIR", "/tmp/mpl"), os.environ.get("IPYTHONDIR", "/tmp/ipython")]
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
        self.snapshot = {name: dict(vars(sys.modules[name])) for name in _WATCHED
                         if name in sys.modules}
        self.modules = {name: sys.modules[name] for name in self.snapshot}

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
            if not (event in _PATH_EVENTS or event in _PROGRAM_EVENTS
                    or event.startswith("socket.") or event in _INTROSPECTION_EVENTS) \
                    or not self.by_notebook_code():
                return
            if event in _PATH_EVENTS and args:
                self.check_path(event, args)
            elif event in _PROGRAM_EVENTS:
                self.flag("program", f"{event} {str(args[0])[:120] if args else ''}")
            elif event in ("socket.connect", "socket.bind", "socket.sendto"):
                self.flag("network", f"{event} {args[1] if len(args) > 1 else ''}")
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
        writing = event != "open" or (len(args) > 1 and any(c in str(args[1] or "") for c in "wax+"))
        if event in ("os.listdir", "os.scandir", "glob.glob"):
            writing = False
        allowed = self.writable if writing else self.readable
        if not any(full == root or full.startswith(root.rstrip("/") + "/") for root in allowed):
            self.flag("file", f"{'wrote' if writing else 'read'} {full} ({event}) outside its folder")

    # -- after every cell: put back what was rebound ---------------------------------------
    def after_cell(self, result=None):
        for name, original in self.modules.items():
            if sys.modules.get(name) is not original:
                self.flag("rebind", f"sys.modules[{name!r}]")
                sys.modules[name] = original
            now = vars(original)
            for attr, value in self.snapshot[name].items():
                if now.get(attr, _MISSING) is not value and not attr.startswith("_") \
                        and (name, attr) not in _IPYTHON_MANAGED:
                    self.flag("rebind", f"{name}.{attr}")
                    try:
                        setattr(original, attr, value)
                    except (AttributeError, TypeError):
                        pass
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
    import numpy                                 # noqa: F401 (snapshot it as it is now)
    import numpy.linalg                          # noqa: F401
    import numpy.random                          # noqa: F401
    import numpy.testing                         # noqa: F401
    import course.data                           # noqa: F401
    import course.nn                             # noqa: F401
    import course.testing                        # noqa: F401 (binds trusted numpy functions)
    from IPython import get_ipython

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
    _GUARD.emit(cell=0, kind="ready")
