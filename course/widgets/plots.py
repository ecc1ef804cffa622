"""Static matplotlib drawings on a given ``ax``: a decision boundary over the plane (column
layout, ``X (2, m)``, chapters 1-21) and an attention map (rows are queries, chapters 49-51).
"""
import numpy as np
from matplotlib.colors import ListedColormap

__all__ = ["plot_decision_boundary", "plot_attention"]


_POINTS = ListedColormap(["#d95f02", "#1b9e77"])


def plot_decision_boundary(proba, X, Y, ax, resolution=80, padding=0.5,
                           labels=("$x_1$", "$x_2$"), title=None):
    """Draw P(y = 1 | x) over the plane, the 0.5 contour and the data on ``ax``.

    proba -- callable taking points (2, k) and returning probabilities of shape (1, k) or (k,)
    X -- (2, m) data; Y -- (1, m) labels 0/1
    """
    x_lo, x_hi = X[0].min() - padding, X[0].max() + padding
    y_lo, y_hi = X[1].min() - padding, X[1].max() + padding
    gx, gy = np.meshgrid(np.linspace(x_lo, x_hi, resolution), np.linspace(y_lo, y_hi, resolution))
    grid = np.vstack([gx.ravel(), gy.ravel()])
    P = np.asarray(proba(grid), dtype=np.float64).reshape(gx.shape)
    field = ax.contourf(gx, gy, P, levels=np.linspace(0, 1, 11), cmap="RdYlGn", alpha=0.55)
    if P.min() < 0.5 < P.max():
        ax.contour(gx, gy, P, levels=[0.5], colors="k", linewidths=1.5)
    ax.scatter(X[0], X[1], c=np.ravel(Y), cmap=_POINTS, vmin=0, vmax=1, s=14,
               edgecolors="k", linewidths=0.3)
    ax.set_xlim(x_lo, x_hi)
    ax.set_ylim(y_lo, y_hi)
    ax.set_xlabel(labels[0])
    ax.set_ylabel(labels[1])
    if title:
        ax.set_title(title, fontsize=10)
    return field


def plot_attention(weights, ax, keys=None, queries=None, title=None, annotate=None):
    """Draw an attention map on ``ax``: weights (T_q, T_k), one row per query (output step),
    one column per key (input position), each row summing to 1.

    keys, queries -- tick labels (tokens or characters); annotate -- write each weight in its
    cell (default: when the map is at most 12 x 12). Colours span 0..1 so maps compare.
    """
    W = np.asarray(weights, dtype=np.float64)
    image = ax.imshow(W, vmin=0.0, vmax=1.0, cmap="viridis", aspect="auto")
    T_q, T_k = W.shape
    for labels, n, set_ticks, set_labels in ((keys, T_k, ax.set_xticks, ax.set_xticklabels),
                                             (queries, T_q, ax.set_yticks, ax.set_yticklabels)):
        if labels is not None:
            set_ticks(range(n))
            set_labels([str(t) for t in labels], fontsize=8)
    if annotate or (annotate is None and max(W.shape) <= 12):
        for i in range(T_q):
            for j in range(T_k):
                ax.text(j, i, f"{W[i, j]:.2f}", ha="center", va="center", fontsize=6.5,
                        color="k" if W[i, j] > 0.6 else "w")
    ax.set_xlabel("key (attended to)")
    ax.set_ylabel("query")
    if title:
        ax.set_title(title, fontsize=10)
    return image
