"""The usual mistakes of chapter 48 (BLEU) that its tests must catch.

Entries, kinds and notes: tests/mistakes/__init__.py.
"""

MISTAKES = [
    ("ch48-ngrams", "off_by_one", "range(len(tokens) - n + 1)", "range(len(tokens) - n)",
     "the last n-gram left out"),
    ("ch48-ngrams", "wrong_dtype", "return [tuple(tokens[i:i + n])", "return [tokens[i:i + n]",
     "lists instead of tuples"),
    ("ch48-modified_precision", "missing_term",
     "matches = sum(min(k, most[gram]) for gram, k in counts.items())",
     "matches = sum(k for gram, k in counts.items() if most[gram] > 0)",
     "no clipping: 'the the the' scores 5/5"),
    ("ch48-modified_precision", "wrong_formula", "most[gram] = max(most[gram], k)",
     "most[gram] = most[gram] + k", "clipped against the sum of the references, not the max"),
    ("ch48-modified_precision", "wrong_dtype", "return matches, sum(counts.values())",
     "return matches / sum(counts.values()), sum(counts.values())",
     "the ratio returned instead of the count"),
    ("ch48-modified_precision", "wrong_variable", "Counter(ngrams(ref, n)).items()",
     "Counter(ngrams(ref, 1)).items()", "the references' unigrams for every order"),
    ("ch48-brevity_penalty", "wrong_condition", "key=lambda r: (abs(r - c), r)",
     "key=lambda r: (abs(r - c), -r)", "a tie goes to the longer reference"),
    ("ch48-brevity_penalty", "wrong_formula", "key=lambda r: (abs(r - c), r)",
     "key=lambda r: r", "the shortest reference instead of the closest"),
    ("ch48-brevity_penalty", "wrong_order", "return math.exp(1 - r / c) if c > 0 else 0.0",
     "return math.exp(1 - c / r) if c > 0 else 0.0", "r/c swapped: BP > 1 possible"),
    ("ch48-brevity_penalty", "wrong_condition", "    if c > r:\n        return 1.0\n",
     "    if c >= r + 1000:\n        return 1.0\n", "a long candidate penalised too"),
    ("ch48-brevity_penalty", "missing_check", "return math.exp(1 - r / c) if c > 0 else 0.0",
     "return math.exp(1 - r / c)", "no rule for an empty candidate: ZeroDivisionError"),
    ("ch48-sentence_bleu", "wrong_formula", "log_p += w * math.log(k / total)",
     "log_p += w * (k / total)", "the notes' formula: exp of the arithmetic mean (e for a match)"),
    ("ch48-sentence_bleu", "eps_misplaced", "            if smoothing is None or total == 0:\n"
     "                return 0.0\n            k = 0.1\n",
     "            k = 1e-9 if total else 0.0\n            if total == 0:\n"
     "                return 0.0\n",
     "an epsilon instead of the zero-match rule and the 0.1 floor"),
    ("ch48-sentence_bleu", "missing_check",
     "    if smoothing not in (None, \"floor\"):\n"
     "        raise ValueError(f\"smoothing must be None or 'floor', not {smoothing!r}\")\n",
     "", "an unknown smoothing silently treated as 'floor'"),
    ("ch48-sentence_bleu", "missing_term",
     "return brevity_penalty(c, closest_ref_length(references, c)) * math.exp(log_p)",
     "return math.exp(log_p)", "no brevity penalty"),
    ("ch48-sentence_bleu", "off_by_one", "enumerate(weights, start=1)", "enumerate(weights)",
     "orders 0..N-1: the 0-grams match everything"),
    ("ch48-corpus_bleu", "wrong_formula",
     "    matches, totals, c, r = [0] * N, [0] * N, 0, 0\n",
     "    return sum(sentence_bleu(refs, hyp, max_n, weights, smoothing)\n"
     "               for refs, hyp in zip(list_of_references, hypotheses)) / len(hypotheses)\n",
     "the mean of the sentence BLEUs"),
    ("ch48-corpus_bleu", "wrong_formula", "return brevity_penalty(c, r) * math.exp(log_p)",
     "return brevity_penalty(len(hypothesis), len(references[0])) * math.exp(log_p)",
     "the brevity penalty of the last sentence only"),
    ("ch48-corpus_bleu", "wrong_variable",
     "r += closest_ref_length(references, len(hypothesis))",
     "r += len(references[0])", "the first reference's length instead of the closest"),
    ("ch48-corpus_bleu", "ignored_argument", "weights = [1 / max_n] * max_n if weights is None "
     "else list(weights)\n    N = len(weights)", "weights = [1 / max_n] * max_n\n    N = max_n",
     "weights ignored"),
]
