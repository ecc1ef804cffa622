"""Word embeddings: the lookup table, its backward pass, and cosine similarity.

Layout (rows, as chapters 49-51): the table is ``E (V, D)``, one row per token id, and a batch of
ids ``(m, T)`` looks up ``E[ids]``, ``(m, T, D)``. (The lecture notes write ``E`` as ``(D, V)`` and
the lookup as ``E @ o_j``, the j-th column; the rows form is the transpose, and is what
``nn.Embedding`` and CS231n's ``word_embedding_forward`` use.)
"""
import numpy as np

__all__ = ["embedding_forward", "embedding_backward", "cosine_similarity"]


def embedding_forward(ids, E):
    """Look up rows of E: ids (any shape) of integers in [0, V), E (V, D) -> (E[ids], cache) with
    out of shape ids.shape + (D,) and cache = (ids, E.shape). Taught in chapter 43."""
    ids = np.asarray(ids)
    return E[ids], (ids, E.shape)


def embedding_backward(dout, cache):
    """dout (ids.shape + (D,)) -> dE (V, D): each row of dout is added to the row of its id.

    ``np.add.at`` adds once per occurrence, so an id used twice gets both gradients;
    ``dE[ids] += dout`` would keep only one of them (numpy applies a fancy-indexed += once per
    distinct index). Taught in chapter 43.
    """
    ids, shape = cache
    dE = np.zeros(shape)
    np.add.at(dE, ids, dout)
    return dE


def cosine_similarity(u, v):
    """u . v / (|u| |v|), a Python float in [-1, 1]; 0.0 when either vector is zero (there is no
    direction to compare: scikit-learn's rule). Taught in chapter 43."""
    u, v = np.asarray(u, dtype=float).ravel(), np.asarray(v, dtype=float).ravel()
    norms = np.linalg.norm(u) * np.linalg.norm(v)
    return float(np.dot(u, v) / norms) if norms > 0 else 0.0
