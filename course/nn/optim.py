"""Parameter updates on dicts of arrays (any layout): gradient descent and the adaptive methods,
with eps OUTSIDE the square root, as in the original papers.

Taught in: chapter 3 (gradient descent), chapter 16 (mini-batches), chapter 17 (momentum,
RMSprop), chapter 18 (Adam). ``minibatches`` splits along the examples axis: axis 1 for the dense
chapters' columns (the default), axis 0 for the batch-first layouts from chapter 29 on.

A training loop from chapter 22 on::

    state = optimizer_state(params, "adam")
    for epoch in range(epochs):
        for Xb, Yb in minibatches(X, Y, 64, rng):
            grads = ...                                  # the model's backward pass
            params = apply_update(params, grads, state, learning_rate=1e-3)
"""
import numpy as np

__all__ = ["gd_update", "momentum_update", "rmsprop_update", "adam_update", "minibatches",
           "optimizer_state", "apply_update", "METHODS", "clip_by_norm"]

METHODS = ("gd", "momentum", "rmsprop", "adam")


def gd_update(params, grads, learning_rate):
    """One gradient-descent step on a dict of parameters; grads are keyed 'd' + name.
    Returns a new dict (the inputs are not changed). Chapter 3 teaches it."""
    return {k: v - learning_rate * grads["d" + k] for k, v in params.items()}


def momentum_update(w, dw, v, learning_rate, beta=0.9):
    """v = beta v + (1 - beta) dw; w = w - lr v. Returns (w, v), new arrays. Chapter 17."""
    v = beta * v + (1 - beta) * dw
    return w - learning_rate * v, v


def rmsprop_update(w, dw, s, learning_rate, beta=0.999, eps=1e-8):
    """s = beta s + (1 - beta) dw^2; w = w - lr dw / (sqrt(s) + eps). Returns (w, s).
    Chapter 17."""
    s = beta * s + (1 - beta) * dw ** 2
    return w - learning_rate * dw / (np.sqrt(s) + eps), s


def adam_update(w, dw, v, s, t, learning_rate, beta1=0.9, beta2=0.999, eps=1e-8):
    """Adam step t (1-based): bias-corrected first and second moments,
    w = w - lr v_hat / (sqrt(s_hat) + eps). Returns (w, v, s). Chapter 18."""
    v = beta1 * v + (1 - beta1) * dw
    s = beta2 * s + (1 - beta2) * dw ** 2
    v_hat = v / (1 - beta1 ** t)
    s_hat = s / (1 - beta2 ** t)
    return w - learning_rate * v_hat / (np.sqrt(s_hat) + eps), v, s


def minibatches(X, Y, batch_size, rng, axis=1):
    """The examples of ``X`` and ``Y`` shuffled together and cut into batches of ``batch_size``
    (the last one may be smaller): a list of (X_batch, Y_batch). ``axis`` is the examples axis of
    both (1: columns, as in chapters 1-28; 0: batch first); ``rng`` a seed or Generator.
    Chapter 16 teaches it (its graded ``random_mini_batches`` is the column version)."""
    rng = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    m = X.shape[axis]
    if Y.shape[axis] != m:
        raise ValueError(f"X has {m} examples on axis {axis} but Y has {Y.shape[axis]}")
    order = rng.permutation(m)
    X, Y = np.take(X, order, axis=axis), np.take(Y, order, axis=axis)
    cut = lambda A, k: np.take(A, np.arange(k, min(k + batch_size, m)), axis=axis)
    return [(cut(X, k), cut(Y, k)) for k in range(0, m, batch_size)]


def optimizer_state(params, method="adam"):
    """What an optimiser keeps between steps, for every parameter of the dict ``params``:
    ``{"method", "t", "v", "s"}`` with zero moments shaped like each parameter. ``method`` is
    one of METHODS. Chapters 17-18 teach the moments."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}: one of {', '.join(METHODS)}")
    zeros = lambda: {k: np.zeros_like(np.asarray(v, dtype=np.float64)) for k, v in params.items()}
    return {"method": method, "t": 0, "v": zeros(), "s": zeros()}


def apply_update(params, grads, state, learning_rate, beta=0.9, beta1=0.9, beta2=0.999,
                 eps=1e-8):
    """One step of ``state["method"]`` on every parameter: ``grads`` keyed "d" + name (or by
    name). Returns a new params dict; ``state`` (from ``optimizer_state``) is updated in place,
    its step count first, so Adam's bias correction uses t = 1 on the first step. ``beta`` is
    momentum's and RMSprop's decay; ``beta1``/``beta2`` are Adam's. Chapters 3 and 17-18."""
    method = state["method"]
    state["t"] += 1
    new = {}
    for k, w in params.items():
        dw = grads["d" + k] if "d" + k in grads else grads[k]
        if method == "gd":
            new[k] = w - learning_rate * dw
        elif method == "momentum":
            new[k], state["v"][k] = momentum_update(w, dw, state["v"][k], learning_rate, beta)
        elif method == "rmsprop":
            new[k], state["s"][k] = rmsprop_update(w, dw, state["s"][k], learning_rate, beta, eps)
        else:
            new[k], state["v"][k], state["s"][k] = adam_update(
                w, dw, state["v"][k], state["s"][k], state["t"], learning_rate, beta1, beta2, eps)
    return new


def clip_by_norm(grads, max_norm):
    """Rescale a dict of gradients so that their global norm, sqrt(sum over every array of
    sum(g ** 2)), is at most ``max_norm``: grads * max_norm / norm when the norm is larger,
    unchanged otherwise. The direction is kept (clipping each element to [-c, c] would turn
    it). Returns a new dict; the caller's arrays are not changed. Taught in chapter 39.
    """
    norm = np.sqrt(sum(float(np.sum(np.square(g))) for g in grads.values()))
    scale = max_norm / norm if norm > max_norm else 1.0
    return {k: g * scale for k, g in grads.items()}
