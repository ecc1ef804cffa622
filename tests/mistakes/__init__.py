"""The usual mistakes, written into each chapter's solution, that its tests must catch.

One module per chapter, ``tests/mistakes/chNN_slug.py`` (the module name is the chapter id, as in
``source/``), defines ``MISTAKES = [...]`` for that chapter. Each entry is a tuple

    (answer grade id, kind, old, new)   or   (answer grade id, kind, old, new, note)

- the answer grade id is a graded answer cell of that chapter (``chNN-<function>``);
- ``kind`` is one of ``KINDS`` below, a closed vocabulary: add a kind here, with its meaning,
  only when no existing one fits;
- ``old`` occurs exactly once in that answer's solution regions (between ``### BEGIN SOLUTION``
  and ``### END SOLUTION``; a cell defining a forward and a backward pass may have one region
  each) and ``new`` replaces it with the mistake, leaving code that still runs;
- ``note`` (optional, free text) says what the mistake is when the kind alone does not.

test_mistakes.py applies each one and requires the function's test cell to fail. This package
collects the chapter modules, in chapter order, into ``MISTAKES = {chapter id: [Mistake, ...]}``;
a ``Mistake`` unpacks and compares as the 4-tuple ``(gid, kind, old, new)`` and carries the
note as ``.note`` (None without one). A module whose entries have the wrong shape or a kind not
in ``KINDS`` stops the collection with an error naming the file and the entry.
"""
import importlib
import re
from pathlib import Path
from types import MappingProxyType

KINDS = MappingProxyType({
    # the chapter contract's list
    "wrong_axis": "reduces, indexes or shuffles along the wrong axis, or over all of them",
    "missing_keepdims": "a reduction without keepdims=True, so the result broadcasts wrongly",
    "missing_transpose": "a transpose missing or misplaced, or the operands of a product swapped",
    "missing_1_over_m": "the 1/m average over examples missing, doubled or over the wrong count",
    "sign_error": "a sign flipped, or a maximum taken where the minimum is wanted",
    "off_by_one": "a range, slice, index or count one too long or too short",
    "wrong_derivative": "a wrong local gradient or backward formula, or a backward path left out",
    "mutated_input": "an argument changed in place, or a result sharing memory with an argument "
                     "or another result",
    "mask_not_applied": "a mask (dropout, causal, selection) not applied, inverted, built wrongly "
                        "or misplaced",
    "overflow": "a numerically unstable form: overflows, underflows or loses precision",
    "wrong_init": "a wrong initial value, scale, shape or seed of parameters or state",
    # what the entries need besides
    "wrong_formula": "another formula, function or constant than the right one, or an extra term",
    "missing_term": "a term, factor or step of the computation left out",
    "wrong_shape": "a wrong shape, reshape or rank assumption",
    "wrong_dtype": "a wrong dtype or type, integer instead of true division, or wrong rounding",
    "data_leakage": "a fit or a statistic computed on data it must not see (dev, test, input)",
    "wrong_order": "steps, operands or outputs in the wrong order, or swapped",
    "wrong_variable": "the right operation on the wrong array, key, layer, hyperparameter or "
                      "argument",
    "stale_state": "state not kept, not updated before use, or reset at the wrong time",
    "python_loop": "a Python loop where vectorised numpy is asked for, or not the loop asked for",
    "wrong_randomness": "global np.random or a fixed seed, a draw reused or missing, or the wrong "
                        "distribution or sampling scheme",
    "eps_misplaced": "epsilon missing, inside instead of outside a square root (or the reverse), "
                     "or added inside a log",
    "ignored_argument": "an argument ignored or replaced by a hard-coded value",
    "wrong_update_rule": "an optimiser step or moving average wrong: weights, bias correction, "
                         "learning rate or step direction",
    "wrong_mode": "training and evaluation behaviour mixed up (dropout, batch-norm statistics)",
    "wrong_condition": "a wrong condition, threshold, comparison or branch",
    "missing_check": "an input check missing or too loose, or an error message not saying what "
                     "is wrong",
})

HERE = Path(__file__).resolve().parent
CHAPTER_MODULE = re.compile(r"ch(\d\d)_\w+")


class MistakeError(ValueError):
    """A chapter module's entry that is not a well-formed mistake."""


class Mistake(tuple):
    """One entry: unpacks and compares as (gid, kind, old, new); the note is ``.note``."""

    def __new__(cls, gid, kind, old, new, note=None):
        self = super().__new__(cls, (gid, kind, old, new))
        self.note = note
        return self

    gid = property(lambda self: self[0])
    kind = property(lambda self: self[1])
    old = property(lambda self: self[2])
    new = property(lambda self: self[3])

    def __repr__(self):
        extra = "" if self.note is None else f", note={self.note!r}"
        return f"Mistake({self[0]!r}, {self[1]!r}, {self[2]!r}, {self[3]!r}{extra})"


def validate(chapter_id, entries, source="tests/mistakes"):
    """The entries of chapter ``chapter_id`` as Mistakes, or a MistakeError naming ``source``
    (the file) and the entry at fault."""
    if not isinstance(entries, list):
        raise MistakeError(f"{source}: MISTAKES must be a list, not {type(entries).__name__}")
    prefix = chapter_id[:4] + "-"
    out = []
    for i, entry in enumerate(entries):
        where = f"{source}: entry {i} {entry!r}"
        if not isinstance(entry, tuple) or len(entry) not in (4, 5):
            raise MistakeError(f"{where}: must be a tuple (gid, kind, old, new[, note])")
        if not all(isinstance(x, str) for x in entry):
            raise MistakeError(f"{where}: every field must be a string")
        gid, kind, old, new, *note = entry
        if kind not in KINDS:
            raise MistakeError(f"{where}: kind {kind!r} is not in KINDS "
                               f"(tests/mistakes/__init__.py): {', '.join(KINDS)}")
        if not gid.startswith(prefix):
            raise MistakeError(f"{where}: the grade id {gid!r} is not one of {chapter_id}'s")
        if not old or old == new:
            raise MistakeError(f"{where}: old must be non-empty and differ from new")
        if note and not note[0].strip():
            raise MistakeError(f"{where}: an empty note (leave it out instead)")
        out.append(Mistake(gid, kind, old, new, *note))
    return out


def chapter_modules():
    """The chapter modules' names (= chapter ids), in chapter order."""
    names = [p.stem for p in HERE.glob("ch*.py") if CHAPTER_MODULE.fullmatch(p.stem)]
    return sorted(names, key=lambda n: (int(CHAPTER_MODULE.fullmatch(n).group(1)), n))


def collect():
    """{chapter id: [Mistake, ...]} from every tests/mistakes/chNN_*.py, in chapter order."""
    collected = {}
    for name in chapter_modules():
        source = f"tests/mistakes/{name}.py"
        module = importlib.import_module(f"{__name__}.{name}")
        if not hasattr(module, "MISTAKES"):
            raise MistakeError(f"{source}: defines no MISTAKES list")
        collected[name] = validate(name, module.MISTAKES, source)
    return collected


MISTAKES = collect()
