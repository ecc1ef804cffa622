"""course.nn.rnn (chapters 39-42): the published Coursera and CS231n values in the batch-first
layout, numerical gradients of every cell and sequence, and the cells' limits (a gate shut or
open)."""
import numpy as np
import pytest

from course import nn
from course.testing import check_backward


def dls_rnn_params():
    """DLS's draw order after the inputs: Waa, Wax, Wya, ba, by (columns) -> our rows."""
    Waa, Wax, Wya = np.random.randn(5, 5), np.random.randn(5, 3), np.random.randn(2, 5)
    ba, by = np.random.randn(5, 1), np.random.randn(2, 1)
    return {"Wax": Wax.T, "Waa": Waa.T, "ba": ba[:, 0]}, (Wya.T, by[:, 0])


def dls_lstm_params():
    """DLS's order Wf, bf, Wi, bi, Wo, bo, Wc, bc, Wy, by, W (n_a, n_a + n_x) on [a_prev; x]."""
    p = {}
    for g in ("f", "u", "o", "c"):                   # DLS's Wi is the update gate Wu
        p[f"W{g}"], p[f"b{g}"] = np.random.randn(5, 5 + 3).T, np.random.randn(5, 1)[:, 0]
    Wy, by = np.random.randn(2, 5), np.random.randn(2, 1)
    return p, (Wy.T, by[:, 0])


def head(a, Wy, by):
    return nn.softmax(a @ Wy + by, axis=-1)


def test_rnn_reproduces_the_dls_cell_and_sequence_values():
    np.random.seed(1)
    xt, a_prev = np.random.randn(3, 10), np.random.randn(5, 10)
    params, (Wy, by) = dls_rnn_params()
    a_next, cache = nn.rnn_cell_forward(xt.T, a_prev.T, params)
    np.testing.assert_allclose(a_next[:, 4], [0.59584544, 0.18141802, 0.61311866, 0.99808218,
                                              0.85016201, 0.99980978, -0.18887155, 0.99815551,
                                              0.6531151, 0.82872037], atol=1e-8)
    np.testing.assert_allclose(head(a_next, Wy, by)[:, 1],
                               [0.9888161, 0.01682021, 0.21140899, 0.36817467, 0.98988387,
                                0.88945212, 0.36920224, 0.9966312, 0.9982559, 0.17746526],
                               atol=1e-8)
    dxt, da_prev, g = nn.rnn_cell_backward(np.random.randn(5, 10).T, cache)
    assert dxt[2, 1] == pytest.approx(1.3653821219712918, abs=1e-13)
    assert da_prev[3, 2] == pytest.approx(-0.04357779106461626, abs=1e-13)
    assert g["dWax"][1, 3] == pytest.approx(-1.5012584841864742, abs=1e-13)
    assert g["dWaa"][2, 1] == pytest.approx(1.1441951795389382, abs=1e-13)
    assert g["dba"][4] == pytest.approx(1.42397243, abs=1e-8)

    np.random.seed(1)
    x, a0 = np.random.randn(3, 10, 4), np.random.randn(5, 10)
    params, (Wy, by) = dls_rnn_params()
    a, caches = nn.rnn_forward(x.transpose(1, 2, 0), a0.T, params)
    np.testing.assert_allclose(a[1, :, 4], [-0.99999375, 0.77911235, -0.99861469, -0.99833267],
                               atol=1e-8)
    np.testing.assert_allclose(head(a, Wy, by)[3, :, 1],
                               [0.79560373, 0.86224861, 0.11118257, 0.81515947], atol=1e-8)
    dx, da0, g = nn.rnn_backward(np.random.randn(5, 10, 4).transpose(1, 2, 0), caches)
    np.testing.assert_allclose(dx[2, :, 1], [-0.86050481, -0.14439617, -0.02986862, 0.10659932],
                               atol=1e-8)
    assert da0[3, 2] == pytest.approx(0.005796914346531524, abs=1e-13)
    assert g["dWax"][1, 3] == pytest.approx(0.4429639879903799, abs=1e-13)
    assert g["dWaa"][2, 1] == pytest.approx(0.4418386736206452, abs=1e-13)
    assert g["dba"][4] == pytest.approx(-3.51296232, abs=1e-8)


def test_rnn_reproduces_cs231n():
    x = np.linspace(-0.4, 0.7, 30).reshape(3, 10)
    h = np.linspace(-0.2, 0.5, 12).reshape(3, 4)
    params = {"Wax": np.linspace(-0.1, 0.9, 40).reshape(10, 4),
              "Waa": np.linspace(-0.3, 0.7, 16).reshape(4, 4), "ba": np.linspace(-0.2, 0.4, 4)}
    np.testing.assert_allclose(nn.rnn_cell_forward(x, h, params)[0],
                               [[-0.58172089, -0.50182032, -0.41232771, -0.31410098],
                                [0.66854692, 0.79562378, 0.87755553, 0.92795967],
                                [0.97934501, 0.99144213, 0.99646691, 0.99854353]], atol=1e-8)
    x = np.linspace(-0.1, 0.3, 24).reshape(2, 3, 4)
    h0 = np.linspace(-0.3, 0.1, 10).reshape(2, 5)
    params = {"Wax": np.linspace(-0.2, 0.4, 20).reshape(4, 5),
              "Waa": np.linspace(-0.4, 0.1, 25).reshape(5, 5), "ba": np.linspace(-0.7, 0.1, 5)}
    np.testing.assert_allclose(nn.rnn_forward(x, h0, params)[0][0],
                               [[-0.42070749, -0.27279261, -0.11074945, 0.05740409, 0.22236251],
                                [-0.39525808, -0.22554661, -0.0409454, 0.14649412, 0.32397316],
                                [-0.42305111, -0.24223728, -0.04287027, 0.15997045, 0.35014525]],
                               atol=1e-8)


def test_lstm_reproduces_the_dls_cell_and_sequence_values():
    np.random.seed(1)
    xt, a_prev, c_prev = np.random.randn(3, 10), np.random.randn(5, 10), np.random.randn(5, 10)
    params, (Wy, by) = dls_lstm_params()
    a_next, c_next, cache = nn.lstm_cell_forward(xt.T, a_prev.T, c_prev.T, params)
    np.testing.assert_allclose(a_next[:, 4], [-0.66408471, 0.0036921, 0.02088357, 0.22834167,
                                              -0.85575339, 0.00138482, 0.76566531, 0.34631421,
                                              -0.00215674, 0.43827275], atol=1e-8)
    np.testing.assert_allclose(c_next[:, 2], [0.63267805, 1.00570849, 0.35504474, 0.20690913,
                                              -1.64566718, 0.11832942, 0.76449811, -0.0981561,
                                              -0.74348425, -0.26810932], atol=1e-8)
    np.testing.assert_allclose(head(a_next, Wy, by)[:, 1],
                               [0.79913913, 0.15986619, 0.22412122, 0.15606108, 0.97057211,
                                0.31146381, 0.00943007, 0.12666353, 0.39380172, 0.07828381],
                               atol=1e-8)
    da_next, dc_next = np.random.randn(5, 10).T, np.random.randn(5, 10).T
    dxt, da_prev, dc_prev, g = nn.lstm_cell_backward(da_next, dc_next, cache)
    assert dxt[2, 1] == pytest.approx(3.230559115109188, abs=1e-13)
    assert da_prev[3, 2] == pytest.approx(-0.06396214197109236, abs=1e-13)
    assert dc_prev[3, 2] == pytest.approx(0.7975220387970015, abs=1e-13)
    assert g["dWf"][1, 3] == pytest.approx(-0.1479548381644968, abs=1e-13)
    assert g["dWu"][2, 1] == pytest.approx(1.0574980552259903, abs=1e-13)
    assert g["dWc"][1, 3] == pytest.approx(2.304562163687667, abs=1e-13)
    assert g["dWo"][2, 1] == pytest.approx(0.33131159528921084, abs=1e-13)
    np.testing.assert_allclose([g["dbf"][4], g["dbu"][4], g["dbc"][4], g["dbo"][4]],
                               [0.18864637, -0.40142491, 0.25587763, 0.13893342], atol=1e-8)

    np.random.seed(1)
    x, a0 = np.random.randn(3, 10, 7), np.random.randn(5, 10)
    params, (Wy, by) = dls_lstm_params()
    a, c, caches = nn.lstm_forward(x.transpose(1, 2, 0), a0.T, params)
    assert a[3, 6, 4] == pytest.approx(0.17211776753291663, abs=1e-13)
    assert head(a, Wy, by)[4, 3, 1] == pytest.approx(0.9508734618501101, abs=1e-13)
    assert c[2, 1, 1] == pytest.approx(-0.8555449167181983, abs=1e-13)

    np.random.seed(1)
    x, a0 = np.random.randn(3, 10, 4), np.random.randn(5, 10)
    params, _ = dls_lstm_params()
    a, c, caches = nn.lstm_forward(x.transpose(1, 2, 0), a0.T, params)
    dx, da0, g = nn.lstm_backward(np.random.randn(5, 10, 4).transpose(1, 2, 0), caches)
    np.testing.assert_allclose(dx[2, :, 1], [0.0921088, 0.08778989, 0.26882316, -0.13815048],
                               atol=1e-8)
    assert da0[3, 2] == pytest.approx(0.11016775923614325, abs=1e-13)
    assert g["dWf"][1, 3] == pytest.approx(-0.007902791619559636, abs=1e-13)
    assert g["dWu"][2, 1] == pytest.approx(-0.0070100575138466355, abs=1e-13)
    assert g["dWc"][1, 3] == pytest.approx(-0.5988565152522395, abs=1e-13)
    assert g["dWo"][2, 1] == pytest.approx(0.0838859100306788, abs=1e-13)
    np.testing.assert_allclose([g["dbf"][4], g["dbu"][4], g["dbc"][4], g["dbo"][4]],
                               [-0.25476765, 0.22814707, -0.04286232, 0.05072136], atol=1e-8)


def cs231n_lstm_params(Wx, Wh, b, H):
    """CS231n stacks the gates i, f, o, g in its columns; ours are separate, on [h, x]."""
    blocks = {"u": 0, "f": 1, "o": 2, "c": 3}
    p = {}
    for g, k in blocks.items():
        cols = slice(k * H, (k + 1) * H)
        p[f"W{g}"] = np.concatenate([Wh[:, cols], Wx[:, cols]], axis=0)
        p[f"b{g}"] = b[cols]
    return p


def test_lstm_reproduces_cs231n():
    x = np.linspace(-0.4, 1.2, 12).reshape(3, 4)
    h = np.linspace(-0.3, 0.7, 15).reshape(3, 5)
    c = np.linspace(-0.4, 0.9, 15).reshape(3, 5)
    p = cs231n_lstm_params(np.linspace(-2.1, 1.3, 80).reshape(4, 20),
                           np.linspace(-0.7, 2.2, 100).reshape(5, 20), np.linspace(0.3, 0.7, 20), 5)
    next_h, next_c, _ = nn.lstm_cell_forward(x, h, c, p)
    np.testing.assert_allclose(next_h, [[0.24635157, 0.28610883, 0.32240467, 0.35525807,
                                         0.38474904],
                                        [0.49223563, 0.55611431, 0.61507696, 0.66844003,
                                         0.7159181],
                                        [0.56735664, 0.66310127, 0.74419266, 0.80889665,
                                         0.858299]], atol=1e-8)
    np.testing.assert_allclose(next_c[2], [0.74192008, 0.90592151, 1.07717006, 1.25120233,
                                           1.42395676], atol=1e-8)
    x = np.linspace(-0.4, 0.6, 30).reshape(2, 3, 5)
    h0 = np.linspace(-0.4, 0.8, 8).reshape(2, 4)
    p = cs231n_lstm_params(np.linspace(-0.2, 0.9, 80).reshape(5, 16),
                           np.linspace(-0.3, 0.6, 64).reshape(4, 16), np.linspace(0.2, 0.7, 16), 4)
    a, _, _ = nn.lstm_forward(x, h0, p)
    np.testing.assert_allclose(a[1], [[0.45767879, 0.4761092, 0.4936887, 0.51041945],
                                      [0.6704845, 0.69350089, 0.71486014, 0.7346449],
                                      [0.81733511, 0.83677871, 0.85403753, 0.86935314]],
                               atol=1e-8)


def random_params(kind, n_x, n_a, rng):
    if kind == "rnn":
        return {"Wax": rng.normal(0, 0.5, (n_x, n_a)), "Waa": rng.normal(0, 0.5, (n_a, n_a)),
                "ba": rng.normal(0, 0.5, n_a)}
    gates = "urc" if kind == "gru" else "fuoc"
    p = {}
    for g in gates:
        p[f"W{g}"], p[f"b{g}"] = rng.normal(0, 0.5, (n_a + n_x, n_a)), rng.normal(0, 0.5, n_a)
    return p


@pytest.mark.parametrize("kind", ["rnn", "gru", "lstm"])
@pytest.mark.parametrize("m,T", [(1, 1), (3, 4)])
def test_cells_and_sequences_pass_a_numerical_gradient_check(kind, m, T):
    rng = np.random.default_rng(m * 10 + T)
    n_x, n_a = 3, 4
    params = random_params(kind, n_x, n_a, rng)
    names = list(params)
    x, a0 = rng.normal(size=(m, T, n_x)), rng.normal(size=(m, n_a))
    cell_f, cell_b, seq_f, seq_b = (getattr(nn, f"{kind}_{part}") for part in
                                    ("cell_forward", "cell_backward", "forward", "backward"))

    def unpack(grads):
        return tuple(grads[f"d{k}"] for k in names)

    if kind == "lstm":
        c0 = rng.normal(size=(m, n_a))
        check_backward(
            lambda x_t, a_prev, c_prev, *w: _both(cell_f(x_t, a_prev, c_prev,
                                                         dict(zip(names, w)))),
            lambda d, cache: _lstm_cell_grads(cell_b, d, cache, unpack),
            [x[:, 0], a0, c0, *params.values()], rng=1)
        check_backward(lambda xs, a_init, *w: _drop_c(seq_f(xs, a_init, dict(zip(names, w)))),
                       lambda d, caches: _seq_grads(seq_b, d, caches, unpack),
                       [x, a0, *params.values()], rng=2)
    else:
        check_backward(lambda x_t, s_prev, *w: cell_f(x_t, s_prev, dict(zip(names, w))),
                       lambda d, cache: _seq_grads(cell_b, d, cache, unpack),
                       [x[:, 0], a0, *params.values()], rng=1)
        check_backward(lambda xs, s0, *w: seq_f(xs, s0, dict(zip(names, w))),
                       lambda d, caches: _seq_grads(seq_b, d, caches, unpack),
                       [x, a0, *params.values()], rng=2)


def _both(out):
    """(a_next, c_next, cache) -> one output (both states side by side) for check_backward."""
    a_next, c_next, cache = out
    return np.concatenate([a_next, c_next], axis=1), cache


def _lstm_cell_grads(cell_b, d, cache, unpack):
    n_a = d.shape[1] // 2
    dx, da, dc, grads = cell_b(d[:, :n_a], d[:, n_a:], cache)
    return (dx, da, dc, *unpack(grads))


def _drop_c(out):
    a, _, caches = out
    return a, caches


def _seq_grads(backward, d, cache, unpack):
    dx, ds, grads = backward(d, cache)
    return (dx, ds, *unpack(grads))


@pytest.mark.parametrize("kind", ["rnn", "gru", "lstm"])
def test_sequences_equal_their_cells_step_by_step(kind):
    rng = np.random.default_rng(5)
    params = random_params(kind, 3, 4, rng)
    x, s0 = rng.normal(size=(2, 6, 3)), rng.normal(size=(2, 4))
    out = getattr(nn, f"{kind}_forward")(x, s0, params)
    state, memory = s0, np.zeros_like(s0)
    for t in range(6):
        if kind == "lstm":
            state, memory, cache = nn.lstm_cell_forward(x[:, t], state, memory, params)
        else:
            state, cache = getattr(nn, f"{kind}_cell_forward")(x[:, t], state, params)
        np.testing.assert_allclose(out[0][:, t], state, atol=1e-14)
        for mine, theirs in zip(out[-1][t], cache):
            if isinstance(theirs, np.ndarray):
                np.testing.assert_allclose(mine, theirs, atol=1e-14)


def test_gates_shut_or_open_give_the_cells_limits():
    rng = np.random.default_rng(0)
    x, c_prev = rng.normal(size=(2, 3)), rng.normal(size=(2, 4))
    p = random_params("gru", 3, 4, rng)
    shut = dict(p, bu=np.full(4, -50.0))
    np.testing.assert_allclose(nn.gru_cell_forward(x, c_prev, shut)[0], c_prev, atol=1e-15)
    opened = dict(p, bu=np.full(4, 50.0))
    c_next, cache = nn.gru_cell_forward(x, c_prev, opened)
    np.testing.assert_allclose(c_next, cache[4], atol=1e-15)          # the candidate
    no_reset = dict(p, br=np.full(4, -50.0))
    _, cache = nn.gru_cell_forward(x, c_prev, no_reset)
    _, other = nn.gru_cell_forward(x, c_prev * 7, no_reset)
    np.testing.assert_allclose(cache[4], other[4], atol=1e-12)        # c_tilde ignores c_prev

    p = random_params("lstm", 3, 4, rng)
    a_prev = rng.normal(size=(2, 4))
    keep = dict(p, bf=np.full(4, 50.0), bu=np.full(4, -50.0))
    np.testing.assert_allclose(nn.lstm_cell_forward(x, a_prev, c_prev, keep)[1], c_prev,
                               atol=1e-15)
    closed = dict(p, bo=np.full(4, -50.0))
    np.testing.assert_allclose(nn.lstm_cell_forward(x, a_prev, c_prev, closed)[0], 0, atol=1e-15)
    # the memory's direct path: dc_prev / dc_next is the forget gate, not 1
    _, _, cache = nn.lstm_cell_forward(x, a_prev, c_prev, p)
    _, _, dc_prev, _ = nn.lstm_cell_backward(np.zeros((2, 4)), np.ones((2, 4)), cache)
    np.testing.assert_allclose(dc_prev, cache[3], atol=1e-15)


def test_clip_by_norm_keeps_the_direction_and_the_callers_arrays():
    grads = {"dW": np.array([[3.0, 0.0]]), "db": np.array([4.0])}        # global norm 5
    clipped = nn.clip_by_norm(grads, 1.0)
    np.testing.assert_allclose(clipped["dW"], [[0.6, 0.0]])
    np.testing.assert_allclose(clipped["db"], [0.8])
    assert grads["db"][0] == 4.0                                          # not in place
    same = nn.clip_by_norm(grads, 5.0)
    assert same["dW"].tolist() == [[3.0, 0.0]] and same["dW"] is not grads["dW"]
    zero = nn.clip_by_norm({"d": np.zeros(3)}, 1.0)
    assert zero["d"].tolist() == [0, 0, 0]


def test_sequence_generators():
    from course import data
    names = data.make_names(3000, seed=1)
    assert all(n.isalpha() and n.islower() and 6 <= len(n) <= 23 for n in names)
    assert names == data.make_names(3000, seed=1) and names != data.make_names(3000, seed=2)
    X, y = data.make_recall_task(50, T=7, vocab=3, seed=0)
    assert X.shape == (50, 7) and (y == X[:, 0]).all()
    X, y = data.make_recall_task(50, T=7, delay=2, seed=0)
    assert (y == X[:, 4]).all()
    X, y = data.make_count_task(200, T=9, seed=0)
    diff = (X == 1).sum(axis=1) - (X == 2).sum(axis=1)
    assert X.shape == (200, 9) and (diff != 0).all() and (y == (diff > 0)).all()
    x, y = data.make_adding_problem(100, T=10, seed=0)
    assert x.shape == (100, 10, 2) and (x[:, :5, 1].sum(axis=1) == 1).all()
    assert (x[:, 5:, 1].sum(axis=1) == 1).all()
    np.testing.assert_allclose(y, (x[:, :, 0] * x[:, :, 1]).sum(axis=1))
