"""The usual mistakes of chapter 26 (train-dev set and data mismatch) that its tests must catch.

Entries, kinds and notes: tests/mistakes/__init__.py.
"""

MISTAKES = [
    ("ch26-make_train_dev_split", "wrong_randomness", "source = rng.permutation(n_source)",
     "source = np.arange(n_source)", "split taken in stored order, without shuffling"),
    ("ch26-make_train_dev_split", "data_leakage", '{"train": source[n_train_dev:]',
     '{"train": source', "the train-dev examples are also trained on"),
    ("ch26-make_train_dev_split", "off_by_one", "int(round(train_dev_frac * n_source))",
     "int(train_dev_frac * n_source)", "truncated instead of rounded"),
    ("ch26-gap_report", "wrong_variable", '"variance": float(train_dev - train)',
     '"variance": float(dev - train)', "variance measured on the dev set"),
    ("ch26-gap_report", "sign_error", '"data_mismatch": float(dev - train_dev)',
     '"data_mismatch": float(abs(dev - train_dev))', "absolute value of a gap"),
    ("ch26-diagnose_gaps", "wrong_condition", "if gap > tol}", "if abs(gap) > tol}",
     "a negative gap counted as a problem"),
    ("ch26-diagnose_gaps", "wrong_condition",
     "return {name for name, gap in gaps.items() if gap > tol}",
     "return {max(gaps, key=gaps.get)} if max(gaps.values()) > tol else set()",
     "only the largest gap reported"),
    ("ch26-diagnose_gaps", "wrong_condition", "if gap > tol}", "if gap > 0.02}",
     "threshold changed or hard-coded"),
    ("ch26-synthesize", "wrong_formula", "10 ** (snr_db / 10)", "10 ** (snr_db / 20)",
     "decibels of amplitude used for a power ratio"),
    ("ch26-synthesize", "wrong_formula",
     "scale = np.sqrt(p_signal / (p_noise * 10 ** (snr_db / 10)))",
     "scale = p_signal / (p_noise * 10 ** (snr_db / 10))", "power ratio used as amplitude"),
    ("ch26-synthesize", "wrong_axis", "p_signal = np.mean(X_clean ** 2, axis=0, keepdims=True)",
     "p_signal = np.mean(X_clean ** 2)", "one power for the whole batch"),
    ("ch26-synthesize", "wrong_randomness",
     "rng.integers(0, noise_bank.shape[1], size=X_clean.shape[1])",
     "np.zeros(X_clean.shape[1], dtype=int)", "the same noise clip for every example"),
]
