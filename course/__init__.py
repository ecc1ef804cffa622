"""The course library that the notebooks import: diagnostic checks (``course.testing``), offline
datasets (``course.data``), numpy building blocks (``course.nn``) and interactive views
(``course.widgets``). The instructor's tools live apart, in ``course.instructor``.
Conventions: ``docs/conventions.md``; how a chapter is written: ``docs/authoring.md``."""

__version__ = "0.1.0"
