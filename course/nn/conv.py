"""Convolution, pooling and the row-layout dense layer of the image chapters, vectorised.

Layout (chapters 29-38): batch first, channels last. Images and feature maps are
``(m, n_H, n_W, n_C)``, filters ``W (f, f, n_C_prev, n_C)`` and biases ``b (1, 1, 1, n_C)``;
a flattened map is a row per example, ``(m, n)``, and a dense layer computes ``X @ W + b`` with
``W (n_in, n_out)``, ``b (n_out,)``.

"Convolution" is cross-correlation, as in every deep-learning library: the filter is not
flipped (``scipy.signal.convolve2d`` flips it, ``torch.nn.functional.conv2d`` does not).
Output sizes are floored, ``n_out = (n + 2 pad - f) // stride + 1``. Padding is symmetric zeros.
Max pooling routes a window's gradient to its first maximum in row-major order (PyTorch's rule
on ties), so a tied window passes on exactly the upstream gradient, not a multiple of it.

The students write these with loops in chapters 29-30; these versions slide windows with
strided views and matrix products (``benchmarks/conv.py`` times them against the loops and
against PyTorch). Each pair is ``*_forward(...) -> (out, cache)``, ``*_backward(dout, cache)``.
"""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

__all__ = ["conv_output_size", "zero_pad", "conv_forward", "conv_backward", "pool_forward",
           "pool_backward", "flatten_forward", "flatten_backward", "affine_forward",
           "affine_backward"]


def conv_output_size(n, f, pad=0, stride=1):
    """Output size floor((n + 2 pad - f) / stride) + 1 of a convolution or pooling window.

    Taught in chapter 29.
    """
    return (n + 2 * pad - f) // stride + 1


def zero_pad(X, pad):
    """X (m, n_H, n_W, n_C) with ``pad`` zeros around the height and width -> (m, n_H + 2 pad,
    n_W + 2 pad, n_C). Taught in chapter 29."""
    return np.pad(X, ((0, 0), (pad, pad), (pad, pad), (0, 0)))


def _windows(A_pad, f, stride, n_H, n_W):
    """The (m, n_H, n_W, n_C, f, f) view of every f x f window (no copy)."""
    return sliding_window_view(A_pad, (f, f), axis=(1, 2))[:, :stride * n_H:stride,
                                                          :stride * n_W:stride]


def conv_forward(A_prev, W, b, stride=1, pad=0):
    """Z[i, h, w, c] = sum(window(h, w) * W[..., c]) + b[c] over every f x f x n_C_prev window.

    A_prev (m, n_H_prev, n_W_prev, n_C_prev), W (f, f, n_C_prev, n_C), b (1, 1, 1, n_C)
    -> Z (m, n_H, n_W, n_C) with n_H = conv_output_size(n_H_prev, f, pad, stride), and the cache
    for ``conv_backward``. The windows are gathered once into rows (im2col, one copy of
    f * f * n_C_prev values per output pixel) and multiplied by the filters as one matrix.
    Taught in chapter 29.
    """
    f, _, C, n_C = W.shape
    cols, (m, n_H, n_W) = _im2col(A_prev, f, stride, pad)
    Z = cols @ W.reshape(f * f * C, n_C)
    Z += b.reshape(1, n_C)            # in place: a second array of Z's size costs more than the sum
    return Z.reshape(m, n_H, n_W, n_C), (A_prev, W, b, stride, pad)


def _im2col(A_prev, f, stride, pad):
    """Every f x f window of the padded A_prev as a row: (m * n_H * n_W, f * f * n_C_prev), in
    the order of W.reshape(f * f * n_C_prev, n_C); and (m, n_H, n_W)."""
    m, H, Wd, C = A_prev.shape
    n_H, n_W = conv_output_size(H, f, pad, stride), conv_output_size(Wd, f, pad, stride)
    A_pad = zero_pad(A_prev, pad) if pad else A_prev
    cols = _windows(A_pad, f, stride, n_H, n_W).transpose(0, 1, 2, 4, 5, 3)
    return cols.reshape(m * n_H * n_W, f * f * C), (m, n_H, n_W)


def conv_backward(dZ, cache):
    """Gradients of ``conv_forward``: dZ (m, n_H, n_W, n_C) -> (dA_prev, dW, db) shaped like
    A_prev, W and b. Each window's share of dZ @ W^T is added back where the window sat, so
    overlapping windows (stride < f) sum their contributions; padding is cut off with
    ``[pad:pad + n_H_prev]`` (a ``[pad:-pad]`` slice would be empty at pad 0).
    Taught in chapter 29.
    """
    A_prev, W, _, stride, pad = cache
    m, H, Wd, C = A_prev.shape
    f, _, _, n_C = W.shape
    _, n_H, n_W, _ = dZ.shape
    cols, _ = _im2col(A_prev, f, stride, pad)   # gathered again: the cache is the inputs only
    dZ2 = dZ.reshape(-1, n_C)
    dW = (cols.T @ dZ2).reshape(W.shape)
    db = dZ2.sum(axis=0).reshape(1, 1, 1, n_C)
    dcols = (dZ2 @ W.reshape(f * f * C, n_C).T).reshape(m, n_H, n_W, f, f, C)
    dA_pad = np.zeros((m, H + 2 * pad, Wd + 2 * pad, C))
    for k in range(f * f):
        _window_part(dA_pad, k, f, stride, n_H, n_W)[...] += dcols[:, :, :, k // f, k % f]
    return dA_pad[:, pad:pad + H, pad:pad + Wd], dW, db


def pool_forward(A_prev, f, stride, mode="max"):
    """Max or average pooling of each channel on its own: A_prev (m, n_H_prev, n_W_prev, n_C) ->
    A (m, n_H, n_W, n_C), n_H = (n_H_prev - f) // stride + 1, and the cache for
    ``pool_backward``. No padding, no parameters. ``mode`` is "max" or "average".

    Works by f * f strided slices (one per position in the window) rather than per window.
    Taught in chapter 30.
    """
    if mode not in ("max", "average"):
        raise ValueError(f"mode must be 'max' or 'average', not {mode!r}")
    _, H, Wd, _ = A_prev.shape
    n_H, n_W = conv_output_size(H, f, 0, stride), conv_output_size(Wd, f, 0, stride)
    if mode == "max":
        return _max_pool(A_prev, f, stride, n_H, n_W), (A_prev, f, stride, mode)
    A = _window_part(A_prev, 0, f, stride, n_H, n_W).copy()
    for k in range(1, f * f):
        A += _window_part(A_prev, k, f, stride, n_H, n_W)
    return A / (f * f), (A_prev, f, stride, mode)


def _window_part(A_prev, k, f, stride, n_H, n_W):
    """The (m, n_H, n_W, n_C) view of position k = i * f + j (row-major) of every window."""
    i, j = divmod(k, f)
    return A_prev[:, i:i + stride * n_H:stride, j:j + stride * n_W:stride]


def _max_pool(A_prev, f, stride, n_H, n_W):
    A = _window_part(A_prev, 0, f, stride, n_H, n_W).copy()
    for k in range(1, f * f):
        np.maximum(A, _window_part(A_prev, k, f, stride, n_H, n_W), out=A)
    return A


def pool_backward(dA, cache):
    """Gradient of ``pool_forward``: dA (m, n_H, n_W, n_C) -> dA_prev shaped like A_prev.

    Max: each window's gradient goes to its first maximum (row-major), so a window with tied
    maxima passes on dA once. Average: spread evenly, dA / (f * f) to each of its f * f inputs.
    Overlapping windows (stride < f) add up. Taught in chapter 30.
    """
    A_prev, f, stride, mode = cache
    _, n_H, n_W, _ = dA.shape
    if mode == "average":
        dA_prev, share = np.zeros(A_prev.shape), dA / (f * f)
        for k in range(f * f):
            _window_part(dA_prev, k, f, stride, n_H, n_W)[...] += share
        return dA_prev
    # The maxima are found again (the cache holds the inputs only).
    m, H, Wd, C = A_prev.shape
    A = _max_pool(A_prev, f, stride, n_H, n_W)
    if stride == f and H == f * n_H and Wd == f * n_W:
        # Windows tile the input: compare each input with its window's maximum in one pass, and
        # use that when no window holds its maximum twice (ties need the rule below).
        mask = A_prev.reshape(m, n_H, f, n_W, f, C) == A[:, :, None, :, None, :]
        if np.count_nonzero(mask) == A.size:
            return (mask * dA[:, :, None, :, None, :]).reshape(A_prev.shape)
    # Position by position in row-major order, each window hands what is left of its gradient to
    # the first position that holds its maximum; a later tied position finds nothing left.
    dA_prev = np.zeros(A_prev.shape)
    left = dA.astype(float, copy=True)
    equal, given = np.empty(A.shape, dtype=bool), np.empty(A.shape)
    for k in range(f * f):
        np.equal(_window_part(A_prev, k, f, stride, n_H, n_W), A, out=equal)
        target = _window_part(dA_prev, k, f, stride, n_H, n_W)
        if stride >= f:                             # windows apart: each input in one window
            np.multiply(equal, left, out=target)
            given = target
        else:                                       # overlapping windows add up
            np.multiply(equal, left, out=given)
            target += given
        if k < f * f - 1:
            left -= given
    return dA_prev


def flatten_forward(A):
    """(m, n_H, n_W, n_C) -> (m, n_H * n_W * n_C), row by row, each row's pixels with their
    channels together (numpy's C order); the cache is the shape. Taught in chapter 29."""
    return A.reshape(A.shape[0], -1), A.shape


def flatten_backward(dout, cache):
    """(m, n) -> the (m, n_H, n_W, n_C) shape ``flatten_forward`` was given."""
    return dout.reshape(cache)


def affine_forward(X, W, b):
    """The dense layer in rows: X (m, n_in) @ W (n_in, n_out) + b (n_out,) -> (m, n_out).

    Chapter 9's ``linear_forward`` for batch-first data (CS231n's name); it follows a
    ``flatten_forward`` at the end of a convolutional network. Taught in chapter 9 (in columns).
    """
    return X @ W + b, (X, W)


def affine_backward(dout, cache):
    """dout (m, n_out) -> (dX, dW, db) with dW = X^T dout and db = dout summed over the batch
    (the 1/m is already in dout when the loss is an average)."""
    X, W = cache
    return dout @ W.T, X.T @ dout, dout.sum(axis=0)
