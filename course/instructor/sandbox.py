"""The kernel that runs student code when ``python -m course grade`` grades a class.

nbgrader runs each submission in an ordinary Python kernel, as the grader, inside the course
tree: the student's code can read ``source/`` (the hidden tests), other students' folders and the
gradebook, and can reach the network (measured; see NBGRADER_NOTES.md). Here the kernel is
started inside a bubblewrap sandbox instead:

- the filesystem holds only the system (read-only), the Python installation and the ``course``
  package (read-only), and two small private scratch mounts (size-limited tmpfs): ``/tmp`` and
  the kernel's working folder, mounted over the student's autograde folder. The real folder,
  ``source/``, the gradebook, the exchange and other students do not exist in it, so nothing a
  notebook writes (files, links) ever reaches a folder the grader reads, and a notebook's files
  take at most ``disk_mb`` MB;
- the root and ``/dev`` are read-only, and a seccomp filter (libseccomp) refuses the system calls
  that make links and special files (``symlink``, ``link``, ``mknod`` and their ``*at`` forms)
  and io_uring (which could make them without those calls): the only grader folder the
  sandbox can write, the kernel's socket folder, can hold nothing the grader would follow;
- nothing from the student's folder is imported outside the sandbox or before the guard: the
  launcher and the kernel run in Python's isolated mode (``-I``: no current folder, no
  ``PYTHON*`` variables, no user site-packages on the module path) and IPython's ``ignore_cwd``;
  the guard appends the working folder at the *end* of the path once the trusted modules are
  imported, so a notebook can still import a module it wrote but can shadow nothing;
- it has its own network namespace with no interfaces, so no network; the kernel talks to
  nbgrader over ZeroMQ ``ipc`` sockets (files in a private runtime folder) instead of TCP;
- it has its own user, PID and IPC namespaces, no capabilities, and dies with the grader;
- its address space and CPU time are bounded (RLIMIT_AS, RLIMIT_CPU).

Inside, ``course.instructor.guard`` binds the trusted references and watches for tampering before
any student code runs; its findings leave the sandbox through a pipe that the student cannot rewind.

Use: ``kernel_env(workdir, memory_mb, cpu_seconds, disk_mb)`` gives the environment variables under
which nbgrader (in this process) starts the sandboxed kernel for notebooks whose kernel is
``KERNEL_NAME``; the kernelspec's command is
``python -I -m course.instructor.sandbox -f CONNECTION_FILE``.
"""
import json
import os
import resource
import shutil
import sys
from pathlib import Path

KERNEL_NAME = "course-sandbox"
GUARD_LOG = "COURSE_GUARD_LOG"        # where the guard's findings are written (outside)
LIMITS = "COURSE_SANDBOX_LIMITS"       # "memory_mb,cpu_seconds,disk_mb"
# system calls the sandboxed kernel may not make (EPERM): links and special files, and io_uring,
# whose requests (IORING_OP_SYMLINKAT, ...) would make them without a system call of their own
DENIED_SYSCALLS = ("symlink", "symlinkat", "link", "linkat", "mknod", "mknodat",
                   "io_uring_setup", "io_uring_enter", "io_uring_register")
ETC = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "alternatives", "fonts", "localtime",
       "passwd", "group", "nsswitch.conf", "mime.types")
SHM_MB = 64                            # /dev/shm, for libraries that use POSIX shared memory


def available():
    """Why the sandbox cannot run here, or None when it can."""
    if not shutil.which("bwrap"):
        return "bubblewrap is not installed (bash .ci/setup installs Debian's bubblewrap)"
    try:
        import pyseccomp  # noqa: F401 (needs libseccomp.so.2)
    except (ImportError, RuntimeError) as e:
        return (f"the seccomp filter cannot be built ({e}); install Debian's libseccomp2 and "
                "requirements.txt (pyseccomp)")
    return None


def kernel_env(workdir, memory_mb=2048, cpu_seconds=600, disk_mb=256):
    """Environment variables that make nbgrader start sandboxed kernels, with the kernelspec
    written under ``workdir`` (which must be private to this grading process). The kernel's
    connection file must be ``connection_file(workdir)`` (KernelManager.connection_file): its
    folder holds the ipc sockets and is the only grader folder the sandbox can see."""
    workdir = Path(workdir)
    spec = workdir / "share" / "kernels" / KERNEL_NAME
    spec.mkdir(parents=True, exist_ok=True)
    (spec / "kernel.json").write_text(json.dumps({
        # -I: the launcher runs in the notebook's folder, which must not be on its module path
        "argv": [sys.executable, "-I", "-m", "course.instructor.sandbox", "-f",
                 "{connection_file}"],
        "display_name": "Python 3 (course sandbox)", "language": "python",
        "interrupt_mode": "message"}))   # a SIGINT to the process group would end bwrap
    runtime = workdir / "runtime"
    runtime.mkdir(exist_ok=True)
    return {"JUPYTER_PATH": str(workdir / "share"), "JUPYTER_RUNTIME_DIR": str(runtime),
            "TMPDIR": str(workdir),
            LIMITS: f"{int(memory_mb)},{int(cpu_seconds)},{int(disk_mb)}"}


def connection_file(workdir):
    return str(Path(workdir) / "runtime" / "kernel.json")


def _bwrap_args(cwd, runtime, guard_fd, seccomp_fd, disk_mb):
    """The bubblewrap command line: what exists inside the sandbox, and nothing else."""
    import course
    # /etc: only what the loader, fontconfig and name look-ups read; never all of it (when
    # the grader runs as root, the sandbox's user is root's: /etc/shadow would be readable)
    etc = [f"/etc/{name}" for name in ETC]
    ro = ["/usr", *etc, sys.base_prefix, sys.prefix, str(Path(course.__file__).parent)]
    disk = str(int(disk_mb) << 20)
    args = ["bwrap", "--unshare-all", "--unshare-user", "--uid", "65534", "--gid", "65534",
            "--die-with-parent", "--cap-drop", "ALL", "--seccomp", str(seccomp_fd),
            "--proc", "/proc", "--dev", "/dev", "--size", str(SHM_MB << 20), "--tmpfs", "/dev/shm",
            "--size", disk, "--tmpfs", "/tmp"]
    for name in ("bin", "lib", "lib64", "sbin"):
        if os.path.islink(f"/{name}"):
            args += ["--symlink", os.readlink(f"/{name}"), f"/{name}"]
    for path in dict.fromkeys(ro):          # in order, without repeats
        if os.path.exists(path):
            args += ["--ro-bind", path, path]
    # the working folder is a fresh scratch mount at the student's folder's path: the real
    # folder is not visible, and whatever the notebook writes stays inside and is bounded
    args += ["--bind", str(runtime), str(runtime), "--size", disk, "--tmpfs", str(cwd),
             "--remount-ro", "/dev", "--remount-ro", "/",
             "--chdir", str(cwd), "--setenv", "HOME", "/tmp",
             "--setenv", "MPLCONFIGDIR", "/tmp/mpl",
             "--setenv", "IPYTHONDIR", "/tmp/ipython", "--setenv", "COURSE_GUARD_FD", str(guard_fd),
             "--setenv", "COURSE_STUDENT_DIR", str(cwd), "--unsetenv", GUARD_LOG,
             # the kernel's parent is outside the PID namespace; --die-with-parent does that job
             "--unsetenv", "JPY_PARENT_PID"]
    return args


def seccomp_filter_fd():
    """A file descriptor holding the compiled seccomp filter (BPF, built by libseccomp) that
    bubblewrap loads for the kernel: DENIED_SYSCALLS fail with EPERM, the rest are allowed."""
    import errno

    import pyseccomp
    rules = pyseccomp.SyscallFilter(defaction=pyseccomp.ALLOW)
    for name in DENIED_SYSCALLS:
        rules.add_rule(pyseccomp.ERRNO(errno.EPERM), name)
    fd = os.memfd_create("course-seccomp", 0)
    with os.fdopen(os.dup(fd), "wb") as f:
        rules.export_bpf(f)
    os.lseek(fd, 0, os.SEEK_SET)
    return fd


def _relay(read_fd, log_path):
    """Copy the guard's pipe to the log file outside the sandbox until the kernel exits."""
    import signal
    signal.signal(signal.SIGINT, signal.SIG_IGN)     # interrupts are meant for the kernel
    with open(log_path, "ab", buffering=0) as log:
        while chunk := os.read(read_fd, 65536):
            log.write(chunk)
        # the kernel is gone and its last line copied: the grader waits for this before reading
        log.write(b'\n{"kind": "closed"}\n')
    os._exit(0)


def main(argv=None):
    """Kernel launcher: ``python -I -m course.instructor.sandbox -f CONNECTION_FILE`` (run by
    jupyter_client in the notebook's folder, in isolated mode so that nothing there is imported).
    Sets the limits, starts the relay and replaces itself by bubblewrap running the guarded IPython
    kernel, also in isolated mode."""
    argv = sys.argv[1:] if argv is None else argv
    if not sys.flags.isolated:
        sys.exit("course.instructor.sandbox: run it as `python -I -m course.instructor.sandbox` "
                 "(isolated mode)")
    connection_file = Path(argv[argv.index("-f") + 1]).resolve()
    runtime = Path(os.environ.get("JUPYTER_RUNTIME_DIR", "/nonexistent")).resolve()
    if connection_file.parent != runtime:
        # the socket folder is shared with the sandbox: it must be the private runtime folder
        sys.exit(f"course.instructor.sandbox: connection file {connection_file} is not in the "
                 f"private runtime folder {runtime} (set KernelManager.connection_file there)")
    memory_mb, cpu_seconds, disk_mb = (int(v) for v in
                                       os.environ.get(LIMITS, "2048,600,256").split(","))
    resource.setrlimit(resource.RLIMIT_AS, (memory_mb << 20, memory_mb << 20))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))
    resource.setrlimit(resource.RLIMIT_FSIZE, (256 << 20, 256 << 20))   # no disk-filling files

    read_fd, write_fd = os.pipe()
    if os.fork() == 0:
        os.close(write_fd)
        _relay(read_fd, os.environ.get(GUARD_LOG, os.devnull))
    os.close(read_fd)
    os.set_inheritable(write_fd, True)
    # the kernel's own chatter goes to a log beside the sockets, not into the grader's output
    log = os.open(runtime.parent / "kernel.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(log, 1)
    os.dup2(log, 2)
    seccomp = seccomp_filter_fd()
    os.set_inheritable(seccomp, True)
    kernel = [sys.executable, "-I", "-m", "ipykernel_launcher", "-f", str(connection_file),
              "--HistoryManager.hist_file=:memory:", "--InteractiveShellApp.ignore_cwd=True",
              "--IPKernelApp.exec_lines=import course.instructor.guard; "
              "course.instructor.guard.install()"]
    args = _bwrap_args(Path.cwd(), connection_file.parent, write_fd, seccomp, disk_mb) + kernel
    os.execvp(args[0], args)


if __name__ == "__main__":
    main()
