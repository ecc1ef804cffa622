"""``python -m course demo``: the instructor's job from release to grades, on three pretend
students, in a temporary copy of the course (the real gradebook and folders are not touched).

1. ``generate_assignment`` for every chapter (release/ and the gradebook);
2. three submissions per chapter in submitted/: ``solution`` (the source notebook, so full
   marks), ``untouched`` (the release as handed out, so zero) and ``partial`` (every answer
   filled in except the last one, as a student who ran out of time);
3. ``autograde`` each, ``generate_feedback`` each, ``export`` grades.csv;
4. a table of scores per student and chapter.
"""
import shutil
import tempfile
import time
import warnings
from pathlib import Path

import nbformat

from course.instructor.cells import grade_id, is_solution
from course.instructor.chapters import find_chapters, find_root
from course.instructor.grading import (
    autograde,
    export_csv,
    feedback,
    generate,
    nbgrader_api,
    scores,
)

STUDENTS = ("solution", "untouched", "partial")


def filled_release(source_nb, release_nb, leave_out=()):
    """The release with its answer cells filled in from the source's solutions, except the
    grade ids in ``leave_out`` (those keep the release's stub)."""
    answers = {grade_id(c): c.source for c in source_nb.cells if is_solution(c)}
    nb = nbformat.from_dict(release_nb)
    for cell in nb.cells:
        gid = grade_id(cell)
        if gid in answers and gid not in leave_out:
            cell.source = answers[gid]
    return nb


def partial_submission(source_nb, release_nb):
    """The release with every answer cell taken from the source except the last one."""
    answers = [grade_id(c) for c in source_nb.cells if is_solution(c)]
    return filled_release(source_nb, release_nb, leave_out={answers[-1]})


def copy_course(root, dest):
    """The parts of the course nbgrader needs, copied to ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(root / "nbgrader_config.py", dest / "nbgrader_config.py")
    shutil.copytree(root / "source", dest / "source", dirs_exist_ok=True)


def _table(chapters, grid):
    """One row per chapter, one column per student, and a total row."""
    width = max(len(ch.id) for ch in chapters) + 2
    lines = [f"{'chapter':<{width}}" + "".join(f"{s:>14}" for s in STUDENTS)]
    totals = {s: [0.0, 0.0] for s in STUDENTS}
    for ch in chapters:
        row = f"{ch.id:<{width}}"
        for student in STUDENTS:
            score, max_score = grid.get((student, ch.id), (0.0, ch.points))
            row += f"{f'{score:g}/{max_score:g}':>14}"
            totals[student][0] += score
            totals[student][1] += max_score
        lines.append(row)
    lines.append(f"{'total':<{width}}"
                 + "".join(f"{f'{t[0]:g}/{t[1]:g}':>14}" for t in totals.values()))
    return "\n".join(lines)


def run_demo(root=None, keep=None, chapters=None, out=print):
    # nbgrader 0.9.6's gradebook code trips SQLAlchemy's autoflush warnings; they are harmless.
    warnings.filterwarnings("ignore", message=".*not in session.*")
    root = find_root(root)
    work = Path(keep).resolve() if keep else Path(tempfile.mkdtemp(prefix="course-demo-"))
    start = time.time()
    try:
        copy_course(root, work)
        chosen = [ch for ch in find_chapters(work) if not chapters or ch.id in chapters]
        if not chosen:
            out("no chapters to grade")
            return 1
        out(f"course copied to {work}; {len(chosen)} chapter{'' if len(chosen) == 1 else 's'}")
        api = nbgrader_api(work)
        failures = []
        for ch in chosen:
            t = time.time()
            generate(api, ch.id)
            source = nbformat.read(str(ch.source), as_version=4)
            release = nbformat.read(str(work / "release" / ch.id / ch.source.name), as_version=4)
            subs = {"solution": source, "untouched": release,
                    "partial": partial_submission(source, release)}
            for student, nb in subs.items():
                path = work / "submitted" / student / ch.id / ch.source.name
                path.parent.mkdir(parents=True, exist_ok=True)
                nbformat.write(nb, str(path))
            for student in STUDENTS:
                result = autograde(api, ch.id, student)
                if not result.get("success"):
                    failures.append(f"{ch.id}/{student}: autograde failed")
                    continue
                feedback(api, ch.id, student)
            out(f"  {ch.id}: released, 3 submissions autograded, feedback generated "
                f"({time.time() - t:.1f} s)")
        csv = export_csv(work, work / "grades.csv")
        out(f"grades exported to {csv}" + ("" if keep else " (temporary)"))
        out("")
        out(_table(chosen, scores(work)))
        out(f"\ndone in {time.time() - start:.1f} s")
        for f in failures:
            out("FAILED: " + f)
        return 1 if failures else 0
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
