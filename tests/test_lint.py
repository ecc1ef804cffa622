"""The code's line length (100) and import order, checked by ruff with the settings in
pyproject.toml (notebooks are left to tests/test_notebooks.py)."""
import subprocess
import sys

from nbtools import ROOT


def test_ruff_finds_nothing():
    run = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format",
                          "concise", str(ROOT)], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
