"""Class grading: ``python -m course grade --jobs N`` against plain sequential nbgrader.

    python benchmarks/grade_class.py [--students 30] [--jobs 2] [--chapter ch01_logistic_regression]

Builds a throwaway course with one chapter and a class of submissions (solutions, untouched
releases and half-finished ones, in turn), then grades the same class twice from scratch:

- baseline: what an instructor without this tool runs, ``nbgrader autograde CH --student S``
  once per student, one after the other (one command per student is how nbgrader is used
  student by student; nbgrader has no parallel autograde, nbgrader issue #174);
- ours: ``python -m course grade CH --jobs N`` (sandboxed kernels, feedback and export included,
  which the baseline does not even do).

It prints both wall times and the ratio ours / baseline (the goal: at most 0.6 with 2 jobs on
2 cores), and checks that both gave every student the same score.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from course.instructor import demo, grading  # noqa: E402


def make_course(where, chapter, students):
    (where / "source").mkdir(parents=True)
    shutil.copy2(ROOT / "nbgrader_config.py", where)
    shutil.copytree(ROOT / "source" / chapter, where / "source" / chapter)
    grading.generate(grading.nbgrader_api(where), chapter)
    name = f"{chapter}.ipynb"
    src = nbformat.read(str(where / "source" / chapter / name), as_version=4)
    rel = nbformat.read(str(where / "release" / chapter / name), as_version=4)
    kinds = [demo.filled_release(src, rel), rel, demo.partial_submission(src, rel)]
    for i in range(students):
        folder = where / "submitted" / f"student{i:02d}" / chapter
        folder.mkdir(parents=True)
        nbformat.write(kinds[i % 3], str(folder / name))


def fresh_copy(template, dest):
    shutil.copytree(template, dest)
    return dest


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--chapter", default="ch01_logistic_regression")
    args = parser.parse_args()
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1",
               PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        make_course(tmp / "template", args.chapter, args.students)
        students = sorted(p.name for p in (tmp / "template" / "submitted").iterdir())

        base = fresh_copy(tmp / "template", tmp / "baseline")
        start = time.perf_counter()
        for s in students:
            subprocess.run([sys.executable, "-m", "nbgrader", "autograde", args.chapter,
                            "--student", s, "--force"], cwd=base, env=env, check=True,
                           capture_output=True)
        baseline = time.perf_counter() - start

        ours = fresh_copy(tmp / "template", tmp / "ours")
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "course", "--root", str(ours), "grade", args.chapter,
                        "--jobs", str(args.jobs)], env=env, check=True, capture_output=True)
        parallel = time.perf_counter() - start

        a, b = grading.scores(base), grading.scores(ours)
        same = a == b and len(a) == args.students
    print(f"{args.students} submissions of {args.chapter}, {os.cpu_count()} cores")
    print(f"  sequential nbgrader autograde, one command per student: {baseline:7.1f} s "
          f"({baseline / args.students:.2f} s per student)")
    print(f"  python -m course grade --jobs {args.jobs} (sandboxed, with feedback): "
          f"{parallel:7.1f} s ({parallel / args.students:.2f} s per student)")
    print(f"  ratio ours / sequential: {parallel / baseline:.2f}  (goal: at most 0.60)")
    print(f"  same score for every student: {'yes' if same else 'NO'}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
