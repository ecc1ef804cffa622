"""What the layer benchmarks share: one thread, interleaved best-of timing, a chapter's reference
solution read from its source notebook, and the ratio table.

Imported by ``batchnorm.py`` and ``conv.py`` (run as ``python benchmarks/<name>.py``, so this
folder is on the module path). Sets the thread count before numpy is imported: import this module
first.
"""
import ast
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")      # before numpy is imported
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def chapter_reference(chapter, names):
    """{name: function} for ``names`` as the solution cells of ``source/<chapter>/<chapter>.ipynb``
    define them (top-level functions only; the cells' other statements are not run)."""
    path = ROOT / "source" / chapter / f"{chapter}.ipynb"
    # Read as plain JSON: the benchmark's venv needs only numpy (and torch), not nbformat.
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    namespace = {"np": np}
    for cell in cells:
        if cell["cell_type"] == "code" and cell["metadata"].get("nbgrader", {}).get("solution"):
            source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            tree = ast.parse(source)
            tree.body = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
            exec(compile(tree, str(path), "exec"), namespace)
    return {name: namespace[name] for name in names}


def torch_or_none():
    """(torch, torch.nn.functional) set to one thread and float64, or (None, None) when PyTorch
    is not installed (it is a benchmark-only dependency, never in requirements.txt)."""
    try:
        import torch
        import torch.nn.functional as F
    except ImportError:
        return None, None
    torch.set_num_threads(1)
    torch.set_default_dtype(torch.float64)
    return torch, F


def best_times(rows, repeat, burst=5):
    """{name: best time of one call}. Rounds time each row in turn, `burst` calls in a row after
    one untimed call (so its arrays are in cache, as in a training loop): a burst of load from
    elsewhere on the machine then slows all rows alike, not one row's whole series."""
    times = {name: float("inf") for name, _ in rows}
    for _ in range(max(1, repeat // burst)):
        for name, f in rows:
            f()
            for _ in range(burst):
                t = time.perf_counter()
                f()
                times[name] = min(times[name], time.perf_counter() - t)
    return times


def print_ratios(title, times, base_name):
    """Print each row's best time and its ratio to ``base_name``'s; returns the ratios."""
    base = times[base_name]
    print(f"\n{title}: ratio = time / {base_name}")
    for name, t in times.items():
        print(f"  {name:<44} {t * 1e3:9.3f} ms   {t / base:7.2f}x")
    return {name: t / base for name, t in times.items()}


def assert_agree(name, arrays, reference, what, tol=1e-10):
    """Every array of ``arrays`` equals ``reference``'s within ``tol`` relative to its scale."""
    for label, a, r in zip(what, arrays, reference):
        err = np.max(np.abs(np.asarray(a) - r)) / max(1.0, np.max(np.abs(r)))
        assert err < tol, f"{name} disagrees on {label} by {err:.2e}"
