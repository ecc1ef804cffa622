"""``python -m course``: the course's command line.

  start    (a learner) copy the chapters into your own folder, never over your work
  check    (a learner) grade your notebooks with the hidden tests; a progress page
  list     the chapters, their points and whether their release is current
  demo     the instructor's whole job on three pretend students, in a temporary copy
  author   turn a chapter's text form into an nbgrader notebook, or a notebook into text
  grade    autograde a whole class with nbgrader: parallel, sandboxed, with statuses
  report   an HTML page of a graded assignment: scores, pass rates, failures, flags
  similarity  pairs of students whose answers look alike (copydetect), an HTML page
  export   the gradebook as Canvas and Moodle import files, and one row per test (CSV)
"""
import argparse
import sys
from pathlib import Path


def cmd_list(args):
    from course.instructor.chapters import find_chapters, find_root

    root = find_root(args.root)
    chapters = find_chapters(root)
    print(f"{'chapter':<32} {'title':<44} {'points':>6}  functions  release")
    for ch in chapters:
        print(f"{ch.id:<32} {ch.title[:44]:<44} {ch.points:>6g}  {len(ch.functions):>9}  "
              f"{ch.release_status()}")
    total = sum(ch.points for ch in chapters)
    print(f"{len(chapters)} chapters, {total:g} points")
    return 0


def cmd_author(args):
    import nbformat

    from course.instructor.authoring import notebook_to_text, text_to_notebook, write_notebook

    src = Path(args.path)
    if src.suffix == ".ipynb":
        text = notebook_to_text(nbformat.read(str(src), as_version=4))
        if args.output:
            Path(args.output).write_text(text)
        else:
            sys.stdout.write(text)
        return 0
    out = Path(args.output) if args.output else src.with_suffix(".ipynb")
    out.parent.mkdir(parents=True, exist_ok=True)
    write_notebook(text_to_notebook(src.read_text()), out)
    print(f"wrote {out}")
    return 0


def cmd_demo(args):
    from course.instructor.demo import run_demo

    return run_demo(root=args.root, keep=args.keep, chapters=args.chapters)


def cmd_grade(args):
    from course.instructor.chapters import find_root
    from course.instructor.classgrade import grade_class

    grade_class(find_root(args.root), args.assignment, jobs=args.jobs, timeout=args.timeout,
                source=args.source, force=args.force, memory_mb=args.memory,
                cell_timeout=args.cell_timeout, disk_mb=args.disk, retest=args.retest)
    return 0


def cmd_start(args):
    from course.instructor.chapters import find_root
    from course.instructor.learner import start

    start(find_root(args.root), args.folder)
    return 0


def cmd_check(args):
    from course.instructor.chapters import find_root
    from course.instructor.learner import check

    results = check(find_root(args.root), args.chapters, args.dir, jobs=args.jobs,
                    timeout=args.timeout, force=args.force)
    return 0 if results is not None else 1


def cmd_export(args):
    from course.instructor.chapters import find_root
    from course.instructor.lms import export

    export(find_root(args.root), args.assignments, roster=args.roster, dest=args.to)
    return 0


def cmd_similarity(args):
    from course.instructor.chapters import find_root
    from course.instructor.similarity import run_similarity

    run_similarity(find_root(args.root), args.assignment, threshold=args.threshold, top=args.top)
    return 0


def cmd_report(args):
    from course.instructor.chapters import find_root
    from course.instructor.report import write_report

    path = write_report(find_root(args.root), args.assignment)
    print(f"wrote {path}")
    return 0


def build_parser():
    parser = argparse.ArgumentParser(prog="python -m course", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", help="the course folder (default: found from here)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("start", help="(a learner) copy the chapters into your own folder",
                       description="Copies every chapter's release notebook into FOLDER "
                       "(default: work/ in the course, which git ignores), never over a "
                       "notebook already there; run it again after `git pull` to add new "
                       "chapters. The folder is remembered for `check`.")
    p.add_argument("folder", nargs="?", help="where your notebooks go (default: work/)")
    p.set_defaults(func=cmd_start)

    p = sub.add_parser("check", help="(a learner) grade your notebooks with the hidden tests",
                       description="Grades your notebooks (all, or the chapters named) as a "
                       "class is graded: nbgrader with the hidden tests, sandboxed where "
                       "bubblewrap is installed. Prints each chapter's points and each test's "
                       "result with its first failure, and writes a progress page and "
                       "feedback pages (FOLDER/progress/). Unchanged notebooks keep their "
                       "grade. Your notebooks are only read.")
    p.add_argument("chapters", nargs="*", metavar="CHAPTER", help="ids such as "
                   "ch01_logistic_regression, or ch01 (default: every chapter you have)")
    p.add_argument("--dir", help="your folder (default: the one `start` used)")
    p.add_argument("--jobs", type=int, default=2, help="chapters graded at once (default 2)")
    p.add_argument("--timeout", type=float, default=120.0, help="seconds per notebook "
                   "(default 120)")
    p.add_argument("--force", action="store_true", help="grade again even if unchanged")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("list", help="chapters, points and release status")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("demo", help="generate, autograde three pretend students, feedback, export",
                       description="Copies the course to a temporary folder, generates the "
                       "releases with nbgrader, makes three pretend students (the solution, the "
                       "untouched release, one who left the last exercise unfinished), autogrades "
                       "them, generates feedback, exports grades.csv and prints the scores.")
    p.add_argument("--keep", metavar="DIR", help="work in DIR and keep it (default: a temporary "
                   "folder, removed afterwards)")
    p.add_argument("--chapters", nargs="*", metavar="ID", help="only these assignment ids")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("author",
                       help="text form <-> nbgrader notebook (see course.instructor.authoring)")
    p.add_argument("path", help="a .ipynb (printed as text) or a text file (built into .ipynb)")
    p.add_argument("-o", "--output", help="where to write (default: beside the input / stdout)")
    p.set_defaults(func=cmd_author)

    p = sub.add_parser("grade", help="autograde every submission of an assignment "
                       "(see course.instructor.classgrade)",
                       description="Collects the submissions (submitted/STUDENT/ASSIGNMENT/, or "
                       "--from a folder or zip of notebooks), repairs what nbgrader would fail on, "
                       "autogrades each student once with nbgrader in a sandboxed kernel, N at a "
                       "time, writes feedback and exports reports/ASSIGNMENT/grades.csv with a "
                       "status and reason per student. Rerun it after an interruption: students "
                       "already graded (same submission) are kept.")
    p.add_argument("assignment")
    p.add_argument("--jobs", type=int, default=2, help="students graded at once (default 2; "
                   "more than the cores buys nothing)")
    p.add_argument("--timeout", type=float, default=120.0, help="seconds per notebook "
                   "(default 120); each cell also stops at Execute.timeout")
    p.add_argument("--cell-timeout", type=float, help="seconds per cell (default: the config's "
                   "Execute.timeout)")
    p.add_argument("--memory", type=int, default=2048, help="MB of memory per kernel "
                   "(default 2048)")
    p.add_argument("--disk", type=int, default=256, help="MB a notebook's files may take, in its "
                   "scratch folder and in /tmp each (default 256)")
    p.add_argument("--from", dest="source", metavar="PATH", help="a folder or .zip of notebooks "
                   "(an LMS export) to collect first")
    p.add_argument("--force", action="store_true", help="regrade students already graded")
    p.add_argument("--retest", action="store_true", help="after a test was fixed in "
                   "source/: update the gradebook's copy of the tests, regrade everyone, "
                   "print the scores that changed, keep the old ones in "
                   "reports/ASSIGNMENT/history.jsonl (refused if cells were added, "
                   "removed or renamed)")
    p.set_defaults(func=cmd_grade)

    p = sub.add_parser("report", help="HTML report of a graded assignment")
    p.add_argument("assignment")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("similarity", help="pairs of students whose answers look alike "
                       "(see course.instructor.similarity)",
                       description="Compares every pair of students' answer cells (without "
                       "what the release gave them) with copydetect's winnowing fingerprints, "
                       "prints the top pairs and writes reports/ASSIGNMENT/similarity.html. "
                       "A signal for a person to look at, not a verdict.")
    p.add_argument("assignment")
    p.add_argument("--threshold", type=float, default=0.5, help="report pairs whose "
                   "similarity (0-1, the larger of the two directions) is above this "
                   "(default 0.5)")
    p.add_argument("--top", type=int, default=10, help="pairs printed (default 10)")
    p.set_defaults(func=cmd_similarity)

    p = sub.add_parser("export", help="Canvas / Moodle grade import CSVs and per-test scores "
                       "(see course.instructor.lms)",
                       description="From the nbgrader gradebook, writes canvas.csv (Canvas's "
                       "gradebook import), moodle.csv (Moodle's CSV grade import), tests.csv "
                       "(one row per student, assignment and test, with status and first "
                       "failure line) and export_notes.txt (students missing from the roster, "
                       "roster entries without a submission).")
    p.add_argument("assignments", nargs="*", metavar="ASSIGNMENT",
                   help="assignment ids (default: every assignment in the gradebook)")
    p.add_argument("--roster", metavar="CSV", help="student_id, Student, ID, SIS User ID, "
                   "SIS Login ID, Section[, Email] (a Canvas gradebook export works too)")
    p.add_argument("--to", metavar="DIR", help="where the files go (default: reports/)")
    p.set_defaults(func=cmd_export)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    return args.func(args)
