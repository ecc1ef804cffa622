"""Tabular and 2-D point data, column layout: ``X (n_x, m)``, one column per example; binary labels
``Y (1, m)`` floats of 0 and 1; class labels ``y (1, m)`` integers.

Used by chapters 1-21 (exam pass, admissions, moons, planar flower, circles, xor, blobs,
StatQuest's dosage) and their standardisation.
"""
import numpy as np

__all__ = ["make_exam_pass", "make_admissions", "make_moons", "make_planar_flower", "standardize",
           "make_circles", "make_xor", "make_blobs", "make_dosage", "DOSAGE",
           "make_imbalanced_scores", "make_domain_shift"]


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


# StatQuest's dosage example (the StatQuest notes): low and high doses do not work, a medium
# one does.
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


def make_imbalanced_scores(m=1000, pos_rate=0.05, separation=2.0, seed=0):
    """Classifier scores for an imbalanced binary problem (chapter 23, precision and recall).

    Exactly ``round(pos_rate * m)`` examples are positive, at random positions. A negative's score
    is drawn from N(0, 1), a positive's from N(separation, 1): the larger the separation, the
    better the (imaginary) classifier behind the scores.

    Returns scores (1, m) float64 and y (1, m) int64 labels of 0 and 1.
    """
    rng = np.random.default_rng(seed)
    n_pos = int(round(pos_rate * m))
    y = np.zeros(m, dtype=np.int64)
    y[rng.permutation(m)[:n_pos]] = 1
    scores = rng.normal(size=m) + separation * y
    return scores.reshape(1, m), y.reshape(1, m)


def make_domain_shift(m_source=2000, m_target=1000, shift=1.0, m_noise=50, seed=0):
    """Two domains of one binary problem, for chapter 26 (train-dev set and data mismatch).

    Each example is 20 features in the column layout. The two classes are Gaussian clouds
    (identity covariance) around -mu/2 and +mu/2, with a fixed mu of norm 3.5, so that the best
    possible error on the source domain is Phi(-1.75) = 0.04. The target domain is the source
    domain plus background noise of power ``shift**2`` per feature that lives in a fixed
    2-dimensional subspace overlapping mu (think of car noise mixed into clean speech).
    ``noise_bank`` holds ``m_noise`` clips of that background noise alone at unit power per
    feature (the recordings a practitioner could mix into clean data).

    Returns X_src (20, m_source), Y_src (1, m_source), X_tgt (20, m_target), Y_tgt (1, m_target),
    noise_bank (20, m_noise); labels are float64 0.0/1.0 in exactly balanced random order.
    """
    n_x = 20
    fixed = np.random.default_rng(2026)                      # the same problem for every seed
    mu = fixed.normal(size=n_x)
    mu *= 3.5 / np.linalg.norm(mu)
    mu_hat = mu / np.linalg.norm(mu)
    B = np.stack([mu_hat + 0.8 * fixed.normal(size=n_x) / np.sqrt(n_x),
                  fixed.normal(size=n_x) / np.sqrt(n_x)], axis=1)
    B /= np.linalg.norm(B, axis=0, keepdims=True)
    B *= np.sqrt(n_x / 2)                                    # unit power per feature on average
    rng = np.random.default_rng(seed)

    def clean(m):
        y = np.zeros(m)
        y[rng.permutation(m)[:m // 2]] = 1.0
        X = rng.normal(size=(n_x, m)) + np.outer(mu, y - 0.5)
        return X, y.reshape(1, m)

    X_src, Y_src = clean(m_source)
    X_tgt, Y_tgt = clean(m_target)
    X_tgt = X_tgt + shift * (B @ rng.normal(size=(2, m_target)))
    noise_bank = B @ rng.normal(size=(2, m_noise))
    return X_src, Y_src, X_tgt, Y_tgt, noise_bank
