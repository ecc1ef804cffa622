"""course.nn.embeddings and course.nn.decoding (chapters 43-48): the CS231n lookup, repeated ids,
the notes' analogy, beam search against exhaustive search and the greedy trap, and BLEU against
NLTK's documented values and sacrebleu's (tokenize='none', smooth_method='none', / 100)."""
import itertools
import math

import numpy as np
import pytest

from course import nn
from course.testing import check_backward


def test_embedding_lookup_reproduces_cs231n_and_adds_repeated_ids():
    ids = np.array([[0, 3, 1, 2], [2, 1, 0, 3]])
    E = np.linspace(0, 1, 15).reshape(5, 3)
    out, cache = nn.embedding_forward(ids, E)
    np.testing.assert_allclose(out[0], [[0, 0.07142857, 0.14285714],
                                        [0.64285714, 0.71428571, 0.78571429],
                                        [0.21428571, 0.28571429, 0.35714286],
                                        [0.42857143, 0.5, 0.57142857]], atol=1e-8)
    dE = nn.embedding_backward(np.ones((1, 3, 2)), nn.embedding_forward(np.array([[1, 1, 3]]),
                                                                         np.zeros((5, 2)))[1])
    assert dE[:, 0].tolist() == [0, 2, 0, 1, 0]          # dE[ids] += d would give [0, 1, 0, 1, 0]
    rng = np.random.default_rng(0)
    check_backward(lambda E_: nn.embedding_forward(ids, E_), nn.embedding_backward,
                   [rng.normal(size=(5, 3))])


def test_cosine_similarity_and_the_notes_analogy():
    table = {"man": [-1, 0.01, 0.03], "woman": [1, 0.02, 0.02], "king": [-0.95, 0.93, 0.70],
             "queen": [0.97, 0.95, 0.69]}
    target = np.subtract(table["king"], table["man"]) + table["woman"]
    np.testing.assert_allclose(target, [1.05, 0.94, 0.69])
    assert nn.cosine_similarity(target, table["queen"]) == pytest.approx(0.999086, abs=5e-7)
    assert nn.cosine_similarity(table["man"], table["woman"]) == pytest.approx(
        -0.9983015336067733, abs=1e-15)
    u = np.array([1.0, 2, 3])
    assert nn.cosine_similarity(u, u) == pytest.approx(1)
    assert nn.cosine_similarity(u, -3 * u) == pytest.approx(-1)
    assert nn.cosine_similarity([1, 0], [0, 5]) == 0
    assert nn.cosine_similarity([0, 0], [1, 1]) == 0.0


def bigram_step(table):
    """step_fn over a table {prefix tuple: probabilities}, by the last token."""
    def step(prefix):
        return np.log(np.maximum(table[prefix[-1]], 1e-300))
    return step


def test_beam_search_escapes_the_greedy_trap_and_reproduces_d2l():
    # tokens: 0 <eos>, 1 A, 2 B, 3 C, 4 <s>;  P(A)=0.5, P(B)=0.4, P(C)=0.1 first
    table = {4: [0, 0.5, 0.4, 0.1, 0], 1: [0.4, 0.3, 0.3, 0, 0], 2: [0.9, 0.05, 0.05, 0, 0],
             3: [1, 0, 0, 0, 0]}
    step = bigram_step(table)
    tokens, score = nn.greedy_decode(step, 4, 0, 5)
    assert tokens == [1, 0] and score == pytest.approx(math.log(0.2))
    best, s = nn.beam_search(step, 4, 0, beam_width=2, max_len=5, alpha=0)[0]
    assert best == [2, 0] and s == pytest.approx(math.log(0.36))
    assert nn.beam_search(step, 4, 0, beam_width=1, max_len=5, alpha=0)[0][0] == tokens
    # d2l's example: greedy A B C <eos> 0.048 < A C B <eos> 0.054
    assert 0.5 * 0.4 * 0.4 * 0.6 == pytest.approx(0.048) and 0.5 * 0.3 * 0.6 * 0.6 == 0.054


@pytest.mark.parametrize("seed", range(4))
def test_a_wide_beam_is_exhaustive_search(seed):
    rng = np.random.default_rng(seed)
    V, T, eos, start = 3, 3, 0, 3
    probs = {p: rng.dirichlet(np.ones(V)) for p in itertools.product(range(V + 1), repeat=1)}

    def step(prefix):
        return np.log(probs[(prefix[-1],)])
    found = nn.beam_search(step, start, eos, beam_width=V ** T, max_len=T, alpha=0.7)
    # every sequence that ends at its first eos, or runs to T tokens without one
    every = []
    for L in range(1, T + 1):
        for seq in itertools.product(range(V), repeat=L):
            if eos in seq[:-1] or (seq[-1] != eos and L < T):
                continue
            logps = [step([start, *seq[:i]])[seq[i]] for i in range(L)]
            every.append((list(seq), nn.length_normalized_score(logps, 0.7)))
    assert len(found) == len(every)
    best = max(every, key=lambda h: h[1])
    assert found[0][0] == best[0] and found[0][1] == pytest.approx(best[1])


def test_length_normalisation_fixtures():
    short, long = [math.log(0.5)] * 2, [math.log(0.7)] * 4
    assert nn.length_normalized_score(short, 0) == pytest.approx(-1.3862943611198906)
    assert nn.length_normalized_score(long, 0) == pytest.approx(-1.4266997757549298)
    assert nn.length_normalized_score(short, 1) == pytest.approx(-0.6931471805599453)
    assert nn.length_normalized_score(long, 1) == pytest.approx(-0.35667494393873245)
    assert nn.length_normalized_score(short, 0.7) == pytest.approx(-0.8533642789721566)
    assert nn.length_normalized_score(long, 0.7) == pytest.approx(-0.5406181213871043)


HYP1 = ("It is a guide to action which ensures that the military always obeys the commands of "
        "the party").split()
HYP2 = "It is to insure the troops forever hearing the activity guidebook that party direct".split()
REFS1 = [("It is a guide to action that ensures that the military will forever heed Party "
          "commands").split(),
         ("It is the guiding principle which guarantees the military forces always being under "
          "the command of the Party").split(),
         ("It is the practical guide for the army always to heed the directions of the "
          "party").split()]


def test_bleu_reproduces_nltk_and_sacrebleu():
    assert nn.sentence_bleu(REFS1, HYP1) == pytest.approx(0.5045666840058485, abs=1e-15)
    assert nn.sentence_bleu(REFS1, HYP2) == 0.0
    assert nn.sentence_bleu(REFS1, HYP2, smoothing="floor") == pytest.approx(0.03703131191121491,
                                                                             abs=1e-15)
    hyp_b = "he read the book because he was interested in world history".split()
    ref_b = "he was interested in world history because he read the book".split()
    assert nn.corpus_bleu([REFS1, [ref_b]], [HYP1, hyp_b]) == pytest.approx(0.5920778868801042,
                                                                           abs=1e-15)
    mean = (nn.sentence_bleu(REFS1, HYP1) + nn.sentence_bleu([ref_b], hyp_b)) / 2
    assert mean == pytest.approx(0.6223247442490669, abs=1e-15)
    k, total = nn.modified_precision(REFS1, HYP1, 2)
    assert k / total == pytest.approx(0.5882352941176471, abs=1e-15)
    cat, there = "the cat is on the mat".split(), "there is a cat on the mat".split()
    assert nn.modified_precision([cat, there], ["the"] * 7, 1) == (2, 7)
    assert nn.modified_precision([cat, there], "the cat the cat on the mat".split(), 1) == (5, 7)
    assert nn.modified_precision([cat, there], "the cat the cat on the mat".split(), 2) == (4, 6)
    assert nn.sentence_bleu([cat, there], cat) == pytest.approx(1.0, abs=1e-15)
    assert nn.sentence_bleu([cat, there], ["the", "cat"], max_n=2) == pytest.approx(
        0.1353352832366127, abs=1e-15)
    sat = "the cat sat on the mat".split()
    assert [nn.modified_precision([cat, there], sat, n) for n in (1, 2, 3, 4)] == [
        (5, 6), (3, 5), (1, 4), (0, 3)]
    assert nn.sentence_bleu([cat, there], sat) == 0.0
    assert nn.sentence_bleu([cat, there], sat, smoothing="floor") == pytest.approx(
        0.25406637407730737, abs=1e-15)


def test_brevity_penalty_and_the_closest_reference():
    a = ["a"]
    assert nn.closest_ref_length([a * 12, a * 15, a * 17], 12) == 12
    assert nn.brevity_penalty(12, nn.closest_ref_length([a * 28, a * 28], 12)) == pytest.approx(
        0.2635971381157267, abs=1e-15)
    assert nn.closest_ref_length([a * 13, a * 2], 12) == 13
    assert nn.closest_ref_length([a * 13, a * 11], 12) == 11           # a tie: the shorter
    assert nn.brevity_penalty(7, nn.closest_ref_length([a * 11, a * 8], 7)) == pytest.approx(
        math.exp(1 - 8 / 7))
    assert nn.brevity_penalty(5, 3) == 1.0 and nn.brevity_penalty(0, 3) == 0.0
    with pytest.raises(ValueError):
        nn.sentence_bleu([a], a, smoothing="add-k")


def test_corpus_and_word_vectors():
    from course import data
    corpus = data.make_corpus(500, seed=3)
    assert len(corpus) == 500 and all(isinstance(t, str) for s in corpus for t in s)
    assert corpus == data.make_corpus(500, seed=3)
    capitals = dict(zip(data.CORPUS_GROUPS["capital"], data.CORPUS_GROUPS["country"]))
    for s in corpus:
        if "capital" in s:
            assert capitals[s[0]] == s[-1]                 # each capital with its own country
    words, E, axes = data.make_word_vectors(D=12, seed=1)
    assert E.shape == (len(words), 12) and axes.shape == (5, 12)
    np.testing.assert_allclose(axes @ axes.T, np.eye(5), atol=1e-12)
    idx = {w: i for i, w in enumerate(words)}
    target = E[idx["king"]] - E[idx["man"]] + E[idx["woman"]]
    others = [w for w in words if w not in ("king", "man", "woman")]
    assert max(others, key=lambda w: nn.cosine_similarity(target, E[idx[w]])) == "queen"
    g = axes[0]
    assert nn.cosine_similarity(E[idx["nurse"]], g) > 0.2 > -0.2 > nn.cosine_similarity(
        E[idx["doctor"]], g)
