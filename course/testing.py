"""Checks for the course's test cells: each failure says what is wrong and, where it can tell,
the likely mistake (a missing transpose, a missing 1/m, a sign error, a wrong axis).

Every check raises ``AssertionError`` so that nbgrader scores a failed check as a failed test.

The numpy functions these checks rely on are bound here, when the module is imported (the
setup cell imports it before any student code runs), so a submission that later rebinds
``np.allclose`` or ``np.abs`` does not change what the checks compute.
"""
import ast as _ast
import copy as _copy
import inspect as _inspect
import math as _math
import textwrap as _textwrap
import time as _time

import numpy as _np

# Trusted references, bound once at import (see the module docstring).
_asarray = _np.asarray
_array = _np.array
_abs = _np.abs
_isfinite = _np.isfinite
_isclose = _np.isclose
_argmax = _np.argmax
_unravel_index = _np.unravel_index
_norm = _np.linalg.norm
_ndarray = _np.ndarray
_generic = _np.generic
_array_equal = _np.array_equal
_zeros_like = _np.zeros_like
_float64 = _np.float64
_where = _np.where
_nditer = _np.nditer
_default_rng = _np.random.default_rng
_Generator = _np.random.Generator
_sum = _np.sum
_perf_counter = _time.perf_counter

__all__ = [
    "check_shape", "check_close", "check_scalar", "check_true", "check_type",
    "check_between", "check_not_mutated", "numerical_gradient", "grad_check",
    "relative_error", "python_loops", "check_no_loops", "best_time", "check_fast_enough",
    "check_backward", "random_params",
]


def _where_first(mask, shape):
    """The index of the first True in ``mask``, as a tuple of plain ints."""
    return tuple(int(i) for i in _unravel_index(_argmax(mask), shape)) if len(shape) else ()


def _fail(message, hints=()):
    hints = [h for h in hints if h]
    text = message
    if hints:
        text += "\n" + "\n".join("Hint: " + h for h in hints)
    raise AssertionError(text)


def _shape_hints(actual, expected):
    """Guesses for why an array has shape ``actual`` where ``expected`` was wanted."""
    a, e = tuple(actual), tuple(expected)
    hints = []
    if len(a) == 2 and len(e) == 2 and a == e[::-1]:
        hints.append("the shape is transposed: a missing .T, or the arguments of np.dot swapped?")
    if len(a) == 1 and len(e) == 2 and a[0] in e and 1 in e:
        hints.append(f"{a} is a rank-1 array: keep two axes with keepdims=True or "
                     f".reshape{e}.")
    if len(a) == 0 and len(e) >= 1:
        hints.append("you returned a single number where an array was expected: "
                     "did a sum or mean run over every axis instead of one?")
    if len(a) == 2 and len(e) == 2 and a[0] == a[1] and a[0] in e and 1 in e:
        hints.append(f"{a} is what a {(a[0], 1)} column and a {(1, a[0])} row give when "
                     "broadcast together: check the shapes going into + - * /.")
    if len(a) == len(e) == 2 and 1 in e and a != e and sorted(a) != sorted(e):
        keep = e.index(1)
        if a[keep] != 1 and a[1 - keep] == 1:
            hints.append(f"summed over the wrong axis? Summing over axis={1 - keep} keeps the "
                         f"other one; the answer needs axis={keep}.")
    if len(a) == 2 and len(e) == 2 and a[0] == e[0] and a[1] == 1 and e[1] != 1:
        hints.append("one column instead of a whole matrix: was a sum taken over the examples "
                     "that should not have been?")
    return hints


def check_shape(actual, expected_shape, name="output", *, hint=None):
    """Fail unless ``actual`` is a numpy array of shape ``expected_shape``; ``hint`` (optional)
    is added to the message."""
    expected_shape = tuple(expected_shape)
    if not isinstance(actual, (_ndarray, _generic)) and not isinstance(actual, (int, float)):
        _fail(f"{name} should be a numpy array of shape {expected_shape}, "
              f"got {type(actual).__name__}.",
              ["return the array itself (did the function return None or a list?)"])
    shape = tuple(_asarray(actual).shape)
    if shape != expected_shape:
        _fail(f"{name} has shape {shape}, expected {expected_shape}.",
              _shape_hints(shape, expected_shape) + [hint])


def _value_hints(actual, expected, m=None):
    """Guesses for why values differ: sign, transpose, factor of m, constant factor or offset."""
    hints = []
    if _array_equal(actual.shape, expected.shape) and _isclose(actual, -expected,
                                                               rtol=1e-5, atol=1e-8).all():
        return ["every value has the wrong sign: a minus sign missing or one too many "
                "(gradient descent subtracts the gradient; dz = a - y, not y - a)?"]
    if (actual.ndim == 2 and actual.shape[0] == actual.shape[1] and actual.shape[0] > 1
            and _isclose(actual.T, expected, rtol=1e-5, atol=1e-8).all()):
        return ["the values are those of the transpose: a missing or extra .T?"]
    nonzero = _abs(expected) > 1e-12
    if nonzero.any():
        ratios = actual[nonzero] / expected[nonzero]
        r = float(ratios.flat[0])
        # One number is always "a constant factor" away: name only the factors with a story.
        named = m is not None and (_math.isclose(r, m, rel_tol=1e-5) or
                                   _math.isclose(r, 1 / m, rel_tol=1e-5))
        named = named or _math.isclose(r, 2, rel_tol=1e-5) or _math.isclose(r, 0.5, rel_tol=1e-5)
        if actual.size == 1 and not named:
            return hints
        if _isfinite(r) and r != 0 and _isclose(ratios, r, rtol=1e-5).all() and abs(r - 1) > 1e-5:
            if m is not None and _math.isclose(r, m, rel_tol=1e-5):
                hints.append(f"off by a factor of m = {m}: did you forget to average (1/m)?")
            elif m is not None and _math.isclose(r, 1 / m, rel_tol=1e-5):
                hints.append(f"off by a factor of 1/m = 1/{m}: did you divide by m twice?")
            elif _math.isclose(r, 2, rel_tol=1e-5) or _math.isclose(r, 0.5, rel_tol=1e-5):
                hints.append(f"off by a factor of {r:g}: a missing or extra 1/2 or 2?")
            else:
                hints.append(f"every value is {r:.6g} times the expected one: "
                             "a missing or extra constant factor (1/m, the learning rate)?")
            return hints
    diff = actual - expected
    d0 = float(diff.flat[0])
    if expected.size > 1 and abs(d0) > 1e-8 and _isclose(diff, d0, rtol=1e-5, atol=1e-9).all():
        hints.append(f"every value is shifted by the same {d0:.6g}: a bias term added twice "
                     "or not at all?")
    return hints


def check_close(actual, expected, name="output", rtol=1e-6, atol=1e-8, m=None, *, hint=None):
    """Fail unless ``actual`` has the shape of ``expected`` and matches it elementwise.

    ``m`` (optional) is the number of examples, so that a value off by exactly m can be named;
    ``hint`` (optional) is added to the message when the values differ.
    """
    expected = _asarray(expected, dtype=_float64)
    if isinstance(actual, (list, tuple)):     # a list of numbers is compared as an array
        try:
            actual = _asarray(actual, dtype=_float64)
        except (TypeError, ValueError):
            _fail(f"{name} should be a list of numbers.")
    check_shape(actual, expected.shape, name, hint=hint)
    try:
        actual = _asarray(actual, dtype=_float64)
    except (TypeError, ValueError):
        _fail(f"{name} should hold numbers, got dtype {_asarray(actual).dtype}.")
    finite = _isfinite(actual)
    if not finite.all():
        where = _where_first(~finite, actual.shape)
        _fail(f"{name} contains {actual[where]} at index {where}.",
              ["NaN or inf usually come from log(0) or exp() of a large number: "
               "clip before the log, and use a form of the formula that cannot overflow."])
    ok = _isclose(actual, expected, rtol=rtol, atol=atol)
    if ok.all():
        return
    err = _abs(actual - expected)
    where = _where_first(err == _where(ok, 0, err).max(), actual.shape)
    loc = f" at index {where}" if actual.ndim else ""
    _fail(f"{name} is wrong{loc}: got {actual[where]:.8g}, expected {expected[where]:.8g} "
          f"(largest error {err.max():.3g}; {int((~ok).sum())} of {ok.size} values differ).",
          _value_hints(actual, expected, m) + [hint])


def check_scalar(actual, expected, name="output", rtol=1e-6, atol=1e-8, m=None, *, hint=None):
    """Fail unless ``actual`` is a plain number (not an array) close to ``expected``."""
    if isinstance(actual, _ndarray):
        _fail(f"{name} should be a number, got an array of shape {actual.shape}.",
              ["turn a one-element result into a number with float(...) "
               "(np.squeeze keeps it an array)."])
    if not isinstance(actual, (int, float, _generic)) or isinstance(actual, bool):
        _fail(f"{name} should be a number, got {type(actual).__name__}.")
    check_close(_float64(actual), expected, name, rtol=rtol, atol=atol, m=m, hint=hint)


def check_type(value, types, name="output"):
    """Fail unless ``value`` is an instance of ``types``."""
    if not isinstance(value, types):
        want = " or ".join(t.__name__ for t in (types if isinstance(types, tuple) else (types,)))
        _fail(f"{name} should be a {want}, got {type(value).__name__}.")


def check_true(condition, message, hint=None):
    """Fail with ``message`` (and an optional hint) unless ``condition`` holds."""
    if not bool(condition):
        _fail(message, [hint])


def check_between(actual, low, high, name="output", inclusive=True):
    """Fail unless every value of ``actual`` lies in [low, high] (or (low, high))."""
    a = _asarray(actual, dtype=_float64)
    bad = ~((a >= low) & (a <= high)) if inclusive else ~((a > low) & (a < high))
    if bad.any():
        where = _where_first(bad, a.shape)
        bracket = "[]" if inclusive else "()"
        _fail(f"{name} must lie in {bracket[0]}{low}, {high}{bracket[1]}, "
              f"got {a[where]} at index {where}.")


_RANDOM = (_np.random.Generator, _np.random.RandomState)


def _snapshot(value):
    return value if isinstance(value, _RANDOM) else _copy.deepcopy(value)


def _same(a, b):
    if isinstance(a, _RANDOM):      # a random generator's state is meant to advance
        return True
    if isinstance(a, _ndarray) or isinstance(b, _ndarray):
        return (isinstance(a, _ndarray) and isinstance(b, _ndarray) and a.shape == b.shape
                and _array_equal(a, b, equal_nan=a.dtype.kind == "f"))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b


def _mutation_hint(value):
    if isinstance(value, dict):
        return ("build a new dict (new = {}; new[key] = ...) and new arrays, instead of "
                "updating the caller's dict or the arrays in it.")
    return ("build a new array (w = w - alpha * dw) instead of updating the caller's "
            "(w -= alpha * dw, or w[...] = ...).")


def check_not_mutated(function, *args, **kwargs):
    """Call ``function(*args, **kwargs)`` and fail if it changed any argument in place
    (random generators excepted: drawing from one is what they are for).

    Returns what the function returned.
    """
    before = [_snapshot(a) for a in args]
    before_kw = {k: _snapshot(v) for k, v in kwargs.items()}
    result = function(*args, **kwargs)
    name = getattr(function, "__name__", "the function")
    names = list(getattr(getattr(function, "__code__", None), "co_varnames", ()))
    for i, (old, new) in enumerate(zip(before, args)):
        if not _same(old, new):
            arg = names[i] if i < len(names) else f"argument {i}"
            _fail(f"{name} changed its argument {arg} in place.", [_mutation_hint(old)])
    for key, old in before_kw.items():
        if not _same(old, kwargs[key]):
            _fail(f"{name} changed its argument {key} in place.", [_mutation_hint(old)])
    return result


def numerical_gradient(f, x, eps=1e-5):
    """Centred-difference gradient of the scalar function ``f`` at ``x`` (float64).

    f -- callable taking an array shaped like x and returning a number
    x -- array (not modified)
    Returns an array of x's shape: (f(x + eps e_i) - f(x - eps e_i)) / (2 eps) for each i.
    """
    x = _array(x, dtype=_float64)
    grad = _zeros_like(x)
    it = _nditer(x, flags=["multi_index"])
    while not it.finished:
        i = it.multi_index
        old = x[i]
        x[i] = old + eps
        plus = float(f(x.copy()))
        x[i] = old - eps
        minus = float(f(x.copy()))
        x[i] = old
        grad[i] = (plus - minus) / (2 * eps)
        it.iternext()
    return grad


def relative_error(a, b):
    """``|a - b| / (|a| + |b|)`` over whole arrays; 0 when both are 0."""
    a = _asarray(a, dtype=_float64)
    b = _asarray(b, dtype=_float64)
    denom = _norm(a) + _norm(b)
    return 0.0 if denom == 0 else float(_norm(a - b) / denom)


def grad_check(f, params, grads, eps=1e-5, tol=1e-7):
    """Compare analytic gradients with centred differences, one parameter at a time.

    f      -- callable taking a dict like ``params`` and returning the scalar cost
    params -- dict name -> array or number, the point at which to check (not modified)
    grads  -- dict name -> analytic gradient, same shapes as params (keys may be "dW1" for
              "W1"; both spellings are accepted)
    Fails if a relative error is at least ``tol``; returns {name: relative error}.
    """
    errors = {}
    for key, value in params.items():
        g_key = key if key in grads else "d" + key
        if g_key not in grads:
            _fail(f"no gradient given for {key} (expected a key {key!r} or {'d' + key!r}).")
        x0 = _array(value, dtype=_float64)

        def f_of(x, key=key, scalar=x0.ndim == 0):
            trial = dict(params)
            trial[key] = float(x) if scalar else x
            return f(trial)

        numeric = numerical_gradient(f_of, x0, eps)
        analytic = grads[g_key]
        if isinstance(analytic, _ndarray) and analytic.shape != numeric.shape:
            check_shape(analytic, numeric.shape, g_key)
        analytic = _asarray(analytic, dtype=_float64).reshape(numeric.shape)
        err = relative_error(numeric, analytic)
        errors[key] = err
        if not err < tol:
            _fail(f"gradient check failed for {g_key}: relative error {err:.3g} "
                  f"(must be below {tol:g}).",
                  _value_hints(analytic, numeric) or
                  ["compare your formula for this gradient with the chain rule, term by term."])
    return errors


def _generator(rng):
    return rng if isinstance(rng, _Generator) else _default_rng(rng)


def check_backward(forward, backward, inputs, rng=0, *, wrt=None, eps=1e-6, tol=1e-7):
    """Check a layer's backward pass against centred differences of its forward pass.

    forward  -- callable(*inputs) -> (out, cache); bind any other argument first (a lambda or
                functools.partial), e.g. ``lambda x, w, b: conv_forward(x, w, b, stride=2)``
    backward -- callable(dout, cache) -> the gradient of every input, in the order of
                ``inputs``: a tuple, or one array when there is one input
    inputs   -- a sequence of arrays, or a dict name -> array (passed by keyword, gradients in
                the dict's order); checked in float64, never modified
    rng      -- seed or numpy Generator for the upstream gradient ``dout`` (standard normal)
    wrt      -- the names or positions of the inputs to check (default: all of them; leave out
                integer inputs such as labels or masks)
    Fails with the input's name, its relative error and the worst index (analytic and numeric
    values there); returns {name: relative error}. The scalar checked is sum(out * dout), so
    every element of out counts, as in CS231n's ``eval_numerical_gradient_array``.
    """
    by_name = isinstance(inputs, dict)
    names = list(inputs) if by_name else [f"input {i}" for i in range(len(inputs))]
    values = [_array(v, dtype=_float64) for v in (inputs.values() if by_name else inputs)]

    def run(vals):
        return forward(**dict(zip(names, vals))) if by_name else forward(*vals)

    out, cache = run([v.copy() for v in values])
    out = _asarray(out, dtype=_float64)
    dout = _generator(rng).standard_normal(out.shape)
    grads = backward(dout.copy(), cache)
    if not isinstance(grads, (tuple, list)):
        grads = (grads,)
    if len(grads) != len(values):
        _fail(f"backward returned {len(grads)} gradient(s) for {len(values)} input(s) "
              f"({', '.join(names)}): one per input, in the same order.")
    chosen = range(len(values)) if wrt is None else \
        [w if isinstance(w, int) else names.index(w) for w in wrt]
    errors = {}
    for i in chosen:
        name, label = names[i], ("d" + names[i] if by_name else f"the gradient of {names[i]}")

        def scalar(x, i=i):
            trial = [v.copy() for v in values]
            trial[i] = x
            return float(_sum(_asarray(run(trial)[0], dtype=_float64) * dout))

        numeric = numerical_gradient(scalar, values[i], eps)
        analytic = grads[i]
        if _asarray(analytic).shape != numeric.shape:
            check_shape(_asarray(analytic), numeric.shape, label)
        analytic = _asarray(analytic, dtype=_float64)
        err = relative_error(numeric, analytic)
        errors[name] = err
        if not err < tol:
            gap = _abs(analytic - numeric)
            worst = _where_first(gap == gap.max(), gap.shape) if gap.size else ()
            at = f" worst at index {worst}: analytic {analytic[worst]:.6g}, numeric " \
                 f"{numeric[worst]:.6g}" if gap.size else ""
            _fail(f"{label}: relative error {err:.3g} (must be below {tol:g});{at}.",
                  _value_hints(analytic, numeric) or
                  ["compare this gradient with the chain rule, term by term."])
    return errors


def random_params(dims, rng=0, scale=0.1):
    """Parameters of a dense network with layer sizes ``dims`` = [n_x, n_1, ..., n_L], in the
    course's column layout: ``W{l}`` of shape (n_l, n_{l-1}) and ``b{l}`` of shape (n_l, 1),
    drawn from N(0, scale^2) (biases too, so that a test sees a bias that is ignored)."""
    rng = _generator(rng)
    params = {}
    for l in range(1, len(dims)):
        params[f"W{l}"] = scale * rng.standard_normal((dims[l], dims[l - 1]))
        params[f"b{l}"] = scale * rng.standard_normal((dims[l], 1))
    return params


_LOOPS = (_ast.For, _ast.AsyncFor, _ast.While, _ast.ListComp, _ast.SetComp, _ast.DictComp,
          _ast.GeneratorExp)


def python_loops(function):
    """The loop constructs (for, while, comprehensions) in ``function``'s source, by name;
    [] when the source cannot be read."""
    try:
        tree = _ast.parse(_textwrap.dedent(_inspect.getsource(function)))
    except (OSError, TypeError, SyntaxError):
        return []
    return [type(node).__name__ for node in _ast.walk(tree) if isinstance(node, _LOOPS)]


def check_no_loops(function, hint="one vectorised numpy expression does it"):
    """Fail if ``function``'s source contains a Python loop or comprehension."""
    loops = python_loops(function)
    name = getattr(function, "__name__", "the function")
    if loops:
        _fail(f"{name} contains a Python loop ({', '.join(loops)}).", [hint])


def best_time(function, *args, repeat=3, stop=float("inf")):
    """The shortest of ``repeat`` timed calls (perf_counter seconds); gives up early once a
    call has taken more than ``stop`` seconds."""
    best = float("inf")
    for _ in range(repeat):
        start = _perf_counter()
        function(*args)
        best = min(best, _perf_counter() - start)
        if best > stop:
            break
    return best


def check_fast_enough(function, args, reference, factor=20.0, slack=0.02, what="",
                      hint="a Python loop visits the elements one by one; vectorise it"):
    """Fail unless ``function(*args)`` runs within ``factor`` x the time of
    ``reference(*args)`` plus ``slack`` seconds (best of a few runs, measured here and now, so
    the budget follows the machine). Returns (yours, reference) in seconds."""
    ref = best_time(reference, *args, repeat=5)
    budget = factor * ref + slack
    yours = best_time(function, *args, stop=4 * budget)
    name = getattr(function, "__name__", "the function")
    if not yours < budget:
        _fail(f"{name} took {1000 * yours:.1f} ms{' on ' + what if what else ''}; the reference "
              f"takes {1000 * ref:.2f} ms (budget {1000 * budget:.0f} ms).", [hint])
    return yours, ref
