"""The kernel that runs student code when ``python -m course grade`` grades a class.

nbgrader runs each submission in an ordinary Python kernel, as the grader, inside the course
tree: the student's code can read ``source/`` (the hidden tests), other students' folders and the
gradebook, and can reach the network (measured; see NBGRADER_NOTES.md). Here the kernel is
started inside a bubblewrap sandbox instead:

- the filesystem holds only the system (read-only), the Python installation and the ``course``
  package (read-only), a private ``/tmp``, and the student's own folder (read-write);
  ``source/``, the gradebook, the exchange and other students do not exist in it;
- it has its own network namespace with no interfaces, so no network; the kernel talks to
  nbgrader over ZeroMQ ``ipc`` sockets (files in a private runtime folder) instead of TCP;
- it has its own user, PID and IPC namespaces, no capabilities, and dies with the grader;
- its address space and CPU time are bounded (RLIMIT_AS, RLIMIT_CPU).

Inside, ``course.guard`` binds the trusted references and watches for tampering before any
student code runs; its findings leave the sandbox through a pipe that the student cannot rewind.

Use: ``kernel_env(workdir, memory_mb, cpu_seconds)`` gives the environment variables under which
nbgrader (in this process) starts the sandboxed kernel for notebooks whose kernel is
``KERNEL_NAME``; the kernelspec's command is ``python -m course.sandbox -f CONNECTION_FILE``.
"""
import json
import os
import resource
import shutil
import sys
from pathlib import Path

KERNEL_NAME = "course-sandbox"
GUARD_LOG = "COURSE_GUARD_LOG"        # where the guard's findings are written (outside)
LIMITS = "COURSE_SANDBOX_LIMITS"       # "memory_mb,cpu_seconds"


def available():
    """Why the sandbox cannot run here, or None when it can."""
    if not shutil.which("bwrap"):
        return "bubblewrap is not installed (bash .ci/setup installs Debian's bubblewrap)"
    return None


def kernel_env(workdir, memory_mb=2048, cpu_seconds=600):
    """Environment variables that make nbgrader start sandboxed kernels, with the kernelspec
    written under ``workdir`` (which must be private to this grading process). The kernel's
    connection file must be ``connection_file(workdir)`` (KernelManager.connection_file): its
    folder holds the ipc sockets and is the only grader folder the sandbox can see."""
    workdir = Path(workdir)
    spec = workdir / "share" / "kernels" / KERNEL_NAME
    spec.mkdir(parents=True, exist_ok=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "course.sandbox", "-f", "{connection_file}"],
        "display_name": "Python 3 (course sandbox)", "language": "python",
        "interrupt_mode": "message"}))   # a SIGINT to the process group would end bwrap
    runtime = workdir / "runtime"
    runtime.mkdir(exist_ok=True)
    return {"JUPYTER_PATH": str(workdir / "share"), "JUPYTER_RUNTIME_DIR": str(runtime),
            "TMPDIR": str(workdir),
            LIMITS: f"{int(memory_mb)},{int(cpu_seconds)}"}


def connection_file(workdir):
    return str(Path(workdir) / "runtime" / "kernel.json")


def _bwrap_args(cwd, runtime, guard_fd):
    """The bubblewrap command line: what exists inside the sandbox, and nothing else."""
    import course
    ro = ["/usr", "/etc", sys.base_prefix, sys.prefix, str(Path(course.__file__).parent)]
    args = ["bwrap", "--unshare-all", "--unshare-user", "--uid", "65534", "--gid", "65534",
            "--die-with-parent", "--cap-drop", "ALL",
            "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
    for name in ("bin", "lib", "lib64", "sbin"):
        if os.path.islink(f"/{name}"):
            args += ["--symlink", os.readlink(f"/{name}"), f"/{name}"]
    for path in dict.fromkeys(ro):          # in order, without repeats
        if os.path.exists(path):
            args += ["--ro-bind", path, path]
    args += ["--bind", str(runtime), str(runtime), "--bind", str(cwd), str(cwd),
             "--chdir", str(cwd), "--setenv", "HOME", "/tmp", "--setenv", "MPLCONFIGDIR", "/tmp/mpl",
             "--setenv", "IPYTHONDIR", "/tmp/ipython", "--setenv", "COURSE_GUARD_FD", str(guard_fd),
             "--setenv", "COURSE_STUDENT_DIR", str(cwd), "--unsetenv", GUARD_LOG,
             # the kernel's parent is outside the PID namespace; --die-with-parent does that job
             "--unsetenv", "JPY_PARENT_PID"]
    return args


def _relay(read_fd, log_path):
    """Copy the guard's pipe to the log file outside the sandbox until the kernel exits."""
    import signal
    signal.signal(signal.SIGINT, signal.SIG_IGN)     # interrupts are meant for the kernel
    with open(log_path, "ab", buffering=0) as log:
        while chunk := os.read(read_fd, 65536):
            log.write(chunk)
    os._exit(0)


def main(argv=None):
    """Kernel launcher: ``python -m course.sandbox -f CONNECTION_FILE`` (run by jupyter_client in
    the notebook's folder). Sets the limits, starts the relay and replaces itself by bubblewrap
    running the guarded IPython kernel."""
    argv = sys.argv[1:] if argv is None else argv
    connection_file = Path(argv[argv.index("-f") + 1]).resolve()
    runtime = Path(os.environ.get("JUPYTER_RUNTIME_DIR", "/nonexistent")).resolve()
    if connection_file.parent != runtime:
        # the socket folder is shared with the sandbox: it must be the private runtime folder
        sys.exit(f"course.sandbox: connection file {connection_file} is not in the private "
                 f"runtime folder {runtime} (set KernelManager.connection_file there)")
    memory_mb, cpu_seconds = (int(v) for v in os.environ.get(LIMITS, "2048,600").split(","))
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
    kernel = [sys.executable, "-m", "ipykernel_launcher", "-f", str(connection_file),
              "--HistoryManager.hist_file=:memory:",
              "--IPKernelApp.exec_lines=import course.guard; course.guard.install()"]
    args = _bwrap_args(Path.cwd(), connection_file.parent, write_fd) + kernel
    os.execvp(args[0], args)


if __name__ == "__main__":
    main()
