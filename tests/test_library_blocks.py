"""The library's shape for 51 chapters: every module in a wheel, the guard watching every library
module, and the blocks the later chapters build on (check_backward, random_params, minibatches,
optimizer state, accuracy, the sequence loss's padding mask, channels-last images)."""
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

from course import data, nn
from course.testing import check_backward, grad_check, random_params

ROOT = Path(__file__).resolve().parent.parent


def test_a_wheel_holds_every_module(tmp_path):
    """A non-editable install has every subpackage (an editable one would hide a missing one)."""
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(ROOT / "pyproject.toml", project)
    shutil.copytree(ROOT / "course", project / "course",
                    ignore=shutil.ignore_patterns("__pycache__"))
    run = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                          "--no-index", "-q", "-w", str(tmp_path / "dist"), str(project)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    wheel = next((tmp_path / "dist").glob("course-*.whl"))
    inside = {n for n in zipfile.ZipFile(wheel).namelist() if n.endswith(".py")}
    modules = {str(p.relative_to(ROOT)) for p in (ROOT / "course").rglob("*.py")
               if "__pycache__" not in p.parts}
    assert modules and modules <= inside, sorted(modules - inside)
    # templates are not modules: only pyproject's package-data puts them in (the report's page)
    templates = {str(p.relative_to(ROOT)) for p in (ROOT / "course").rglob("templates/*")}
    missing = templates - set(zipfile.ZipFile(wheel).namelist())
    assert templates and not missing, sorted(missing)
    for package in ("course/nn/", "course/data/", "course/widgets/", "course/instructor/"):
        assert any(n.startswith(package) for n in inside), package


def test_the_guard_watches_every_library_module_and_not_itself():
    import course.instructor.guard as guard
    import course.nn.dense  # noqa: F401
    watched = guard._watched()
    for name in ("course", "course.testing", "course.nn", "course.nn.dense", "course.nn.attention",
                 "course.data.tabular", "numpy", "builtins"):
        assert name in watched, name
    assert not [w for w in watched if w.startswith("course.instructor")]


def test_library_and_instructor_tools_stay_apart():
    """The student library never imports the instructor's tools; the instructor's tools never
    use a private name of the student library (report.py once borrowed widgets._png)."""
    import re
    private = re.compile(r"from course\.(nn|data|widgets|testing)[\w.]* import [^\n]*\b_[a-z]|"
                         r"\b(nn|data|widgets|testing)\._[a-z]")
    for path in (ROOT / "course").rglob("*.py"):
        code = re.sub(r"#.*", "", path.read_text().split('"""', 2)[-1])     # code, not comments
        if "instructor" in path.parts:
            assert not private.search(code), path
        elif path.name != "__main__.py":          # python -m course: the command line's door
            assert "instructor" not in code, path


# --- check_backward and random_params ----------------------------------------------------------

def _linear():
    rng = np.random.default_rng(1)
    return {"A_prev": rng.standard_normal((4, 5)), "W": rng.standard_normal((3, 4)),
            "b": rng.standard_normal((3, 1))}


def test_check_backward_passes_a_right_backward():
    errors = check_backward(nn.linear_forward, nn.linear_backward, _linear())
    assert set(errors) == {"A_prev", "W", "b"} and max(errors.values()) < 1e-8


@pytest.mark.parametrize("break_it, words", [
    (lambda dA, dW, db: (dA, 2 * dW, db), ["dW", "factor of 2", "worst at index"]),
    (lambda dA, dW, db: (-dA, dW, db), ["dA_prev", "sign"]),
    (lambda dA, dW, db: (dA, dW.T, db), ["dW", "shape"]),
    (lambda dA, dW, db: (dA, dW), ["returned 2 gradient(s) for 3 input(s)"]),
])
def test_check_backward_names_the_input_and_the_mistake(break_it, words):
    broken = lambda dout, cache: break_it(*nn.linear_backward(dout, cache))
    with pytest.raises(AssertionError) as e:
        check_backward(nn.linear_forward, broken, _linear())
    for w in words:
        assert w in str(e.value), str(e.value)


def test_check_backward_positional_inputs_and_wrt():
    z = np.random.default_rng(2).standard_normal((3, 4)) + 0.1
    assert check_backward(nn.relu_forward, nn.relu_backward, [z])["input 0"] < 1e-8
    mask = np.ones((2, 2), bool)
    forward = lambda Q, K, V: nn.attention_forward(Q, K, V, mask)
    qkv = {k: np.random.default_rng(3).standard_normal((2, 3)) for k in "QKV"}
    assert set(check_backward(forward, nn.attention_backward, qkv, wrt=["V"])) == {"V"}


def test_random_params_shapes_and_seed():
    p = random_params([3, 5, 1], rng=7)
    assert {k: v.shape for k, v in p.items()} == {"W1": (5, 3), "b1": (5, 1), "W2": (1, 5),
                                                  "b2": (1, 1)}
    assert np.array_equal(p["W1"], random_params([3, 5, 1], rng=7)["W1"])
    assert 0.05 < p["W1"].std() < 0.2


# --- minibatches, optimiser state, accuracy -----------------------------------------------------

@pytest.mark.parametrize("axis", [1, 0])
def test_minibatches_partition_the_examples(axis):
    X = np.arange(2 * 10).reshape(2, 10) if axis == 1 else np.arange(10 * 2).reshape(10, 2)
    Y = np.arange(10).reshape(1, 10) if axis == 1 else np.arange(10).reshape(10, 1)
    batches = nn.minibatches(X, Y, 4, rng=0, axis=axis)
    assert [b[0].shape[axis] for b in batches] == [4, 4, 2]
    seen = np.concatenate([b[1].reshape(-1) for b in batches])
    assert sorted(seen) == list(range(10)) and list(seen) != list(range(10))   # shuffled, all
    for Xb, Yb in batches:                                                     # pairs kept
        assert np.array_equal(np.take(X, Yb.reshape(-1), axis=axis), Xb)
    again = nn.minibatches(X, Y, 4, rng=0, axis=axis)
    assert all(np.array_equal(a[0], b[0]) for a, b in zip(batches, again))


@pytest.mark.parametrize("method", nn.METHODS)
def test_apply_update_is_the_per_array_update(method):
    rng = np.random.default_rng(4)
    params = {"W": rng.standard_normal((2, 3)), "b": rng.standard_normal((2, 1))}
    state = nn.optimizer_state(params, method)
    w, v, s = params["W"], np.zeros((2, 3)), np.zeros((2, 3))
    for t in range(1, 4):
        grads = {"dW": rng.standard_normal((2, 3)), "db": rng.standard_normal((2, 1))}
        params = nn.apply_update(params, grads, state, 0.1)
        dw = grads["dW"]
        if method == "gd":
            w = w - 0.1 * dw
        elif method == "momentum":
            w, v = nn.momentum_update(w, dw, v, 0.1)
        elif method == "rmsprop":
            w, s = nn.rmsprop_update(w, dw, s, 0.1, beta=0.9)
        else:
            w, v, s = nn.adam_update(w, dw, v, s, t, 0.1)
        assert np.allclose(params["W"], w), (method, t)
    assert state["t"] == 3
    with pytest.raises(ValueError):
        nn.optimizer_state(params, "sgd-with-nesterov")


def test_accuracy_one_signature():
    assert nn.accuracy(np.array([[1, 0, 1, 1]]), np.array([[1, 1, 1, 0]])) == 0.5
    scores = np.array([[0.9, 0.2, 0.1], [0.1, 0.8, 0.9]])
    assert nn.accuracy(scores, np.array([[0, 1, 0]])) == pytest.approx(2 / 3)
    assert nn.accuracy(nn.predict_binary(np.array([[0.7, 0.2]])), np.array([1.0, 0.0])) == 1.0
    with pytest.raises(ValueError):
        nn.accuracy(np.array([1, 0]), np.array([1, 0, 1]))


# --- the sequence loss's padding mask; channels-last images --------------------------------------

def test_sequence_loss_mask_ignores_padding():
    rng = np.random.default_rng(5)
    logits, targets = rng.standard_normal((2, 4, 3)), rng.integers(0, 3, (2, 4))
    mask = np.array([[1, 1, 1, 0], [1, 0, 0, 0]], bool)
    cost, dlogits = nn.sequence_cross_entropy(logits, targets, mask)
    assert cost == pytest.approx(nn.sequence_cross_entropy(logits[mask], targets[mask])[0])
    assert not dlogits[~mask].any()
    grad_check(lambda p: nn.sequence_cross_entropy(p["L"], targets, mask)[0], {"L": logits},
               {"L": dlogits})
    full = nn.sequence_cross_entropy(logits, targets)
    all_on = nn.sequence_cross_entropy(logits, targets, np.ones_like(mask))
    assert full[0] == pytest.approx(all_on[0]) and np.allclose(full[1], all_on[1])
    scrambled = logits.copy()
    scrambled[~mask] = 1e6                                     # what padding holds never matters
    assert nn.sequence_cross_entropy(scrambled, targets, mask)[0] == pytest.approx(cost)


def test_image_generators_have_a_channels_last_form():
    X, y = data.make_glyph_digits(12, channels_last=True)
    cols, y2 = data.make_glyph_digits(12)
    assert X.shape == (12, 12, 12, 1) and np.array_equal(y, y2)
    assert np.array_equal(X.reshape(12, -1).T, cols)
    S, _ = data.make_shapes(5, channels_last=True)
    assert S.shape == (5, 16, 16, 1)
    assert np.array_equal(S[..., 0], data.make_shapes(5)[0])


def test_imbalanced_scores_have_the_asked_positive_rate():
    scores, y = data.make_imbalanced_scores(1000, pos_rate=0.02, separation=3.0, seed=4)
    assert scores.shape == (1, 1000) and y.shape == (1, 1000)
    assert scores.dtype == np.float64 and set(np.unique(y)) == {0, 1} and y.sum() == 20
    assert scores[y == 1].mean() - scores[y == 0].mean() == pytest.approx(3.0, abs=0.5)
    again = data.make_imbalanced_scores(1000, pos_rate=0.02, separation=3.0, seed=4)
    assert np.array_equal(again[0], scores) and np.array_equal(again[1], y)
    assert data.make_imbalanced_scores(7, pos_rate=0.3, seed=1)[1].sum() == 2


def test_domain_shift_keeps_the_source_and_moves_the_target():
    Xs, Ys, Xt, Yt, bank = data.make_domain_shift(400, 300, shift=1.5, m_noise=7, seed=3)
    assert Xs.shape == (20, 400) and Ys.shape == (1, 400) and Xt.shape == (20, 300)
    assert Yt.shape == (1, 300) and bank.shape == (20, 7) and Ys.sum() == 200
    assert np.mean(Xt ** 2) - np.mean(Xs ** 2) == pytest.approx(1.5 ** 2, abs=0.5)
    X0 = data.make_domain_shift(400, 300, shift=0.0, seed=3)[2]
    assert np.mean(X0 ** 2) == pytest.approx(np.mean(Xs ** 2), abs=0.15)
    again = data.make_domain_shift(400, 300, shift=1.5, m_noise=7, seed=3)
    assert all(np.array_equal(a, b) for a, b in zip(again, (Xs, Ys, Xt, Yt, bank)))
