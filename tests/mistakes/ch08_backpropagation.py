"""The usual mistakes of chapter 8 (backpropagation) that its tests must catch.

Entries, kinds and notes: tests/mistakes/__init__.py.
"""

MISTAKES = [
    ("ch08-dosage_ssr_and_slope", "sign_error", "float(np.sum(-2 * residual))",
     "float(np.sum(2 * residual))"),
    ("ch08-dosage_ssr_and_slope", "wrong_derivative", "float(np.sum(-2 * residual))",
     "float(np.sum(-residual))"),
    ("ch08-dosage_ssr_and_slope", "overflow", 'params["w3"] * softplus(x1)',
     'params["w3"] * np.log(1 + np.exp(x1))'),
    ("ch08-optimise_b3", "sign_error", "b3 = b3 - step", "b3 = b3 + step"),
    ("ch08-optimise_b3", "off_by_one", "range(max_steps)", "range(max_steps - 1)"),
    ("ch08-optimise_b3", "off_by_one",
     "        b3 = b3 - step\n"
     "        trajectory.append(b3)\n"
     "        if abs(step) < tol:\n"
     "            break",
     "        if abs(step) < tol:\n"
     "            break\n"
     "        b3 = b3 - step\n"
     "        trajectory.append(b3)"),
    ("ch08-optimise_b3", "wrong_init", "b3 = float(b3_init)", "b3 = 0.0"),
    ("ch08-dosage_gradients", "sign_error", "dpred = -2 * (y - pred)", "dpred = 2 * (y - pred)"),
    ("ch08-dosage_gradients", "wrong_derivative", 'dx1 = dpred * params["w3"] * sigmoid(x1)',
     'dx1 = dpred * params["w3"] * softplus(x1)'),
    ("ch08-dosage_gradients", "wrong_derivative", '"dw1": float(np.sum(dx1 * d))',
     '"dw1": float(np.sum(dx1))'),
    ("ch08-dosage_gradients", "wrong_derivative", 'dx2 = dpred * params["w4"]',
     'dx2 = dpred * params["w3"]'),
    ("ch08-dosage_gradients", "overflow", "y1, y2 = softplus(x1), softplus(x2)",
     "y1, y2 = np.log(1 + np.exp(x1)), np.log(1 + np.exp(x2))"),
    ("ch08-backward_propagation", "sign_error", "dZ2 = A2 - Y", "dZ2 = Y - A2"),
    ("ch08-backward_propagation", "missing_1_over_m", "dW2 = (1 / m) * np.dot(dZ2, A1.T)",
     "dW2 = np.dot(dZ2, A1.T)"),
    ("ch08-backward_propagation", "missing_1_over_m",
     "db1 = (1 / m) * np.sum(dZ1, axis=1, keepdims=True)",
     "db1 = np.sum(dZ1, axis=1, keepdims=True)"),
    ("ch08-backward_propagation", "wrong_axis", "np.sum(dZ2, axis=1, keepdims=True)",
     "np.sum(dZ2, axis=0, keepdims=True)"),
    ("ch08-backward_propagation", "missing_keepdims", "np.sum(dZ1, axis=1, keepdims=True)",
     "np.sum(dZ1, axis=1)"),
    ("ch08-backward_propagation", "missing_transpose", "np.dot(dZ1, X.T)", "np.dot(X, dZ1.T)"),
    ("ch08-backward_propagation", "wrong_derivative", "(1 - np.power(A1, 2))", "A1 * (1 - A1)"),
    ("ch08-backward_propagation", "mutated_input", "dZ2 = A2 - Y", "dZ2 = A2\n    dZ2 -= Y"),
    ("ch08-softmax_cross_entropy", "missing_1_over_m", "dZ = (np.exp(log_P) - Y) / m",
     "dZ = np.exp(log_P) - Y"),
    ("ch08-softmax_cross_entropy", "missing_1_over_m", "cost = -np.sum(log_P[Y == 1]) / m",
     "cost = -np.sum(log_P[Y == 1])"),
    ("ch08-softmax_cross_entropy", "sign_error", "dZ = (np.exp(log_P) - Y) / m",
     "dZ = (Y - np.exp(log_P)) / m"),
    ("ch08-softmax_cross_entropy", "wrong_axis", "np.max(Z, axis=0, keepdims=True)", "np.max(Z)"),
    ("ch08-softmax_cross_entropy", "wrong_axis", "np.sum(np.exp(shifted), axis=0, keepdims=True)",
     "np.sum(np.exp(shifted), axis=1, keepdims=True)"),
    ("ch08-softmax_cross_entropy", "eps_misplaced",
     "log_P = shifted - np.log(np.sum(np.exp(shifted), axis=0, keepdims=True))",
     "P = np.exp(shifted) / np.sum(np.exp(shifted), axis=0, keepdims=True)\n"
     "    log_P = np.log(P + 1e-12)",
     "eps added inside the log instead of clipping or log-sum-exp"),
    ("ch08-softmax_cross_entropy", "mutated_input",
     "shifted = Z - np.max(Z, axis=0, keepdims=True)",
     "Z -= np.max(Z, axis=0, keepdims=True)\n        shifted = Z"),
]
