"""Recurrent cells and their sequences: the plain RNN, the GRU and the LSTM, forward and backward.

Layout (chapters 39-51): rows, batch first. A sequence is ``x (m, T, n_x)``, one row per example
and time step; hidden states are ``(m, T, n_a)``; one step's input is ``x_t (m, n_x)`` and its
state ``(m, n_a)``. Weights multiply from the right, as ``X @ W + b`` elsewhere in the rows
layout: ``Wax (n_x, n_a)``, ``Waa (n_a, n_a)``, ``ba (n_a,)``. The lecture notes (and Coursera's
notebooks) write the transposed column form, ``a = tanh(Waa a_prev + Wax x + ba)`` with
``Wax (n_a, n_x)``; transposing every array gives the same numbers.

The gated cells take the notes' concatenation, in the order the notes write it: a gate's weights
``W (n_a + n_a_x, n_a)`` multiply ``[c_prev, x_t]`` (GRU) or ``[a_prev, x_t]`` (LSTM), joined along
the feature axis, so the first ``n_a`` rows of W see the state and the rest the input.

- GRU (the notes' and Cho et al.'s convention): update gate ``gu = sigmoid([c_prev, x] Wu + bu)``,
  relevance (reset) gate ``gr = sigmoid([c_prev, x] Wr + br)``, candidate
  ``c_tilde = tanh([gr * c_prev, x] Wc + bc)`` (the reset applied BEFORE the product), and
  ``c = gu * c_tilde + (1 - gu) * c_prev``. PyTorch's ``nn.GRU`` applies the reset after the
  product and writes ``h = (1 - z) n + z h_prev``: it is a different cell, not a reference.
- LSTM: forget, update (input) and output gates ``gf, gu, go = sigmoid([a_prev, x] W + b)``,
  candidate ``c_tilde = tanh([a_prev, x] Wc + bc)``, ``c = gf * c_prev + gu * c_tilde``,
  ``a = go * tanh(c)``. Parameters ``Wf, bf, Wu, bu, Wo, bo, Wc, bc`` (Coursera calls the update
  gate ``Wi``; PyTorch stacks its gates in the order i, f, g, o).

Caches: a cell's cache is a tuple of its inputs, gates and params (below); a sequence's cache is
the list of its cells' caches, one per time step. The sequence backward passes take ``da`` (or
``dc``), the loss's gradient with respect to every hidden state ``(m, T, n_a)``, and add the
gradient flowing back from the next step themselves. The output layer (``softmax(a @ Wya + by)``)
is not part of a cell: apply it to the states.
"""
import numpy as np

from .dense import sigmoid

__all__ = ["rnn_cell_forward", "rnn_cell_backward", "rnn_forward", "rnn_backward",
           "gru_cell_forward", "gru_cell_backward", "gru_forward", "gru_backward",
           "lstm_cell_forward", "lstm_cell_backward", "lstm_forward", "lstm_backward"]


# --- the plain RNN ----------------------------------------------------------------------------

def rnn_cell_forward(x_t, a_prev, params):
    """One step: a_next = tanh(x_t @ Wax + a_prev @ Waa + ba).

    x_t (m, n_x), a_prev (m, n_a), params with "Wax" (n_x, n_a), "Waa" (n_a, n_a), "ba" (n_a,)
    (other keys, such as an output layer's, are ignored). Returns (a_next (m, n_a), cache) with
    cache = (x_t, a_prev, a_next, params). Taught in chapter 39.
    """
    a_next = np.tanh(x_t @ params["Wax"] + a_prev @ params["Waa"] + params["ba"])
    return a_next, (x_t, a_prev, a_next, params)


def rnn_cell_backward(da_next, cache):
    """Gradients of one step: da_next (m, n_a) -> (dx_t, da_prev, grads), grads with "dWax",
    "dWaa", "dba" shaped like the parameters. Taught in chapter 39."""
    x_t, a_prev, a_next, params = cache
    dz = da_next * (1 - a_next ** 2)
    grads = {"dWax": x_t.T @ dz, "dWaa": a_prev.T @ dz, "dba": dz.sum(axis=0)}
    return dz @ params["Wax"].T, dz @ params["Waa"].T, grads


def rnn_forward(x, a0, params):
    """The RNN over a sequence: x (m, T, n_x), a0 (m, n_a) -> (a (m, T, n_a), caches), the same
    weights at every step; caches is the list of the T cells' caches. Taught in chapter 39."""
    m, T, _ = x.shape
    xw = x @ params["Wax"]                         # every step's input term in one product
    xw += params["ba"]
    a = np.empty((m, T, params["Waa"].shape[0]))
    caches, a_prev = [], a0
    for t in range(T):
        a[:, t] = np.tanh(xw[:, t] + a_prev @ params["Waa"])
        caches.append((x[:, t], a_prev, a[:, t], params))
        a_prev = a[:, t]
    return a, caches


def rnn_backward(da, caches):
    """Backpropagation through time: da (m, T, n_a), the loss's gradient with respect to each
    hidden state -> (dx (m, T, n_x), da0 (m, n_a), grads summed over the steps).
    Taught in chapter 39."""
    params = caches[0][3]
    m, T, _ = da.shape
    dz = np.empty_like(da)
    da_next = np.zeros_like(da[:, 0])
    for t in range(T - 1, -1, -1):
        dz[:, t] = (da[:, t] + da_next) * (1 - caches[t][2] ** 2)
        da_next = dz[:, t] @ params["Waa"].T
    x = np.stack([c[0] for c in caches], axis=1)
    a_prev = np.stack([c[1] for c in caches], axis=1)
    dz2 = dz.reshape(m * T, -1)
    grads = {"dWax": x.reshape(m * T, -1).T @ dz2, "dWaa": a_prev.reshape(m * T, -1).T @ dz2,
             "dba": dz2.sum(axis=0)}
    return dz @ params["Wax"].T, da_next, grads


# --- the GRU ----------------------------------------------------------------------------------

def gru_cell_forward(x_t, c_prev, params):
    """One GRU step (the notes' convention, reset before the product; see the module's docstring).

    x_t (m, n_x), c_prev (m, n_a), params "Wu", "Wr", "Wc" (n_a + n_x, n_a) and "bu", "br", "bc"
    (n_a,). Returns (c_next (m, n_a), cache) with cache = (x_t, c_prev, gamma_u, gamma_r,
    c_tilde, params). Taught in chapter 41.
    """
    concat = np.concatenate([c_prev, x_t], axis=1)
    gamma_u = sigmoid(concat @ params["Wu"] + params["bu"])
    gamma_r = sigmoid(concat @ params["Wr"] + params["br"])
    c_tilde = np.tanh(np.concatenate([gamma_r * c_prev, x_t], axis=1) @ params["Wc"] +
                      params["bc"])
    c_next = gamma_u * c_tilde + (1 - gamma_u) * c_prev
    return c_next, (x_t, c_prev, gamma_u, gamma_r, c_tilde, params)


def gru_cell_backward(dc_next, cache):
    """Gradients of one GRU step: dc_next (m, n_a) -> (dx_t, dc_prev, grads) with "dWu", "dbu",
    "dWr", "dbr", "dWc", "dbc". Taught in chapter 41."""
    x_t, c_prev, gamma_u, gamma_r, c_tilde, params = cache
    n_a = c_prev.shape[1]
    dz_c = dc_next * gamma_u * (1 - c_tilde ** 2)
    dz_u = dc_next * (c_tilde - c_prev) * gamma_u * (1 - gamma_u)
    d_reset_in = dz_c @ params["Wc"].T                   # gradient of [gamma_r * c_prev, x_t]
    dz_r = d_reset_in[:, :n_a] * c_prev * gamma_r * (1 - gamma_r)
    d_concat = dz_u @ params["Wu"].T + dz_r @ params["Wr"].T
    dc_prev = dc_next * (1 - gamma_u) + d_reset_in[:, :n_a] * gamma_r + d_concat[:, :n_a]
    dx_t = d_reset_in[:, n_a:] + d_concat[:, n_a:]
    concat = np.concatenate([c_prev, x_t], axis=1)
    grads = {"dWu": concat.T @ dz_u, "dbu": dz_u.sum(axis=0),
             "dWr": concat.T @ dz_r, "dbr": dz_r.sum(axis=0),
             "dWc": np.concatenate([gamma_r * c_prev, x_t], axis=1).T @ dz_c,
             "dbc": dz_c.sum(axis=0)}
    return dx_t, dc_prev, grads


def gru_forward(x, c0, params):
    """The GRU over a sequence: x (m, T, n_x), c0 (m, n_a) -> (c (m, T, n_a), caches).
    Taught in chapter 41."""
    m, T, _ = x.shape
    c = np.empty((m, T, c0.shape[1]))
    caches, c_prev = [], c0
    for t in range(T):
        c[:, t], cache = gru_cell_forward(x[:, t], c_prev, params)
        caches.append(cache)
        c_prev = c[:, t]
    return c, caches


def gru_backward(dc, caches):
    """Backpropagation through time for the GRU: dc (m, T, n_a) -> (dx, dc0, grads).
    Taught in chapter 41."""
    return _sequence_backward(gru_cell_backward, dc, caches)


def _sequence_backward(cell_backward, da, caches):
    """Backpropagation through time for a cell with one state: each step gets the loss's
    gradient at its state plus what the next step sends back; parameter gradients add up."""
    m, T, _ = da.shape
    dx, grads, d_next = None, None, np.zeros_like(da[:, 0])
    for t in range(T - 1, -1, -1):
        dx_t, d_next, g = cell_backward(da[:, t] + d_next, caches[t])
        if dx is None:
            dx, grads = np.empty((m, T, dx_t.shape[1])), {k: v.copy() for k, v in g.items()}
        else:
            for k in grads:
                grads[k] += g[k]
        dx[:, t] = dx_t
    return dx, d_next, grads


# --- the LSTM ---------------------------------------------------------------------------------

_GATES = ("f", "u", "o", "c")          # forget, update (input), output, candidate


def lstm_cell_forward(x_t, a_prev, c_prev, params):
    """One LSTM step (see the module's docstring).

    x_t (m, n_x), a_prev and c_prev (m, n_a), params "Wf", "Wu", "Wo", "Wc" (n_a + n_x, n_a) and
    "bf", "bu", "bo", "bc" (n_a,). Returns (a_next, c_next, cache) with cache = (x_t, a_prev,
    c_prev, gamma_f, gamma_u, gamma_o, c_tilde, c_next, params). Taught in chapter 42.
    """
    concat = np.concatenate([a_prev, x_t], axis=1)
    gamma_f = sigmoid(concat @ params["Wf"] + params["bf"])
    gamma_u = sigmoid(concat @ params["Wu"] + params["bu"])
    gamma_o = sigmoid(concat @ params["Wo"] + params["bo"])
    c_tilde = np.tanh(concat @ params["Wc"] + params["bc"])
    c_next = gamma_f * c_prev + gamma_u * c_tilde
    a_next = gamma_o * np.tanh(c_next)
    return a_next, c_next, (x_t, a_prev, c_prev, gamma_f, gamma_u, gamma_o, c_tilde, c_next,
                            params)


def _lstm_gate_grads(da_next, dc_next, gamma_f, gamma_u, gamma_o, c_tilde, c_prev, c_next):
    """(dz_f, dz_u, dz_o, dz_c), the gradients of the four pre-activations, and dc_prev."""
    tanh_c = np.tanh(c_next)
    dc = dc_next + da_next * gamma_o * (1 - tanh_c ** 2)
    dz = (dc * c_prev * gamma_f * (1 - gamma_f), dc * c_tilde * gamma_u * (1 - gamma_u),
          da_next * tanh_c * gamma_o * (1 - gamma_o), dc * gamma_u * (1 - c_tilde ** 2))
    return dz, dc * gamma_f


def lstm_cell_backward(da_next, dc_next, cache):
    """Gradients of one LSTM step: da_next, dc_next (m, n_a) -> (dx_t, da_prev, dc_prev, grads)
    with "dWf", "dbf", "dWu", "dbu", "dWo", "dbo", "dWc", "dbc". The direct path gives
    dc_prev = dc * gamma_f: the forget gate, not 1, scales the memory's gradient.
    Taught in chapter 42.
    """
    x_t, a_prev, c_prev, gamma_f, gamma_u, gamma_o, c_tilde, c_next, params = cache
    n_a = a_prev.shape[1]
    dz, dc_prev = _lstm_gate_grads(da_next, dc_next, gamma_f, gamma_u, gamma_o, c_tilde, c_prev,
                                   c_next)
    concat = np.concatenate([a_prev, x_t], axis=1)
    d_concat = sum(d @ params[f"W{g}"].T for d, g in zip(dz, _GATES))
    grads = {}
    for d, g in zip(dz, _GATES):
        grads[f"dW{g}"], grads[f"db{g}"] = concat.T @ d, d.sum(axis=0)
    return d_concat[:, n_a:], d_concat[:, :n_a], dc_prev, grads


def _stacked(params, n_a):
    """The four gates' weights side by side (n_a + n_x, 4 n_a), split into the state rows and the
    input rows, and the biases (4 n_a,): one product per step instead of four."""
    W = np.concatenate([params[f"W{g}"] for g in _GATES], axis=1)
    return W[:n_a], W[n_a:], np.concatenate([params[f"b{g}"] for g in _GATES])


def lstm_forward(x, a0, params):
    """The LSTM over a sequence, starting from a0 (m, n_a) and a zero memory:
    x (m, T, n_x) -> (a (m, T, n_a), c (m, T, n_a), caches), caches the T cells' caches.

    The same arithmetic as T calls of ``lstm_cell_forward``, arranged as PyTorch arranges it: the
    input's share of all four gates for all steps is one matrix product before the loop, each
    step adds one product of the state with the four gates' weights side by side, and every
    step works in place on contiguous time-major buffers. The sigmoid is computed as
    (1 + tanh(z / 2)) / 2, the same function in one stable operation (no exp to overflow).
    Taught in chapter 42.
    """
    m, T, n_x = x.shape
    n_a = a0.shape[1]
    Wa, Wx, b = _stacked(params, n_a)
    xw = x.transpose(1, 0, 2).reshape(T * m, n_x) @ Wx
    xw += b                      # in place: a second array this size costs more than the sum
    xw = xw.reshape(T, m, 4 * n_a)
    gates, c, a = np.empty((T, m, 4 * n_a)), np.empty((T, m, n_a)), np.empty((T, m, n_a))
    caches, a_prev, c_prev = [], a0, np.zeros_like(a0)
    for t in range(T):
        z = gates[t]
        np.matmul(a_prev, Wa, out=z)
        z += xw[t]
        s = z[:, :3 * n_a]
        s *= 0.5
        np.tanh(s, out=s)
        s *= 0.5
        s += 0.5
        np.tanh(z[:, 3 * n_a:], out=z[:, 3 * n_a:])
        gf, gu, go, ct = z[:, :n_a], z[:, n_a:2 * n_a], z[:, 2 * n_a:3 * n_a], z[:, 3 * n_a:]
        np.multiply(gf, c_prev, out=c[t])
        c[t] += gu * ct
        np.tanh(c[t], out=a[t])
        a[t] *= go
        caches.append((x[:, t], a_prev, c_prev, gf, gu, go, ct, c[t], params))
        a_prev, c_prev = a[t], c[t]
    return a.transpose(1, 0, 2), c.transpose(1, 0, 2), caches


def lstm_backward(da, caches):
    """Backpropagation through time for the LSTM: da (m, T, n_a), the loss's gradient with
    respect to each hidden state a<t> -> (dx (m, T, n_x), da0 (m, n_a), grads summed over the
    steps). The memory c carries its own gradient back, scaled by each step's forget gate.

    Only the state's product runs step by step; the weight gradients and dx are one product each
    over all steps at the end. Taught in chapter 42.
    """
    params = caches[0][-1]
    m, T, n_a = da.shape
    Wa, Wx, _ = _stacked(params, n_a)
    dz_all = np.empty((m, T, 4 * n_a))
    da_next, dc_next = np.zeros((m, n_a)), np.zeros((m, n_a))
    for t in range(T - 1, -1, -1):
        _, _, c_prev, gf, gu, go, ct, c_next, _ = caches[t]
        dz, dc_next = _lstm_gate_grads(da[:, t] + da_next, dc_next, gf, gu, go, ct, c_prev,
                                       c_next)
        for k in range(4):
            dz_all[:, t, k * n_a:(k + 1) * n_a] = dz[k]
        da_next = dz_all[:, t] @ Wa.T
    x = np.stack([cache[0] for cache in caches], axis=1)
    a_prev = np.stack([cache[1] for cache in caches], axis=1)
    dz2 = dz_all.reshape(m * T, 4 * n_a)
    dW = np.concatenate([a_prev.reshape(m * T, n_a), x.reshape(m * T, -1)], axis=1).T @ dz2
    db = dz2.sum(axis=0)
    grads = {}
    for k, g in enumerate(_GATES):
        grads[f"dW{g}"] = dW[:, k * n_a:(k + 1) * n_a]
        grads[f"db{g}"] = db[k * n_a:(k + 1) * n_a]
    return (dz2 @ Wx.T).reshape(m, T, -1), da_next, grads
