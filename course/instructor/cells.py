"""nbgrader's cells and regions, in one place: the markers that delimit solutions and hidden
tests, the patterns that find them, and which cell is which (nbgrader's own ``is_solution``,
``is_grade`` and ``is_locked``, and ``is_test``: a graded cell that is not an answer).
Feedback, submissions, the demo, chapter discovery and the tests all read cells through here.
"""
import re

from nbgrader.utils import is_grade, is_locked, is_solution

__all__ = ["SOLUTION_BEGIN", "SOLUTION_END", "HIDDEN_BEGIN", "HIDDEN_END", "SOLUTION", "HIDDEN",
           "meta", "grade_id", "is_solution", "is_grade", "is_locked", "is_test"]

SOLUTION_BEGIN, SOLUTION_END = "### BEGIN SOLUTION", "### END SOLUTION"
HIDDEN_BEGIN, HIDDEN_END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
# group 1: what lies between the markers (the markers' own lines are not part of it)
SOLUTION = re.compile(rf"^[ \t]*{SOLUTION_BEGIN}[^\n]*\n(.*?)^[ \t]*{SOLUTION_END}", re.M | re.S)
HIDDEN = re.compile(rf"^[ \t]*{HIDDEN_BEGIN}[^\n]*\n(.*?)^[ \t]*{HIDDEN_END}[^\n]*\n?",
                    re.M | re.S)


def meta(cell):
    """A cell's nbgrader metadata ({} for an ordinary cell); works on plain dicts too."""
    return cell.get("metadata", {}).get("nbgrader", {})


def grade_id(cell, default=None):
    return meta(cell).get("grade_id", default)


def is_test(cell):
    """An autograded test cell: graded, and not an answer cell."""
    return bool(meta(cell).get("grade")) and not meta(cell).get("solution")
