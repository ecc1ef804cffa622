"""The instructor's tools: chapters and releases, nbgrader driven from Python, class grading in a
sandbox, feedback, reports and exports, and the ``python -m course`` command line.

Nothing here is imported by a notebook (the student library is ``course.testing``, ``course.nn``,
``course.data`` and ``course.widgets``), except the tamper guard, which ``course grade`` installs
in the grading kernel before any student code runs. Nothing here imports a private name of the
student library.
"""
