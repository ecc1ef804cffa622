"""Offline, seeded datasets. Nothing here downloads anything. ``from course.data import make_moons``
and ``data.make_moons`` both work: this package re-exports its modules.

The same ``seed`` always gives the same data; a different seed gives a fresh sample from the same
distribution, which is how the chapters make held-out sets. One layout per module
(``docs/conventions.md``): ``tabular`` columns ``X (n_x, m)``; ``images`` glyphs as columns and
shapes batch-first; ``text`` rows ``(m, T)``.
"""
from . import images, tabular, text
from .images import *  # noqa: F401,F403
from .tabular import *  # noqa: F401,F403
from .text import *  # noqa: F401,F403

__all__ = (tabular.__all__ + images.__all__ + text.__all__)
