"""Boxes and style statistics for the detection and style chapters (34-38).

Boxes are rows of corners ``(x1, y1, x2, y2)`` in pixels: x runs along the columns (width), y
down the rows (height), the origin is the top-left corner and ``x1 <= x2``, ``y1 <= y2``. A box's
area is ``(x2 - x1) * (y2 - y1)`` with no "+1" (torchvision's ``box_iou`` convention; detectors
that treat integer corners as inclusive pixels add 1 to each side and get other values). The
centre form is ``(x_c, y_c, w, h)``. An array of boxes is ``(k, 4)``.

Non-max suppression follows torchvision's ``nms`` after a score threshold: boxes scoring below
``score_threshold`` are dropped first, then the best remaining box is kept and every box whose IoU
with it is strictly greater than ``iou_threshold`` is suppressed, repeatedly; the kept indices come
back in decreasing score. (The lecture's rule says "IoU >= 0.5"; the two differ only at exactly
the threshold, which chapter 35 tests.)

Feature maps for style are ``(n_H, n_W, n_C)``, one image, channels last.
"""
import numpy as np

__all__ = ["corners_to_center", "center_to_corners", "box_area", "iou", "iou_matrix", "nms",
           "gram_matrix"]


def corners_to_center(boxes):
    """(..., 4) corners (x1, y1, x2, y2) -> centre form (x_c, y_c, w, h). Taught in chapter 35."""
    boxes = np.asarray(boxes, dtype=float)
    x1, y1, x2, y2 = np.moveaxis(boxes, -1, 0)
    return np.stack([(x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1], axis=-1)


def center_to_corners(boxes):
    """(..., 4) centre form (x_c, y_c, w, h) -> corners (x1, y1, x2, y2). Taught in chapter 35."""
    boxes = np.asarray(boxes, dtype=float)
    xc, yc, w, h = np.moveaxis(boxes, -1, 0)
    return np.stack([xc - w / 2, yc - h / 2, xc + w / 2, yc + h / 2], axis=-1)


def box_area(boxes):
    """(..., 4) corners -> (...) areas (x2 - x1) * (y2 - y1). Taught in chapter 35."""
    boxes = np.asarray(boxes, dtype=float)
    return (boxes[..., 2] - boxes[..., 0]) * (boxes[..., 3] - boxes[..., 1])


def iou_matrix(boxes_a, boxes_b):
    """(k, 4) and (n, 4) corners -> (k, n) intersection over union of every pair.

    Boxes that only touch (along an edge or at a corner) have IoU 0; a pair whose union is empty
    (two boxes of zero area) has IoU 0 rather than 0/0. Taught in chapter 35.
    """
    a = np.asarray(boxes_a, dtype=float).reshape(-1, 4)
    b = np.asarray(boxes_b, dtype=float).reshape(-1, 4)
    left = np.maximum(a[:, None, 0], b[None, :, 0])
    top = np.maximum(a[:, None, 1], b[None, :, 1])
    right = np.minimum(a[:, None, 2], b[None, :, 2])
    bottom = np.minimum(a[:, None, 3], b[None, :, 3])
    inter = np.clip(right - left, 0, None) * np.clip(bottom - top, 0, None)
    union = box_area(a)[:, None] + box_area(b)[None, :] - inter
    return np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)


def iou(box1, box2):
    """Intersection over union of two corner boxes (x1, y1, x2, y2), a Python float.

    (1, 1, 3, 3) and (2, 2, 4, 4): intersection 1, union 4 + 4 - 1 = 7, IoU 1/7.
    Taught in chapter 35.
    """
    return float(iou_matrix(box1, box2)[0, 0])


def nms(boxes, scores, iou_threshold=0.5, score_threshold=0.0, classes=None):
    """Non-max suppression: the indices of the boxes kept, in decreasing score.

    boxes (k, 4) corners, scores (k,). Boxes scoring below ``score_threshold`` are dropped; then,
    repeatedly, the best remaining box is kept and every remaining box whose IoU with it is
    strictly greater than ``iou_threshold`` is removed. With ``classes`` (k,) integer labels, boxes
    suppress only boxes of their own class (torchvision's ``batched_nms``). Equal scores keep
    their input order (a stable sort). Returns an int array. Taught in chapter 35.
    """
    boxes = np.asarray(boxes, dtype=float).reshape(-1, 4)
    scores = np.asarray(scores, dtype=float).reshape(-1)
    order = np.argsort(-scores, kind="stable")
    order = order[scores[order] >= score_threshold]
    same_class = (np.ones((len(scores), len(scores)), dtype=bool) if classes is None else
                  np.equal.outer(np.asarray(classes).reshape(-1), np.asarray(classes).reshape(-1)))
    overlaps = iou_matrix(boxes, boxes)
    keep = []
    alive = np.ones(len(order), dtype=bool)
    for pos, i in enumerate(order):
        if not alive[pos]:
            continue
        keep.append(i)
        rest = order[pos + 1:]
        alive[pos + 1:] &= ~((overlaps[i, rest] > iou_threshold) & same_class[i, rest])
    return np.array(keep, dtype=int)


def gram_matrix(A):
    """The Gram matrix of a feature map: A (n_H, n_W, n_C) -> G (n_C, n_C) with
    G[k, k'] = sum over positions of A[:, :, k] * A[:, :, k'], i.e. F^T F for F = A unrolled to
    (n_H * n_W, n_C) (positions by channels: ``A.reshape(-1, n_C)``; ``A.reshape(n_C, -1)``
    would mix positions and channels). Not normalised: chapter 38 states its scaling.
    Taught in chapter 38.
    """
    F = A.reshape(-1, A.shape[-1])
    return F.T @ F
