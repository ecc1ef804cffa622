"""Scaled dot-product attention: the course's numpy block against alternatives, forward only.

    python benchmarks/attention.py [--repeat 30]

Shape: B = 8 sequences, 4 heads, L = 128 tokens, d = 32, float64, with and without a causal mask.
Compared:
- ``course.nn.attention_forward``: batched ``@`` with an in-place, per-row stable softmax;
- the same with ``np.einsum(..., optimize=True)`` for both products;
- a straightforward version: ``np.einsum`` without ``optimize`` and a softmax that allocates;
- a loop over (batch, head) pairs with 2-D ``@`` (how a first attempt is often written);
- ``torch.nn.functional.scaled_dot_product_attention`` when PyTorch is installed (a
  benchmark-only, optional dependency: ``pip install torch==2.13.0`` gives a CPU build).

Prints the best time of each and its ratio to PyTorch (goal for the course's block: at most 2x),
or to the course's block when PyTorch is absent, after checking that all agree to 1e-12.
"""
import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from course import nn  # noqa: E402

B, H, L, D = 8, 4, 128, 32


def einsum_optimized(Q, K, V, mask=None):
    scores = np.einsum("bhqd,bhkd->bhqk", Q, K, optimize=True) / np.sqrt(Q.shape[-1])
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    scores -= scores.max(axis=-1, keepdims=True)
    np.exp(scores, out=scores)
    scores /= scores.sum(axis=-1, keepdims=True)
    return np.einsum("bhqk,bhkd->bhqd", scores, V, optimize=True)


def straightforward(Q, K, V, mask=None):
    scores = np.einsum("bhqd,bhkd->bhqk", Q, K) / np.sqrt(Q.shape[-1])
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    e = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return np.einsum("bhqk,bhkd->bhqd", e / e.sum(axis=-1, keepdims=True), V)


def loop_per_head(Q, K, V, mask=None):
    out = np.empty(Q.shape[:-1] + (V.shape[-1],))
    for b in range(Q.shape[0]):
        for h in range(Q.shape[1]):
            s = Q[b, h] @ K[b, h].T / np.sqrt(Q.shape[-1])
            if mask is not None:
                s = np.where(mask, s, -np.inf)
            e = np.exp(s - s.max(axis=-1, keepdims=True))
            out[b, h] = (e / e.sum(axis=-1, keepdims=True)) @ V[b, h]
    return out


def best(f, repeat):
    f()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    Q, K, V = (rng.normal(size=(B, H, L, D)) for _ in range(3))
    try:
        import torch
        import torch.nn.functional as F
        torch_version = torch.__version__
    except ImportError:
        torch = None
    print(f"attention forward, B={B} heads={H} L={L} d={D} float64, best of {args.repeat}; "
          f"numpy {np.__version__}, torch {torch_version if torch else 'not installed'}")
    for masked in (False, True):
        mask = nn.causal_mask(L) if masked else None
        ours = lambda: nn.attention_forward(Q, K, V, mask)[0]        # noqa: E731
        ref = ours()
        rows = [("course.nn.attention_forward (@, in-place softmax)", ours),
                ("einsum, optimize=True", lambda: einsum_optimized(Q, K, V, mask)),
                ("einsum, no optimize, allocating softmax", lambda: straightforward(Q, K, V, mask)),
                ("loop over (batch, head), 2-D @", lambda: loop_per_head(Q, K, V, mask))]
        if torch:
            tq, tk, tv = (torch.from_numpy(a) for a in (Q, K, V))
            tmask = torch.from_numpy(mask) if masked else None
            rows.append(("torch scaled_dot_product_attention",
                         lambda: F.scaled_dot_product_attention(
                             tq, tk, tv, attn_mask=tmask).numpy()))
        for name, f in rows:
            err = np.max(np.abs(f() - ref))
            assert err < 1e-12, f"{name} disagrees with course.nn by {err:.2e}"
        times = {name: best(f, args.repeat) for name, f in rows}
        base_name = rows[-1][0] if torch else rows[0][0]
        base = times[base_name]
        print(f"\n{'causal mask' if masked else 'no mask'}: ratio = time / {base_name}")
        for name, t in times.items():
            print(f"  {name:<52} {t * 1e3:8.2f} ms   {t / base:6.2f}x")
        if torch:
            ratio = times[rows[0][0]] / base
            print(f"  course.nn vs PyTorch: {ratio:.2f}x (goal: at most 2x) "
                  f"{'ok' if ratio <= 2 else 'ABOVE GOAL'}")


if __name__ == "__main__":
    main()
