"""Fixtures for the browser tests: a JupyterLab server and a headless Chromium, both started
here and both stopped here by process id. (A module, not a conftest.py, so that it does not
shadow tests/conftest.py; test_jupyterlab.py imports the fixtures.)

Chromium comes from Debian's package (/usr/bin/chromium; .ci/setup installs it), driven by
Playwright over the DevTools protocol; nothing is downloaded (never `playwright install`).
Screenshots go to tests/browser/screenshots/ (or $COURSE_SCREENSHOTS); .ci/run prints the path.
"""
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pytest

from course.instructor.demo import filled_release

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("COURSE_CHROMIUM", "/usr/bin/chromium")
SHOTS = Path(os.environ.get("COURSE_SCREENSHOTS", ROOT / "tests" / "browser" / "screenshots"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, proc, seconds=60):
    end = time.time() + seconds
    while time.time() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"process {proc.pid} exited with {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"nothing listening on 127.0.0.1:{port} after {seconds} s")


def stop(proc):
    """SIGTERM the process group, then SIGKILL what is left."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(10)


@pytest.fixture(scope="session")
def lab():
    """JupyterLab on a free loopback port with a random token, in a temporary course copy:
    release/ as students get it, and solved/ with every answer filled in."""
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} not found: the browser tests need Debian's chromium "
                    "(bash .ci/setup installs it; or deselect them with -m 'not browser')")
    work = Path(tempfile.mkdtemp(prefix="course-lab-"))
    shutil.copytree(ROOT / "release", work / "release")
    shutil.copy2(ROOT / "nbgrader_config.py", work)
    for folder in sorted((work / "release").iterdir()):
        src = ROOT / "source" / folder.name / f"{folder.name}.ipynb"
        rel = folder / f"{folder.name}.ipynb"
        out = work / "solved" / folder.name / rel.name
        out.parent.mkdir(parents=True)
        solved = filled_release(nbformat.read(str(src), 4), nbformat.read(str(rel), 4))
        nbformat.write(solved, str(out))
    settings = work / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    # Render every cell: JupyterLab 4 otherwise draws only those near the viewport, and a
    # widget further down would not exist for the test to find.
    notebook_settings = work / "settings" / "@jupyterlab" / "notebook-extension"
    notebook_settings.mkdir(parents=True)
    (notebook_settings / "tracker.jupyterlab-settings").write_text(
        json.dumps({"windowingMode": "none"}))
    port, token = free_port(), secrets.token_hex(16)
    env = dict(os.environ, JUPYTERLAB_SETTINGS_DIR=str(work / "settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(work / "workspaces"),
               PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    log = open(work / "jupyterlab.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root", "--ip=127.0.0.1",
         f"--port={port}", f"--ServerApp.token={token}", f"--ServerApp.root_dir={work}"],
        stdout=log, stderr=subprocess.STDOUT, env=env, cwd=work, start_new_session=True)
    try:
        wait_for_port(port, server)
        yield {"url": f"http://127.0.0.1:{port}", "token": token, "root": work, "pid": server.pid}
    finally:
        stop(server)
        log.close()
        shutil.rmtree(work, ignore_errors=True)


@pytest.fixture(scope="session")
def browser(lab):
    """Headless Chromium started by this fixture (so its process id is known), driven by
    Playwright over the DevTools protocol."""
    from playwright.sync_api import sync_playwright

    profile = Path(tempfile.mkdtemp(prefix="course-chromium-"))
    chromium = subprocess.Popen(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
         f"--user-data-dir={profile}", "--remote-debugging-port=0", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        endpoint = None
        end = time.time() + 60
        while time.time() < end and endpoint is None:
            line = chromium.stderr.readline()
            match = re.search(r"DevTools listening on (ws://\S+)", line)
            if match:
                endpoint = match.group(1)
            elif not line and chromium.poll() is not None:
                raise RuntimeError(f"chromium exited with {chromium.returncode}")
        assert endpoint, "chromium did not print its DevTools address"
        with sync_playwright() as p:
            browser = p.chromium.connect_over_cdp(endpoint)
            yield browser
            browser.close()
    finally:
        stop(chromium)
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def page(browser, lab):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(90_000)
    yield page
    context.close()


@pytest.fixture
def shot(request):
    """shot(page, 'step') saves a screenshot named after the test and the step."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)

    def take(page, step):
        path = SHOTS / f"{name}-{step}.png"
        page.screenshot(path=str(path))
        return path
    return take
