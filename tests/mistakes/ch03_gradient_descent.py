"""The usual mistakes of chapter 3 (gradient descent) that its tests must catch.

Entries, kinds and notes: tests/mistakes/__init__.py.
"""

MISTAKES = [
    ("ch03-compute_cost", "eps_misplaced", "np.log(A) + (1 - Y) * np.log(1 - A)",
     "np.log(A + 1e-5) + (1 - Y) * np.log(1 - A + 1e-5)",
     "eps added inside the log instead of clipping or log-sum-exp"),
    ("ch03-compute_cost", "missing_1_over_m", ") / m", ")"),
    ("ch03-compute_cost", "wrong_axis", "m = Y.shape[1]", "m = Y.shape[0]"),
    ("ch03-compute_cost", "sign_error", "cost = -np.sum(", "cost = np.sum("),
    ("ch03-compute_cost", "mutated_input", "A = np.clip(A, 1e-12, 1 - 1e-12)",
     "A = np.clip(A, 1e-12, 1 - 1e-12, out=A)"),
    ("ch03-update_parameters", "mutated_input", "w = w - learning_rate * dw",
     "w -= learning_rate * dw"),
    ("ch03-update_parameters", "sign_error", "b = b - learning_rate * db",
     "b = b + learning_rate * db"),
    ("ch03-update_parameters", "sign_error", "w = w - learning_rate * dw",
     "w = w + learning_rate * dw"),
    ("ch03-gradient_descent_1d", "off_by_one", "range(n_steps)", "range(n_steps + 1)"),
    ("ch03-gradient_descent_1d", "off_by_one", "range(n_steps)", "range(1, n_steps)"),
    ("ch03-gradient_descent_1d", "sign_error", "x = x - alpha * df(x)", "x = x + alpha * df(x)"),
    ("ch03-numerical_derivative", "wrong_derivative", "(f(x + eps) - f(x - eps)) / (2 * eps)",
     "(f(x + eps) - f(x)) / eps", "one-sided difference"),
    ("ch03-numerical_derivative", "wrong_derivative", "(f(x + eps) - f(x - eps)) / (2 * eps)",
     "(f(x) - f(x - eps)) / eps", "one-sided difference"),
    ("ch03-numerical_derivative", "sign_error", "f(x + eps) - f(x - eps)",
     "f(x - eps) - f(x + eps)"),
]
