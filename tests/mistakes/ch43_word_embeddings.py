"""The usual mistakes of chapter 43 (word embeddings) that its tests must catch.

Entries, kinds and notes: tests/mistakes/__init__.py.
"""

MISTAKES = [
    ("ch43-one_hot_rows", "missing_transpose", "return np.eye(V)[ids]", "return np.eye(V)[ids].T",
     "one-hot vectors as columns (the notes' (V, m) layout) instead of rows"),
    ("ch43-one_hot_rows", "off_by_one", "return np.eye(V)[ids]", "return np.eye(V)[ids - 1]",
     "ids counted from 1"),
    ("ch43-embedding_forward", "missing_transpose", "out = E[ids]", "out = E.T[:, ids]",
     "E read as (D, V), the notes' columns"),
    ("ch43-embedding_forward", "wrong_variable", "cache = (ids, E.shape)", "cache = (ids, E)",
     "the whole table cached instead of its shape"),
    ("ch43-embedding_backward", "wrong_derivative", "np.add.at(dE, ids, dout)", "dE[ids] += dout",
     "buffered fancy-indexed += loses the gradients of repeated ids"),
    ("ch43-embedding_backward", "wrong_formula", "np.add.at(dE, ids, dout)",
     "np.add.at(dE, ids, dout / dout.shape[-1])", "upstream gradient averaged over features"),
    ("ch43-cosine_similarity", "missing_term", "norms = np.linalg.norm(u) * np.linalg.norm(v)",
     "norms = np.linalg.norm(u)", "divided by the norm of u only"),
    ("ch43-cosine_similarity", "wrong_formula", "norms = np.linalg.norm(u) * np.linalg.norm(v)",
     "norms = np.dot(u, u) * np.dot(v, v)", "divided by the squared norms"),
    ("ch43-cosine_similarity", "missing_check", "if norms == 0:", "if False:",
     "no rule for the zero vector: 0/0 gives nan"),
    ("ch43-complete_analogy", "mask_not_applied", "if exclude_inputs:", "if False:",
     "the inputs are never excluded"),
    ("ch43-complete_analogy", "sign_error", "best = words[int(np.argmax(scores))]",
     "best = words[int(np.argmin(scores))]", "argmin: the least similar word"),
    ("ch43-complete_analogy", "sign_error", "target = E[index[b]] - E[index[a]] + E[index[c]]",
     "target = E[index[a]] - E[index[b]] + E[index[c]]", "a - b + c instead of b - a + c"),
    ("ch43-complete_analogy", "wrong_formula",
     "scores = np.array([cosine_similarity(target, E[i]) for i in range(len(words))])",
     "scores = E @ target", "dot products instead of cosines"),
    ("ch43-complete_analogy", "wrong_condition", "diff_scores[index[c]] = -np.inf",
     "diff_scores[[index[a], index[b], index[c]]] = -np.inf",
     "the difference form excludes a and b as well as c"),
    ("ch43-complete_analogy", "wrong_order", "cosine_similarity(offset, E[i] - e_c)",
     "cosine_similarity(offset, e_c - E[i])", "candidate offset reversed: c - w"),
]
