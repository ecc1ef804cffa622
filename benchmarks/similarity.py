"""``python -m course similarity`` on a class of 200: the time it takes (goal: under a minute on
2 cores).

    python benchmarks/similarity.py [--students 200]

Builds a throwaway course with chapter 1 (its real source and release notebooks) and a class
made of the five independent solutions of tests/test_similarity.py, each student's copy with its
local variables renamed and comments and blank lines added at random, so every pair shares some
code and most are compared in full. Then runs the command as an instructor does, in a
subprocess, and prints the wall time.
"""
import argparse
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from course.instructor.cells import SOLUTION, grade_id, is_solution  # noqa: E402
from tests.test_similarity import (  # noqa: E402
    CH,
    SOLUTIONS,
    answered,
    make_course,
    notebooks,
    write_submission,
)

WORDS = ["tmp", "val", "res", "acc", "q", "item", "thing", "part", "piece", "h", "cur", "arr"]


def disguised(bodies, rng):
    """``bodies`` with assigned names renamed and a few comments and blank lines added."""
    out = {}
    for gid, body in bodies.items():
        names = set(re.findall(r"^\s*(\w+)\s*[-+]?=", body, re.M)) - {"return"}
        for name in names:
            body = re.sub(rf"\b{name}\b", f"{rng.choice(WORDS)}_{rng.randrange(100)}", body)
        lines = []
        for line in body.splitlines():
            if rng.random() < 0.3:
                lines.append(line[:len(line) - len(line.lstrip())] + "# step")
            lines.append(line)
            if rng.random() < 0.2:
                lines.append("")
        out[gid] = "\n".join(lines)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=200)
    args = parser.parse_args()
    rng = random.Random(0)
    with tempfile.TemporaryDirectory(prefix="similarity-bench-") as tmp:
        course = make_course(Path(tmp) / "course")
        src, rel = notebooks()
        # the source's own solution, without its markers, is the fifth way of writing it
        source = {grade_id(c): SOLUTION.search(c.source).group(1).rstrip()
                  for c in src.cells if is_solution(c)}
        bases = [source] + list(SOLUTIONS.values())
        for i in range(args.students):
            nb = answered(rel, disguised(bases[i % len(bases)], rng))
            write_submission(course, f"student{i:03d}", nb)
        start = time.time()
        proc = subprocess.run([sys.executable, "-m", "course", "--root", str(course),
                               "similarity", CH, "--top", "5"], capture_output=True, text=True,
                              cwd=ROOT)
        seconds = time.time() - start
        print(proc.stdout + proc.stderr)
        if proc.returncode:
            return proc.returncode
        size = (course / "reports" / CH / "similarity.html").stat().st_size
        print(f"{args.students} students: {seconds:.1f} s wall (goal: under 60 s on 2 cores); "
              f"page {size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
