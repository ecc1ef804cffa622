"""Searching a model's outputs and scoring them: greedy decoding, beam search with length
normalisation, and BLEU.

A decoder is seen through ``step_fn(prefix) -> logp``: given the tokens so far (a list of ids,
starting with the start token), the log-probabilities (V,) of the next token. Hypotheses are lists
of the generated ids, without the start token and with the end token when the model emitted it.

BLEU follows Papineni et al. (2002) as NLTK and sacrebleu compute it: clipped n-gram precisions
p_1..p_N, their weighted geometric mean, and the brevity penalty BP = exp(1 - r / c) when the
hypothesis (length c) is not longer than the closest reference length r (on a tie, the shorter
reference). Zero-match rule: if some p_n is 0 (no n-gram of that order matches), BLEU is 0.0, as in
the paper and sacrebleu's ``smooth_method='none'`` (NLTK returns about 1e-77 there instead, with a
warning); ``smoothing="floor"`` replaces a zero count by 0.1, sacrebleu's ``floor`` and NLTK's
``method1``. Tokens are whatever the lists hold: no tokenisation, no lowercasing.
"""
import math
from collections import Counter

import numpy as np

__all__ = ["greedy_decode", "beam_search", "length_normalized_score", "ngrams",
           "modified_precision", "closest_ref_length", "brevity_penalty", "sentence_bleu",
           "corpus_bleu"]


def greedy_decode(step_fn, start, eos, max_len):
    """The locally best token at every step, until ``eos`` or ``max_len`` tokens.
    Returns (tokens, log-probability of the whole sequence). Taught in chapter 46."""
    tokens, score = [], 0.0
    for _ in range(max_len):
        logp = np.asarray(step_fn([start] + tokens))
        best = int(np.argmax(logp))                      # the first of equal maxima
        tokens.append(best)
        score += float(logp[best])
        if best == eos:
            break
    return tokens, score


def length_normalized_score(logps, alpha=0.7):
    """sum(logps) / len(logps) ** alpha: alpha 0 is the plain log-probability, alpha 1 the mean
    per token. Taught in chapter 47."""
    return float(np.sum(logps)) / len(logps) ** alpha


def beam_search(step_fn, start, eos, beam_width=3, max_len=10, alpha=0.7):
    """Beam search. Returns every finished hypothesis as (tokens, normalised score), best first.

    At each step every kept hypothesis is extended by every token, and the ``beam_width``
    extensions with the highest summed log-probability are kept (ties: the earlier beam, then
    the smaller token id); one that ends with ``eos`` is finished and leaves the beam, which
    then searches with fewer hypotheses. After ``max_len`` steps the unfinished ones are
    finished as they are. The finished ones are ranked by ``length_normalized_score`` of their
    tokens' log-probabilities (the length counts ``eos``). ``beam_width=1`` is greedy decoding;
    a width of at least V ** max_len is exhaustive search. Taught in chapter 47.
    """
    beams, finished = [([], [])], []                     # (tokens, their log-probabilities)
    for _ in range(max_len):
        candidates = []
        for tokens, logps in beams:
            logp = np.asarray(step_fn([start] + tokens), dtype=float)
            candidates.extend((tokens + [w], logps + [float(logp[w])]) for w in range(len(logp)))
        candidates.sort(key=lambda c: -sum(c[1]))        # stable: ties keep their order
        beams = []
        for tokens, logps in candidates[:beam_width]:
            (finished if tokens[-1] == eos else beams).append((tokens, logps))
        if not beams:
            break
    finished.extend(beams)
    ranked = [(tokens, length_normalized_score(logps, alpha)) for tokens, logps in finished]
    return sorted(ranked, key=lambda h: -h[1])


def ngrams(tokens, n):
    """The n-grams of a token list, in order, as tuples (none when it is shorter than n).
    Taught in chapter 48."""
    return [tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1)]


def modified_precision(references, hypothesis, n):
    """Clipped n-gram counts: (matches, total). Each n-gram of the hypothesis counts at most as
    many times as it appears in one reference (the most generous one); total is the number of
    the hypothesis's n-grams. Taught in chapter 48."""
    counts = Counter(ngrams(hypothesis, n))
    most = Counter()
    for ref in references:
        for gram, k in Counter(ngrams(ref, n)).items():
            most[gram] = max(most[gram], k)
    return sum(min(k, most[gram]) for gram, k in counts.items()), sum(counts.values())


def closest_ref_length(references, c):
    """The length of the reference closest to c; on a tie, the shorter. Taught in chapter 48."""
    return min((len(ref) for ref in references), key=lambda r: (abs(r - c), r))


def brevity_penalty(c, r):
    """1 when the hypothesis length c is greater than the reference length r, else exp(1 - r/c)
    (0 for an empty hypothesis). Taught in chapter 48."""
    if c > r:
        return 1.0
    return math.exp(1 - r / c) if c > 0 else 0.0


def _bleu(matches, totals, c, r, weights, smoothing):
    if smoothing not in (None, "floor"):
        raise ValueError(f"smoothing must be None or 'floor', not {smoothing!r}")
    log_p = 0.0
    for w, k, total in zip(weights, matches, totals):
        if k == 0:
            if smoothing is None or total == 0:
                return 0.0
            k = 0.1
        log_p += w * math.log(k / total)
    return brevity_penalty(c, r) * math.exp(log_p)


def sentence_bleu(references, hypothesis, max_n=4, weights=None, smoothing=None):
    """BLEU of one hypothesis (a token list) against its references (a list of token lists):
    BP * exp(sum_n w_n log p_n) with uniform weights 1/max_n by default. Taught in chapter 48."""
    weights = [1 / max_n] * max_n if weights is None else list(weights)
    stats = [modified_precision(references, hypothesis, n) for n in range(1, len(weights) + 1)]
    c = len(hypothesis)
    return _bleu([s[0] for s in stats], [s[1] for s in stats], c,
                 closest_ref_length(references, c), weights, smoothing)


def corpus_bleu(list_of_references, hypotheses, max_n=4, weights=None, smoothing=None):
    """Corpus BLEU: the clipped counts, totals and lengths are summed over all sentences first
    and combined once (not the mean of the sentences' BLEU). Taught in chapter 48."""
    weights = [1 / max_n] * max_n if weights is None else list(weights)
    N = len(weights)
    matches, totals, c, r = [0] * N, [0] * N, 0, 0
    for references, hypothesis in zip(list_of_references, hypotheses, strict=True):
        for n in range(1, N + 1):
            k, total = modified_precision(references, hypothesis, n)
            matches[n - 1] += k
            totals[n - 1] += total
        c += len(hypothesis)
        r += closest_ref_length(references, len(hypothesis))
    return _bleu(matches, totals, c, r, weights, smoothing)
