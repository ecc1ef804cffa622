"""tests/mistakes/: every chapter file's entries are well formed and use only KINDS, and the
collector rejects what is not."""
import ast
import sys
from pathlib import Path

import pytest

from conftest import CHAPTERS
from mistakes import KINDS, MISTAKES, Mistake, MistakeError, chapter_modules, validate

HERE = Path(__file__).resolve().parent / "mistakes"
GOOD = ("ch01-sigmoid", "sign_error", "a - b", "b - a")


def test_kinds_are_a_short_closed_vocabulary():
    assert 20 <= len(KINDS) <= 30
    for kind, meaning in KINDS.items():
        assert kind.isidentifier() and kind == kind.lower(), kind
        assert meaning.strip() and "\n" not in meaning, kind
    with pytest.raises(TypeError):
        KINDS["made_up"] = "a kind added behind the vocabulary's back"


def test_validate_accepts_entries_with_and_without_a_note():
    plain, noted = validate("ch01_logistic_regression", [GOOD, GOOD + ("a note",)])
    assert plain == GOOD and plain.note is None
    assert noted == GOOD and noted.note == "a note"
    gid, kind, old, new = noted                      # unpacks as test_mistakes.py expects
    assert (gid, kind, old, new) == GOOD


@pytest.mark.parametrize("entry, message", [
    (("ch01-sigmoid", "made_up_kind", "a - b", "b - a"), "kind 'made_up_kind' is not in KINDS"),
    (("ch01-sigmoid", "sign_error", "a - b"), "must be a tuple"),
    (["ch01-sigmoid", "sign_error", "a - b", "b - a"], "must be a tuple"),
    (GOOD + ("note", "one field too many"), "must be a tuple"),
    (("ch01-sigmoid", "sign_error", "a - b", 3), "every field must be a string"),
    (("ch02-predict", "sign_error", "a - b", "b - a"), "is not one of ch01_logistic_regression's"),
    (("ch01-sigmoid", "sign_error", "a - b", "a - b"), "old must be non-empty and differ"),
    (("ch01-sigmoid", "sign_error", "", "b - a"), "old must be non-empty and differ"),
    (GOOD + (" ",), "an empty note"),
])
def test_validate_rejects(entry, message):
    with pytest.raises(MistakeError, match="ch01_fake.py: entry 1 ") as caught:
        validate("ch01_logistic_regression", [GOOD, entry], "tests/mistakes/ch01_fake.py")
    assert message in str(caught.value)


def test_validate_rejects_a_module_without_a_list():
    with pytest.raises(MistakeError, match="MISTAKES must be a list"):
        validate("ch01_logistic_regression", (GOOD,), "tests/mistakes/ch01_fake.py")


def test_collect_names_the_file_and_entry_of_an_unknown_kind(tmp_path, monkeypatch):
    import mistakes
    (tmp_path / "ch99_fake.py").write_text("MISTAKES = [\n"
                                           "    ('ch99-f', 'sign_error', 'a', 'b'),\n"
                                           "    ('ch99-f', 'typo', 'a', 'b'),\n"
                                           "]\n")
    monkeypatch.setattr(mistakes, "HERE", tmp_path)
    monkeypatch.setattr(mistakes, "__path__", [str(tmp_path)])
    monkeypatch.delitem(sys.modules, "mistakes.ch99_fake", raising=False)
    with pytest.raises(MistakeError, match=r"tests/mistakes/ch99_fake.py: entry 1 .*'typo'"):
        mistakes.collect()
    sys.modules.pop("mistakes.ch99_fake", None)


def test_every_chapter_file_uses_only_kinds():
    files = sorted(p.stem for p in HERE.glob("ch*.py"))
    assert files == sorted(chapter_modules()), "a file in tests/mistakes/ is not named chNN_slug.py"
    assert list(MISTAKES) == chapter_modules()       # collected, in chapter order
    for name in files:
        # read the file itself, not only what the collector made of it
        tree = ast.parse((HERE / f"{name}.py").read_text())
        [assign] = [n for n in tree.body if isinstance(n, ast.Assign)
                    and [t.id for t in n.targets if isinstance(t, ast.Name)] == ["MISTAKES"]]
        entries = ast.literal_eval(assign.value)
        unknown = sorted({e[1] for e in entries} - set(KINDS))
        assert not unknown, f"tests/mistakes/{name}.py uses kinds not in KINDS: {unknown}"
        assert [(*m, *([] if m.note is None else [m.note])) for m in MISTAKES[name]] == entries
        assert all(isinstance(m, Mistake) for m in MISTAKES[name])


def test_every_mistakes_file_is_a_chapter():
    chapters = {c.id for c in CHAPTERS}
    assert set(MISTAKES) <= chapters, f"no chapter in source/ for {set(MISTAKES) - chapters}"
