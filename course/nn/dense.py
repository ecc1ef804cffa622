"""Dense networks, column layout: ``X (n_x, m)``, one column per example; ``W[l] (n[l], n[l-1])``,
``b[l] (n[l], 1)``; labels ``(1, m)``.

Taught in: chapter 1 (sigmoid, logistic regression forward and backward), chapter 7 (tanh, ReLU,
leaky ReLU, softplus), chapter 9 (linear and linear-activation pairs, the L-layer network),
chapter 10 (initialisation). Each layer is a pair, as in CS231n's ``layers.py``:
``*_forward(...) -> (out, cache)`` and ``*_backward(dout, cache) -> gradients``.
"""
import numpy as np

__all__ = ["sigmoid", "sigmoid_forward", "sigmoid_backward", "logistic_forward",
           "logistic_backward", "tanh_forward", "tanh_backward", "relu_forward", "relu_backward",
           "leaky_relu_forward", "leaky_relu_backward", "softplus", "linear_forward",
           "linear_backward", "activation_forward", "activation_backward",
           "linear_activation_forward", "linear_activation_backward", "init_zeros", "init_he",
           "init_xavier", "model_forward", "model_backward"]


def sigmoid(z):
    """sigma(z) = 1 / (1 + e^-z) for any array, without overflow for large |z|.

    With e = exp(-|z|) <= 1: sigma(z) = 1 / (1 + e) for z >= 0 and e / (1 + e) for z < 0, so
    no large number is ever exponentiated and tiny probabilities keep their precision.
    Taught in chapter 1.
    """
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0, e) / (1.0 + e)


def sigmoid_forward(z):
    """a = sigma(z). Returns (a, cache) with a of z's shape.

    Taught in chapter 1.
    """
    a = sigmoid(z)
    return a, a


def sigmoid_backward(da, cache):
    """dz = da * a (1 - a), the sigmoid's derivative written with its output.

    Taught in chapter 1.
    """
    a = cache
    return da * a * (1.0 - a)


def logistic_forward(w, b, X):
    """Logistic regression scores and probabilities.

    w -- (n_x, 1) weights; b -- scalar bias; X -- (n_x, m) inputs
    Returns A (1, m) = sigma(w^T X + b) and cache = X: a pair, where chapter 1's graded function
    returns A alone (chapters 3-19 unpack the pair; the exception in tests/test_twins.py).
    Taught in chapter 1.
    """
    A = sigmoid(w.T @ X + b)
    return A, X


def logistic_backward(dZ, cache):
    """Gradients of the weights and bias from dZ (1, m), the gradient of the cost w.r.t.
    the scores (from sigmoid_bce_loss, so the 1/m is already in it).

    Returns dw (n_x, 1) = X dZ^T and db (float) = sum(dZ).
    Taught in chapter 1.
    """
    X = cache
    return X @ dZ.T, float(np.sum(dZ))


def tanh_forward(Z):
    """A = tanh(Z). Returns (A, cache) with A of Z's shape.

    Taught in chapter 7.
    """
    A = np.tanh(Z)
    return A, A


def tanh_backward(dA, cache):
    """dZ = dA * (1 - A^2).

    Taught in chapter 7.
    """
    A = cache
    return dA * (1.0 - A ** 2)


def relu_forward(Z):
    """A = max(0, Z). Returns (A, cache).

    Taught in chapter 7.
    """
    return np.maximum(0.0, Z), Z


def relu_backward(dA, cache):
    """dZ = dA where Z > 0, else 0 (the derivative at exactly 0 is taken as 0).

    Taught in chapter 7.
    """
    Z = cache
    return dA * (Z > 0)


def leaky_relu_forward(Z, slope=0.01):
    """A = Z for Z > 0, slope * Z otherwise. Returns (A, cache).

    Taught in chapter 7.
    """
    return np.where(Z > 0, Z, slope * Z), (Z, slope)


def leaky_relu_backward(dA, cache):
    """dZ = dA for Z > 0, slope * dA otherwise.

    Taught in chapter 7.
    """
    Z, slope = cache
    return dA * np.where(Z > 0, 1.0, slope)


def softplus(x):
    """log(1 + e^x) as float64, without overflow (np.logaddexp(0, x)); its derivative is
    sigmoid(x).
    Taught in chapter 7.
    """
    return np.logaddexp(0.0, np.asarray(x, dtype=np.float64))


_ACTIVATIONS = {
    "sigmoid": (sigmoid_forward, sigmoid_backward),
    "tanh": (tanh_forward, tanh_backward),
    "relu": (relu_forward, relu_backward),
    "leaky_relu": (leaky_relu_forward, leaky_relu_backward),
    "linear": (lambda Z: (Z, None), lambda dA, cache: dA),
}


def activation_forward(Z, kind):
    """A = g(Z) for kind in 'sigmoid', 'tanh', 'relu', 'leaky_relu', 'linear'. -> (A, cache)

    Taught in chapter 7.
    """
    return _ACTIVATIONS[kind][0](Z)


def activation_backward(dA, cache, kind):
    """dZ = dA * g'(Z) for the same kinds as activation_forward.

    Taught in chapter 7.
    """
    return _ACTIVATIONS[kind][1](dA, cache)


def linear_forward(A_prev, W, b):
    """Z = W A_prev + b. A_prev (n[l-1], m), W (n[l], n[l-1]), b (n[l], 1) -> Z (n[l], m).
    Returns (Z, cache) with cache = (A_prev, W, b).
    Taught in chapter 9.
    """
    return W @ A_prev + b, (A_prev, W, b)


def linear_backward(dZ, cache):
    """From dZ (n[l], m): dA_prev = W^T dZ, dW = dZ A_prev^T, db = sum of dZ over examples.

    dZ already carries the 1/m of the cost's average (as softmax_cross_entropy's and
    sigmoid_bce_loss's do), so no 1/m appears here. Returns (dA_prev, dW, db).
    Taught in chapter 9.
    """
    A_prev, W, _ = cache
    return W.T @ dZ, dZ @ A_prev.T, np.sum(dZ, axis=1, keepdims=True)


def linear_activation_forward(A_prev, W, b, kind):
    """A = g(W A_prev + b), g one of activation_forward's kinds. Returns (A, cache) with
    cache = (linear cache (A_prev, W, b), activation cache).

    Not chapter 9's twin (activation=, cache (A_prev, W, b, Z)): chapters 10 and 14 unpack this
    nested cache (the exception in tests/test_twins.py); do not mix the two caches.
    Taught in chapter 9.
    """
    Z, linear_cache = linear_forward(A_prev, W, b)
    A, activation_cache = activation_forward(Z, kind)
    return A, (linear_cache, activation_cache)


def linear_activation_backward(dA, cache, kind):
    """Backward through g and the linear step, from linear_activation_forward's (nested) cache.
    Returns (dA_prev, dW, db).
    Taught in chapter 9.
    """
    linear_cache, activation_cache = cache
    return linear_backward(activation_backward(dA, activation_cache, kind), linear_cache)


def init_zeros(layer_dims):
    """{'W1': zeros (n1, n0), 'b1': zeros (n1, 1), ...}: every unit of a layer stays identical.

    Taught in chapter 10.
    """
    return {k: v for l in range(1, len(layer_dims)) for k, v in
            ((f"W{l}", np.zeros((layer_dims[l], layer_dims[l - 1]))),
             (f"b{l}", np.zeros((layer_dims[l], 1))))}


def _init_scaled(layer_dims, rng, gain):
    rng = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    params = {}
    for l in range(1, len(layer_dims)):
        scale = np.sqrt(gain / layer_dims[l - 1])
        params[f"W{l}"] = rng.standard_normal((layer_dims[l], layer_dims[l - 1])) * scale
        params[f"b{l}"] = np.zeros((layer_dims[l], 1))
    return params


def init_he(layer_dims, rng):
    """He initialisation for ReLU layers: W[l] ~ N(0, 2 / n[l-1]), b[l] = 0.
    rng is a numpy Generator (as in chapter 10) or a seed."""
    return _init_scaled(layer_dims, rng, 2.0)


def init_xavier(layer_dims, rng):
    """Xavier initialisation for tanh/sigmoid layers: W[l] ~ N(0, 1 / n[l-1]), b[l] = 0.

    Taught in chapter 10.
    """
    return _init_scaled(layer_dims, rng, 1.0)


def model_forward(X, params, hidden="relu", output="sigmoid"):
    """[LINEAR -> hidden] x (L - 1) -> LINEAR -> output, for params {'W1', 'b1', ..., 'WL', 'bL'}.

    Returns (AL, caches) with one linear_activation cache per layer. With output='linear'
    AL holds the scores (for softmax_cross_entropy).
    Taught in chapter 9.
    """
    L = len(params) // 2
    A, caches = X, []
    for l in range(1, L + 1):
        A, cache = linear_activation_forward(A, params[f"W{l}"], params[f"b{l}"],
                                             hidden if l < L else output)
        caches.append(cache)
    return A, caches


def model_backward(dAL, caches, hidden="relu", output="sigmoid"):
    """Gradients {'dW1', 'db1', ...} from dAL, the gradient of the cost w.r.t. the last
    layer's output (for output='linear', pass dZ from softmax_cross_entropy).
    Taught in chapter 9.
    """
    grads = {}
    L = len(caches)
    dA = dAL
    for l in range(L, 0, -1):
        dA, grads[f"dW{l}"], grads[f"db{l}"] = linear_activation_backward(
            dA, caches[l - 1], hidden if l < L else output)
    return grads
