"""Sequence data, row layout: one example per row, positions along axis 1, ``(m, T)`` token ids.

Used by chapters 49-51 (human dates to ISO dates; copy, reverse and sort tasks).
"""
import numpy as np

__all__ = ["make_date_pairs", "DATE_FORMATS", "make_token_sequences"]


_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"]


_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _ordinal(d):
    suffix = "th" if 10 <= d % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(d % 10, "th")
    return f"{d}{suffix}"


# Human formats of Ng's date-translation exercise, from short and fixed-width to long and
# variable. Each takes a datetime.date and returns a string.
DATE_FORMATS = {
    "iso_slash": lambda d: f"{d.year}/{d.month:02d}/{d.day:02d}",
    "dd.mm.yy": lambda d: f"{d.day:02d}.{d.month:02d}.{d.year % 100:02d}",
    "d mon yyyy": lambda d: f"{d.day} {_MONTHS[d.month - 1][:3].lower()} {d.year}",
    "d month yyyy": lambda d: f"{d.day} {_MONTHS[d.month - 1]} {d.year}",
    "month d, yyyy": lambda d: f"{_MONTHS[d.month - 1]} {d.day}, {d.year}",
    "mon dth yyyy": lambda d: f"{_MONTHS[d.month - 1][:3]} {_ordinal(d.day)} {d.year}",
    "weekday d month yyyy": lambda d: (f"{_DAYS[d.weekday()]} {d.day} "
                                       f"{_MONTHS[d.month - 1]} {d.year}"),
    "long": lambda d: (f"{_DAYS[d.weekday()]}, the {_ordinal(d.day)} of "
                       f"{_MONTHS[d.month - 1]} {d.year}"),
}


def make_date_pairs(m=1000, seed=0, formats=None, years=(1950, 2049)):
    """m (human date, ISO date) string pairs, e.g. ("Tuesday, the 3rd of May 1979", "1979-05-03").

    formats -- names from DATE_FORMATS (default: all, drawn uniformly); years -- inclusive range.
    Two-digit years ("dd.mm.yy") are read in the default range 1950-2049, so every human string
    has exactly one ISO answer. Returns two lists of m strings (sources, targets).
    """
    import datetime
    rng = np.random.default_rng(seed)
    names = list(DATE_FORMATS) if formats is None else list(formats)
    start = datetime.date(years[0], 1, 1).toordinal()
    stop = datetime.date(years[1], 12, 31).toordinal()
    days = rng.integers(start, stop + 1, size=m)
    picks = rng.integers(0, len(names), size=m)
    dates = [datetime.date.fromordinal(int(o)) for o in days]
    sources = [DATE_FORMATS[names[k]](d) for k, d in zip(picks, dates)]
    return sources, [d.isoformat() for d in dates]


def make_token_sequences(m=1000, length=5, vocab=10, task="reverse", seed=0):
    """Synthetic token tasks for a tiny transformer: X (m, length) integers in [0, vocab) and
    targets Y of the same shape, one row per sequence (the transformer layout).

    task -- "copy" (Y = X), "reverse" (Y = X[:, ::-1]) or "sort" (each row sorted ascending).
    """
    X = np.random.default_rng(seed).integers(0, vocab, size=(m, length))
    if task == "copy":
        return X, X.copy()
    if task == "reverse":
        return X, X[:, ::-1].copy()
    if task == "sort":
        return X, np.sort(X, axis=1)
    raise ValueError(f"unknown task {task!r}: use 'copy', 'reverse' or 'sort'")
