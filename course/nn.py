"""Reference numpy building blocks that later chapters import once an earlier chapter has
taught them, so one chapter's bug never sinks the next.

Each layer is a pair, as in CS231n's ``layers.py``: ``*_forward(...) -> (out, cache)`` and
``*_backward(dout, cache) -> gradients``. Losses return ``(loss, dscores)``.
Shapes follow the course convention: X is (n_x, m), one column per example.

Taught in: chapters 1-3 (sigmoid, logistic regression, binary cross-entropy, gradient descent),
5 and 7 (softmax, activations), 8 (softmax cross-entropy; sequence_cross_entropy is the same
loss for the row layout of chapters 49-51), 9 (linear and L-layer pairs),
10 (initialisation), 13 (L2 penalty), 14 (dropout), 17-18 (momentum, RMSprop, Adam),
21 (batch normalisation), 50 (scaled dot-product and multi-head attention, causal mask),
51 (layer normalisation, positional encoding).

The attention blocks use the transformer layout instead: one ROW per token, (..., T, d), as in
every transformer paper and library, so ``softmax(..., axis=-1)`` normalises over keys.
"""
import numpy as np

__all__ = ["sigmoid", "sigmoid_forward", "sigmoid_backward", "logistic_forward",
           "logistic_backward", "bce_cost", "sigmoid_bce_loss", "gd_update", "predict_binary",
           "tanh_forward", "tanh_backward", "relu_forward", "relu_backward",
           "leaky_relu_forward", "leaky_relu_backward", "softplus", "softmax",
           "softmax_cross_entropy", "one_hot", "linear_forward", "linear_backward",
           "activation_forward", "activation_backward", "linear_activation_forward",
           "linear_activation_backward", "init_zeros", "init_he", "init_xavier",
           "model_forward", "model_backward", "l2_penalty", "dropout_forward",
           "dropout_backward", "momentum_update", "rmsprop_update", "adam_update",
           "batchnorm_forward", "batchnorm_backward", "causal_mask", "attention_forward",
           "attention_backward", "split_heads", "combine_heads", "layernorm_forward",
           "layernorm_backward", "positional_encoding", "sequence_cross_entropy"]

CLIP = 1e-12   # probabilities are clipped to [CLIP, 1 - CLIP] before a log


def sigmoid(z):
    """sigma(z) = 1 / (1 + e^-z) for any array, without overflow for large |z|.

    With e = exp(-|z|) <= 1: sigma(z) = 1 / (1 + e) for z >= 0 and e / (1 + e) for z < 0, so
    no large number is ever exponentiated and tiny probabilities keep their precision.
    """
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0, e) / (1.0 + e)


def sigmoid_forward(z):
    """a = sigma(z). Returns (a, cache) with a of z's shape."""
    a = sigmoid(z)
    return a, a


def sigmoid_backward(da, cache):
    """dz = da * a (1 - a), the sigmoid's derivative written with its output."""
    a = cache
    return da * a * (1.0 - a)


def logistic_forward(w, b, X):
    """Logistic regression scores and probabilities.

    w -- (n_x, 1) weights; b -- scalar bias; X -- (n_x, m) inputs
    Returns A (1, m) = sigma(w^T X + b) and cache = X.
    """
    A = sigmoid(w.T @ X + b)
    return A, X


def bce_cost(A, Y):
    """Binary cross-entropy J = -(1/m) sum(Y log A + (1 - Y) log(1 - A)), natural logs.

    A, Y -- (1, m). A is clipped to [CLIP, 1 - CLIP] first (never log(A + eps): that biases
    the cost). Returns a Python float.
    """
    m = Y.shape[1]
    A = np.clip(A, CLIP, 1 - CLIP)
    return float(-np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / m)


def sigmoid_bce_loss(A, Y):
    """Cost and dZ for a sigmoid output with cross-entropy: the 'magic' dZ = (A - Y) / m
    already carries the 1/m of the average. Returns (cost, dZ) with dZ (1, m)."""
    return bce_cost(A, Y), (A - Y) / Y.shape[1]


def logistic_backward(dZ, cache):
    """Gradients of the weights and bias from dZ (1, m), the gradient of the cost w.r.t.
    the scores (from sigmoid_bce_loss, so the 1/m is already in it).

    Returns dw (n_x, 1) = X dZ^T and db (float) = sum(dZ).
    """
    X = cache
    return X @ dZ.T, float(np.sum(dZ))


def gd_update(params, grads, learning_rate):
    """One gradient-descent step on a dict of parameters; grads are keyed 'd' + name.
    Returns a new dict (the inputs are not changed)."""
    return {k: v - learning_rate * grads["d" + k] for k, v in params.items()}


def predict_binary(A, threshold=0.5):
    """Labels (1, m) of 0.0/1.0: 1 where the probability A is above ``threshold``."""
    return (A > threshold).astype(np.float64)


# --- activations (chapter 7): forward -> (A, cache), backward(dA, cache) -> dZ ---------------

def tanh_forward(Z):
    """A = tanh(Z). Returns (A, cache) with A of Z's shape."""
    A = np.tanh(Z)
    return A, A


def tanh_backward(dA, cache):
    """dZ = dA * (1 - A^2)."""
    A = cache
    return dA * (1.0 - A ** 2)


def relu_forward(Z):
    """A = max(0, Z). Returns (A, cache)."""
    return np.maximum(0.0, Z), Z


def relu_backward(dA, cache):
    """dZ = dA where Z > 0, else 0 (the derivative at exactly 0 is taken as 0)."""
    Z = cache
    return dA * (Z > 0)


def leaky_relu_forward(Z, slope=0.01):
    """A = Z for Z > 0, slope * Z otherwise. Returns (A, cache)."""
    return np.where(Z > 0, Z, slope * Z), (Z, slope)


def leaky_relu_backward(dA, cache):
    """dZ = dA for Z > 0, slope * dA otherwise."""
    Z, slope = cache
    return dA * np.where(Z > 0, 1.0, slope)


def softplus(Z):
    """log(1 + e^Z) without overflow (np.logaddexp(0, Z)); its derivative is sigmoid(Z)."""
    return np.logaddexp(0.0, Z)


_ACTIVATIONS = {
    "sigmoid": (sigmoid_forward, sigmoid_backward),
    "tanh": (tanh_forward, tanh_backward),
    "relu": (relu_forward, relu_backward),
    "leaky_relu": (leaky_relu_forward, leaky_relu_backward),
    "linear": (lambda Z: (Z, None), lambda dA, cache: dA),
}


def activation_forward(Z, kind):
    """A = g(Z) for kind in 'sigmoid', 'tanh', 'relu', 'leaky_relu', 'linear'. -> (A, cache)"""
    return _ACTIVATIONS[kind][0](Z)


def activation_backward(dA, cache, kind):
    """dZ = dA * g'(Z) for the same kinds as activation_forward."""
    return _ACTIVATIONS[kind][1](dA, cache)


# --- softmax (chapters 5, 7, 8) --------------------------------------------------------------

def softmax(Z, axis=0):
    """Softmax along ``axis``: exp(z - max z) / sum(exp(z - max z)).

    The default axis 0 normalises each column of scores Z (C, m); attention uses axis=-1 (over
    the keys of each query row). Subtracting each slice's own maximum (not the global one) keeps
    every exponent <= 0; a slice that is all -inf (every key masked) would give 0/0, so masks
    must leave each query at least one key.
    """
    E = np.exp(Z - np.max(Z, axis=axis, keepdims=True))
    return E / np.sum(E, axis=axis, keepdims=True)


def one_hot(y, C):
    """(1, m) integer labels -> (C, m) one-hot float matrix."""
    y = np.asarray(y).reshape(-1)
    Y = np.zeros((C, y.size))
    Y[y, np.arange(y.size)] = 1.0
    return Y


def softmax_cross_entropy(Z, Y):
    """Softmax + cross-entropy on scores Z (C, m) and one-hot labels Y (C, m).

    Returns (cost, dZ): cost = -(1/m) sum(Y log softmax(Z)) (a float, computed from
    log-softmax so it never takes log 0) and dZ = (softmax(Z) - Y) / m.
    """
    m = Z.shape[1]
    shifted = Z - np.max(Z, axis=0, keepdims=True)
    log_p = shifted - np.log(np.sum(np.exp(shifted), axis=0, keepdims=True))
    return float(-np.sum(Y * log_p) / m), (np.exp(log_p) - Y) / m


def sequence_cross_entropy(logits, targets):
    """softmax_cross_entropy for the row layout of chapters 49-51: logits (..., C), one row of
    class scores per position, and integer targets (...). The same loss as chapter 8's, averaged
    over every position: cost = -(1/n) sum log softmax(logits)[target], n = targets.size, and
    dlogits = (softmax(logits) - one_hot(targets)) / n in the logits' dtype.
    Returns (cost, dlogits)."""
    shifted = logits - logits.max(axis=-1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    n = targets.size
    picked = np.take_along_axis(log_p, targets[..., None], axis=-1)
    onehot = np.eye(logits.shape[-1], dtype=logits.dtype)[targets]
    return float(-picked.sum() / n), (np.exp(log_p) - onehot) / n


# --- layers (chapter 9) ----------------------------------------------------------------------

def linear_forward(A_prev, W, b):
    """Z = W A_prev + b. A_prev (n[l-1], m), W (n[l], n[l-1]), b (n[l], 1) -> Z (n[l], m).
    Returns (Z, cache) with cache = (A_prev, W, b)."""
    return W @ A_prev + b, (A_prev, W, b)


def linear_backward(dZ, cache):
    """From dZ (n[l], m): dA_prev = W^T dZ, dW = dZ A_prev^T, db = sum of dZ over examples.

    dZ already carries the 1/m of the cost's average (as softmax_cross_entropy's and
    sigmoid_bce_loss's do), so no 1/m appears here. Returns (dA_prev, dW, db)."""
    A_prev, W, _ = cache
    return W.T @ dZ, dZ @ A_prev.T, np.sum(dZ, axis=1, keepdims=True)


def linear_activation_forward(A_prev, W, b, kind):
    """A = g(W A_prev + b). Returns (A, cache) with cache = (linear cache, activation cache)."""
    Z, linear_cache = linear_forward(A_prev, W, b)
    A, activation_cache = activation_forward(Z, kind)
    return A, (linear_cache, activation_cache)


def linear_activation_backward(dA, cache, kind):
    """Backward through g and the linear step. Returns (dA_prev, dW, db)."""
    linear_cache, activation_cache = cache
    return linear_backward(activation_backward(dA, activation_cache, kind), linear_cache)


# --- initialisation (chapter 10) -------------------------------------------------------------

def init_zeros(layer_dims):
    """{'W1': zeros (n1, n0), 'b1': zeros (n1, 1), ...}: every unit of a layer stays identical."""
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


def init_he(layer_dims, rng=0):
    """He initialisation for ReLU layers: W[l] ~ N(0, 2 / n[l-1]), b[l] = 0.
    rng is a numpy Generator or a seed."""
    return _init_scaled(layer_dims, rng, 2.0)


def init_xavier(layer_dims, rng=0):
    """Xavier initialisation for tanh/sigmoid layers: W[l] ~ N(0, 1 / n[l-1]), b[l] = 0."""
    return _init_scaled(layer_dims, rng, 1.0)


# --- an L-layer network (chapter 9) ----------------------------------------------------------

def model_forward(X, params, hidden="relu", output="sigmoid"):
    """[LINEAR -> hidden] x (L - 1) -> LINEAR -> output, for params {'W1', 'b1', ..., 'WL', 'bL'}.

    Returns (AL, caches) with one linear_activation cache per layer. With output='linear'
    AL holds the scores (for softmax_cross_entropy)."""
    L = len(params) // 2
    A, caches = X, []
    for l in range(1, L + 1):
        A, cache = linear_activation_forward(A, params[f"W{l}"], params[f"b{l}"],
                                             hidden if l < L else output)
        caches.append(cache)
    return A, caches


def model_backward(dAL, caches, hidden="relu", output="sigmoid"):
    """Gradients {'dW1', 'db1', ...} from dAL, the gradient of the cost w.r.t. the last
    layer's output (for output='linear', pass dZ from softmax_cross_entropy)."""
    grads = {}
    L = len(caches)
    dA = dAL
    for l in range(L, 0, -1):
        dA, grads[f"dW{l}"], grads[f"db{l}"] = linear_activation_backward(
            dA, caches[l - 1], hidden if l < L else output)
    return grads


# --- regularisation (chapters 13-14) -----------------------------------------------------------

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


# --- optimisers (chapters 17-18): eps OUTSIDE the square root, as in the original papers -------

def momentum_update(w, dw, v, learning_rate, beta=0.9):
    """v = beta v + (1 - beta) dw; w = w - lr v. Returns (w, v), new arrays."""
    v = beta * v + (1 - beta) * dw
    return w - learning_rate * v, v


def rmsprop_update(w, dw, s, learning_rate, beta=0.999, eps=1e-8):
    """s = beta s + (1 - beta) dw^2; w = w - lr dw / (sqrt(s) + eps). Returns (w, s)."""
    s = beta * s + (1 - beta) * dw ** 2
    return w - learning_rate * dw / (np.sqrt(s) + eps), s


def adam_update(w, dw, v, s, t, learning_rate, beta1=0.9, beta2=0.999, eps=1e-8):
    """Adam step t (1-based): bias-corrected first and second moments,
    w = w - lr v_hat / (sqrt(s_hat) + eps). Returns (w, v, s)."""
    v = beta1 * v + (1 - beta1) * dw
    s = beta2 * s + (1 - beta2) * dw ** 2
    v_hat = v / (1 - beta1 ** t)
    s_hat = s / (1 - beta2 ** t)
    return w - learning_rate * v_hat / (np.sqrt(s_hat) + eps), v, s


# --- batch normalisation (chapter 21) -------------------------------------------------------------

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


# --- attention (chapter 50) -----------------------------------------------------------------------

def causal_mask(T):
    """(T, T) boolean mask, True where query t may attend to key s, i.e. s <= t (lower triangle).

    The blocked positions (the future) are the strict upper triangle."""
    return np.tril(np.ones((T, T), dtype=bool))


def attention_forward(Q, K, V, mask=None):
    """Scaled dot-product attention: softmax(Q K^T / sqrt(d_k)) V, softmax over the keys.

    Q (..., T_q, d_k), K (..., T_k, d_k), V (..., T_k, d_v); mask -- boolean, broadcastable to
    (..., T_q, T_k), True where attention is allowed. Masked scores become -inf, so their weights
    are exactly 0 (the notes' listing accepts a mask and never applies it).
    Returns out (..., T_q, d_v) and cache = (Q, K, V, weights).
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
    gradient reaches a masked score."""
    Q, K, V, A = cache
    scale = 1.0 / float(np.sqrt(Q.shape[-1]))     # a Python float keeps float32 inputs float32
    dV = np.matmul(np.swapaxes(A, -1, -2), dout)
    dA = np.matmul(dout, np.swapaxes(V, -1, -2))
    dS = A * (dA - np.sum(dA * A, axis=-1, keepdims=True)) * scale
    return np.matmul(dS, K), np.matmul(np.swapaxes(dS, -1, -2), Q), dV


def split_heads(X, n_heads):
    """(..., T, d_model) -> (..., n_heads, T, d_model / n_heads): head h gets columns
    h*d_head ... (h+1)*d_head - 1."""
    *lead, T, d = X.shape
    if d % n_heads:
        raise ValueError(f"d_model = {d} is not divisible by n_heads = {n_heads}")
    return np.swapaxes(X.reshape(*lead, T, n_heads, d // n_heads), -2, -3)


def combine_heads(X):
    """Inverse of split_heads: (..., n_heads, T, d_head) -> (..., T, n_heads * d_head)."""
    *lead, h, T, d_head = X.shape
    return np.swapaxes(X, -2, -3).reshape(*lead, T, h * d_head)


# --- layer normalisation and positions (chapter 51) ---------------------------------------------

def layernorm_forward(x, gamma, beta, eps=1e-5):
    """Normalise each token (last axis of x, (..., d)) to mean 0 and variance 1, then scale and
    shift: gamma * (x - mu) / sqrt(var + eps) + beta, gamma and beta of shape (d,).

    Unlike batch norm the statistics are per token, so training and inference agree and the
    batch size does not matter. Returns (out, cache)."""
    mu = x.mean(axis=-1, keepdims=True)
    inv_std = 1.0 / np.sqrt(x.var(axis=-1, keepdims=True) + eps)
    x_hat = (x - mu) * inv_std
    return gamma * x_hat + beta, (x_hat, gamma, inv_std)


def layernorm_backward(dout, cache):
    """Gradients of layernorm_forward: batch norm's compact formula along the last axis,
    dx = (inv_std / d) (d dx_hat - sum(dx_hat) - x_hat sum(dx_hat x_hat)), dx_hat = dout gamma;
    dgamma and dbeta sum over every axis but the last. Returns (dx, dgamma, dbeta)."""
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
    PE[pos + k] is a rotation of PE[pos] that depends only on k."""
    pos = np.arange(T)[:, None]
    angle = pos / 10000.0 ** (np.arange(0, d_model, 2) / d_model)
    pe = np.zeros((T, d_model))
    pe[:, 0::2] = np.sin(angle)
    pe[:, 1::2] = np.cos(angle[:, : d_model // 2])
    return pe
