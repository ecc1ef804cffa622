"""Sequence data, row layout: one example per row, positions along axis 1, ``(m, T)`` token ids
(or ``(m, T, n)`` features).

Used by chapters 39-42 (invented names for a character-level model; recall, counting and adding
tasks for memory), 49-51 (human dates to ISO dates; copy, reverse and sort tasks).
"""
import numpy as np

__all__ = ["make_date_pairs", "DATE_FORMATS", "make_token_sequences", "make_names",
           "NAME_PARTS", "make_recall_task", "make_count_task", "make_adding_problem"]


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


# Invented dinosaur-like names (Coursera's "Dinosaur Island" without its download): a start, an
# optional middle and an ending, so a character model has real structure to learn.
NAME_PARTS = {
    "start": ["acro", "allo", "ankylo", "apato", "archeo", "baro", "bronto", "cerato", "coelo",
              "compso", "cryo", "deino", "diplo", "dromaeo", "edmonto", "gallimi", "giganto",
              "hadro", "hetero", "hypsi", "iguano", "kentro", "lambeo", "lepto", "maia", "mega",
              "micro", "mono", "nano", "ornitho", "pachy", "para", "plateo", "proto", "psitta",
              "raja", "sauro", "spino", "stego", "struthio", "tarbo", "theri", "tri", "tyranno",
              "velo", "xeno", "zephyro"],
    "middle": [""] * 13 + ["cephalo", "chei", "dactylo", "lopho", "nycho", "odonto", "pelta",
               "rhyncho", "sphondy", "tara", "thero", "tito", "vena"],
    "end": ["saurus", "saurus", "saurus", "don", "raptor", "ceratops", "tops", "mimus", "venator",
            "ops", "nyx", "lophus", "titan", "rex", "suchus", "dromeus", "pteryx", "dactylus"],
}


def make_names(m=1000, seed=0):
    """``m`` invented dinosaur-like names (lowercase a-z, 6 to 23 letters), e.g. "spinoraptor",
    drawn as start + middle (empty half the time) + ending from ``NAME_PARTS``. A list of str;
    a name may repeat. Add an end-of-name character yourself (the notes use a newline)."""
    rng = np.random.default_rng(seed)
    parts = [NAME_PARTS[k] for k in ("start", "middle", "end")]
    return ["".join(p[rng.integers(len(p))] for p in parts) for _ in range(m)]


def make_recall_task(m=1000, T=20, vocab=4, delay=None, seed=0):
    """Long-range memory: X (m, T) tokens in [0, vocab), y (m,) the token at position
    ``T - 1 - delay`` (default: the first token, ``delay = T - 1``), so the answer sits ``delay``
    steps before the end; the rest is noise. A plain RNN forgets it as ``delay`` grows; gated
    cells keep it."""
    delay = T - 1 if delay is None else delay
    X = np.random.default_rng(seed).integers(0, vocab, size=(m, T))
    return X, X[:, T - 1 - delay].copy()


def make_count_task(m=1000, T=10, vocab=6, seed=0):
    """Many-to-one "sentiment" of token sequences: token 1 is "good", token 2 "bad", the others
    neutral; y (m,) is 1 when the sequence has more good than bad tokens, else 0 (ties drawn
    again). X (m, T) integers in [0, vocab)."""
    rng = np.random.default_rng(seed)
    X = np.empty((0, T), dtype=int)
    while len(X) < m:
        cand = rng.integers(0, vocab, size=(2 * m, T))
        diff = (cand == 1).sum(axis=1) - (cand == 2).sum(axis=1)
        X = np.concatenate([X, cand[diff != 0]])
    X = X[:m]
    return X, ((X == 1).sum(axis=1) > (X == 2).sum(axis=1)).astype(int)


def make_adding_problem(m=1000, T=30, seed=0):
    """The adding problem (Hochreiter and Schmidhuber, 1997): x (m, T, 2) with a random value in
    [0, 1) and a marker in {0, 1} at each step, exactly two markers per sequence, one in each
    half; the target y (m,) is the sum of the two marked values. Predicting 1.0 always gives a
    mean squared error of about 0.167; a model must remember the first marked value across up to
    T steps to do better."""
    rng = np.random.default_rng(seed)
    x = np.zeros((m, T, 2))
    x[:, :, 0] = rng.random((m, T))
    half = T // 2
    first, second = rng.integers(0, half, m), rng.integers(half, T, m)
    rows = np.arange(m)
    x[rows, first, 1] = x[rows, second, 1] = 1.0
    return x, x[rows, first, 0] + x[rows, second, 0]
