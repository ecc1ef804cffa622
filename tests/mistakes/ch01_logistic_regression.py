"""The usual mistakes of chapter 1 (logistic regression) that its tests must catch.

Entries, kinds and notes: tests/mistakes/__init__.py.
"""

MISTAKES = [
    ("ch01-sigmoid", "sign_error", "np.where(z >= 0, 1.0, e) / (1.0 + e)",
     "np.where(z >= 0, e, 1.0) / (1.0 + e)"),
    ("ch01-sigmoid", "overflow", "e = np.exp(-np.abs(z))",
     "e = np.exp(-z)\n    return 1 / (1 + e)"),
    ("ch01-logistic_forward", "missing_transpose", "np.dot(w.T, X)", "np.dot(w, X)"),
    ("ch01-logistic_forward", "missing_term", "np.dot(w.T, X) + b", "np.dot(w.T, X)",
     "bias left out"),
    ("ch01-bce_cost", "missing_1_over_m", "np.log(1 - A)) / m", "np.log(1 - A))"),
    ("ch01-bce_cost", "sign_error", "cost = -np.sum", "cost = np.sum"),
    ("ch01-bce_cost", "eps_misplaced",
     "A = np.clip(A, 1e-12, 1 - 1e-12)\n"
     "    cost = -np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / m",
     "cost = -np.sum(Y * np.log(A + 1e-5) + (1 - Y) * np.log(1 - A + 1e-5)) / m",
     "eps added inside the log instead of clipping or log-sum-exp"),
    ("ch01-propagate", "missing_1_over_m", "dw = np.dot(X, dZ.T) / m", "dw = np.dot(X, dZ.T)"),
    ("ch01-propagate", "sign_error", "dZ = A - Y", "dZ = Y - A"),
    ("ch01-propagate", "missing_transpose", "np.dot(X, dZ.T)", "np.dot(dZ, X.T)"),
    ("ch01-propagate", "wrong_axis", "dw = np.dot(X, dZ.T) / m",
     "dw = np.sum(X * dZ, axis=0, keepdims=True).T / m"),
    ("ch01-propagate", "missing_1_over_m", "db = float(np.sum(dZ) / m)", "db = float(np.sum(dZ))"),
]
