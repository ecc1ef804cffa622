"""The twin rule: a graded function (defined in a notebook's answer cell) and a ``course.nn``
block with the same name have the same parameter names and defaults, return value, cache
structure and layout; a block that must differ takes another name, or is listed in EXCEPTIONS
with its reason.

For each source notebook, the functions its answer cells define at the top level are run as
the notebook runs them (after the imports of its setup cell and the chapter's other answers),
and each whose name is in ``course.nn.__all__`` is compared with the block: the signatures
(inspect.signature), then both functions on the inputs of INPUTS (seeded, made afresh for each
side): the same nesting of tuples, lists and dicts, the same shapes and dtypes, values within
1e-10, and the same exception type where one raises. A pair that differs must be in EXCEPTIONS;
an entry of EXCEPTIONS must still name a pair that exists and differs; every pair needs inputs.
"""
import ast
import functools
import inspect

import numpy as np
import pytest

from conftest import CHAPTERS
from course import nn
from nbtools import answer_cells, nbmeta, read

# (chapter id, function) -> why the library block keeps another signature, return value or cache
EXCEPTIONS = {
    ("ch01_logistic_regression", "logistic_forward"):
        "chapter 1 returns A alone; the block returns (A, cache), which chapters 3-6, 11, 15 "
        "and 19 unpack (A, cache = nn.logistic_forward(...))",
    ("ch07_activations", "softmax"):
        "the block generalises chapter 7's softmax(Z) with axis=0 (same values by columns); "
        "chapters 49-51 call softmax(..., axis=-1)",
    ("ch09_deep_nn", "linear_activation_forward"):
        "the block's cache is ((A_prev, W, b), activation cache), not chapter 9's "
        "(A_prev, W, b, Z): chapter 14 indexes it (caches[l][0][0]) and chapter 10 unpacks "
        "model_forward's caches into (linear_cache, activation_cache); and the block names the "
        "activation kind=, as course.nn does throughout (docs/conventions.md)",
    ("ch09_deep_nn", "linear_activation_backward"):
        "takes linear_activation_forward's nested cache and kind= (see there)",
}

TOLERANCE = 1e-10


# --- the inputs: name -> cases; a case(rng, nb) returns (args, kwargs), where rng is a fresh
# Generator with the same seed for each side and nb the notebook's namespace (to build a cache
# with the notebook's own forward function, the cache a student's backward receives).

def _normal(rng, *shape):
    return rng.normal(size=shape)


def _boxes(rng, k):
    """k random corner boxes (x1, y1, x2, y2) inside 20 x 20."""
    xs, ys = np.sort(rng.uniform(0, 20, (2, k, 2)), axis=2)
    return np.stack([xs[:, 0], ys[:, 0], xs[:, 1], ys[:, 1]], axis=1)


def _detections(rng, with_classes, score_threshold):
    from course import data
    _, boxes, labels = data.make_box_scenes(1, objects=(3, 3), seed=int(rng.integers(100)))
    cand, scores, classes, _ = data.make_detections(boxes[0], labels[0], seed=1)
    return (cand, scores, 0.5, score_threshold), {"classes": classes if with_classes else None}


def _recurrent_params(kind, rng, n_x, n_a):
    if kind == "rnn":
        return {"Wax": _normal(rng, n_x, n_a), "Waa": _normal(rng, n_a, n_a),
                "ba": _normal(rng, n_a)}
    p = {}
    for g in ("urc" if kind == "gru" else "fuoc"):
        p[f"W{g}"], p[f"b{g}"] = _normal(rng, n_a + n_x, n_a), _normal(rng, n_a)
    return p


def _recurrent_inputs(kind):
    """INPUTS for the four functions of one recurrent cell (rnn, gru or lstm)."""
    lstm = kind == "lstm"
    states = 2 if lstm else 1               # the LSTM's cell takes and returns (a, c)

    def cell_args(r, m, n_x, n_a):
        return (_normal(r, m, n_x), *(_normal(r, m, n_a) for _ in range(states)),
                _recurrent_params(kind, r, n_x, n_a))

    def seq_args(r, m, T, n_x, n_a):
        return (_normal(r, m, T, n_x), _normal(r, m, n_a), _recurrent_params(kind, r, n_x, n_a))

    cells, seqs = ((3, 2, 4), (1, 3, 3)), ((2, 4, 3, 5), (1, 1, 2, 2))
    return {
        f"{kind}_cell_forward": [lambda r, nb, s=s: (cell_args(r, *s), {}) for s in cells],
        f"{kind}_cell_backward": [
            lambda r, nb, s=s: ((*(_normal(r, s[0], s[2]) for _ in range(states)),
                                 nb[f"{kind}_cell_forward"](*cell_args(r, *s))[-1]), {})
            for s in cells],
        f"{kind}_forward": [lambda r, nb, s=s: (seq_args(r, *s), {}) for s in seqs],
        f"{kind}_backward": [
            lambda r, nb, s=s: ((_normal(r, s[0], s[1], s[3]),
                                 nb[f"{kind}_forward"](*seq_args(r, *s))[-1]), {})
            for s in seqs],
    }


_CAT, _THERE = "the cat is on the mat".split(), "there is a cat on the mat".split()
_SAT = "the cat sat on the mat".split()
_BLEU_CASES = {
    "ngrams": [(_CAT, 2), (_CAT, 1), (["a"], 3)],
    "modified_precision": [([_CAT, _THERE], ["the"] * 7, 1), ([_CAT, _THERE], _SAT, 2),
                           ([_CAT], ["a"], 2)],
    "closest_ref_length": [([_CAT, _THERE], 4), ([["a"] * 13, ["a"] * 11], 12)],
    "brevity_penalty": [(12, 28), (7, 6), (0, 3)],
    "sentence_bleu": [([_CAT, _THERE], _SAT), ([_CAT, _THERE], _CAT),
                      ([_CAT, _THERE], ["the", "cat"], 2), ([_CAT, _THERE], _SAT, 4, None, "floor"),
                      ([_CAT], _SAT, 2, (0.3, 0.7)), ([_CAT], _SAT, 4, None, "add-k")],
    "corpus_bleu": [([[_CAT, _THERE], [_SAT]], [_SAT, _CAT]), ([[_CAT]], [["a", "dog"]]),
                    ([[_CAT], [_THERE]], [_CAT, _SAT], 4, None, "floor")],
}


def _table_lm(rng, V=4):
    """A step function over a random bigram table of V tokens (by the last token)."""
    logp = np.log(rng.dirichlet(np.full(V, 0.7), size=V))
    return lambda prefix: logp[prefix[-1]]


def _bn_running(n):
    return {"mean": np.zeros((n, 1)), "var": np.ones((n, 1))}


INPUTS = {
    "sigmoid": [
        lambda r, nb: ((np.array([-1000.0, -50.0, -1.0, 0.0, 1.0, 50.0, 1000.0]),), {}),
        lambda r, nb: ((_normal(r, 3, 4) * 5,), {}),
        lambda r, nb: ((0.5,), {}),
        lambda r, nb: (([1, -2, 3],), {}),
    ],
    "logistic_forward": [
        lambda r, nb: ((_normal(r, 3, 1), 0.2, _normal(r, 3, 5)), {}),
        lambda r, nb: ((_normal(r, 1, 1), -1.0, _normal(r, 1, 1)), {}),
    ],
    "bce_cost": [
        lambda r, nb: ((r.uniform(0.01, 0.99, (1, 6)), (r.uniform(size=(1, 6)) > 0.5) * 1.0), {}),
        lambda r, nb: ((np.array([[1.0, 0.0, 0.5]]), np.array([[1.0, 0.0, 1.0]])), {}),
    ],
    "softplus": [
        lambda r, nb: ((np.array([-1000.0, -1.0, 0.0, 1.0, 1000.0]),), {}),
        lambda r, nb: ((_normal(r, 2, 3) * 10,), {}),
        lambda r, nb: (([0, 1, 2],), {}),
    ],
    "softmax": [
        lambda r, nb: ((_normal(r, 4, 5),), {}),
        lambda r, nb: ((np.array([[1000.0, -1000.0], [0.0, -1e4]]),), {}),
        lambda r, nb: ((np.array([[1.43], [-0.4], [0.23]]),), {}),
    ],
    "softmax_cross_entropy": [
        lambda r, nb: ((_normal(r, 4, 5), nn.one_hot(r.integers(0, 4, (1, 5)), 4)), {}),
        lambda r, nb: ((_normal(r, 2, 1) * 30, np.array([[0.0], [1.0]])), {}),
    ],
    "linear_activation_forward": [
        lambda r, nb: ((_normal(r, 3, 5), _normal(r, 2, 3), _normal(r, 2, 1), "relu"), {}),
        lambda r, nb: ((_normal(r, 3, 5), _normal(r, 1, 3), _normal(r, 1, 1), "sigmoid"), {}),
    ],
    "linear_activation_backward": [
        lambda r, nb, g=g: ((_normal(r, 2, 5), nb["linear_activation_forward"](
            _normal(r, 3, 5), _normal(r, 2, 3), _normal(r, 2, 1), g)[1], g), {})
        for g in ("relu", "sigmoid")
    ],
    "init_he": [
        lambda r, nb: (([4, 3, 2], r), {}),
        lambda r, nb: (([5, 1], r), {}),
    ],
    "init_xavier": [
        lambda r, nb: (([4, 3, 2], r), {}),
        lambda r, nb: (([5, 1], r), {}),
    ],
    "dropout_forward": [
        lambda r, nb: ((_normal(r, 4, 6), 0.8, np.random.default_rng(1)), {}),
        lambda r, nb: ((_normal(r, 2, 3, 4), 0.5, np.random.default_rng(2)), {}),
        lambda r, nb: ((_normal(r, 4, 6), 0.8, np.random.default_rng(3), False), {}),
        lambda r, nb: ((_normal(r, 4, 6), 0.7, np.random.default_rng(4)), {"training": False}),
        lambda r, nb: ((_normal(r, 3, 3), 1.0, np.random.default_rng(5)), {}),
        lambda r, nb: ((_normal(r, 3, 3), 0.0, np.random.default_rng(6)), {}),
        lambda r, nb: ((_normal(r, 3, 3), 1.5, np.random.default_rng(7)), {}),
    ],
    "dropout_backward": [
        lambda r, nb: ((_normal(r, 4, 6), r.random((4, 6)) < 0.7, 0.7), {}),
        lambda r, nb: ((_normal(r, 2, 3, 4), (r.random((2, 3, 4)) < 0.4) * 1.0, 0.4), {}),
    ],
    "batchnorm_forward": [
        lambda r, nb: ((_normal(r, 3, 8) * 3 + 2, _normal(r, 3, 1), _normal(r, 3, 1),
                        _bn_running(3)), {}),
        lambda r, nb: ((_normal(r, 3, 8), _normal(r, 3, 1), _normal(r, 3, 1),
                        {"mean": _normal(r, 3, 1), "var": r.uniform(0.5, 2, (3, 1))}, "test"), {}),
        lambda r, nb: ((_normal(r, 4, 5), np.ones((4, 1)), np.zeros((4, 1)), _bn_running(4)),
                       {"momentum": 0.5, "eps": 1e-3}),
        lambda r, nb: ((_normal(r, 2, 1), _normal(r, 2, 1), _normal(r, 2, 1), _bn_running(2)), {}),
        lambda r, nb: ((_normal(r, 2, 3), np.ones((2, 1)), np.zeros((2, 1)), _bn_running(2),
                        "eval"), {}),
    ],
    "batchnorm_backward": [
        lambda r, nb: ((_normal(r, 3, 8), nb["batchnorm_forward"](
            _normal(r, 3, 8) * 3 + 2, _normal(r, 3, 1), _normal(r, 3, 1), _bn_running(3))[1]), {}),
        lambda r, nb: ((_normal(r, 2, 2), nb["batchnorm_forward"](
            _normal(r, 2, 2), _normal(r, 2, 1), _normal(r, 2, 1), _bn_running(2),
            eps=0.3)[1]), {}),
    ],
    "causal_mask": [
        lambda r, nb: ((1,), {}),
        lambda r, nb: ((4,), {}),
    ],
    "attention_backward": [
        lambda r, nb, mask=mask: ((_normal(r, 2, 4, 3), nn.attention_forward(
            _normal(r, 2, 4, 5), _normal(r, 2, 4, 5), _normal(r, 2, 4, 3), mask)[1]), {})
        for mask in (None, nn.causal_mask(4))
    ],
    "split_heads": [
        lambda r, nb: ((_normal(r, 2, 5, 12), 3), {}),
        lambda r, nb: ((_normal(r, 5, 6), 2), {}),
        lambda r, nb: ((_normal(r, 2, 5, 12), 5), {}),
    ],
    "combine_heads": [
        lambda r, nb: ((_normal(r, 2, 3, 5, 4),), {}),
        lambda r, nb: ((_normal(r, 2, 4, 3),), {}),
    ],
    "positional_encoding": [
        lambda r, nb: ((4, 4), {}),
        lambda r, nb: ((3, 5), {}),
        lambda r, nb: ((50, 8), {}),
    ],
    # chapters 29-30: non-square, m = 1, pad 0 (where [pad:-pad] breaks), stride 2, a tie
    "conv_output_size": [
        lambda r, nb: ((7, 3, 0, 2), {}),
        lambda r, nb: ((6, 3), {}),
        lambda r, nb: ((5, 3), {"pad": 1, "stride": 2}),
    ],
    "zero_pad": [
        lambda r, nb: ((_normal(r, 2, 3, 4, 2), 2), {}),
        lambda r, nb: ((_normal(r, 1, 2, 2, 1), 0), {}),
    ],
    "conv_forward": [
        lambda r, nb: ((_normal(r, 2, 5, 7, 3), _normal(r, 3, 3, 3, 4), _normal(r, 1, 1, 1, 4),
                        2, 1), {}),
        lambda r, nb: ((_normal(r, 1, 4, 4, 2), _normal(r, 2, 2, 2, 3), _normal(r, 1, 1, 1, 3)),
                       {}),
    ],
    "conv_backward": [
        lambda r, nb, s=s, p=p: ((_normal(r, 2, (5 + 2 * p - 3) // s + 1, (7 + 2 * p - 3) // s + 1,
                                          4),
                                  nb["conv_forward"](_normal(r, 2, 5, 7, 3), _normal(r, 3, 3, 3, 4),
                                                     _normal(r, 1, 1, 1, 4), s, p)[1]), {})
        for s, p in ((1, 0), (2, 1))
    ],
    "pool_forward": [
        lambda r, nb: ((_normal(r, 2, 5, 7, 3), 3, 2), {}),
        lambda r, nb: ((_normal(r, 1, 4, 4, 2), 2, 1, "average"), {}),
        lambda r, nb: ((np.ones((1, 2, 2, 1)), 2, 2), {"mode": "max"}),
        lambda r, nb: ((_normal(r, 1, 4, 4, 2), 2, 2, "min"), {}),
    ],
    # chapter 35: tuples and arrays, a zero-area pair, the IoU = 0.5 boundary, empty sets, ties
    "iou": [
        lambda r, nb: (((1, 1, 3, 3), (2, 2, 4, 4)), {}),
        lambda r, nb: ((np.array([2, 2, 2, 2.0]), np.array([2, 2, 2, 2.0])), {}),
        lambda r, nb: ((_boxes(r, 1)[0], _boxes(r, 1)[0]), {}),
        lambda r, nb: (([0, 0, 4, 4], [0, 0, 4, 2]), {}),
    ],
    "iou_matrix": [
        lambda r, nb: ((_boxes(r, 5), _boxes(r, 3)), {}),
        lambda r, nb: (((1, 1, 3, 3), [[2, 2, 4, 4], [2, 2, 2, 2]]), {}),
        lambda r, nb: ((np.zeros((0, 4)), _boxes(r, 2)), {}),
    ],
    "nms": [
        lambda r, nb: _detections(r, True, 0.3),
        lambda r, nb: _detections(r, False, 0.0),
        lambda r, nb: (([[0, 0, 4, 4], [0, 0, 4, 2]], [0.9, 0.8]), {}),
        lambda r, nb: ((np.zeros((0, 4)), np.zeros(0)), {}),
        lambda r, nb: (([[0, 0, 2, 2], [0, 0, 2, 2]], [0.5, 0.5], 0.5, 0.0, [1, 1]), {}),
    ],
    # chapters 39-42: m = 1 and T = 1 among the cases; the cells' caches come from the notebook
    **{name: cases for kind in ("rnn", "gru", "lstm")
       for name, cases in _recurrent_inputs(kind).items()},
    "clip_by_norm": [
        lambda r, nb: (({"dW": _normal(r, 3, 4) * 10, "db": _normal(r, 4)}, 5.0), {}),
        lambda r, nb: (({"dW": _normal(r, 2, 2) * 0.01}, 5.0), {}),
        lambda r, nb: (({"dW": np.zeros((2, 2))}, 1.0), {}),
    ],
    # chapters 43 and 48: repeated ids, zero vectors; BLEU on the notes' and NLTK's sentences
    "embedding_forward": [
        lambda r, nb: ((np.array([[1, 1, 3], [0, 2, 1]]), _normal(r, 5, 3)), {}),
        lambda r, nb: (([2], _normal(r, 4, 2)), {}),
    ],
    "embedding_backward": [
        lambda r, nb: ((_normal(r, 2, 3, 4), nb["embedding_forward"](
            np.array([[1, 1, 3], [0, 1, 1]]), _normal(r, 5, 4))[1]), {}),
    ],
    "cosine_similarity": [
        lambda r, nb: ((_normal(r, 5), _normal(r, 5)), {}),
        lambda r, nb: ((np.zeros(3), _normal(r, 3)), {}),
        lambda r, nb: (([1.0, 2.0], [-2.0, -4.0]), {}),
    ],
    **{name: [lambda r, nb, c=c: (c, {}) for c in cases] for name, cases in _BLEU_CASES.items()},
    # chapter 47: random bigram tables, a width that is exhaustive, alpha 0 and 1
    "length_normalized_score": [
        lambda r, nb: ((list(np.log(r.uniform(0.05, 1, 4))),), {}),
        lambda r, nb: ((np.log(r.uniform(0.05, 1, 3)), 1.0), {}),
        lambda r, nb: (([-0.5], 0.0), {}),
    ],
    "greedy_decode": [
        lambda r, nb: ((_table_lm(r), 0, 1, 6), {}),
        lambda r, nb: ((_table_lm(r, 5), 2, 2, 4), {}),
        lambda r, nb: ((_table_lm(r, 3), 0, 1, 0), {}),
    ],
    "beam_search": [
        lambda r, nb: ((_table_lm(r), 0, 1), {}),
        lambda r, nb: ((_table_lm(r, 5), 0, 2), {"beam_width": 2, "max_len": 4, "alpha": 1.0}),
        lambda r, nb: ((_table_lm(r, 3), 0, 1, 1, 3, 0.0), {}),
        lambda r, nb: ((_table_lm(r, 3), 0, 1), {"beam_width": 27, "max_len": 3}),
    ],
    "gram_matrix": [
        lambda r, nb: ((_normal(r, 3, 4, 2),), {}),
        lambda r, nb: ((_normal(r, 1, 1, 1),), {}),
        lambda r, nb: ((_normal(r, 5, 5, 3) * 10,), {}),
    ],
    "pool_backward": [
        lambda r, nb, mode=mode: ((_normal(r, 2, 2, 3, 3), nb["pool_forward"](
            _normal(r, 2, 5, 7, 3), 3, 2, mode)[1]), {})
        for mode in ("max", "average")
    ] + [
        lambda r, nb: ((np.full((1, 1, 1, 1), 3.0), nb["pool_forward"](
            np.ones((1, 2, 2, 1)), 2, 2, "max")[1]), {}),
    ],
}


# --- the notebooks' graded functions -------------------------------------------------------

def _code(source):
    """A cell's source without IPython's magics and shell lines (setup cells start with one)."""
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line
                     for line in source.splitlines())


def _twins():
    pairs = []
    for chapter in CHAPTERS:
        for cell in answer_cells(read(chapter.source)):
            if cell.cell_type != "code":
                continue
            for node in ast.parse(cell.source).body:
                if isinstance(node, ast.FunctionDef) and node.name in nn.__all__:
                    pairs.append((chapter.id, node.name))
    return pairs


PAIRS = _twins()


@functools.lru_cache(maxsize=None)
def notebook_namespace(chapter_id):
    """The names a graded function sees in its notebook: the setup cell's imports, then every
    function (and import) of the chapter's answer cells, in order."""
    chapter = next(c for c in CHAPTERS if c.id == chapter_id)
    nb = read(chapter.source)
    namespace = {"__name__": f"notebook_{chapter_id}", "np": np, "nn": nn}
    setup = [c for c in nb.cells if nbmeta(c).get("grade_id") == "setup"]
    cells = [(c, (ast.Import, ast.ImportFrom)) for c in setup]
    cells += [(c, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef))
              for c in answer_cells(nb) if c.cell_type == "code"]
    for cell, kinds in cells:
        tree = ast.parse(_code(cell.source))
        tree.body = [node for node in tree.body if isinstance(node, kinds)]
        exec(compile(tree, f"{chapter.source}:{nbmeta(cell).get('grade_id')}", "exec"), namespace)
    return namespace


# --- comparing the two ---------------------------------------------------------------------

def signature(f):
    return [(p.name, p.kind.name, "" if p.default is p.empty else repr(p.default))
            for p in inspect.signature(f).parameters.values()]


def run(f, args, kwargs):
    try:
        return f(*args, **kwargs)
    except Exception as error:          # a refusal is an answer too: compare its type
        return Raised(type(error), str(error))


class Raised:
    def __init__(self, kind, text):
        self.kind, self.text = kind, text

    def __repr__(self):
        return f"raises {self.kind.__name__}({self.text!r})"


def _kind(x):
    if isinstance(x, Raised):
        return "exception"
    if isinstance(x, (tuple, list, dict)):
        return type(x).__name__
    if isinstance(x, np.ndarray):
        return "array"
    if isinstance(x, (bool, int, float, np.generic)):
        return "number"
    return type(x).__name__


def differences(nb, lib, where="result"):
    """How lib differs from nb (nested results), as a list of sentences."""
    kind = _kind(nb)
    if kind != _kind(lib):
        return [f"{where}: the notebook gives {_describe(nb)}, course.nn {_describe(lib)}"]
    if kind == "exception":
        same = nb.kind is lib.kind
        return [] if same else [f"{where}: the notebook {nb!r}, course.nn {lib!r}"]
    if kind in ("tuple", "list"):
        if len(nb) != len(lib):
            return [f"{where}: a {kind} of {len(nb)} in the notebook, of {len(lib)} in course.nn"]
        return [d for i, (a, b) in enumerate(zip(nb, lib))
                for d in differences(a, b, f"{where}[{i}]")]
    if kind == "dict":
        if set(nb) != set(lib):
            return [f"{where}: keys {sorted(nb)} in the notebook, {sorted(lib)} in course.nn"]
        return [d for k in nb for d in differences(nb[k], lib[k], f"{where}[{k!r}]")]
    if kind in ("array", "number"):
        a, b = np.asarray(nb), np.asarray(lib)
        if a.shape != b.shape or (kind == "array" and a.dtype != b.dtype):
            return [f"{where}: the notebook gives {_describe(nb)}, course.nn {_describe(lib)}"]
        if a.dtype.kind in "biu" or b.dtype.kind in "biu":
            same = np.array_equal(a, b)
        else:
            same = np.allclose(a, b, rtol=TOLERANCE, atol=TOLERANCE, equal_nan=True)
        if not same:
            err = np.max(np.abs(a.astype(float) - b.astype(float)))
            return [f"{where}: values differ by up to {err:.3g}"]
        return []
    return [] if nb == lib else [f"{where}: the notebook gives {nb!r}, course.nn {lib!r}"]


def _describe(x):
    if isinstance(x, np.ndarray):
        return f"an array {x.shape} {x.dtype}"
    if isinstance(x, (tuple, list)):
        return f"a {type(x).__name__} of {len(x)}"
    return repr(x) if isinstance(x, (Raised, type(None), bool, int, float)) else type(x).__name__


def pair_differences(chapter_id, name):
    nb = notebook_namespace(chapter_id)
    ours, theirs = nb[name], getattr(nn, name)
    out = []
    if signature(ours) != signature(theirs):
        out.append(f"signature: the notebook's {name}{inspect.signature(ours)}, "
                   f"course.nn's {name}{inspect.signature(theirs)}")
    for i, case in enumerate(INPUTS[name]):
        nb_args, lib_args = (case(np.random.default_rng(1000 + i), nb) for _ in range(2))
        out += differences(run(ours, *nb_args), run(theirs, *lib_args), f"case {i}: result")
    return out


# --- the tests -----------------------------------------------------------------------------

@pytest.mark.parametrize("chapter_id, name", PAIRS, ids=[f"{c[:4]}-{n}" for c, n in PAIRS])
def test_twin(chapter_id, name):
    assert name in INPUTS, (f"{chapter_id}'s {name} has a twin in course.nn but no inputs here: "
                            "add a few cases to INPUTS in tests/test_twins.py")
    found = pair_differences(chapter_id, name)
    if (chapter_id, name) in EXCEPTIONS:
        assert found, (f"{chapter_id}'s {name} and course.nn.{name} no longer differ: remove "
                       "them from EXCEPTIONS in tests/test_twins.py")
    else:
        assert not found, (
            f"{chapter_id}'s graded {name} and course.nn.{name} differ:\n  " + "\n  ".join(found)
            + "\nGive both the same signature, return value and cache, rename the library block, "
              "or (if notebooks rely on the difference) list the pair in EXCEPTIONS with a reason.")


def test_exceptions_name_pairs_that_exist():
    stale = sorted(set(EXCEPTIONS) - set(PAIRS))
    assert not stale, f"EXCEPTIONS lists pairs that no longer exist: {stale}"


def test_every_input_table_has_its_pair():
    unused = sorted(set(INPUTS) - {name for _, name in PAIRS})
    assert not unused, f"INPUTS has cases for functions that are no longer twins: {unused}"


def test_the_twins_are_found():
    # The pairs of code review 4.6, so that a broken search cannot pass by finding none.
    for pair in [("ch01_logistic_regression", "sigmoid"), ("ch14_dropout", "dropout_forward"),
                 ("ch21_batch_normalization", "batchnorm_backward"),
                 ("ch50_self_attention", "combine_heads")]:
        if pair[0] in {c.id for c in CHAPTERS}:
            assert pair in PAIRS
    assert len(PAIRS) == len(set(PAIRS))


def test_differences_are_seen():
    """The comparison itself: nesting, shapes, dtypes, values, exceptions."""
    a = np.arange(6.0).reshape(2, 3)
    assert differences((a, {"k": a}), (a.copy(), {"k": a + 1e-12})) == []
    assert differences(a, (a, a))
    assert differences((a, a), (a, a, a))
    assert differences(a, a.T)
    assert differences(a, a.astype(np.float32))
    assert differences(a, a + 1e-6)
    assert differences({"W1": a}, {"W": a})
    assert differences(None, a)
    assert differences(Raised(ValueError, ""), Raised(TypeError, "")) and not differences(
        Raised(ValueError, "x"), Raised(ValueError, "y"))
    assert differences(1.0, 1.0 + 1e-12) == [] and differences(1.0, 1.5)
