"""Small images drawn offline: seven-segment glyph digits (an MNIST-lite) and shapes.

Layouts: ``make_glyph_digits`` returns flattened images as columns, ``X (size*size, m)``, for the
dense chapters; ``make_shapes`` returns ``(m, size, size)``, batch first: the channels-last form
``(m, n_H, n_W, n_C)`` of chapters 29-38 is ``images[..., None]`` (one channel).

Used by chapters 6-9 (glyph digits), 15 (shapes, augmentation), 29-33 (O/X images, glyph digits
and shapes in the channels-last layout).
"""
import numpy as np

__all__ = ["make_glyph_digits", "glyph", "DIGIT_SEGMENTS", "make_shapes", "SHAPES", "ox_glyph",
           "make_ox_images"]


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
