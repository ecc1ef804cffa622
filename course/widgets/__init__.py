"""Interactive views for the chapters. They call the student's own functions, are never needed for
grading, and show a static figure where there is no live front end. ``plots`` draws on an axis;
``explorer`` wraps drawings in controls. This package re-exports both.
"""
from . import explorer, plots
from .explorer import *  # noqa: F401,F403
from .plots import *  # noqa: F401,F403

__all__ = (plots.__all__ + explorer.__all__)
