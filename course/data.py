"""Offline, seeded datasets. Nothing here downloads anything.

Layout (catalog section 0): ``X`` is ``(n_x, m)``, one column per example; binary labels ``Y``
are ``(1, m)`` floats of 0 and 1; class labels ``y`` are ``(1, m)`` integers.
The same ``seed`` always gives the same data; a different seed gives a fresh sample from the
same distribution, which is how the chapters make held-out sets.
"""
import numpy as np

__all__ = ["make_exam_pass", "make_admissions", "make_moons", "make_planar_flower",
           "make_glyph_digits", "glyph", "DIGIT_SEGMENTS", "standardize", "make_circles",
           "make_xor", "make_blobs", "make_dosage", "DOSAGE", "make_shapes", "SHAPES", "make_date_pairs",
           "DATE_FORMATS", "make_token_sequences"]


def _sigmoid(z):
    return 0.5 * (1 + np.tanh(0.5 * z))   # = 1 / (1 + e^-z), without overflow


def standardize(X, mean=None, std=None):
    """Scale each feature (row of X) to mean 0 and standard deviation 1.

    Pass the training set's ``mean`` and ``std`` to scale a dev or test set the same way
    (statistics from the training set only). Returns (X scaled, mean (n_x, 1), std (n_x, 1)).
    """
    if mean is None:
        mean = X.mean(axis=1, keepdims=True)
        std = X.std(axis=1, keepdims=True)
    return (X - mean) / std, mean, std


def make_exam_pass(m=200, seed=0):
    """Study hours and sleep hours -> passed the exam (the notes' scenario in chapter 1).

    x1 = study hours in [0, 10], x2 = sleep hours in [3, 9]; the label is drawn from a hidden
    logistic model P(pass) = sigmoid(1.2 (x1 - 5) + 0.9 (x2 - 6)), so some students are
    unlucky and no classifier is perfect.

    Returns X (2, m) float64 and Y (1, m) float64 of 0/1.
    """
    rng = np.random.default_rng(seed)
    x1 = rng.uniform(0, 10, m)
    x2 = rng.uniform(3, 9, m)
    p = _sigmoid(1.2 * (x1 - 5) + 0.9 * (x2 - 6))
    Y = (rng.uniform(size=m) < p).astype(np.float64)
    return np.vstack([x1, x2]), Y.reshape(1, m)


def make_admissions(m=100, seed=0):
    """The admissions officer of chapter 2: school grades (1-9, lower is better), entrance-exam
    score (0-100) and volunteer hours (0-40) -> admitted.

    The hidden model admits good grades, high exam scores and, a little, volunteering:
    P(admit) = sigmoid(-0.9 (x1 - 4) + 0.12 (x2 - 60) + 0.05 (x3 - 15)).

    Returns X (3, m) float64 and Y (1, m) float64 of 0/1.
    """
    rng = np.random.default_rng(seed)
    x1 = rng.uniform(1, 9, m)
    x2 = np.clip(rng.normal(60, 15, m), 0, 100)
    x3 = rng.uniform(0, 40, m)
    p = _sigmoid(-0.9 * (x1 - 4) + 0.12 * (x2 - 60) + 0.05 * (x3 - 15))
    Y = (rng.uniform(size=m) < p).astype(np.float64)
    return np.vstack([x1, x2, x3]), Y.reshape(1, m)


def make_moons(m=200, noise=0.2, seed=0):
    """Two interleaving half circles, the classic set no straight line separates.

    Returns X (2, m) float64 and Y (1, m) float64 of 0/1 (m // 2 of class 0).
    """
    rng = np.random.default_rng(seed)
    m0 = m // 2
    t0 = rng.uniform(0, np.pi, m0)
    t1 = rng.uniform(0, np.pi, m - m0)
    upper = np.vstack([np.cos(t0), np.sin(t0)])
    lower = np.vstack([1 - np.cos(t1), 0.5 - np.sin(t1)])
    X = np.hstack([upper, lower]) + noise * rng.normal(size=(2, m))
    Y = np.hstack([np.zeros(m0), np.ones(m - m0)]).reshape(1, m)
    order = rng.permutation(m)
    return X[:, order], Y[:, order]


def make_planar_flower(m=400, petals=4, noise=0.2, seed=0):
    """A flower whose petals alternate between two classes (the planar data set of Ng's
    course): a straight line gets about half of it right, one hidden layer nearly all.

    Returns X (2, m) float64 and Y (1, m) float64 of 0/1.
    """
    rng = np.random.default_rng(seed)
    n = m // 2
    X = np.zeros((2, m))
    Y = np.zeros((1, m))
    for j, (start, count) in enumerate([(0, n), (n, m - n)]):
        t = np.linspace(j * 3.12, (j + 1) * 3.12, count) + rng.normal(0, noise, count)
        r = petals * np.sin(petals * t) + rng.normal(0, noise, count)
        X[:, start:start + count] = np.vstack([r * np.sin(t), r * np.cos(t)])
        Y[0, start:start + count] = j
    order = rng.permutation(m)
    return X[:, order], Y[:, order]


# Seven-segment digits: segments a (top), b (top right), c (bottom right), d (bottom),
# e (bottom left), f (top left), g (middle).
DIGIT_SEGMENTS = {
    0: "abcdef", 1: "bc", 2: "abdeg", 3: "abcdg", 4: "bcfg",
    5: "acdfg", 6: "acdefg", 7: "abc", 8: "abcdefg", 9: "abcdfg",
}


def glyph(digit, size=12, thickness=None):
    """The clean ``(size, size)`` image of a seven-segment ``digit``, values 0 or 1."""
    t = thickness or max(1, size // 10)
    top, bottom = size // 8, size - 1 - size // 8
    left, right = size // 4, size - 1 - size // 4
    mid = (top + bottom) // 2
    img = np.zeros((size, size))
    segs = {
        "a": (slice(top, top + t), slice(left, right + 1)),
        "d": (slice(bottom - t + 1, bottom + 1), slice(left, right + 1)),
        "g": (slice(mid, mid + t), slice(left, right + 1)),
        "f": (slice(top, mid + t), slice(left, left + t)),
        "b": (slice(top, mid + t), slice(right - t + 1, right + 1)),
        "e": (slice(mid, bottom + 1), slice(left, left + t)),
        "c": (slice(mid, bottom + 1), slice(right - t + 1, right + 1)),
    }
    for s in DIGIT_SEGMENTS[digit]:
        img[segs[s]] = 1.0
    return img


def make_glyph_digits(m=1000, size=12, noise=0.15, jitter=1, seed=0):
    """An MNIST-lite built in numpy: seven-segment digits drawn on a ``size`` x ``size`` canvas,
    shifted by up to ``jitter`` pixels, with random stroke brightness and Gaussian noise.

    Like MNIST (seed 002), each image is flattened row by row into a column of pixel values
    in [0, 1].

    Returns X (size * size, m) float64 and y (1, m) int64 digit labels 0-9.
    """
    rng = np.random.default_rng(seed)
    clean = np.stack([glyph(d, size) for d in range(10)])
    y = rng.integers(0, 10, m)
    imgs = clean[y] * rng.uniform(0.6, 1.0, (m, 1, 1))
    if jitter:
        shifts = rng.integers(-jitter, jitter + 1, (m, 2))
        out = np.zeros_like(imgs)
        for i, (dr, dc) in enumerate(shifts):
            out[i] = np.roll(np.roll(imgs[i], dr, axis=0), dc, axis=1)
        imgs = out
    imgs = np.clip(imgs + rng.normal(0, noise, imgs.shape), 0, 1)
    return imgs.reshape(m, size * size).T.copy(), y.reshape(1, m)


def make_circles(m=300, noise=0.08, factor=0.5, seed=0):
    """Two concentric circles (radius 1 and ``factor``), as in Ng's initialisation assignment.

    Returns X (2, m) float64 and Y (1, m) float64: 1 for the inner circle.
    """
    rng = np.random.default_rng(seed)
    m0 = m // 2
    t = rng.uniform(0, 2 * np.pi, m)
    r = np.where(np.arange(m) < m0, 1.0, factor)
    X = np.vstack([r * np.cos(t), r * np.sin(t)]) + noise * rng.normal(size=(2, m))
    Y = (np.arange(m) >= m0).astype(np.float64).reshape(1, m)
    order = rng.permutation(m)
    return X[:, order], Y[:, order]


def make_xor(m=200, noise=0.15, seed=0):
    """Four clusters at (+-1, +-1); the label is 1 where the signs differ (XOR).

    Returns X (2, m) float64 and Y (1, m) float64 of 0/1.
    """
    rng = np.random.default_rng(seed)
    signs = rng.choice([-1.0, 1.0], size=(2, m))
    X = signs + noise * rng.normal(size=(2, m))
    Y = (signs[0] != signs[1]).astype(np.float64).reshape(1, m)
    return X, Y


def make_blobs(m=300, C=3, spread=0.6, seed=0):
    """C Gaussian blobs in 2-D with centres evenly spaced on a circle of radius 2 (for C = 3,
    the StatQuest flowers setosa, versicolor and virginica).

    Returns X (2, m) float64 and y (1, m) int64 class labels 0..C-1.
    """
    rng = np.random.default_rng(seed)
    angles = 2 * np.pi * np.arange(C) / C
    centres = 2 * np.vstack([np.cos(angles), np.sin(angles)])
    y = rng.integers(0, C, m)
    X = centres[:, y] + spread * rng.normal(size=(2, m))
    return X, y.reshape(1, m)


# StatQuest's dosage example (seed 000): low and high doses do not work, a medium one does.
DOSAGE = (np.array([[0.0, 0.5, 1.0]]), np.array([[0.0, 1.0, 0.0]]))


def make_dosage(m=None, noise=0.1, seed=0):
    """The StatQuest dosage data. With m None: the three points (0, 0), (0.5, 1), (1, 0) of the
    notes. With m: m doses in [0, 1] whose efficacy follows the same bump, plus noise.

    Returns d (1, m) doses and y (1, m) efficacies, float64.
    """
    if m is None:
        return DOSAGE[0].copy(), DOSAGE[1].copy()
    rng = np.random.default_rng(seed)
    d = rng.uniform(0, 1, (1, m))
    y = np.exp(-((d - 0.5) / 0.15) ** 2) + noise * rng.normal(size=(1, m))
    return d, y


SHAPES = ("circle", "square", "triangle")


def make_shapes(m=300, size=16, noise=0.05, seed=0):
    """Filled circles, squares and upward triangles of random size and position on a
    ``size`` x ``size`` canvas (for augmentation and small convolutional chapters).

    Returns images (m, size, size) float64 in [0, 1] (channels-last layout without the channel
    axis, as the vision chapters use) and y (1, m) int64 labels: 0 circle, 1 square, 2 triangle.
    """
    rng = np.random.default_rng(seed)
    rows, cols = np.mgrid[0:size, 0:size] + 0.5
    y = rng.integers(0, 3, m)
    images = np.zeros((m, size, size))
    for i in range(m):
        r = rng.uniform(0.2, 0.35) * size                  # half-width of the shape
        cy, cx = rng.uniform(r, size - r, 2)
        if y[i] == 0:
            mask = (rows - cy) ** 2 + (cols - cx) ** 2 <= r ** 2
        elif y[i] == 1:
            mask = (np.abs(rows - cy) <= r * 0.85) & (np.abs(cols - cx) <= r * 0.85)
        else:   # apex at the top, base at the bottom: rows grow downwards
            top, bottom = cy - r, cy + r
            half = (rows - top) / (2 * r) * r
            mask = (rows >= top) & (rows <= bottom) & (np.abs(cols - cx) <= half)
        images[i][mask] = rng.uniform(0.7, 1.0)
    images = np.clip(images + rng.normal(0, noise, images.shape), 0, 1)
    return images, y.reshape(1, m)


# --- sequences (chapters 49-51) -------------------------------------------------------------------

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
    "weekday d month yyyy": lambda d: f"{_DAYS[d.weekday()]} {d.day} {_MONTHS[d.month - 1]} {d.year}",
    "long": lambda d: f"{_DAYS[d.weekday()]}, the {_ordinal(d.day)} of {_MONTHS[d.month - 1]} {d.year}",
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
