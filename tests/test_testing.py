"""course.testing: every check fails when it should, passes when it should, and its message
names the mistake it is written for."""
import numpy as np
import pytest

from course import testing as T


def message(fn, *args, **kwargs):
    with pytest.raises(AssertionError) as info:
        fn(*args, **kwargs)
    return str(info.value)


def test_close_passes_and_fails():
    T.check_close(np.array([[1.0, 2.0]]), [[1.0, 2.0 + 1e-9]])
    msg = message(T.check_close, np.array([[1.0, 2.5]]), [[1.0, 2.0]], "A")
    assert "A is wrong at index (0, 1)" in msg and "got 2.5" in msg and "expected 2" in msg


@pytest.mark.parametrize("actual, expected, words", [
    (np.ones((1, 3)), (3, 1), "transposed"),
    (np.ones(3), (3, 1), "rank-1"),
    (np.ones((4, 4)), (1, 4), "broadcast"),
    (np.ones((1, 5)), (3, 1), "wrong axis"),
    (np.float64(2.0), (3, 1), "sum or mean run over every axis"),
])
def test_shape_messages(actual, expected, words):
    msg = message(T.check_shape, actual, expected, "dw")
    assert f"expected {tuple(expected)}" in msg and words in msg, msg


def test_shape_of_wrong_type():
    assert "got NoneType" in message(T.check_shape, None, (2, 1), "dw")


def test_value_hints():
    expected = np.array([[0.5, -1.0, 2.0]])
    assert "wrong sign" in message(T.check_close, -expected, expected)
    assert "factor of m = 7" in message(T.check_close, 7 * expected, expected, m=7)
    assert "divide by m twice" in message(T.check_close, expected / 7, expected, m=7)
    assert "factor of 2" in message(T.check_close, 2 * expected, expected)
    assert "3.5 times" in message(T.check_close, 3.5 * expected, expected)
    assert "shifted by the same 0.25" in message(T.check_close, expected + 0.25, expected)
    square = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert "transpose" in message(T.check_close, square.T, square)


def test_one_value_gets_no_made_up_factor():
    msg = message(T.check_close, np.array([[0.22]]), [[0.98]], "A")
    assert "times the expected" not in msg and "is wrong" in msg
    assert "factor of m = 4" in message(T.check_scalar, 4 * 0.3, 0.3, "db", m=4)


def test_lists_compare_as_arrays():
    T.check_close([0.5, 0.25], [0.5, 0.25])
    assert "index (1,)" in message(T.check_close, [0.5, 0.3], [0.5, 0.25], "costs")
    assert "list of numbers" in message(T.check_close, [0.5, "x"], [0.5, 0.25], "costs")


def test_nan_message():
    msg = message(T.check_close, np.array([[1.0, np.nan]]), [[1.0, 2.0]], "cost")
    assert "nan at index (0, 1)" in msg and "log(0)" in msg


def test_scalar():
    T.check_scalar(0.5, 0.5)
    T.check_scalar(np.float64(0.5), 0.5)
    assert "float(...)" in message(T.check_scalar, np.array([[0.5]]), 0.5, "cost")
    assert "should be a number, got str" in message(T.check_scalar, "0.5", 0.5)
    assert "is wrong" in message(T.check_scalar, 0.6, 0.5)


def test_true_between_type():
    T.check_true(True, "never")
    assert message(T.check_true, False, "broken", "look here") == "broken\nHint: look here"
    T.check_between(np.array([0.1, 0.9]), 0, 1)
    assert "must lie in (0, 1)" in message(T.check_between, np.array([0.0, 0.5]), 0, 1,
                                           inclusive=False)
    assert "should be a dict" in message(T.check_type, [], dict, "grads")


def test_not_mutated():
    def inplace(w, alpha):
        w -= alpha
        return w

    def pure(w, alpha):
        return w - alpha

    assert T.check_not_mutated(pure, np.ones(3), 0.5).tolist() == [0.5, 0.5, 0.5]
    msg = message(T.check_not_mutated, inplace, np.ones(3), 0.5)
    assert "changed its argument w in place" in msg and "w = w - alpha" in msg


def test_not_mutated_names_dicts():
    def update(params):
        params["W"] = params["W"] * 2
        return params

    assert "build a new dict" in message(T.check_not_mutated, update, {"W": np.ones(2)})


def test_not_mutated_lets_a_generator_advance():
    def draw(shape, rng):
        return rng.standard_normal(shape)

    assert T.check_not_mutated(draw, (2,), np.random.default_rng(0)).shape == (2,)


def test_numerical_gradient_is_centred():
    x = np.array([1.0, -2.0, 0.5])
    g = T.numerical_gradient(lambda v: float(np.sum(v ** 3)), x)
    assert np.allclose(g, 3 * x ** 2, rtol=1e-9)   # O(eps^2): a one-sided difference is ~1e-5 off
    assert x.tolist() == [1.0, -2.0, 0.5]


def cost(p):
    return float(np.sum((p["W"] @ p["x"]) ** 2) + p["b"] ** 2)


def test_grad_check_accepts_right_and_rejects_wrong():
    rng = np.random.default_rng(0)
    p = {"W": rng.normal(size=(2, 3)), "x": rng.normal(size=(3, 1)), "b": 0.7}
    right = {"dW": 2 * (p["W"] @ p["x"]) @ p["x"].T, "dx": 2 * p["W"].T @ (p["W"] @ p["x"]),
             "db": 2 * p["b"]}
    errs = T.grad_check(cost, p, right)
    assert max(errs.values()) < 1e-8
    wrong = dict(right, dW=-right["dW"])
    msg = message(T.grad_check, cost, p, wrong)
    assert "gradient check failed for dW" in msg and "wrong sign" in msg
    half = dict(right, dx=right["dx"] / 2)
    assert "factor of 0.5" in message(T.grad_check, cost, p, half)
    assert "shape (3, 2), expected (2, 3)" in message(T.grad_check, cost, p,
                                                      dict(right, dW=right["dW"].T))


def test_trusted_functions_survive_monkeypatching(monkeypatch):
    monkeypatch.setattr(np, "isclose", lambda *a, **k: np.ones(np.shape(a[0]), bool))
    monkeypatch.setattr(np, "allclose", lambda *a, **k: True)
    with pytest.raises(AssertionError):
        T.check_close(np.array([1.0]), [2.0])


def test_loops_and_speed():
    def looped(a):
        return sum(x for x in a)

    def vectorised(a):
        return float(np.sum(a))

    assert T.python_loops(looped) == ["GeneratorExp"] and T.python_loops(vectorised) == []
    T.check_no_loops(vectorised)
    assert "contains a Python loop (GeneratorExp)" in message(T.check_no_loops, looped)
    a = np.random.default_rng(0).random(200_000)
    yours, ref = T.check_fast_enough(vectorised, (a,), np.sum)
    assert yours < 1 and ref < 1
    msg = message(T.check_fast_enough, looped, (a,), np.sum, factor=2.0, slack=0.0,
                  what="2e5 numbers")
    assert "looped took" in msg and "on 2e5 numbers" in msg and "Hint: a Python loop" in msg
    assert T.python_loops(print) == []      # no source: nothing to say


def test_hint_keyword():
    msg = message(T.check_close, np.array([1.0]), [2.0], "x", hint="look at Listing 3")
    assert msg.endswith("Hint: look at Listing 3")
    assert "Hint: clip" in message(T.check_scalar, 0.5, 0.6, "c", hint="clip")
    assert "Hint: keepdims" in message(T.check_shape, np.ones(3), (3, 1), "b", hint="keepdims")
    with pytest.raises(TypeError):
        T.check_close(np.array([1.0]), [1.0], "x", 1e-6, 1e-8, None, "positional hint")
