"""course.data, course.nn, course.widgets, course.instructor.authoring and the command line."""
import subprocess
import sys

import nbformat
import numpy as np
import pytest

from conftest import CHAPTERS
from course import data, nn, testing, widgets
from course.instructor.authoring import notebook_to_text, text_to_notebook
from nbtools import ROOT


@pytest.mark.parametrize("make, n_x", [(data.make_exam_pass, 2), (data.make_admissions, 3),
                                       (data.make_moons, 2), (data.make_planar_flower, 2)])
def test_binary_sets(make, n_x):
    X, Y = make(m=120, seed=3)
    assert X.shape == (n_x, 120) and Y.shape == (1, 120) and X.dtype == np.float64
    assert set(np.unique(Y)) == {0.0, 1.0}
    X2, Y2 = make(m=120, seed=3)
    assert np.array_equal(X, X2) and np.array_equal(Y, Y2)
    assert not np.array_equal(X, make(m=120, seed=4)[0])


def test_glyph_digits():
    X, y = data.make_glyph_digits(m=200, size=12, seed=1)
    assert X.shape == (144, 200) and y.shape == (1, 200) and 0 <= X.min() and X.max() <= 1
    assert set(np.unique(y)) == set(range(10))
    clean = np.stack([data.glyph(d).ravel() for d in range(10)])
    assert len({row.tobytes() for row in clean}) == 10   # every digit looks different
    # Rows are pixel rows (row-major flattening, as in seed 002): the top bar of a 5.
    five = data.glyph(5, 12)
    assert five[1, 3:9].all() and not five[1, :3].any()
    noiseless, labels = data.make_glyph_digits(m=30, noise=0.0, jitter=0, seed=2)
    for i in range(30):
        assert np.array_equal(noiseless[:, i] > 0, data.glyph(labels[0, i]).ravel() > 0)


def test_standardize_uses_given_statistics():
    X = np.array([[1.0, 2.0, 3.0], [10.0, 10.0, 40.0]])
    Xs, mean, std = data.standardize(X)
    assert np.allclose(Xs.mean(axis=1), 0) and np.allclose(Xs.std(axis=1), 1)
    other, _, _ = data.standardize(X + 1, mean, std)
    assert np.allclose(other, Xs + 1 / std)


def test_sigmoid_is_stable_and_exact():
    with np.errstate(over="raise", invalid="raise"):
        s = nn.sigmoid(np.array([-1000.0, -50.0, 0.0, 50.0, 1000.0]))
    assert np.allclose(s, [0.0, 1.928749847963918e-22, 0.5, 1.0, 1.0], rtol=1e-12, atol=0)


def test_logistic_blocks_gradient_check():
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(3, 8)), (rng.uniform(size=(1, 8)) > 0.5).astype(float)

    def cost(p):
        return nn.bce_cost(nn.logistic_forward(p["w"], p["b"], X)[0], Y)

    w, b = rng.normal(size=(3, 1)), 0.2
    A, cache = nn.logistic_forward(w, b, X)
    J, dZ = nn.sigmoid_bce_loss(A, Y)
    dw, db = nn.logistic_backward(dZ, cache)
    assert J == cost({"w": w, "b": b})
    testing.grad_check(cost, {"w": w, "b": b}, {"dw": dw, "db": db})
    z = rng.normal(size=(2, 3))
    a, c = nn.sigmoid_forward(z)
    assert np.allclose(nn.sigmoid_backward(np.ones_like(z), c),
                       testing.numerical_gradient(lambda v: float(nn.sigmoid(v).sum()), z))
    new = nn.gd_update({"w": w, "b": b}, {"dw": dw, "db": db}, 0.1)
    assert np.allclose(new["w"], w - 0.1 * dw) and new["b"] == b - 0.1 * db
    assert nn.predict_binary(np.array([[0.2, 0.5, 0.7]])).tolist() == [[0.0, 0.0, 1.0]]


def test_bce_cost_clips_instead_of_adding_eps():
    assert nn.bce_cost(np.array([[1.0, 0.0]]), np.array([[1.0, 0.0]])) == \
        pytest.approx(0, abs=1e-11)
    assert nn.bce_cost(np.array([[0.8]]), np.array([[1.0]])) == \
        pytest.approx(0.2231435513142097, rel=1e-12)


def test_explorer_redraws_and_falls_back_to_png():
    X, Y = data.make_moons(m=60, seed=0)
    calls = []

    def proba(points, w1, b):
        calls.append((w1, b))
        return nn.sigmoid(w1 * points[0:1] + b)

    e = widgets.decision_boundary_explorer(proba, X, Y,
                                           {"w1": (-3.0, 3.0, 1.0), "b": (-2.0, 2.0, 0.0)})
    first = e.png
    assert first.startswith(b"\x89PNG") and calls[-1] == (1.0, 0.0)
    bundle = e._repr_mimebundle_()
    assert "image/png" in bundle and "application/vnd.jupyter.widget-view+json" in bundle
    e.update(w1=-2.5)
    assert calls[-1] == (-2.5, 0.0) and e.png != first and e.image.value == e.png
    steps = widgets.decision_boundary_explorer(lambda p, steps: nn.sigmoid(p[0:1] * steps), X, Y,
                                               {"steps": (0, 10, 2)})
    assert type(steps.sliders["steps"]).__name__ == "IntSlider"
    chosen = widgets.decision_boundary_explorer(
        lambda p, act, linear: nn.sigmoid(p[0:1] * (2 if act == "tanh" else 1)), X, Y,
        {"act": ("choice", ["tanh", "relu"], "tanh"), "linear": ("toggle", False)})
    chosen.update(act="relu", linear=True)
    assert chosen.values == {"act": "relu", "linear": True}
    rate = widgets.decision_boundary_explorer(lambda p, alpha: nn.sigmoid(p[0:1] * alpha), X, Y,
                                              {"alpha": ("log", 1e-4, 10.0, 0.5)})
    slider = rate.sliders["alpha"]
    assert type(slider).__name__ == "FloatLogSlider" and (slider.min, slider.max) == (-4, 1)
    rate.update(alpha=0.01)
    assert rate.values["alpha"] == pytest.approx(0.01)


def test_authoring_round_trip(chapter):
    nb = nbformat.read(str(chapter.source), as_version=4)
    again = text_to_notebook(notebook_to_text(nb))
    strip = lambda n: [(c.cell_type, c.source, c.metadata) for c in n.cells]  # noqa: E731
    assert strip(again) == strip(nb)


def test_authoring_rejects_bad_markers():
    with pytest.raises(ValueError, match="needs id"):
        text_to_notebook("#%% solution\nx = 1\n")
    with pytest.raises(ValueError, match="needs points"):
        text_to_notebook("#%% tests id=test-x\nx = 1\n")


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "course", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


def test_cli_list():
    out = run_cli("list")
    assert out.returncode == 0, out.stderr
    for ch in CHAPTERS:
        assert ch.id in out.stdout and "current" in out.stdout.split(ch.id)[1].splitlines()[0]
    assert f"{len(CHAPTERS)} chapters" in out.stdout


def test_cli_help():
    out = run_cli("--help")
    assert out.returncode == 0 and "demo" in out.stdout and "list" in out.stdout


@pytest.mark.parametrize("make", [data.make_circles, data.make_xor])
def test_more_binary_sets(make):
    X, Y = make(m=100, seed=1)
    assert X.shape == (2, 100) and Y.shape == (1, 100) and set(np.unique(Y)) == {0.0, 1.0}
    assert np.array_equal(X, make(m=100, seed=1)[0])


def test_blobs_dosage_one_hot():
    X, y = data.make_blobs(m=90, C=3, seed=0)
    assert X.shape == (2, 90) and y.shape == (1, 90) and set(np.unique(y)) == {0, 1, 2}
    d, e = data.make_dosage()
    assert d.tolist() == [[0.0, 0.5, 1.0]] and e.tolist() == [[0.0, 1.0, 0.0]]
    d, e = data.make_dosage(m=50, seed=2)
    assert d.shape == e.shape == (1, 50)
    assert nn.one_hot(np.array([[2, 0, 1]]), 3).tolist() == [[0, 1, 0], [0, 0, 1], [1, 0, 0]]


@pytest.mark.parametrize("kind", ["sigmoid", "tanh", "relu", "leaky_relu", "linear"])
def test_activation_pairs(kind):
    rng = np.random.default_rng(1)
    Z = rng.normal(size=(3, 4))
    Z[np.abs(Z) < 0.05] = 0.3        # keep away from the kink of the ReLUs
    dA = rng.normal(size=(3, 4))
    A, cache = nn.activation_forward(Z, kind)
    numeric = testing.numerical_gradient(
        lambda z: float(np.sum(nn.activation_forward(z, kind)[0] * dA)), Z)
    assert testing.relative_error(nn.activation_backward(dA, cache, kind), numeric) < 1e-8


def test_softmax_fixture_and_stability():
    p = nn.softmax(np.array([[1.43], [-0.4], [0.23]]))
    assert np.allclose(p.ravel(), [0.684178, 0.109751, 0.206070], atol=1e-6)   # seed 000 sec. 9
    big = nn.softmax(np.array([[1000.0, -1000.0], [0.0, -1e4]]))
    assert np.isfinite(big).all() and np.allclose(big.sum(axis=0), 1)
    assert nn.softplus(np.array([1000.0]))[0] == 1000.0


@pytest.mark.parametrize("Z, expected", [
    ([[1e308], [-1e308]], [[1.0], [0.0]]),
    ([[-1e308], [1e308]], [[0.0], [1.0]]),
    ([[1.7e308, -1.7e308, 0.0], [-1.7e308, 1.7e308, 0.0]], [[1.0, 0.0, 0.5], [0.0, 1.0, 0.5]]),
    ([[-1e308], [-1.5e308]], [[1.0], [0.0]]),                  # far apart, both negative
    ([[0.0], [-800.0], [-1e300]], [[1.0], [0.0], [0.0]]),      # exp underflows to exactly 0
    ([[1e-320], [0.0]], [[0.5], [0.5]]),                       # subnormal scores
])
def test_softmax_and_losses_exact_without_warnings_for_extreme_scores(Z, expected):
    """The chapters promise no overflow for any finite input: not even a warning (errstate
    raises on every floating-point condition here), and the exact result."""
    Z, expected = np.array(Z), np.array(expected)
    with np.errstate(all="raise"):
        P = nn.softmax(Z)
        rows = nn.softmax(Z.T, axis=-1)
        Y = nn.one_hot(np.argmax(Z, axis=0), Z.shape[0])
        cost, dZ = nn.softmax_cross_entropy(Z, Y)
        seq_cost, dlogits = nn.sequence_cross_entropy(Z.T, np.argmax(Z, axis=0))
        wrong_cost, _ = nn.softmax_cross_entropy(Z, nn.one_hot(np.argmin(Z, axis=0), Z.shape[0]))
    assert np.array_equal(P, expected) and np.array_equal(rows, expected.T)
    assert np.allclose(P.sum(axis=0), 1, rtol=0, atol=1e-15)
    assert np.allclose(rows.sum(axis=-1), 1, rtol=0, atol=1e-15)
    m = Z.shape[1]
    assert np.isfinite(cost) and cost == pytest.approx(-np.mean(np.log(P[Y == 1])), abs=1e-15)
    assert seq_cost == pytest.approx(cost, abs=1e-15)
    assert np.array_equal(dZ, (P - Y) / m) and np.array_equal(dlogits, dZ.T)
    assert not np.isnan(wrong_cost) and wrong_cost > 0      # inf where the true cost > 1.8e308
    with np.errstate(all="raise"):
        f32 = nn.softmax(np.array([[3e38], [-3e38]], dtype=np.float32))
    assert f32.dtype == np.float32 and np.array_equal(f32, [[1.0], [0.0]])


def test_softmax_cross_entropy_gradient():
    rng = np.random.default_rng(2)
    Z = rng.normal(size=(4, 5))
    Y = nn.one_hot(rng.integers(0, 4, (1, 5)), 4)
    cost, dZ = nn.softmax_cross_entropy(Z, Y)
    testing.grad_check(lambda p: nn.softmax_cross_entropy(p["Z"], Y)[0], {"Z": Z}, {"dZ": dZ})
    assert cost == pytest.approx(-np.mean(np.sum(Y * np.log(nn.softmax(Z)), axis=0)))


def test_deep_model_gradient_check():
    rng = np.random.default_rng(3)
    dims = [4, 5, 3, 1]
    params = nn.init_he(dims, rng)
    X = rng.normal(size=(4, 6))
    Y = (rng.uniform(size=(1, 6)) > 0.5).astype(float)

    def cost(p):
        return nn.bce_cost(nn.model_forward(X, p, hidden="tanh")[0], Y)

    AL, caches = nn.model_forward(X, params, hidden="tanh")
    Z_scores, score_caches = nn.model_forward(X, params, hidden="tanh", output="linear")
    _, dZ = nn.sigmoid_bce_loss(AL, Y)
    grads = nn.model_backward(dZ, score_caches, hidden="tanh", output="linear")
    testing.grad_check(cost, params, grads)
    assert len(caches) == 3 and AL.shape == (1, 6)


def test_initialisers():
    he = nn.init_he([1000, 100, 10], rng=0)
    assert he["W1"].shape == (100, 1000) and not he["b1"].any()
    assert abs(he["W1"].var() / 0.002 - 1) < 0.05
    xa = nn.init_xavier([1000, 100, 10], rng=0)
    assert abs(xa["W1"].var() / 0.001 - 1) < 0.05
    zero = nn.init_zeros([3, 2, 1])
    assert set(zero) == {"W1", "b1", "W2", "b2"} and not any(v.any() for v in zero.values())


def test_figure_explorer_controls_and_errors():
    seen = []

    def draw(fig, kind, depth, scaled, dims):
        seen.append((kind, depth, scaled, dims))
        if kind == "broken":
            raise NotImplementedError()
        fig.add_subplot(1, 1, 1, title=f"{dims} {scaled}").plot(range(depth))

    e = widgets.figure_explorer(draw, {"kind": ("choice", ["relu", "tanh", "broken"], "relu"),
                                       "depth": (1, 20, 5), "scaled": ("toggle", True),
                                       "dims": ("text", "4,3,1")})
    kinds = {k: type(v).__name__ for k, v in e.sliders.items()}
    assert kinds == {"kind": "Dropdown", "depth": "IntSlider", "scaled": "Checkbox", "dims": "Text"}
    first = e.png
    e.update(scaled=False, dims="5,1")
    assert seen[-1] == ("relu", 5, False, "5,1") and e.png != first
    e.update(kind="broken")       # the error is drawn, not raised
    assert seen[-1][0] == "broken" and e.png.startswith(b"\x89PNG")


def test_l2_and_dropout():
    rng = np.random.default_rng(4)
    params = {"W1": rng.normal(size=(3, 2)), "b1": rng.normal(size=(3, 1)),
              "W2": rng.normal(size=(1, 3))}
    pen, grads = nn.l2_penalty(params, 0.7, 5)
    testing.grad_check(lambda p: nn.l2_penalty(p, 0.7, 5)[0],
                       {k: params[k] for k in ("W1", "W2")}, grads)
    assert set(grads) == {"dW1", "dW2"}
    A = np.ones((200, 500))
    out, mask = nn.dropout_forward(A, 0.8, np.random.default_rng(0))
    assert mask.dtype == bool
    assert np.array_equal(mask, np.random.default_rng(0).random(A.shape) < 0.8)
    assert abs((out > 0).mean() - 0.8) < 0.01 and abs(out.mean() - 1) < 0.02   # expectation kept
    assert np.array_equal(nn.dropout_backward(np.ones_like(A), mask, 0.8), out)  # same mask
    same, no_mask = nn.dropout_forward(A, 0.8, None, training=False)
    assert same is A and no_mask is None
    assert nn.dropout_forward(A, 1.0, np.random.default_rng(1))[1].all()
    for bad in (0.0, -0.5, 1.5):
        with pytest.raises(ValueError):
            nn.dropout_forward(A, bad, np.random.default_rng(2))
    # the same mask at every call (a fresh generator), as check_backward needs
    testing.check_backward(lambda A: nn.dropout_forward(A, 0.7, np.random.default_rng(3)),
                           lambda dA, mask: nn.dropout_backward(dA, mask, 0.7),
                           [rng.normal(size=(3, 4))])


def test_optimisers_first_steps():
    w, dw = np.array([1.0]), np.array([1e-3])
    w1, v = nn.momentum_update(w, dw, np.zeros(1), 0.1, beta=0.9)
    assert np.allclose(v, 1e-4) and np.allclose(w1, 1 - 1e-5)
    w1, s = nn.rmsprop_update(w, dw, np.zeros(1), 0.1, beta=0.999)
    assert np.allclose(w1, 1 - 0.1 * 1e-3 / (np.sqrt(1e-9) + 1e-8))
    # Adam's first step is lr * sign(dw) * |dw| / (|dw| + eps): 0.99999 lr for dw = 1e-3 (eps
    # outside the root); with eps inside the root it would be 0.99504 lr (catalog C.2).
    w1, v, s = nn.adam_update(w, dw, np.zeros(1), np.zeros(1), 1, 0.1)
    assert (1 - w1[0]) / 0.1 == pytest.approx(1e-3 / (1e-3 + 1e-8), rel=1e-9)


def test_batchnorm_gradient_and_modes():
    rng = np.random.default_rng(5)
    Z = rng.normal(2.0, 3.0, size=(3, 8))
    gamma, beta = rng.normal(size=(3, 1)), rng.normal(size=(3, 1))
    running = {"mean": np.zeros((3, 1)), "var": np.ones((3, 1))}
    out, cache, new = nn.batchnorm_forward(Z, gamma, beta, running)
    Z_hat = (out - beta) / gamma
    assert np.allclose(Z_hat.mean(axis=1), 0) and np.allclose(Z_hat.var(axis=1), 1, atol=1e-4)
    assert np.allclose(new["mean"], 0.1 * Z.mean(axis=1, keepdims=True))
    assert running["mean"].sum() == 0
    dout = rng.normal(size=(3, 8))
    dZ, dgamma, dbeta = nn.batchnorm_backward(dout, cache)

    def f(p):
        return float(np.sum(nn.batchnorm_forward(p["Z"], p["gamma"], p["beta"], running)[0] * dout))

    testing.grad_check(f, {"Z": Z, "gamma": gamma, "beta": beta},
                       {"dZ": dZ, "dgamma": dgamma, "dbeta": dbeta})
    test_out, none, same = nn.batchnorm_forward(Z, gamma, beta, new, "test")
    assert same is new and none is None
    assert np.allclose(test_out, gamma * (Z - new["mean"]) / np.sqrt(new["var"] + 1e-8) + beta)
    assert len(cache) == 6 and cache[0] is Z and cache[4] is gamma and cache[5] == 1e-8
    with pytest.raises(ValueError):
        nn.batchnorm_forward(Z, gamma, beta, running, "eval")


@pytest.mark.parametrize("n, m, dtype", [(300, 1000, np.float64), (3, 70000, np.float64),
                                         (5, 7, np.float32), (4, 1, np.float64), (2, 6, np.int64)])
def test_batchnorm_blocks_match_the_formulas(n, m, dtype):
    """batchnorm_forward and _backward work on blocks of rows: any number of blocks (300 rows of
    1000 make 5, rows longer than a block make one each), any dtype, give the plain formulas."""
    rng = np.random.default_rng(n * m)
    Z = (rng.normal(5.0, 3.0, size=(n, m)) * (10 if dtype == np.int64 else 1)).astype(dtype)
    gamma, beta, dout = rng.normal(size=(n, 1)), rng.normal(size=(n, 1)), rng.normal(size=(n, m))
    running = {"mean": np.zeros((n, 1)), "var": np.ones((n, 1))}
    out, cache, new = nn.batchnorm_forward(Z, gamma, beta, running, eps=1e-5)
    Zf = Z.astype(np.float64)
    mu, var = Zf.mean(axis=1, keepdims=True), Zf.var(axis=1, keepdims=True)
    Z_hat = (Zf - mu) / np.sqrt(var + 1e-5)
    tol = dict(rtol=1e-4, atol=1e-4) if dtype == np.float32 else dict(rtol=1e-10, atol=1e-10)
    real = np.float32 if dtype == np.float32 else np.float64
    assert cache[1].dtype == cache[2].dtype == cache[3].dtype == real and out.dtype == np.float64
    for got, want in [(out, gamma * Z_hat + beta), (cache[1], Z_hat), (cache[2], mu),
                      (cache[3], var), (new["mean"], 0.1 * mu), (new["var"], 0.9 + 0.1 * var)]:
        np.testing.assert_allclose(got, want, **tol)
    dZ, dgamma, dbeta = nn.batchnorm_backward(dout, cache)
    dbeta_ref = dout.sum(axis=1, keepdims=True)
    dgamma_ref = (dout * Z_hat).sum(axis=1, keepdims=True)
    dZ_ref = gamma / (m * np.sqrt(var + 1e-5)) * (m * dout - dbeta_ref - Z_hat * dgamma_ref)
    for got, want in [(dZ, dZ_ref), (dgamma, dgamma_ref), (dbeta, dbeta_ref)]:
        assert got.shape == want.shape
        np.testing.assert_allclose(got, want, **tol)


def test_shapes():
    images, y = data.make_shapes(m=90, size=16, noise=0.0, seed=0)
    assert images.shape == (90, 16, 16) and y.shape == (1, 90) and set(np.unique(y)) == {0, 1, 2}
    filled = (images > 0.5).mean(axis=(1, 2))
    # A triangle covers about half its box, a circle pi/4 of it, a square (0.85 * 2)^2 / 4 of it.
    for label in (0, 1, 2):
        assert 0.05 < filled[y[0] == label].mean() < 0.5
    tri = images[y[0] == 2][0] > 0.5
    rows = np.nonzero(tri.any(axis=1))[0]
    assert tri[rows[-1]].sum() > tri[rows[0]].sum()       # wider at the bottom: it points up


def test_filled_and_partial_submissions(chapter):
    from course.instructor.demo import filled_release, partial_submission
    from nbtools import SOLUTION, answer_cells, read

    source, release = read(chapter.source), read(chapter.release)
    full = answer_cells(filled_release(source, release))
    assert all(SOLUTION.search(c.source) for c in full)
    partial = answer_cells(partial_submission(source, release))
    unfinished = [c.metadata.nbgrader.grade_id for c in partial
                  if "NotImplementedError" in c.source]
    assert unfinished == [chapter.answers[-1]]
    assert "NotImplementedError" in answer_cells(release)[0].source      # the release is untouched


def test_attention_block_fixture_mask_and_gradients():
    out, cache = nn.attention_forward(np.eye(2), np.eye(2), np.array([[1.0, 2.0], [3.0, 4.0]]))
    assert np.allclose(cache[3], [[0.669762, 0.330238], [0.330238, 0.669762]], atol=1e-6)
    assert np.allclose(out, [[1.660477, 2.660477], [2.339523, 3.339523]], atol=1e-6)
    rng = np.random.default_rng(5)
    Q, K = rng.normal(size=(2, 3, 4, 5)), rng.normal(size=(2, 3, 4, 5))
    V = rng.normal(size=(2, 3, 4, 6))
    mask = nn.causal_mask(4)
    assert mask.dtype == bool and mask[0, 1] == False and mask[3, 0] == True   # noqa: E712
    G = rng.normal(size=(2, 3, 4, 6))
    out, cache = nn.attention_forward(Q, K, V, mask)
    assert np.all(cache[3][..., ~mask] == 0) and np.allclose(cache[3].sum(-1), 1)
    later = V.copy()
    later[..., 3, :] += 10                       # the future cannot change position 0..2
    assert np.allclose(nn.attention_forward(Q, K, later, mask)[0][..., :3, :], out[..., :3, :])
    dQ, dK, dV = nn.attention_backward(G, cache)
    errors = testing.grad_check(
        lambda p: float(np.sum(nn.attention_forward(p["Q"], p["K"], p["V"], mask)[0] * G)),
        {"Q": Q, "K": K, "V": V}, {"dQ": dQ, "dK": dK, "dV": dV})
    assert max(errors.values()) < 1e-7
    X = rng.normal(size=(2, 5, 12))
    assert nn.split_heads(X, 3).shape == (2, 3, 5, 4)
    assert np.array_equal(nn.combine_heads(nn.split_heads(X, 3)), X)
    with pytest.raises(ValueError):
        nn.split_heads(X, 5)
    f32 = nn.attention_forward(*(a.astype(np.float32) for a in (Q, K, V)))[0]
    assert f32.dtype == np.float32


def test_layernorm_and_positions():
    rng = np.random.default_rng(6)
    x, g, b = rng.normal(size=(3, 4, 6)), rng.normal(size=6), rng.normal(size=6)
    G = rng.normal(size=(3, 4, 6))
    out, cache = nn.layernorm_forward(x, np.ones(6), np.zeros(6))
    assert np.allclose(out.mean(-1), 0) and np.allclose(out.var(-1), 1, atol=1e-4)
    out, cache = nn.layernorm_forward(x, g, b)
    dx, dg, db = nn.layernorm_backward(G, cache)
    errors = testing.grad_check(
        lambda p: float(np.sum(nn.layernorm_forward(p["x"], p["g"], p["b"])[0] * G)),
        {"x": x, "g": g, "b": b}, {"dx": dx, "dg": dg, "db": db})
    assert max(errors.values()) < 1e-7
    pe = nn.positional_encoding(4, 4)
    assert np.allclose(pe[1], [0.841471, 0.540302, 0.010000, 0.999950], atol=1e-6)
    assert nn.positional_encoding(3, 5).shape == (3, 5)
    pe = nn.positional_encoding(50, 8)
    assert np.allclose(pe[:, 0::2] ** 2 + pe[:, 1::2] ** 2, 1)


def test_sequence_data_and_attention_plot():
    src, tgt = data.make_date_pairs(200, seed=3)
    assert len(src) == len(tgt) == 200 and all(len(t) == 10 and t[4] == t[7] == "-" for t in tgt)
    assert data.make_date_pairs(5, seed=3) == data.make_date_pairs(5, seed=3)
    import datetime
    for s, t in zip(*data.make_date_pairs(50, seed=4, formats=["long"])):
        d = datetime.date.fromisoformat(t)
        assert str(d.year) in s and d.strftime("%B") in s
    X, Y = data.make_token_sequences(20, 5, task="sort", seed=1)
    assert X.shape == Y.shape == (20, 5) and np.all(np.diff(Y, axis=1) >= 0)
    X, Y = data.make_token_sequences(20, 5, task="reverse", seed=1)
    assert np.array_equal(Y, X[:, ::-1])
    with pytest.raises(ValueError):
        data.make_token_sequences(2, task="shuffle")
    from matplotlib.figure import Figure
    ax = Figure().add_subplot()
    image = widgets.plot_attention(np.full((3, 4), 0.25), ax, keys=list("abcd"),
                                   queries=list("xyz"))
    assert image.get_array().shape == (3, 4)
    assert [t.get_text() for t in ax.get_xticklabels()] == list("abcd")


def test_sequence_cross_entropy_is_chapter_8s_loss_per_row():
    rng = np.random.default_rng(7)
    logits, targets = rng.normal(size=(3, 4, 5)), rng.integers(0, 5, size=(3, 4))
    cost, dlogits = nn.sequence_cross_entropy(logits, targets)
    same, _ = nn.softmax_cross_entropy(logits.reshape(-1, 5).T,
                                       nn.one_hot(targets.reshape(1, -1), 5))
    assert cost == pytest.approx(same, rel=1e-12)
    errors = testing.grad_check(lambda p: nn.sequence_cross_entropy(p["L"], targets)[0],
                                {"L": logits}, {"dL": dlogits})
    assert errors["L"] < 1e-7
    assert nn.sequence_cross_entropy(np.array([[1000.0, -1000.0]]), np.array([1]))[0] == \
        pytest.approx(2000)
    assert nn.sequence_cross_entropy(logits.astype(np.float32), targets)[1].dtype == np.float32
