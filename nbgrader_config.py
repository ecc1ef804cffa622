"""nbgrader settings for the course. Run nbgrader commands from this folder.

Every path is relative to this file, so a copy of the course (the demo's temporary copy, a
student's clone) is a complete course of its own.
Environment variables:
  COURSE_DB_URL    gradebook URL (default: SQLite file gradebook.db here); for PostgreSQL,
                   postgresql+psycopg2://USER@HOST:PORT/DB (needs psycopg2-binary)
  COURSE_EXCHANGE  exchange folder for release/fetch/submit/collect (default: exchange/ here,
                   writable without root; nbgrader makes it mode 0777)
"""
import os
from pathlib import Path

c = get_config()  # noqa: F821 (provided by traitlets when it loads this file)
here = Path(__file__).resolve().parent

c.CourseDirectory.course_id = "dl-numpy"
c.CourseDirectory.root = str(here)
c.CourseDirectory.source_directory = "source"
c.CourseDirectory.release_directory = "release"
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.autograded_directory = "autograde"
c.CourseDirectory.feedback_directory = "feedback"
c.CourseDirectory.db_url = os.environ.get("COURSE_DB_URL", f"sqlite:///{here / 'gradebook.db'}")
c.Exchange.root = os.environ.get("COURSE_EXCHANGE", str(here / "exchange"))

# Seconds per cell when nbgrader runs a notebook (Execute.timeout is the setting that wins).
# Every test cell runs in under 2 s and every chapter in under 30 s with solutions.
c.Execute.timeout = 30
# Kernels nbgrader starts keep history in memory (nbgrader's own default) and keep quiet about
# routine things, such as ipykernel 7's warning that loopback TCP is not encrypted.
c.Execute.extra_arguments = ["--HistoryManager.hist_file=:memory:", "--IPKernelApp.log_level=ERROR"]
# What a cell that runs past its limit shows (nbgrader's default message is empty).
c.Execute.error_on_timeout = {
    "ename": "CellTimeoutError",
    "evalue": "the cell ran past its time limit and was stopped: a loop that never ends?",
    "traceback": ["CellTimeoutError: the cell ran past its time limit and was stopped: "
                  "a loop that never ends?"],
}
# A student who deletes a test cell gets it back, graded, instead of a silent "needs manual grade".
c.OverwriteCells.add_missing_cells = True
# What students see in place of a solution.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
# Feedback must not show the hidden tests (by default it does: nbgrader issue #917), neither in
# the test cells' source (ClearHiddenTests) nor in tracebacks and printed output (HideHiddenTests,
# which must run first, while the hidden blocks are still there to be recognised). Nor may it
# run a student's HTML: nbconvert's SanitizeHTML (bleach) escapes <script>, event handlers and
# the like in HTML outputs and drops output types it cannot make safe (JavaScript, SVG, widget
# views; the PNG a widget sends beside its view is kept); markdown is sanitised once rendered,
# and the title and cell tags are made plain text (course.instructor.feedback.SafeHTMLExporter).
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
    "course.instructor.feedback.HideHiddenTests",
    "nbgrader.preprocessors.ClearHiddenTests",
    "course.instructor.feedback.SanitizeOutputs",
]
c.SanitizeOutputs.enabled = True       # nbconvert's own preprocessors are off until enabled
c.GenerateFeedback.exporter_class = "course.instructor.feedback.SafeHTMLExporter"
# `nbgrader export` quotes its CSV and keeps spreadsheets from running a cell as a formula
# (nbgrader's own CSV plugin joins fields with commas, unquoted)
c.ExportApp.plugin_class = "course.instructor.export.SafeCsvExportPlugin"
