"""Regularisation, column layout: activations ``A (n, m)``, pre-activations ``Z (n, m)``.

Taught in: chapter 13 (L2 penalty), chapter 14 (inverted dropout), chapter 21 (batch
normalisation, over the examples axis 1). The dropout and batch-norm blocks have exactly the
signatures, return values and caches of the graded functions of chapters 14 and 21 (the twin
rule, ``tests/test_twins.py``), so a student's cache and the library's are interchangeable.
"""
import numpy as np

__all__ = ["l2_penalty", "dropout_forward", "dropout_backward", "batchnorm_forward",
           "batchnorm_backward"]


def l2_penalty(params, lambd, m):
    """The L2 term of the cost and its gradients: (lambd / (2m)) sum ||W[l]||^2 over the weight
    matrices only (not the biases). Returns (penalty, {"dW1": lambd / m * W1, ...}).
    Taught in chapter 13.
    """
    weights = {k: v for k, v in params.items() if k.startswith("W")}
    penalty = lambd / (2 * m) * sum(float(np.sum(W * W)) for W in weights.values())
    return penalty, {"d" + k: lambd / m * W for k, W in weights.items()}


def dropout_forward(A, keep_prob, rng, training=True):
    """Inverted dropout (chapter 14): keep each unit with probability keep_prob and divide by
    keep_prob, so the expected activation is unchanged and test time needs no rescaling.

    A -- any shape; rng -- numpy Generator (explicit, so runs repeat), drawn once:
    mask = rng.random(A.shape) < keep_prob. training=False (test mode) returns (A, None).
    Returns (A_out, mask) with A_out = A * mask / keep_prob and mask boolean, True where kept.
    Raises ValueError unless 0 < keep_prob <= 1.
    Taught in chapter 14.
    """
    if not 0 < keep_prob <= 1:
        raise ValueError(f"keep_prob must be in (0, 1], got {keep_prob}")
    if not training:
        return A, None
    mask = rng.random(A.shape) < keep_prob
    return A * mask / keep_prob, mask


def dropout_backward(dA, mask, keep_prob):
    """The same mask and scale as the forward pass: dA_prev = dA * mask / keep_prob. The mask
    is dropout_forward's cache; keep_prob is passed again, as activation_backward's kind is.
    Taught in chapter 14.
    """
    return dA * mask / keep_prob


# Batch norm works on one block of about _BLOCK elements (whole rows) at a time: each step of
# the loops below then reads a block that the step before left in the core's cache (three
# float64 blocks are 1.5 MiB) instead of the whole (n, m) array from memory. Same results, in
# at most 2x PyTorch's time (benchmarks/batchnorm.py; whole-array steps took up to 2.2x).
_BLOCK = 1 << 16


def _row_blocks(n, m):
    step = max(1, _BLOCK // max(m, 1))
    return [slice(i, i + step) for i in range(0, n, step)]


def _per_row(a, n):
    """a as an array with one row per feature, (n, 1), so that a[block] is that block's rows."""
    a = np.asarray(a)
    return a if a.ndim == 2 and a.shape[0] == n else np.broadcast_to(a, (n, 1))


def _rowsum(a, ones, out):
    """out[:, 0] = sum(a, axis=1) as a matrix-vector product with ones (m,): BLAS does it up to
    3x faster than numpy's reduction along the rows (most for short rows)."""
    np.matmul(a, ones, out=out[:, 0])
    return out


def _rowdot(a, b, out):
    """out[:, 0] = sum(a * b, axis=1) for (k, m) arrays, without a (k, m) temporary."""
    if hasattr(np, "vecdot"):                    # numpy >= 2.0
        np.vecdot(a, b, out=out[:, 0])
    else:
        np.einsum("ij,ij->i", a, b, out=out[:, 0])
    return out


def batchnorm_forward(Z, gamma, beta, running, mode="train", momentum=0.9, eps=1e-8):
    """Normalise each feature (row of Z, (n, m)) over the batch, then scale and shift
    (chapter 21, with the notes' eps = 1e-8; PyTorch's default is 1e-5).

    gamma, beta -- (n, 1); running -- dict with "mean" and "var" (n, 1), the averages used at
    test time (never changed in place). mode -- "train": normalise with the batch's mean mu
    and variance var (divided by m), Z_hat = (Z - mu) / sqrt(var + eps), and return a NEW
    running dict (momentum * old + (1 - momentum) * batch); "test": normalise with the running
    statistics and return running unchanged; anything else raises ValueError.
    Returns (out, cache, running): out = gamma * Z_hat + beta; cache = (Z, Z_hat, mu, var,
    gamma, eps) in train mode, None in test mode.
    Taught in chapter 21.
    """
    if mode == "test":
        Z_hat = (Z - running["mean"]) / np.sqrt(running["var"] + eps)
        return gamma * Z_hat + beta, None, running
    if mode != "train":
        raise ValueError(f"mode must be 'train' or 'test', got {mode!r}")
    n, m = Z.shape
    real = Z.dtype if Z.dtype.kind == "f" else np.dtype(np.float64)
    g, b = _per_row(gamma, n), _per_row(beta, n)
    mu, var, Z_hat = np.empty((n, 1), real), np.empty((n, 1), real), np.empty((n, m), real)
    out, ones = np.empty((n, m), np.result_type(g, b, real)), np.ones(m, real)
    for s in _row_blocks(n, m):
        _rowsum(Z[s], ones, mu[s])
        mu[s] /= m
        z_hat = np.subtract(Z[s], mu[s], out=Z_hat[s])           # centred, then scaled in place
        v = _rowdot(z_hat, z_hat, var[s])
        v /= m
        z_hat *= 1.0 / np.sqrt(v + eps)
        np.multiply(z_hat, g[s], out=out[s])
        out[s] += b[s]
    running = {"mean": momentum * running["mean"] + (1 - momentum) * mu,
               "var": momentum * running["var"] + (1 - momentum) * var}
    return out, (Z, Z_hat, mu, var, gamma, eps), running


def batchnorm_backward(dout, cache):
    """Gradients of batch norm in train mode, from batchnorm_forward's cache, in the compact form
    dZ = gamma / (m sqrt(var + eps)) (m dout - dbeta - Z_hat dgamma), with
    dbeta = sum(dout) and dgamma = sum(dout Z_hat) over the batch (axis 1).
    Returns (dZ, dgamma, dbeta), dZ (n, m), dgamma and dbeta (n, 1).
    Taught in chapter 21.
    """
    _, Z_hat, _, var, gamma, eps = cache
    n, m = dout.shape
    scale = _per_row(gamma / np.sqrt(var + eps), n)
    real = np.result_type(dout, Z_hat)
    dgamma, dbeta = np.empty((n, 1), real), np.empty((n, 1), real)
    dZ, ones = np.empty((n, m), np.result_type(real, scale)), np.ones(m, real)
    for s in _row_blocks(n, m):
        _rowsum(dout[s], ones, dbeta[s])
        _rowdot(dout[s], Z_hat[s], dgamma[s])
        # dZ = scale (dout - (dbeta + Z_hat dgamma) / m), built in place, block by block
        dz = np.multiply(Z_hat[s], dgamma[s] / m, out=dZ[s])
        dz += dbeta[s] / m
        np.subtract(dout[s], dz, out=dz)
        dz *= scale[s]
    return dZ, dgamma, dbeta
