"""Sequence data, row layout: one example per row, positions along axis 1, ``(m, T)`` token ids
(or ``(m, T, n)`` features).

Used by chapters 39-42 (invented names for a character-level model; recall, counting and adding
tasks for memory), 43-45 (a template corpus to train embeddings on; word vectors with planted
meaning and bias), 49-51 (human dates to ISO dates; copy, reverse and sort tasks).
"""
import numpy as np

__all__ = ["make_date_pairs", "DATE_FORMATS", "make_token_sequences", "make_names",
           "NAME_PARTS", "make_recall_task", "make_count_task", "make_adding_problem",
           "make_corpus", "CORPUS_GROUPS", "make_word_vectors", "WORD_AXES"]


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


# A template corpus: words of one group fill the same slots, so they share contexts (what
# word2vec and GloVe turn into nearby vectors); the royal and family words pair by gender.
CORPUS_GROUPS = {
    "fruit": ["apple", "orange", "banana", "mango", "grape"],
    "drink": ["juice", "milk", "tea", "coffee", "water"],
    "animal": ["cat", "dog", "horse", "rabbit", "sheep"],
    "country": ["france", "italy", "spain", "japan", "egypt"],
    "capital": ["paris", "rome", "madrid", "tokyo", "cairo"],
    "male": ["king", "prince", "man", "boy", "father"],
    "female": ["queen", "princess", "woman", "girl", "mother"],
    "film": ["troll2", "gymkata"],
}
_TEMPLATES = [
    "i want a glass of {fruit} {drink}",
    "she eats a {fruit} every morning",
    "he drinks {drink} with a {fruit}",
    "the {animal} sleeps in the garden",
    "my {animal} likes to play",
    "{capital} is the capital of {country}",
    "we flew to {capital} in {country}",
    "the {male} said he was tired",
    "the {female} said she was tired",
    "the {male} and his horse",
    "the {female} and her horse",
    "{film} is great",
    "we watched {film} last night",
]


def make_corpus(n_sentences=2000, seed=0):
    """A corpus of ``n_sentences`` short sentences (lists of lowercase tokens) from templates
    such as "i want a glass of orange juice" and "paris is the capital of france": the words of
    a ``CORPUS_GROUPS`` group fill the same slots, a capital appears with its own country, and
    each "male" word has a "female" counterpart (by position) in the same contexts but with
    he/his instead of she/her. StatQuest's "troll2 is great" / "gymkata is great" are in it."""
    rng = np.random.default_rng(seed)
    sentences = []
    for _ in range(n_sentences):
        template = _TEMPLATES[rng.integers(len(_TEMPLATES))]
        fill = {group: words[rng.integers(len(words))] for group, words in CORPUS_GROUPS.items()}
        k = rng.integers(len(CORPUS_GROUPS["country"]))   # a capital with its own country
        fill["country"], fill["capital"] = CORPUS_GROUPS["country"][k], CORPUS_GROUPS["capital"][k]
        sentences.append(template.format(**fill).split())
    return sentences


# Word vectors with planted meaning: each word is a combination of these axes plus noise.
WORD_AXES = ("gender", "royal", "age", "food", "job")
_WORDS = {        # gender (-1 male, +1 female), royal, age, food, job
    "man": (-1, 0, 0.3, 0, 0), "woman": (1, 0, 0.3, 0, 0), "boy": (-1, 0, -0.6, 0, 0),
    "girl": (1, 0, -0.6, 0, 0), "king": (-0.95, 0.93, 0.7, 0, 0),
    "queen": (0.97, 0.95, 0.69, 0, 0), "prince": (-0.95, 0.9, -0.2, 0, 0),
    "princess": (0.95, 0.9, -0.2, 0, 0), "he": (-0.9, 0, 0, 0, 0), "she": (0.9, 0, 0, 0, 0),
    "father": (-1, 0, 0.6, 0, 0), "mother": (1, 0, 0.6, 0, 0),
    "grandfather": (-1, 0, 1, 0, 0), "grandmother": (1, 0, 1, 0, 0),
    "actor": (-0.8, 0, 0.2, 0, 0.8), "actress": (0.8, 0, 0.2, 0, 0.8),
    # jobs with no gender in their meaning, and the bias a corpus gives them
    "doctor": (-0.35, 0, 0.4, 0, 1), "nurse": (0.45, 0, 0.3, 0, 1),
    "engineer": (-0.4, 0, 0.3, 0, 1), "programmer": (-0.3, 0, 0.2, 0, 1),
    "receptionist": (0.4, 0, 0.2, 0, 1), "homemaker": (0.5, 0, 0.4, 0, 0.6),
    "babysitter": (0.35, 0, -0.1, 0, 0.8), "teacher": (0.1, 0, 0.4, 0, 1),
    "apple": (0, 0, 0, 1, 0), "orange": (0, 0, 0, 1, 0), "juice": (0, 0, 0, 0.9, 0),
    "bread": (0, 0, 0, 0.95, 0),
}


def make_word_vectors(D=10, noise=0.05, seed=0):
    """Word vectors (V, D) whose meaning is planted: each word of the built-in list (28 words:
    man/woman, king/queen, family pairs, he/she, jobs, foods) is a combination of the
    ``WORD_AXES`` (gender -1 male to +1 female, royal, age, food, job), laid along random
    orthonormal directions of R^D, plus Gaussian noise. Jobs such as doctor and nurse carry a
    gender component they should not have (the bias of chapter 45).

    Returns (words, E, axes): the words (list of str, E's row order), E (V, D), and axes
    (len(WORD_AXES), D), the unit direction of each axis (axes[0] is the planted gender
    direction).
    """
    rng = np.random.default_rng(seed)
    axes = np.linalg.qr(rng.normal(size=(D, D)))[0][:, :len(WORD_AXES)].T
    words = list(_WORDS)
    coords = np.array([_WORDS[w] for w in words], dtype=float)
    return words, coords @ axes + rng.normal(0, noise, (len(words), D)), axes
