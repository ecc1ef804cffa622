"""Small images drawn offline: seven-segment glyph digits (an MNIST-lite) and shapes.

Layouts: ``make_glyph_digits`` returns flattened images as columns, ``X (size*size, m)``, for the
dense chapters; ``make_shapes`` returns ``(m, size, size)``, batch first: the channels-last form
``(m, n_H, n_W, n_C)`` of chapters 29-38 is ``images[..., None]`` (one channel).

Used by chapters 6-9 (glyph digits), 15 (shapes, augmentation), 29-33 (O/X images, glyph digits
and shapes in the channels-last layout), 34-35 (scenes with boxes, noisy detections), 36-37
(identities), 38 (textures).

Boxes are corners (x1, y1, x2, y2) in pixels, x along the columns, origin top-left
(``course.nn.vision``).
"""
import numpy as np

__all__ = ["make_glyph_digits", "glyph", "DIGIT_SEGMENTS", "make_shapes", "SHAPES", "ox_glyph",
           "make_ox_images", "shape_mask", "make_box_scenes", "make_detections", "make_identities",
           "make_texture", "TEXTURES"]


# Seven-segment digits: segments a (top), b (top right), c (bottom right), d (bottom),
# e (bottom left), f (top left), g (middle).
DIGIT_SEGMENTS = {
    0: "abcdef", 1: "bc", 2: "abdeg", 3: "abcdg", 4: "bcfg",
    5: "acdfg", 6: "acdefg", 7: "abc", 8: "abcdefg", 9: "abcdfg",
}


def glyph(digit, size=12, thickness=None):
    """The clean ``(size, size)`` image of a seven-segment ``digit``, values 0 or 1."""
    t = thickness or max(1, size // 10)
    top, bottom = size // 8, size - 1 - size // 8
    left, right = size // 4, size - 1 - size // 4
    mid = (top + bottom) // 2
    img = np.zeros((size, size))
    segs = {
        "a": (slice(top, top + t), slice(left, right + 1)),
        "d": (slice(bottom - t + 1, bottom + 1), slice(left, right + 1)),
        "g": (slice(mid, mid + t), slice(left, right + 1)),
        "f": (slice(top, mid + t), slice(left, left + t)),
        "b": (slice(top, mid + t), slice(right - t + 1, right + 1)),
        "e": (slice(mid, bottom + 1), slice(left, left + t)),
        "c": (slice(mid, bottom + 1), slice(right - t + 1, right + 1)),
    }
    for s in DIGIT_SEGMENTS[digit]:
        img[segs[s]] = 1.0
    return img


def make_glyph_digits(m=1000, size=12, noise=0.15, jitter=1, seed=0, channels_last=False):
    """An MNIST-lite built in numpy: seven-segment digits drawn on a ``size`` x ``size`` canvas,
    shifted by up to ``jitter`` pixels, with random stroke brightness and Gaussian noise.

    Like MNIST in the Codeit notes (the lecture notes' introduction to neural networks), each
    image is flattened row by row into a column of pixel values in [0, 1].

    Returns X (size * size, m) float64 and y (1, m) int64 digit labels 0-9; with
    ``channels_last=True``, the images (m, size, size, 1) of the convolutional chapters instead
    (batch first, one channel), and y still (1, m).
    """
    rng = np.random.default_rng(seed)
    clean = np.stack([glyph(d, size) for d in range(10)])
    y = rng.integers(0, 10, m)
    imgs = clean[y] * rng.uniform(0.6, 1.0, (m, 1, 1))
    if jitter:
        shifts = rng.integers(-jitter, jitter + 1, (m, 2))
        out = np.zeros_like(imgs)
        for i, (dr, dc) in enumerate(shifts):
            out[i] = np.roll(np.roll(imgs[i], dr, axis=0), dc, axis=1)
        imgs = out
    imgs = np.clip(imgs + rng.normal(0, noise, imgs.shape), 0, 1)
    if channels_last:
        return imgs[..., None].copy(), y.reshape(1, m)
    return imgs.reshape(m, size * size).T.copy(), y.reshape(1, m)


SHAPES = ("circle", "square", "triangle")


def make_shapes(m=300, size=16, noise=0.05, seed=0, channels_last=False):
    """Filled circles, squares and upward triangles of random size and position on a
    ``size`` x ``size`` canvas (for augmentation and small convolutional chapters).

    Returns images (m, size, size) float64 in [0, 1] (batch first, no channel axis) and y (1, m)
    int64 labels: 0 circle, 1 square, 2 triangle; with ``channels_last=True`` the images are
    (m, size, size, 1), the (m, n_H, n_W, n_C) layout of chapters 29-38.
    """
    rng = np.random.default_rng(seed)
    rows, cols = np.mgrid[0:size, 0:size] + 0.5
    y = rng.integers(0, 3, m)
    images = np.zeros((m, size, size))
    for i in range(m):
        r = rng.uniform(0.2, 0.35) * size                  # half-width of the shape
        cy, cx = rng.uniform(r, size - r, 2)
        if y[i] == 0:
            mask = (rows - cy) ** 2 + (cols - cx) ** 2 <= r ** 2
        elif y[i] == 1:
            mask = (np.abs(rows - cy) <= r * 0.85) & (np.abs(cols - cx) <= r * 0.85)
        else:   # apex at the top, base at the bottom: rows grow downwards
            top, bottom = cy - r, cy + r
            half = (rows - top) / (2 * r) * r
            mask = (rows >= top) & (rows <= bottom) & (np.abs(cols - cx) <= half)
        images[i][mask] = rng.uniform(0.7, 1.0)
    images = np.clip(images + rng.normal(0, noise, images.shape), 0, 1)
    if channels_last:
        return images[..., None], y.reshape(1, m)
    return images, y.reshape(1, m)


def ox_glyph(kind, size=6):
    """The clean ``(size, size)`` image of an "O" (a square ring) or an "X" (two diagonals),
    values 0 or 1, drawn inside a one-pixel empty margin so that a one-pixel shift keeps it
    whole. ``kind`` is "O" or "X"."""
    if kind not in ("O", "X"):
        raise ValueError(f"kind must be 'O' or 'X', not {kind!r}")
    img = np.zeros((size, size))
    lo, hi = 1, size - 2
    if kind == "O":
        img[lo:hi + 1, lo:hi + 1] = 1.0
        img[lo + 1:hi, lo + 1:hi] = 0.0
    else:
        k = np.arange(lo, hi + 1)
        img[k, k] = 1.0
        img[k, hi + lo - k] = 1.0
    return img


def make_ox_images(m=200, size=6, shift=1, noise=0.1, seed=0, channels_last=False):
    """The 6 x 6 'O' and 'X' images of the lecture notes' first convolutional network (a filter,
    ReLU, max pooling and a dense layer telling O from X), each shifted by up to ``shift``
    pixels in each direction (the "shifted X is still an X" of pooling), with random stroke
    brightness and Gaussian noise, clipped to [0, 1].

    Returns images (m, size, size) float64 and y (1, m) int64 labels, 0 for O and 1 for X;
    with ``channels_last=True`` the images are (m, size, size, 1), the layout of chapters 29-38.
    Example ``i`` is shifted by ``shifts[i]``; ``shift=0`` gives the clean glyphs plus noise.
    """
    rng = np.random.default_rng(seed)
    clean = np.stack([ox_glyph("O", size), ox_glyph("X", size)])
    y = rng.integers(0, 2, m)
    images = clean[y] * rng.uniform(0.7, 1.0, (m, 1, 1))
    if shift:
        moves = rng.integers(-shift, shift + 1, (m, 2))
        for i, (dr, dc) in enumerate(moves):
            images[i] = np.roll(images[i], (dr, dc), axis=(0, 1))
    images = np.clip(images + rng.normal(0, noise, images.shape), 0, 1)
    if channels_last:
        return images[..., None], y.reshape(1, m)
    return images, y.reshape(1, m)


def shape_mask(kind, size):
    """The filled ``(size, size)`` boolean mask of a "circle", "square" or "triangle" (apex up)
    that touches all four sides of its box (the triangle's base and apex do)."""
    rows, cols = np.mgrid[0:size, 0:size] + 0.5
    c = size / 2
    if kind == "circle":
        return (rows - c) ** 2 + (cols - c) ** 2 <= c ** 2
    if kind == "square":
        return np.ones((size, size), dtype=bool)
    if kind == "triangle":
        return np.abs(cols - c) <= rows / 2
    raise ValueError(f"kind must be one of {SHAPES}, not {kind!r}")


def make_box_scenes(m=100, size=64, objects=(1, 3), kind="shapes", object_size=(12, 24),
                    max_iou=0.0, noise=0.05, seed=0):
    """Scenes with boxed objects for detection: ``m`` grey ``size`` x ``size`` images, each with
    between ``objects[0]`` and ``objects[1]`` objects at random places.

    kind -- "shapes": filled circles, squares and triangles (labels 0, 1, 2 as ``SHAPES``) of a
            side drawn from ``object_size`` (low, high inclusive); "digits": seven-segment glyphs
            (labels 0-9) drawn on a square of side ``object_size[0]`` (e.g. 14 x 14 crops for
            chapter 34's sliding windows).
    max_iou -- the largest IoU allowed between two objects of one scene (0: no overlap; a place
            that breaks it is drawn again).

    Returns images (m, size, size, 1) float64 in [0, 1] (batch first, channels last), boxes: a
    list of m arrays (k_i, 4) of corners (x1, y1, x2, y2) in pixels (x1, y1 inclusive, x2, y2
    exclusive: the object fills ``image[y1:y2, x1:x2]``), and labels: a list of m int arrays
    (k_i,).
    """
    from ..nn.vision import iou_matrix  # the boxes' own convention, defined once
    rng = np.random.default_rng(seed)
    images = np.zeros((m, size, size))
    all_boxes, all_labels = [], []
    for i in range(m):
        boxes, labels = [], []
        for _ in range(rng.integers(objects[0], objects[1] + 1)):
            for _attempt in range(100):
                if kind == "digits":
                    side, label = object_size[0], int(rng.integers(0, 10))
                else:
                    side, label = int(rng.integers(object_size[0], object_size[1] + 1)), \
                        int(rng.integers(0, len(SHAPES)))
                x1, y1 = rng.integers(0, size - side + 1, 2)
                box = [x1, y1, x1 + side, y1 + side]
                if not boxes or iou_matrix(box, boxes).max() <= max_iou:
                    break
            else:
                continue                            # no room left: fewer objects in this scene
            patch = (glyph(label, side) if kind == "digits" else
                     shape_mask(SHAPES[label], side).astype(float))
            region = images[i, y1:y1 + side, x1:x1 + side]
            np.maximum(region, patch * rng.uniform(0.7, 1.0), out=region)
            boxes.append(box)
            labels.append(label)
        all_boxes.append(np.array(boxes, dtype=float).reshape(-1, 4))
        all_labels.append(np.array(labels, dtype=int))
    images = np.clip(images + rng.normal(0, noise, images.shape), 0, 1)
    return images[..., None], all_boxes, all_labels


def make_detections(boxes, labels, per_object=6, jitter=0.1, false_boxes=3, size=64, seed=0):
    """Noisy candidate detections around true boxes, as a detector before non-max suppression
    gives them: ``per_object`` jittered copies of each box (corners moved by up to ``jitter``
    times its side, scores falling from about 0.95 with the jitter), plus ``false_boxes`` random
    boxes with low scores (0.05 to 0.6) anywhere in a ``size`` x ``size`` image.

    boxes (k, 4) corners and labels (k,) of one scene. Returns (candidates (n, 4), scores (n,),
    classes (n,), source (n,)): ``source`` is the index of the true box a candidate came from,
    -1 for a false one. Rows are shuffled.
    """
    rng = np.random.default_rng(seed)
    boxes = np.asarray(boxes, dtype=float).reshape(-1, 4)
    out, scores, classes, source = [], [], [], []
    for j, (box, label) in enumerate(zip(boxes, labels)):
        side = np.array([box[2] - box[0], box[3] - box[1]] * 2)
        for _ in range(per_object):
            move = rng.uniform(-jitter, jitter, 4) * side
            cand = box + move
            cand[2:] = np.maximum(cand[2:], cand[:2] + 1)
            out.append(cand)
            scores.append(np.clip(0.95 - 2.5 * np.abs(move / side).mean() +
                                  rng.normal(0, 0.03), 0.05, 1.0))
            classes.append(label)
            source.append(j)
    for _ in range(false_boxes):
        x1, y1 = rng.uniform(0, size * 0.8, 2)
        w, h = rng.uniform(size * 0.1, size * 0.3, 2)
        out.append([x1, y1, min(x1 + w, size), min(y1 + h, size)])
        scores.append(rng.uniform(0.05, 0.6))
        classes.append(int(rng.integers(0, max(1, int(np.max(labels, initial=0)) + 1))))
        source.append(-1)
    perm = rng.permutation(len(out))
    return (np.array(out, dtype=float).reshape(-1, 4)[perm], np.array(scores)[perm],
            np.array(classes, dtype=int)[perm], np.array(source, dtype=int)[perm])


def make_identities(n_people=50, shots=10, size=12, shift=2, noise=0.1, seed=0):
    """A face-like one-shot setting without downloads: each "person" is a fixed random pattern
    (a 4 x 4 grid of grey levels, smoothly enlarged to ``size`` x ``size``), and each shot of a
    person moves it by up to ``shift`` pixels, scales its brightness (0.6 to 1.0) and adds noise.
    Raw pixel distances mix people up (the shifts); a learned encoding can separate them.

    People of one seed are drawn afresh for another seed (disjoint identities for a test set).
    Returns images (n_people * shots, size, size, 1) float64 in [0, 1], shots of a person in a
    row, and ids (1, n_people * shots) int64 person labels 0 .. n_people - 1.
    """
    rng = np.random.default_rng(seed)
    coarse = rng.uniform(0, 1, (n_people, 4, 4))
    # Bilinear enlargement of each 4 x 4 pattern to size x size.
    pos = np.linspace(0, 3, size)
    lo = np.minimum(np.floor(pos).astype(int), 2)
    t = pos - lo
    rows = coarse[:, lo] * (1 - t)[None, :, None] + coarse[:, lo + 1] * t[None, :, None]
    templates = rows[:, :, lo] * (1 - t) + rows[:, :, lo + 1] * t
    ids = np.repeat(np.arange(n_people), shots)
    images = templates[ids] * rng.uniform(0.6, 1.0, (len(ids), 1, 1))
    moves = rng.integers(-shift, shift + 1, (len(ids), 2))
    for i, (dr, dc) in enumerate(moves):
        images[i] = np.roll(images[i], (dr, dc), axis=(0, 1))
    images = np.clip(images + rng.normal(0, noise, images.shape), 0, 1)
    return images[..., None], ids.reshape(1, -1)


TEXTURES = ("stripes", "checkerboard", "grating", "dots", "noise")


def make_texture(kind, size=32, seed=0):
    """A procedural colour texture (size, size, 3) in [0, 1], the "style image" of chapter 38:
    "stripes" (diagonal bands), "checkerboard", "grating" (a sinusoid), "dots" or "noise"
    (smoothed), each in a random two-colour palette from ``seed``."""
    rng = np.random.default_rng(seed)
    rows, cols = np.mgrid[0:size, 0:size] / size
    period = rng.uniform(0.15, 0.3)
    if kind == "stripes":
        t = ((rows + cols) / period % 1.0 < 0.5) * 1.0
    elif kind == "checkerboard":
        t = ((np.floor(rows / period) + np.floor(cols / period)) % 2) * 1.0
    elif kind == "grating":
        angle = rng.uniform(0, np.pi)
        t = 0.5 + 0.5 * np.sin(2 * np.pi * (np.cos(angle) * cols + np.sin(angle) * rows) / period)
    elif kind == "dots":
        t = ((((rows / period) % 1 - 0.5) ** 2 + ((cols / period) % 1 - 0.5) ** 2) < 0.09) * 1.0
    elif kind == "noise":
        t = rng.uniform(0, 1, (size, size))
        for _ in range(3):                     # smooth with a 3 x 3 box filter, wrapping round
            t = sum(np.roll(t, (dr, dc), axis=(0, 1)) for dr in (-1, 0, 1) for dc in (-1, 0, 1)) / 9
        t = (t - t.min()) / (t.max() - t.min())
    else:
        raise ValueError(f"kind must be one of {TEXTURES}, not {kind!r}")
    dark, light = rng.uniform(0, 0.4, 3), rng.uniform(0.6, 1.0, 3)
    return dark + t[..., None] * (light - dark)
