"""Execute every source notebook with its solutions (nbclient, as the tests and nbgrader do)
and print the time of each against the 30 s budget of the contract.

    python benchmarks/run_chapters.py [--repeat N] [CHAPTER_ID ...]

The ratio column is time / budget: every chapter must stay below 1.0.
"""
import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from course.instructor.chapters import find_chapters  # noqa: E402

BUDGET = 30.0


def run(path, cwd):
    nb = nbformat.read(str(path), as_version=4)
    start = time.perf_counter()
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(cwd)}}).execute()
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("chapters", nargs="*")
    parser.add_argument("--repeat", type=int, default=3, help="runs per chapter (median shown)")
    args = parser.parse_args()
    chapters = [c for c in find_chapters() if not args.chapters or c.id in args.chapters]
    print(f"{'chapter':<34}{'median s':>10}{'min s':>8}{'max s':>8}{'ratio to 30 s':>15}")
    total = 0.0
    worst = 0.0
    with tempfile.TemporaryDirectory() as cwd:
        for ch in chapters:
            times = [run(ch.source, cwd) for _ in range(args.repeat)]
            med = statistics.median(times)
            total += med
            worst = max(worst, med / BUDGET)
            print(f"{ch.id:<34}{med:>10.2f}{min(times):>8.2f}{max(times):>8.2f}"
                  f"{med / BUDGET:>15.3f}")
    print(f"{'total (sum of medians)':<34}{total:>10.2f}")
    print(f"worst ratio to budget: {worst:.3f} ({'within' if worst < 1 else 'OVER'} budget)")
    return 0 if worst < 1 else 1


if __name__ == "__main__":
    raise SystemExit(main())
