"""Regularisation, column layout: activations ``A (n, m)``, pre-activations ``Z (n, m)``.

Taught in: chapter 13 (L2 penalty), chapter 14 (inverted dropout), chapter 21 (batch
normalisation, over the examples axis 1).
"""
import numpy as np

__all__ = ["l2_penalty", "dropout_forward", "dropout_backward", "batchnorm_forward",
           "batchnorm_backward"]


def l2_penalty(params, lambd, m):
    """The L2 term of the cost and its gradients: (lambd / (2m)) sum ||W[l]||^2 over the weight
    matrices only (not the biases). Returns (penalty, {"dW1": lambd / m * W1, ...})."""
    weights = {k: v for k, v in params.items() if k.startswith("W")}
    penalty = lambd / (2 * m) * sum(float(np.sum(W * W)) for W in weights.values())
    return penalty, {"d" + k: lambd / m * W for k, W in weights.items()}


def dropout_forward(A, keep_prob, rng, train=True):
    """Inverted dropout: keep each unit with probability keep_prob and divide by keep_prob, so
    the expected activation is unchanged and test time needs no rescaling.
    rng -- numpy Generator (explicit, so runs repeat). Returns (A_out, cache=mask/keep_prob)."""
    if not train or keep_prob >= 1.0:
        return A, None
    scale = (rng.random(A.shape) < keep_prob) / keep_prob
    return A * scale, scale


def dropout_backward(dA, cache):
    """The same mask and scale as the forward pass: dA_in = dA * mask / keep_prob."""
    return dA if cache is None else dA * cache


def batchnorm_forward(Z, gamma, beta, running, train=True, momentum=0.9, eps=1e-5):
    """Normalise each feature (row of Z, (n, m)) over the batch, then scale and shift.

    gamma, beta -- (n, 1); running -- dict with "mean" and "var" (n, 1), the averages used at
    test time. (Chapter 21's exercise uses the notes' conventions instead: mode="train",
    eps=1e-8 and a cache of (Z, Z_hat, mu, var, gamma, eps); do not mix the two caches.) Train mode uses the batch statistics and returns an updated running dict
    (new arrays: momentum * old + (1 - momentum) * batch). Returns (out, cache, running)."""
    if not train:
        Z_hat = (Z - running["mean"]) / np.sqrt(running["var"] + eps)
        return gamma * Z_hat + beta, None, running
    mu = Z.mean(axis=1, keepdims=True)
    var = Z.var(axis=1, keepdims=True)
    inv_std = 1.0 / np.sqrt(var + eps)
    Z_hat = (Z - mu) * inv_std
    running = {"mean": momentum * running["mean"] + (1 - momentum) * mu,
               "var": momentum * running["var"] + (1 - momentum) * var}
    return gamma * Z_hat + beta, (Z_hat, gamma, inv_std), running


def batchnorm_backward(dout, cache):
    """Gradients of batch norm in train mode, in the compact form
    dZ = (inv_std / m) (m dZ_hat - sum(dZ_hat) - Z_hat sum(dZ_hat Z_hat)), dZ_hat = dout gamma.
    Returns (dZ, dgamma, dbeta)."""
    Z_hat, gamma, inv_std = cache
    m = dout.shape[1]
    dgamma = np.sum(dout * Z_hat, axis=1, keepdims=True)
    dbeta = np.sum(dout, axis=1, keepdims=True)
    dZ_hat = dout * gamma
    dZ = inv_std / m * (m * dZ_hat - np.sum(dZ_hat, axis=1, keepdims=True)
                        - Z_hat * np.sum(dZ_hat * Z_hat, axis=1, keepdims=True))
    return dZ, dgamma, dbeta
