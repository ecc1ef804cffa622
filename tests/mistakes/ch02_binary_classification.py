"""The usual mistakes of chapter 2 (binary classification) that its tests must catch.

Entries, kinds and notes: tests/mistakes/__init__.py.
"""

MISTAKES = [
    ("ch02-neuron_forward", "missing_transpose", "np.dot(w.T, X)", "np.dot(X.T, w)"),
    ("ch02-neuron_forward", "sign_error", "A = sigmoid(Z)", "A = sigmoid(-Z)"),
    ("ch02-neuron_forward", "sign_error", "np.dot(w.T, X) + b", "np.dot(w.T, X) - b"),
    ("ch02-mse_cost", "missing_1_over_m", "/ (2 * m)", "/ 2"),
    ("ch02-mse_cost", "wrong_axis", "m = Y.shape[1]", "m = Y.shape[0]"),
    ("ch02-cost_slice", "mutated_input", "np.array(w, dtype=np.float64)",
     "np.asarray(w, dtype=np.float64)"),
    ("ch02-cost_slice", "off_by_one", "range(len(values))", "range(len(values) - 1)"),
    ("ch02-fit_logistic", "missing_1_over_m", "dw = np.dot(X, dZ.T) / m", "dw = np.dot(X, dZ.T)"),
    ("ch02-fit_logistic", "sign_error", "dZ = A - Y", "dZ = Y - A"),
    ("ch02-fit_logistic", "off_by_one", "range(num_iterations)", "range(num_iterations - 1)"),
    ("ch02-fit_logistic", "wrong_init", "np.zeros((n_x, 1))", "np.ones((n_x, 1))"),
    ("ch02-fit_logistic", "eps_misplaced", "np.log(A_safe) + (1 - Y) * np.log(1 - A_safe)",
     "np.log(A + 1e-5) + (1 - Y) * np.log(1 - A + 1e-5)",
     "eps added inside the log instead of clipping or log-sum-exp"),
    ("ch02-fit_logistic", "missing_transpose", "np.dot(X, dZ.T)", "np.dot(dZ, X.T)"),
    ("ch02-fit_logistic", "wrong_axis", "float(np.sum(dZ)) / m", "np.sum(dZ, axis=0) / m"),
    ("ch02-predict", "wrong_condition", "A > threshold", "A >= threshold",
     "threshold changed or hard-coded"),
    ("ch02-predict", "wrong_condition", "A > threshold", "A > 0.5",
     "threshold changed or hard-coded"),
    ("ch02-predict", "sign_error", "np.dot(w.T, X) + b", "np.dot(w.T, X) - b"),
    ("ch02-predict", "missing_transpose", "np.dot(w.T, X)", "np.dot(X.T, w)"),
]
