"""Attention and transformer blocks, row layout: one ROW per token, ``(..., T, d)``, as in every
transformer paper and library, so ``softmax(..., axis=-1)`` normalises over keys.

Taught in: chapter 50 (scaled dot-product and multi-head attention, causal mask), chapter 51
(layer normalisation, sinusoidal positions).
"""
import numpy as np

__all__ = ["causal_mask", "attention_forward", "attention_backward", "split_heads",
           "combine_heads", "layernorm_forward", "layernorm_backward", "positional_encoding"]


def causal_mask(T):
    """(T, T) boolean mask, True where query t may attend to key s, i.e. s <= t (lower triangle).

    The blocked positions (the future) are the strict upper triangle.
    Taught in chapter 50.
    """
    return np.tril(np.ones((T, T), dtype=bool))


def attention_forward(Q, K, V, mask=None):
    """Scaled dot-product attention: softmax(Q K^T / sqrt(d_k)) V, softmax over the keys.

    Q (..., T_q, d_k), K (..., T_k, d_k), V (..., T_k, d_v); mask -- boolean, broadcastable to
    (..., T_q, T_k), True where attention is allowed. Masked scores become -inf, so their weights
    are exactly 0 (the notes' listing accepts a mask and never applies it).
    Returns out (..., T_q, d_v) and cache = (Q, K, V, weights).
    Taught in chapter 50.
    """
    scale = 1.0 / float(np.sqrt(Q.shape[-1]))     # a Python float keeps float32 inputs float32
    scores = np.matmul(Q, np.swapaxes(K, -1, -2))
    scores *= scale
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    # softmax in place: the (..., T_q, T_k) score tensor is the biggest array here
    scores -= scores.max(axis=-1, keepdims=True)
    np.exp(scores, out=scores)
    scores /= scores.sum(axis=-1, keepdims=True)
    return np.matmul(scores, V), (Q, K, V, scores)


def attention_backward(dout, cache):
    """Gradients of attention_forward. dout (..., T_q, d_v) -> (dQ, dK, dV).

    dV = A^T dout; dA = dout V^T; the softmax backward per row is dS = A * (dA - sum(dA * A));
    then dQ = dS K / sqrt(d_k) and dK = dS^T Q / sqrt(d_k). Masked weights are 0, so no
    gradient reaches a masked score.
    Taught in chapter 50.
    """
    Q, K, V, A = cache
    scale = 1.0 / float(np.sqrt(Q.shape[-1]))     # a Python float keeps float32 inputs float32
    dV = np.matmul(np.swapaxes(A, -1, -2), dout)
    dA = np.matmul(dout, np.swapaxes(V, -1, -2))
    dS = A * (dA - np.sum(dA * A, axis=-1, keepdims=True)) * scale
    return np.matmul(dS, K), np.matmul(np.swapaxes(dS, -1, -2), Q), dV


def split_heads(X, n_heads):
    """(..., T, d_model) -> (..., n_heads, T, d_model / n_heads): head h gets columns
    h*d_head ... (h+1)*d_head - 1.
    Taught in chapter 50.
    """
    *lead, T, d = X.shape
    if d % n_heads:
        raise ValueError(f"d_model = {d} is not divisible by n_heads = {n_heads}")
    return np.swapaxes(X.reshape(*lead, T, n_heads, d // n_heads), -2, -3)


def combine_heads(H):
    """Inverse of split_heads: H (..., n_heads, T, d_head) -> (..., T, n_heads * d_head).

    Taught in chapter 50.
    """
    *lead, h, T, d_head = H.shape
    return np.swapaxes(H, -2, -3).reshape(*lead, T, h * d_head)


def layernorm_forward(x, gamma, beta, eps=1e-5):
    """Normalise each token (last axis of x, (..., d)) to mean 0 and variance 1, then scale and
    shift: gamma * (x - mu) / sqrt(var + eps) + beta, gamma and beta of shape (d,).

    Unlike batch norm the statistics are per token, so training and inference agree and the
    batch size does not matter. Returns (out, cache).
    Taught in chapter 51.
    """
    mu = x.mean(axis=-1, keepdims=True)
    inv_std = 1.0 / np.sqrt(x.var(axis=-1, keepdims=True) + eps)
    x_hat = (x - mu) * inv_std
    return gamma * x_hat + beta, (x_hat, gamma, inv_std)


def layernorm_backward(dout, cache):
    """Gradients of layernorm_forward: batch norm's compact formula along the last axis,
    dx = (inv_std / d) (d dx_hat - sum(dx_hat) - x_hat sum(dx_hat x_hat)), dx_hat = dout gamma;
    dgamma and dbeta sum over every axis but the last. Returns (dx, dgamma, dbeta).
    Taught in chapter 51.
    """
    x_hat, gamma, inv_std = cache
    d = x_hat.shape[-1]
    lead = tuple(range(x_hat.ndim - 1))
    dx_hat = dout * gamma
    dx = inv_std / d * (d * dx_hat - dx_hat.sum(axis=-1, keepdims=True)
                        - x_hat * np.sum(dx_hat * x_hat, axis=-1, keepdims=True))
    return dx, np.sum(dout * x_hat, axis=lead), np.sum(dout, axis=lead)


def positional_encoding(T, d_model):
    """Sinusoidal positions (T, d_model): PE[pos, 2i] = sin(pos / 10000^(2i/d_model)) and
    PE[pos, 2i+1] = cos(same angle). Each (sin, cos) pair turns by a fixed angle per step, so
    PE[pos + k] is a rotation of PE[pos] that depends only on k.
    Taught in chapter 51.
    """
    pos = np.arange(T)[:, None]
    angle = pos / 10000.0 ** (np.arange(0, d_model, 2) / d_model)
    pe = np.zeros((T, d_model))
    pe[:, 0::2] = np.sin(angle)
    pe[:, 1::2] = np.cos(angle[:, : d_model // 2])
    return pe
