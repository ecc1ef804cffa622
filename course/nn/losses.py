"""Losses and output layers, column layout: scores ``Z (C, m)``, labels ``(1, m)`` or one-hot
``(C, m)``; a loss returns ``(loss, dscores)``.

Taught in: chapters 1-2 (binary cross-entropy), chapters 5 and 7 (softmax, along any axis),
chapter 8 (softmax cross-entropy, one-hot labels).
"""
import numpy as np

__all__ = ["bce_cost", "sigmoid_bce_loss", "softmax", "softmax_cross_entropy", "one_hot"]


CLIP = 1e-12   # probabilities are clipped to [CLIP, 1 - CLIP] before a log


def bce_cost(A, Y):
    """Binary cross-entropy J = -(1/m) sum(Y log A + (1 - Y) log(1 - A)), natural logs.

    A, Y -- (1, m). A is clipped to [CLIP, 1 - CLIP] first (never log(A + eps): that biases
    the cost). Returns a Python float.
    Taught in chapter 1.
    """
    m = Y.shape[1]
    A = np.clip(A, CLIP, 1 - CLIP)
    return float(-np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / m)


def sigmoid_bce_loss(A, Y):
    """Cost and dZ for a sigmoid output with cross-entropy: the 'magic' dZ = (A - Y) / m
    already carries the 1/m of the average. Returns (cost, dZ) with dZ (1, m).
    Taught in chapter 2.
    """
    return bce_cost(A, Y), (A - Y) / Y.shape[1]


def softmax(Z, axis=0):
    """Softmax along ``axis``: exp(z - max z) / sum(exp(z - max z)).

    The default axis 0 normalises each column of scores Z (C, m), as chapter 7's softmax(Z) does
    (the one argument it adds: the exception in tests/test_twins.py); attention uses axis=-1
    (over the keys of each query row). Subtracting each slice's own maximum (not the global one)
    keeps every exponent <= 0; a slice that is all -inf (every key masked) would give 0/0, so
    masks must leave each query at least one key.

    No overflow and no warning for any finite Z: z - max overflows to -inf only where the true
    value is below -1.8e308, and exp(-inf) = 0 is then the exact float result (exp of anything
    below -746 is 0), as are underflows to 0; so these two conditions are silenced here. The
    invalid ones (NaN, 0/0) still warn.
    Taught in chapters 5 and 7.
    """
    with np.errstate(over="ignore", under="ignore"):
        E = np.exp(Z - np.max(Z, axis=axis, keepdims=True))
        return E / np.sum(E, axis=axis, keepdims=True)


def one_hot(y, C):
    """(1, m) integer labels -> (C, m) one-hot float matrix.

    Taught in chapter 8.
    """
    y = np.asarray(y).reshape(-1)
    Y = np.zeros((C, y.size))
    Y[y, np.arange(y.size)] = 1.0
    return Y


def softmax_cross_entropy(Z, Y):
    """Softmax + cross-entropy on scores Z (C, m) and one-hot labels Y (C, m).

    Returns (cost, dZ): cost = -(1/m) sum(Y log softmax(Z)) (a float, computed from
    log-softmax so it never takes log 0) and dZ = (softmax(Z) - Y) / m. No overflow and no
    warning for any finite Z (as in softmax); the cost is inf only if a label's score lies more
    than 1.8e308 below its column's maximum (a cost beyond the largest float).
    Taught in chapter 8.
    """
    m = Z.shape[1]
    with np.errstate(over="ignore", under="ignore"):
        shifted = Z - np.max(Z, axis=0, keepdims=True)
        log_p = shifted - np.log(np.sum(np.exp(shifted), axis=0, keepdims=True))
        dZ = (np.exp(log_p) - Y) / m
    # log_p is -inf where a shift overflowed: only the entries with Y != 0 enter the cost, so
    # that 0 * -inf (NaN) never occurs.
    return float(-np.sum(Y * np.where(Y != 0, log_p, 0.0)) / m), dZ
