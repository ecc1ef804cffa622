"""The usual mistakes of chapter 37 (One-shot learning) that its tests must catch.

Entries, kinds and notes: tests/mistakes/__init__.py.
"""

MISTAKES = [
    ("ch37-build_database", "python_loop",
     "encodings = np.asarray(encode(images))\n"
     "    return {name: encodings[i].copy() for i, name in enumerate(names)}",
     "return {name: np.asarray(encode(images))[i].copy() for i, name in enumerate(names)}",
     "the whole batch re-encoded for every name"),
    ("ch37-build_database", "wrong_shape", "encodings[i].copy()", "encodings[i:i + 1].copy()",
     "each encoding stored as a (1, d) row"),
    ("ch37-build_database", "missing_check", "if len(set(names)) != len(names):", "if False:",
     "a repeated name silently replaces the first photo"),
    ("ch37-who_is_it", "wrong_formula", "dists = np.sum((E - f) ** 2, axis=1)",
     "dists = np.sqrt(np.sum((E - f) ** 2, axis=1))", "unsquared distance against a squared tau"),
    ("ch37-who_is_it", "wrong_condition", "if min_dist <= tau", "if min_dist < tau",
     "strict comparison at tau"),
    ("ch37-who_is_it", "sign_error", "k = int(np.argmin(dists))", "k = int(np.argmax(dists))",
     "the farthest person instead of the nearest"),
    ("ch37-who_is_it", "wrong_condition", "k = int(np.argmin(dists))",
     "k = len(dists) - 1 - int(np.argmin(dists[::-1]))", "ties go to the last enrolled"),
    ("ch37-who_is_it", "python_loop",
     "f = np.asarray(encode(image[None]))[0]\n    names = list(database)\n"
     "    E = np.stack([database[n] for n in names])                  # (K, d)\n"
     "    dists = np.sum((E - f) ** 2, axis=1)",
     "names = list(database)\n"
     "    dists = np.array([np.sum((database[n] - encode(image[None])[0]) ** 2) for n in names])",
     "the query re-encoded for every database entry"),
    ("ch37-siamese_binary_forward", "wrong_formula", "return np.abs(f1 - f2)",
     "return f1 - f2", "no absolute value: the pair is no longer symmetric"),
    ("ch37-siamese_binary_forward", "wrong_order",
     "z = x @ w + b\n    p = 1.0 / (1.0 + np.exp(-z))",
     "p = (1.0 / (1.0 + np.exp(-x))) @ w + b", "sigmoid on the features, not on the score"),
    ("ch37-siamese_binary_forward", "missing_term", "dz = dp * p * (1.0 - p)", "dz = dp",
     "the sigmoid's derivative left out"),
    ("ch37-siamese_binary_forward", "wrong_derivative", "df1 = dx * np.sign(f1 - f2)",
     "df1 = dx", "the derivative of |u| taken as 1"),
    ("ch37-siamese_binary_forward", "sign_error", "df2 = -df1", "df2 = df1"),
    ("ch37-n_way_k_shot_eval", "wrong_formula", "protos.append(E[idx[:K]].mean(axis=0))",
     "protos.append(E[idx[0]])", "prototype = the first support example, not the mean"),
    ("ch37-n_way_k_shot_eval", "wrong_formula", "protos.append(E[idx[:K]].mean(axis=0))",
     "protos.append(E[idx[:K]].sum(axis=0))", "prototypes summed, not averaged"),
    ("ch37-n_way_k_shot_eval", "sign_error", "np.argmin(dists, axis=1)",
     "np.argmax(dists, axis=1)"),
    ("ch37-n_way_k_shot_eval", "missing_1_over_m", "return correct / (N * episodes)",
     "return correct / episodes", "divided by the episodes, not the queries"),
    ("ch37-n_way_k_shot_eval", "ignored_argument", "rng = np.random.default_rng(rng)",
     "rng = np.random.default_rng(0)"),
    ("ch37-add_person", "mutated_input", "new_database = dict(database)",
     "new_database = database", "the caller's database changed in place"),
    ("ch37-add_person", "missing_check", "if name in database:", "if False:",
     "an enrolled person silently overwritten"),
    ("ch37-add_person", "wrong_variable", "np.asarray(encode(image[None]))[0].copy()",
     "image.reshape(-1).copy()", "the photo stored instead of its encoding"),
]
