"""``python -m course similarity``: planted copies rank first, independent solutions do not.

A class of chapter 1 built from the real source and release notebooks: five correct solutions
written independently (checked against the source's own functions here), copies of one of them
disguised (renamed variables, reordered lines, comments, blank lines), the untouched release,
and hostile input (an id with HTML in it, code with ``</pre><script>``, a broken notebook, a
link). ``benchmarks/similarity.py`` builds its class of 200 from the same solutions.
"""
import json
import os
import re
import subprocess
import sys

import nbformat
import numpy as np
import pytest

from course.instructor import demo, similarity
from course.instructor.cells import grade_id, is_solution
from tests.nbtools import ROOT, course_copy

pytestmark = [pytest.mark.pipeline, pytest.mark.xdist_group("similarity")]

CH = "ch01_logistic_regression"
NB = f"{CH}.ipynb"
STUB = "    # YOUR CODE HERE\n    raise NotImplementedError()"

# Independent solutions: {grade id: body that replaces the release's stub}. "source" is the
# source notebook's own solution (demo.filled_release); these are four more, written apart.
SOLUTIONS = {
    "split": {
        "ch01-sigmoid": """\
    z = np.array(z, dtype=float)
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1.0 + ez)
    return out""",
        "ch01-logistic_forward": "    return sigmoid(w.T @ X + b)",
        "ch01-bce_cost": """\
    A = np.minimum(np.maximum(A, 1e-12), 1 - 1e-12)
    losses = Y * np.log(A) + (1 - Y) * np.log(1 - A)
    return float(-losses.mean())""",
        "ch01-propagate": """\
    A = logistic_forward(w, b, X)
    n = X.shape[1]
    err = A - Y
    grads = {"dw": X @ err.T / n, "db": float(err.sum() / n)}
    return grads, bce_cost(A, Y)""",
    },
    "tanh": {
        "ch01-sigmoid": "    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=float)))",
        "ch01-logistic_forward": """\
    z = np.matmul(np.transpose(w), X)
    z = z + b
    return sigmoid(z)""",
        "ch01-bce_cost": """\
    eps = 1e-12
    P = np.clip(A, eps, 1.0 - eps)
    total = 0.0
    total -= np.sum(Y * np.log(P))
    total -= np.sum((1 - Y) * np.log(1 - P))
    return float(total / Y.shape[1])""",
        "ch01-propagate": """\
    num = Y.shape[1]
    probs = logistic_forward(w, b, X)
    delta = probs - Y
    dw = (X * delta).sum(axis=1, keepdims=True) / num
    db = delta.mean()
    return dict(dw=dw, db=float(db)), bce_cost(probs, Y)""",
    },
    "loops": {
        "ch01-sigmoid": """\
    z = np.asarray(z, dtype=np.float64)
    return np.exp(-np.logaddexp(0.0, -z))""",
        "ch01-logistic_forward": """\
    m = X.shape[1]
    scores = np.zeros((1, m))
    for i in range(m):
        scores[0, i] = float(np.sum(w[:, 0] * X[:, i])) + b
    return sigmoid(scores)""",
        "ch01-bce_cost": """\
    a = np.clip(A.ravel(), 1e-12, 1 - 1e-12)
    y = Y.ravel()
    ll = [yi * np.log(ai) + (1 - yi) * np.log(1 - ai) for ai, yi in zip(a, y)]
    return -float(sum(ll)) / len(ll)""",
        "ch01-propagate": """\
    m = X.shape[1]
    A = logistic_forward(w, b, X)
    cost = bce_cost(A, Y)
    g = (A - Y).ravel()
    dw = np.zeros(w.shape)
    for j in range(m):
        dw[:, 0] += X[:, j] * g[j]
    return {"dw": dw / m, "db": float(g.sum()) / m}, cost""",
    },
    "einsum": {
        "ch01-sigmoid": """\
    x = np.asarray(z, dtype=float)
    neg = np.exp(np.minimum(x, 0.0))
    return np.where(x < 0, neg / (1.0 + neg), 1.0 / (1.0 + np.exp(-np.maximum(x, 0.0))))""",
        "ch01-logistic_forward": """\
    linear = np.einsum("ij,im->jm", w, X) + b
    return sigmoid(linear)""",
        "ch01-bce_cost": """\
    m = A.shape[1]
    safe = np.clip(A, 1e-12, 1 - 1e-12)
    ll = np.dot(Y, np.log(safe).T) + np.dot(1 - Y, np.log(1 - safe).T)
    return float(-ll.item() / m)""",
        "ch01-propagate": """\
    A = logistic_forward(w, b, X)
    cost = bce_cost(A, Y)
    dz = (A - Y) / float(Y.size)
    return {"dw": np.einsum("im,jm->ij", X, dz), "db": float(np.sum(dz))}, cost""",
    },
}

# "split" disguised: names changed, comments and blank lines added, independent lines swapped.
COPY_RENAMED = {
    "ch01-sigmoid": """\
    # make it an array first
    arr = np.array(z, dtype=float)
    res = np.empty_like(arr)

    positive = arr >= 0   # the safe side
    res[positive] = 1.0 / (1.0 + np.exp(-arr[positive]))
    e_neg = np.exp(arr[~positive])
    res[~positive] = e_neg / (1.0 + e_neg)

    return res""",
    "ch01-logistic_forward": "    # forward pass\n    return sigmoid(w.T @ X + b)",
    "ch01-bce_cost": """\
    A = np.minimum(np.maximum(A, 1e-12), 1 - 1e-12)  # clip

    per_example = Y * np.log(A) + (1 - Y) * np.log(1 - A)
    return float(-per_example.mean())""",
    "ch01-propagate": """\
    count = X.shape[1]
    probs = logistic_forward(w, b, X)
    diff = probs - Y
    # gradients
    g = {"dw": X @ diff.T / count, "db": float(diff.sum() / count)}
    return g, bce_cost(probs, Y)""",
}
COPY_REORDERED = {
    "ch01-sigmoid": """\
    z = np.array(z, dtype=float)
    pos = z >= 0
    out = np.empty_like(z)
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1.0 + ez)
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    return out""",
    "ch01-logistic_forward": "    return sigmoid(w.T @ X + b)",
    "ch01-bce_cost": """\
    A = np.minimum(np.maximum(A, 1e-12), 1 - 1e-12)
    losses = Y * np.log(A) + (1 - Y) * np.log(1 - A)
    return float(-losses.mean())""",
    "ch01-propagate": """\
    n = X.shape[1]
    A = logistic_forward(w, b, X)
    err = A - Y
    grads = {"db": float(err.sum() / n), "dw": X @ err.T / n}
    return grads, bce_cost(A, Y)""",
}
HOSTILE_ID = "eve<script>alert('id')<"
# "tanh" copied, with markup where a page could take it literally (a comment and a string)
COPY_HOSTILE = dict(SOLUTIONS["tanh"])
COPY_HOSTILE["ch01-sigmoid"] = (
    "    # </pre><script>alert('code')</script>\n"
    "    label = \"</pre><script>alert(1)</script>\"\n" + SOLUTIONS["tanh"]["ch01-sigmoid"])
COPY_HOSTILE["ch01-bce_cost"] = SOLUTIONS["tanh"]["ch01-bce_cost"].replace("P", "probs")


def notebooks(root=ROOT):
    src = nbformat.read(str(root / "source" / CH / NB), as_version=4)
    rel = nbformat.read(str(root / "release" / CH / NB), as_version=4)
    return src, rel


def answered(release, bodies):
    """The release with each answer cell's stub replaced by ``bodies[grade id]``."""
    nb = nbformat.from_dict(json.loads(json.dumps(release)))
    for cell in nb.cells:
        if is_solution(cell) and grade_id(cell) in bodies:
            assert STUB in cell.source
            cell.source = cell.source.replace(STUB, bodies[grade_id(cell)])
    return nb


def class_notebooks():
    """{student: notebook} of the class, hostile ones included (not the broken files)."""
    src, rel = notebooks()
    subs = {"source": demo.filled_release(src, rel), "untouched": rel}
    subs.update({name: answered(rel, bodies) for name, bodies in SOLUTIONS.items()})
    subs["copy_renamed"] = answered(rel, COPY_RENAMED)
    subs["copy_reordered"] = answered(rel, COPY_REORDERED)
    subs[HOSTILE_ID] = answered(rel, COPY_HOSTILE)
    return subs


def write_submission(course, student, nb_or_bytes):
    path = course / "submitted" / student / CH / NB
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(nb_or_bytes, bytes):
        path.write_bytes(nb_or_bytes)
    else:
        nbformat.write(nb_or_bytes, str(path))
    return path


def make_course(dest):
    course = course_copy(dest, [CH])
    # the release as nbgrader generated it (committed in release/; no nbgrader run needed)
    (course / "release" / CH).mkdir(parents=True)
    (course / "release" / CH / NB).write_bytes((ROOT / "release" / CH / NB).read_bytes())
    return course


PLANTED = {frozenset({"split", "copy_renamed"}), frozenset({"split", "copy_reordered"}),
           frozenset({"copy_renamed", "copy_reordered"}), frozenset({"tanh", HOSTILE_ID})}
INDEPENDENT = ["source", "split", "tanh", "loops", "einsum"]


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    course = make_course(tmp_path_factory.mktemp("similarity"))
    subs = class_notebooks()
    for student, nb in subs.items():
        write_submission(course, student, nb)
    write_submission(course, "broken", nbformat.writes(subs["source"])[:-300].encode())
    # nbgrader metadata that is not a mapping: valid JSON and schema, but no checks expect it
    odd = json.loads(nbformat.writes(subs["source"]))
    odd["cells"][3]["metadata"]["nbgrader"] = "</pre><script>x</script>"
    write_submission(course, "odd_metadata", json.dumps(odd).encode())
    linked = course / "submitted" / "linker" / CH / NB
    linked.parent.mkdir(parents=True)
    os.symlink(course / "submitted" / "split" / CH / NB, linked)
    # a second notebook that is a link: the student is compared on the first one only
    os.symlink(ROOT / "source" / CH / NB, course / "submitted" / "loops" / CH / "extra.ipynb")
    return course


@pytest.fixture(scope="module")
def cli_run(course):
    """The command as an instructor runs it, in a subprocess."""
    proc = subprocess.run([sys.executable, "-m", "course", "--root", str(course), "similarity",
                           CH, "--top", "6"], capture_output=True, text=True, cwd=ROOT,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    page = (course / "reports" / CH / "similarity.html").read_text()
    return proc.stdout, page


@pytest.fixture(scope="module")
def pairs(course):
    students, skipped, gids = similarity.read_students(course, CH)
    return {frozenset({p.a.id, p.b.id}): p for p in
            similarity.compare(students, list(gids.values()))}, skipped


def test_the_solutions_are_correct_and_different():
    """The independent solutions must be right (else they prove nothing about honest students)
    and differ from the source's own."""
    src, rel = notebooks()
    reference = {}
    exec("import numpy as np\n" + "\n".join(c.source for c in src.cells if is_solution(c)),
         reference)
    rng = np.random.default_rng(0)
    w, X = rng.normal(size=(3, 1)), rng.normal(size=(3, 7))
    Y = (rng.random((1, 7)) > 0.5).astype(float)
    z = np.array([-800.0, -3.0, 0.0, 2.5, 800.0])
    for name, bodies in SOLUTIONS.items():
        ns = {}
        exec("import numpy as np\n" + "\n".join(
            c.source for c in answered(rel, bodies).cells if is_solution(c)), ns)
        np.testing.assert_allclose(ns["sigmoid"](z), reference["sigmoid"](z), err_msg=name)
        assert float(ns["sigmoid"](0.0)) == 0.5
        A = ns["logistic_forward"](w, 0.3, X)
        np.testing.assert_allclose(A, reference["logistic_forward"](w, 0.3, X), err_msg=name)
        assert ns["bce_cost"](A, Y) == pytest.approx(reference["bce_cost"](A, Y))
        (grads, cost), (ref_grads, ref_cost) = (f(w, 0.3, X, Y) for f in
                                                (ns["propagate"], reference["propagate"]))
        np.testing.assert_allclose(grads["dw"], ref_grads["dw"], err_msg=name)
        assert isinstance(grads["db"], float) and grads["db"] == pytest.approx(ref_grads["db"])
        assert cost == pytest.approx(ref_cost)


def test_own_code_removes_what_the_release_gave():
    src, rel = notebooks()
    stub = next(c.source for c in rel.cells if grade_id(c) == "ch01-sigmoid")
    filled = next(c.source for c in src.cells if grade_id(c) == "ch01-sigmoid")
    own = similarity.own_code(filled, stub)
    assert "def sigmoid" not in own and "The logistic function" not in own
    assert "np.exp(-np.abs(z))" in own
    assert similarity.own_code(stub, stub) == ""


def test_planted_copies_rank_first_above_the_threshold(pairs):
    pairs, _ = pairs
    ranked = sorted(pairs.values(), key=lambda p: -p.score)
    top = {frozenset({p.a.id, p.b.id}) for p in ranked[:len(PLANTED)]}
    assert top == PLANTED, [(p.a.id, p.b.id, round(p.score, 2)) for p in ranked[:8]]
    for key in PLANTED:
        assert pairs[key].score > similarity.THRESHOLD
        assert min(pairs[key].sim_a, pairs[key].sim_b) > similarity.THRESHOLD
    assert set(pairs[frozenset({"split", "copy_renamed"})].grade_ids()) >= {
        "ch01-sigmoid", "ch01-bce_cost", "ch01-propagate"}


def test_independent_solutions_are_below_the_threshold(pairs):
    pairs, _ = pairs
    for i, a in enumerate(INDEPENDENT):
        for b in INDEPENDENT[i + 1:]:
            p = pairs.get(frozenset({a, b}))
            assert p is None or p.score < similarity.THRESHOLD, (a, b, p.sim_a, p.sim_b)


def test_the_untouched_release_matches_nobody(pairs):
    pairs, _ = pairs
    for key, p in pairs.items():
        if "untouched" in key:
            assert p.score < 0.05, (key, p.score)


def test_broken_and_linked_notebooks_are_listed_with_a_reason(pairs):
    _, skipped = pairs
    reasons = dict(skipped)
    assert "is not valid JSON" in reasons["broken"]
    assert "symbolic link" in reasons["linker"] and "never followed" in reasons["linker"]
    assert "could not be read (AttributeError" in reasons["odd_metadata"]


def test_the_command_prints_the_top_pairs(cli_run):
    out, _ = cli_run
    lines = out.splitlines()
    assert "9 students compared, 3 skipped" in lines[0] and "4 pairs above" in lines[0]
    table = lines[2:6]
    firsts = {frozenset(re.split(r"\s{2,}", line.strip())[:2]) for line in table}
    assert {frozenset({"split", "copy_renamed"}), frozenset({"split", "copy_reordered"})} <= firsts
    assert any("eve<script>" in line for line in table)   # printed as it is, no HTML here
    assert "skipped broken:" in out and "wrote " in out
    assert "loops: compared; a notebook was not read: extra.ipynb is a symbolic link" in out


def test_the_page_escapes_everything(cli_run):
    _, page = cli_run
    assert "<script" not in page.lower()
    assert "eve&lt;script&gt;alert(&#39;id&#39;)&lt;" in page
    assert "&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "not a verdict" in page
    assert "is not valid JSON" in page and "symbolic link" in page
    assert ("<strong>loops</strong>: compared; a notebook\nwas not read: extra.ipynb is a "
            "symbolic") in page
    # self-contained: nothing fetched, no scripts, no links out
    assert not re.search(r"<(link|img|iframe|object)\b|src=|https?://", page)
    # the matched code is marked, and the pairs come highest first
    assert page.count('class="pair"') == len(PLANTED) and "<mark>" in page
    shares = [int(x) for x in re.findall(r"<h3>\d+\. .*?: (\d+)%", page, re.S)]
    assert len(shares) == len(PLANTED)
