"""A throwaway PostgreSQL server for tests: ``with postgres_server(workdir) as url: ...``.

The server listens only on 127.0.0.1, on a free port; its data directory and unix socket
directory are inside ``workdir``; it trusts every connection from 127.0.0.1 (it lives for one
test and holds nothing). It is built for speed, not durability: no fsync, tiny buffers, no
WAL archiving, no autovacuum. At exit, even when the test failed, it is stopped
(``pg_ctl stop -m immediate``) and its files are removed.

PostgreSQL refuses to run as root. As root (CI), initdb and pg_ctl run as the ``postgres``
system user: the server's folder is given to that user, and ``workdir`` and the folders
above it get the search bit for others (``o+x``, not read: nobody can list them) where they
lack it, since pytest makes its temporary folders 0700 (another pytest session of the same
user puts 0700 back on /tmp/pytest-of-USER when it starts: then the start is tried again).
As any other user, they run directly.

Two servers may run at once (pytest-xdist): each has its own folder and socket directory, and
a port taken by another process between choosing it and binding it means another try.
Use ``postgres_server`` directly, or ``postgres_url = postgres_url_fixture()`` for a fixture.
"""
import contextlib
import glob
import os
import pwd
import re
import shutil
import signal
import socket
import stat
import subprocess
import time
from pathlib import Path

__all__ = ["postgres_server", "find_binaries", "PostgresNotFound", "USER", "DATABASE"]

USER = "course"          # the superuser initdb creates
DATABASE = "gradebook"   # the database the URL names
TRIES = 5                # starts to try (a port taken meanwhile, a way in closed)
SOCKET_PATH_MAX = 100    # a unix socket path must fit in 108 bytes (sun_path)

SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "wal_level": "minimal",
    "max_wal_senders": "0",
    "max_connections": "20",
    "shared_buffers": "'16MB'",
    "dynamic_shared_memory_type": "posix",
    "huge_pages": "off",
    "autovacuum": "off",
    "jit": "off",
    "log_min_messages": "warning",
}


class PostgresNotFound(RuntimeError):
    """No PostgreSQL server binaries on this machine."""


def find_binaries():
    """The folder with initdb, pg_ctl and postgres: the newest /usr/lib/postgresql/N/bin
    (Debian, Ubuntu), else the one on PATH."""
    def version(path):
        return [int(n) for n in re.findall(r"\d+", Path(path).parent.name)]

    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=version, reverse=True)
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.append(str(Path(on_path).resolve().parent))
    for folder in candidates:
        if all(os.access(Path(folder) / tool, os.X_OK)
               for tool in ("initdb", "pg_ctl", "postgres")):
            return Path(folder)
    raise PostgresNotFound(
        "PostgreSQL server binaries (initdb, pg_ctl, postgres) are not in "
        "/usr/lib/postgresql/*/bin nor on PATH: run `bash .ci/setup`, which installs them "
        "(Debian's postgresql package)")


def free_port():
    """A port nothing listens on right now on 127.0.0.1 (another process may take it before
    the server binds it: the caller tries again then)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Runner:
    """Runs PostgreSQL's tools as this user, or as ``postgres`` when this user is root."""

    def __init__(self):
        self.as_root = os.geteuid() == 0
        if self.as_root:
            try:
                pw = pwd.getpwnam("postgres")
            except KeyError:
                raise PostgresNotFound("running as root, PostgreSQL must run as the `postgres` "
                                       "user, and there is none: run `bash .ci/setup`") from None
            self.uid, self.gid = pw.pw_uid, pw.pw_gid
            self.groups = os.getgrouplist("postgres", pw.pw_gid)

    def run(self, cmd, cwd, check=True, timeout=60):
        kwargs = {}
        if self.as_root:
            # subprocess switches groups then user in the child, before exec (like setpriv
            # --reuid=postgres --regid=postgres --init-groups); cwd is entered before that.
            kwargs = dict(user=self.uid, group=self.gid, extra_groups=self.groups)
        env = dict(os.environ, LC_ALL="C", LANG="C")
        env.pop("PGDATA", None)
        proc = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True,
                              text=True, timeout=timeout, **kwargs)
        if check and proc.returncode:
            raise RuntimeError(f"{' '.join(map(str, cmd))} failed ({proc.returncode}):\n"
                               f"{proc.stdout}{proc.stderr}")
        return proc

    def give(self, path):
        """Make ``path`` (a folder this process made) the server's, reachable by it."""
        if not self.as_root:
            return
        os.chown(path, self.uid, self.gid)
        for folder in Path(path).resolve().parents:
            mode = folder.stat().st_mode
            if not self._can_search(folder):
                os.chmod(folder, stat.S_IMODE(mode) | stat.S_IXOTH)

    def _can_search(self, folder):
        st = folder.stat()
        if st.st_uid == self.uid:
            return bool(st.st_mode & stat.S_IXUSR)
        if st.st_gid in self.groups:
            return bool(st.st_mode & stat.S_IXGRP)
        return bool(st.st_mode & stat.S_IXOTH)


def _kill_postmaster(data):
    """The fallback when pg_ctl cannot stop the server: SIGQUIT (immediate shutdown), then
    SIGKILL, to the pid in postmaster.pid."""
    try:
        pid = int((data / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return
    for sig, wait in ((signal.SIGQUIT, 5), (signal.SIGKILL, 5)):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return
        deadline = time.time() + wait
        while time.time() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)


def _configure(data, sock):
    # A socket path too long for sun_path is given relative to the data directory (the
    # server's working directory): still inside workdir, and clients use TCP anyway.
    sock_dir = str(sock) if len(f"{sock}/.s.PGSQL.65535") <= SOCKET_PATH_MAX else "../socket"
    with open(data / "postgresql.conf", "a") as conf:   # root may write the postgres user's file
        conf.write("\n# throwaway test server (tests/pgserver.py)\n")
        conf.write(f"unix_socket_directories = '{sock_dir}'\n")
        for key, value in SETTINGS.items():
            conf.write(f"{key} = {value}\n")


def _start(runner, bin_dir, home, timings):
    """initdb (once) and pg_ctl start on a free port; return the port. Tries again when the
    port was taken meanwhile, or when the postgres user lost its way to ``home``: pytest puts
    mode 0700 back on /tmp/pytest-of-USER whenever another session of the same user starts."""
    data, sock, log = home / "data", home / "socket", home / "server.log"
    why = ""
    for _ in range(TRIES):
        runner.give(home)
        if not (data / "PG_VERSION").exists():
            shutil.rmtree(data, ignore_errors=True)
            t = time.perf_counter()
            proc = runner.run([bin_dir / "initdb", "-D", data, "-U", USER, "--auth=trust",
                               "--no-sync", "--no-instructions", "--encoding=UTF8", "--locale=C"],
                              cwd=home, check=False)
            timings["initdb"] = time.perf_counter() - t
            if proc.returncode:
                why = proc.stdout + proc.stderr
                if "Permission denied" in why:
                    continue
                raise RuntimeError(f"initdb failed:\n{why}")
            if not sock.exists():
                sock.mkdir()
                runner.give(sock)
            _configure(data, sock)
        port = free_port()
        log.unlink(missing_ok=True)
        t = time.perf_counter()
        proc = runner.run([bin_dir / "pg_ctl", "start", "-D", data, "-l", log, "-w", "-t", "30",
                           "-o", f"-p {port}"], cwd=home, check=False)
        timings["start"] = time.perf_counter() - t
        if proc.returncode == 0:
            return port
        why = proc.stdout + proc.stderr + (log.read_text(errors="replace") if log.exists() else "")
        _kill_postmaster(data)                  # in case it half-started
        if not ("could not bind" in why or "could not create any TCP/IP sockets" in why
                or "Permission denied" in why):
            raise RuntimeError(f"PostgreSQL did not start:\n{why}")
    raise RuntimeError(f"PostgreSQL did not start in {TRIES} tries; the last said:\n{why}")


@contextlib.contextmanager
def postgres_server(workdir, database=DATABASE):
    """Start a throwaway server in ``workdir``/postgres; yield its SQLAlchemy URL
    ``postgresql+psycopg2://course@127.0.0.1:PORT/gradebook``; stop it and remove its files
    at exit. ``postgres_server.last`` holds the seconds initdb, start, createdb and stop took
    (the last server's)."""
    import psycopg2

    bin_dir = find_binaries()
    runner = _Runner()
    home = Path(workdir).resolve() / "postgres"
    home.mkdir(parents=True)
    timings = postgres_server.last = {}
    try:
        port = _start(runner, bin_dir, home, timings)
        t = time.perf_counter()
        conn = psycopg2.connect(host="127.0.0.1", port=port, user=USER, dbname="postgres")
        try:
            conn.autocommit = True
            with conn.cursor() as cur:
                # PostgreSQL 15+ copies the template through the WAL by default; a plain file
                # copy is quicker for a database this small (no fsync anyway).
                strategy = " STRATEGY = FILE_COPY" if conn.server_version >= 150000 else ""
                cur.execute(f'CREATE DATABASE "{database}"{strategy}')
        finally:
            conn.close()
        timings["createdb"] = time.perf_counter() - t
        yield f"postgresql+psycopg2://{USER}@127.0.0.1:{port}/{database}"
    finally:
        t = time.perf_counter()
        if (home / "data" / "postmaster.pid").exists():
            runner.give(home)       # the way in again, should another pytest have closed it
            proc = runner.run([bin_dir / "pg_ctl", "stop", "-D", home / "data", "-m", "immediate",
                               "-w", "-t", "30"], cwd=home, check=False)
            if proc.returncode != 0:
                _kill_postmaster(home / "data")     # what -m immediate does: SIGQUIT
        timings["stop"] = time.perf_counter() - t
        shutil.rmtree(home, ignore_errors=True)


postgres_server.last = {}


def postgres_url_fixture():
    """A pytest fixture (``postgres_url = postgres_url_fixture()`` in a test module or
    conftest): a fresh server per test, in the test's tmp_path."""
    import pytest

    @pytest.fixture
    def postgres_url(tmp_path):
        with postgres_server(tmp_path) as url:
            yield url

    return postgres_url
