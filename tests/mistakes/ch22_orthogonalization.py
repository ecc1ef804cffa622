"""The usual mistakes of chapter 22 (orthogonalization) that its tests must catch.

Entries, kinds and notes: tests/mistakes/__init__.py.
"""

MISTAKES = [
    ("ch22-chain_of_assumptions", "wrong_order",
     '    elif train - human > tol:\n        stage = "bias"\n    elif dev - train > tol:\n'
     '        stage = "variance"',
     '    elif dev - train > tol:\n        stage = "variance"\n    elif train - human > tol:\n'
     '        stage = "bias"', "variance checked before bias"),
    ("ch22-chain_of_assumptions", "wrong_variable", "elif test - dev > tol:",
     "elif test - train > tol:", "stage 3's gap taken against the training error"),
    ("ch22-chain_of_assumptions", "wrong_condition", "elif train - human > tol:",
     "elif abs(train - human) > tol:", "a negative gap counted as a problem"),
    ("ch22-chain_of_assumptions", "ignored_argument", "elif dev - train > tol:",
     "elif dev - train > 0.02:", "threshold hard-coded"),
    ("ch22-chain_of_assumptions", "ignored_argument", "elif train - human > tol:",
     "elif train - human > 0.02:", "threshold hard-coded"),
    ("ch22-chain_of_assumptions", "missing_check",
     '    if human is None:\n        stage = "unknown"\n    elif train',
     '    if False:\n        stage = "unknown"\n    elif train',
     "no 'unknown' when the human level is missing"),
    ("ch22-chain_of_assumptions", "sign_error", "elif train - human > tol:",
     "elif human - train > tol:"),
    ("ch22-knob_effects", "wrong_condition",
     "moves = int(abs(bias) > tol) + int(abs(variance) > tol)",
     "moves = int(bias > tol) + int(variance > tol)", "a lowered error not counted as an effect"),
    ("ch22-knob_effects", "wrong_variable", "(t1 - t0, (d1 - t1) - (d0 - t0))",
     "(t1 - t0, d1 - d0)",
     "the change of the dev error instead of the change of the gap"),
    ("ch22-knob_effects", "wrong_condition", '"orthogonal": bool(moves == 1)',
     '"orthogonal": bool(moves <= 1)', "a knob that moves nothing counted as orthogonal"),
    ("ch22-knob_effects", "missing_1_over_m", "bias, variance = np.mean(rows, axis=0)",
     "bias, variance = np.sum(rows, axis=0)", "summed over the experiments, not averaged"),
    ("ch22-knob_effects", "sign_error", "(t1 - t0, (d1 - t1) - (d0 - t0))",
     "(t0 - t1, (d1 - t1) - (d0 - t0))"),
    ("ch22-early_stopping_coupling", "off_by_one",
     "d_bias = train_curve[stop_epoch] - train_curve[-1]",
     "d_bias = train_curve[stop_epoch - 1] - train_curve[-1]"),
    ("ch22-early_stopping_coupling", "sign_error",
     "d_bias = train_curve[stop_epoch] - train_curve[-1]",
     "d_bias = train_curve[-1] - train_curve[stop_epoch]"),
    ("ch22-early_stopping_coupling", "wrong_variable",
     "d_variance = gap_stop - gap_end", "d_variance = dev_curve[stop_epoch] - dev_curve[-1]",
     "the change of the dev error instead of the change of the gap"),
    ("ch22-early_stopping_coupling", "missing_check", "if not 0 <= stop_epoch < len(train_curve):",
     "if stop_epoch > len(train_curve):", "an epoch past the end or negative not rejected"),
]
