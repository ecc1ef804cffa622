"""The sequence loss, row layout: logits ``(m, T, C)`` (or ``(T, C)``), one row per position, as
in chapters 39-51 and every framework.

Taught in: chapter 8 (softmax cross-entropy; this is the same loss for rows), used from
chapter 49 on.
"""
import numpy as np

__all__ = ["sequence_cross_entropy"]


def sequence_cross_entropy(logits, targets, mask=None):
    """softmax_cross_entropy for the row layout of chapters 39-51: logits (..., C), one row of
    class scores per position, and integer targets (...). The same loss as chapter 8's, averaged
    over the positions that count: cost = -(1/n) sum log softmax(logits)[target] and
    dlogits = (softmax(logits) - one_hot(targets)) / n in the logits' dtype, where n is
    targets.size, or, with ``mask`` (shaped like targets, true or 1 where a position counts,
    false or 0 at padding), the number of positions that count; padded positions add nothing to
    the cost and get a zero gradient (CS231n's ``temporal_softmax_loss`` divides by the batch
    size instead; here the cost is a per-token average either way). Returns (cost, dlogits).
    Taught in chapter 8 (as softmax_cross_entropy); the padding mask arrives with chapter 46.
    """
    # No overflow and no warning for any finite logits, as in course.nn.softmax: a shift that
    # overflows gives -inf, and exp(-inf) = 0 is the exact float result; underflows give 0.
    with np.errstate(over="ignore", under="ignore"):
        shifted = logits - logits.max(axis=-1, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
        dlogits = np.exp(log_p)
    picked = np.take_along_axis(log_p, targets[..., None], axis=-1)[..., 0]
    dlogits -= np.eye(logits.shape[-1], dtype=logits.dtype)[targets]
    if mask is None:
        n = targets.size
        with np.errstate(under="ignore"):
            return float(-picked.sum() / n), dlogits / n
    mask = np.asarray(mask).astype(bool)
    if mask.shape != targets.shape:
        raise ValueError(f"mask has shape {mask.shape}, targets {targets.shape}: one flag each")
    n = max(int(mask.sum()), 1)
    dlogits *= mask[..., None]
    with np.errstate(under="ignore"):
        return float(-picked[mask].sum() / n), dlogits / n
