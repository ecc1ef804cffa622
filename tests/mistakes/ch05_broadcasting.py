"""The usual mistakes of chapter 5 (broadcasting) that its tests must catch.

Entries, kinds and notes: tests/mistakes/__init__.py.
"""

MISTAKES = [
    ("ch05-broadcast_shape", "wrong_shape", "n = max(len(a), len(b))", "n = min(len(a), len(b))",
     "leading dimensions of the longer shape dropped"),
    ("ch05-broadcast_shape", "wrong_axis", "a = (1,) * (n - len(a)) + a",
     "a = a + (1,) * (n - len(a))"),
    ("ch05-broadcast_shape", "wrong_shape",
     "if da == db or db == 1:\n            result.append(int(da))",
     "if da == db or db == 1:\n            result.append(int(max(da, db)))",
     "a size-0 dimension broadcast like 1"),
    ("ch05-broadcast_shape", "wrong_dtype", "return tuple(result)", "return result",
     "list instead of tuple"),
    ("ch05-broadcast_shape", "off_by_one", "for da, db in zip(a, b):",
     "for da, db in zip(a[1:], b[1:]):"),
    ("ch05-standardize_rows", "wrong_axis", "mu = np.mean(X, axis=1, keepdims=True)",
     "mu = np.mean(X, axis=0, keepdims=True)"),
    ("ch05-standardize_rows", "wrong_axis",
     "mu = np.mean(X, axis=1, keepdims=True)\n"
     "    sigma = np.std(X, axis=1, keepdims=True)\n"
     "    X_norm = (X - mu) / (sigma + eps)",
     "mu = np.mean(X, axis=0, keepdims=True)\n"
     "    sigma = np.std(X, axis=0, keepdims=True)\n"
     "    X_norm = (X - mu) / (sigma + eps)\n"
     "    mu, sigma = mu.reshape(-1, 1), sigma.reshape(-1, 1)"),
    ("ch05-standardize_rows", "missing_keepdims", "mu = np.mean(X, axis=1, keepdims=True)",
     "mu = np.mean(X, axis=1)"),
    ("ch05-standardize_rows", "missing_keepdims",
     "mu = np.mean(X, axis=1, keepdims=True)\n"
     "    sigma = np.std(X, axis=1, keepdims=True)\n"
     "    X_norm = (X - mu) / (sigma + eps)",
     "mu = np.mean(X, axis=1)\n"
     "    sigma = np.std(X, axis=1)\n"
     "    X_norm = (X - mu) / (sigma + eps)\n"
     "    mu, sigma = mu.reshape(-1, 1), sigma.reshape(-1, 1)"),
    ("ch05-standardize_rows", "eps_misplaced", "X_norm = (X - mu) / (sigma + eps)",
     "X_norm = (X - mu) / sigma", "eps left out"),
    ("ch05-standardize_rows", "mutated_input", "X_norm = (X - mu) / (sigma + eps)",
     "X -= mu\n    X_norm = X / (sigma + eps)"),
    ("ch05-standardize_rows", "wrong_formula", "sigma = np.std(X, axis=1, keepdims=True)",
     "sigma = np.std(X, axis=1, keepdims=True, ddof=1)"),
    ("ch05-add_bias", "missing_check", "if b.shape == (n, 1):",
     "if b.shape[0] == n or b.shape == (1, n):"),
    ("ch05-add_bias", "missing_check", "if b.shape == (n, 1):",
     "if b.ndim == 2 and b.shape[0] == n:"),
    ("ch05-add_bias", "wrong_axis", "n = Z.shape[0]", "n = Z.shape[1]"),
    ("ch05-add_bias", "mutated_input", "return Z + b", "Z += b\n        return Z"),
    ("ch05-add_bias", "missing_check", "a rank-1 array: reshape to", "reshape to",
     "rank-1 hint left out of the message"),
    ("ch05-add_bias", "missing_check", "if b.shape == (1, n):", "if False:",
     "a row b gets no transpose hint"),
    ("ch05-softmax_columns", "wrong_axis", "np.max(Z, axis=0, keepdims=True)", "np.max(Z)",
     "max over the whole array"),
    ("ch05-softmax_columns", "wrong_axis", "np.sum(E, axis=0, keepdims=True)",
     "np.sum(E, axis=1, keepdims=True)"),
    ("ch05-softmax_columns", "wrong_axis", "np.max(Z, axis=0, keepdims=True)",
     "np.max(Z, axis=1, keepdims=True)"),
    ("ch05-softmax_columns", "overflow", "Z_shift = Z - np.max(Z, axis=0, keepdims=True)",
     "Z_shift = Z"),
    ("ch05-softmax_columns", "mutated_input", "Z_shift = Z - np.max(Z, axis=0, keepdims=True)",
     "Z -= np.max(Z, axis=0, keepdims=True)\n        Z_shift = Z"),
]
