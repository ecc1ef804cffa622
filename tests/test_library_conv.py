"""course.nn.conv (the vectorised convolution and pooling of chapters 29-33) against plain loops,
the published DLS values, numerical gradients and the tie rule; and the O/X images."""
import numpy as np
import pytest

from course import data, nn
from course.testing import check_backward


def loop_conv(A_prev, W, b, stride, pad):
    """The naive six-loop convolution (the students' version), for comparison only."""
    m, H, Wd, _ = A_prev.shape
    f, _, _, n_C = W.shape
    n_H, n_W = (H + 2 * pad - f) // stride + 1, (Wd + 2 * pad - f) // stride + 1
    A = np.pad(A_prev, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
    Z = np.zeros((m, n_H, n_W, n_C))
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                window = A[i, h * stride:h * stride + f, w * stride:w * stride + f]
                for c in range(n_C):
                    Z[i, h, w, c] = np.sum(window * W[..., c]) + b[0, 0, 0, c]
    return Z


def loop_pool(A_prev, f, stride, mode):
    m, H, Wd, C = A_prev.shape
    n_H, n_W = (H - f) // stride + 1, (Wd - f) // stride + 1
    reduce = np.max if mode == "max" else np.mean
    out = np.zeros((m, n_H, n_W, C))
    for h in range(n_H):
        for w in range(n_W):
            out[:, h, w] = reduce(A_prev[:, h * stride:h * stride + f, w * stride:w * stride + f],
                                  axis=(1, 2))
    return out


@pytest.mark.parametrize("stride,pad", [(1, 0), (1, 1), (2, 0), (2, 1), (3, 2)])
def test_conv_matches_loops_and_numerical_gradients(stride, pad):
    rng = np.random.default_rng(stride * 10 + pad)
    A = rng.standard_normal((2, 5, 7, 3))                       # non-square, m = 2
    W, b = rng.standard_normal((3, 3, 3, 4)), rng.standard_normal((1, 1, 1, 4))
    Z, _ = nn.conv_forward(A, W, b, stride, pad)
    np.testing.assert_allclose(Z, loop_conv(A, W, b, stride, pad), atol=1e-12)
    check_backward(lambda A_prev, W, b: nn.conv_forward(A_prev, W, b, stride, pad),
                   nn.conv_backward, {"A_prev": A, "W": W, "b": b}, rng=1)


def test_conv_reproduces_the_published_dls_values():
    np.random.seed(1)
    A_prev, W = np.random.randn(2, 5, 7, 4), np.random.randn(3, 3, 4, 8)
    b = np.random.randn(1, 1, 1, 8)
    Z, _ = nn.conv_forward(A_prev, W, b, stride=2, pad=1)
    assert Z.shape == (2, 3, 4, 8)
    assert Z.mean() == pytest.approx(0.5511276474566768, abs=1e-14)
    np.testing.assert_allclose(Z[0, 2, 1], [-2.17796037, 8.07171329, -0.5772704, 3.36286738,
                                            4.48113645, -2.89198428, 10.99288867, 3.03171932],
                               atol=1e-8)
    np.random.seed(1)
    A_prev, W = np.random.randn(10, 4, 4, 3), np.random.randn(2, 2, 3, 8)
    b = np.random.randn(1, 1, 1, 8)
    Z, cache = nn.conv_forward(A_prev, W, b, stride=2, pad=2)
    dA, dW, db = nn.conv_backward(Z, cache)
    assert dA.mean() == pytest.approx(1.4524377775388075, abs=1e-12)
    assert dW.mean() == pytest.approx(1.7269914583139097, abs=1e-12)
    assert db.mean() == pytest.approx(7.839232564616838, abs=1e-12)


def test_conv_is_cross_correlation_and_finds_the_vertical_edge():
    image = np.zeros((1, 6, 6, 1))
    image[:, :, :3] = 10
    edge = np.array([[1, 0, -1]] * 3, dtype=float)[:, :, None, None]
    Z, _ = nn.conv_forward(image, edge, np.zeros((1, 1, 1, 1)))
    np.testing.assert_array_equal(Z[0, :, :, 0], [[0, 30, 30, 0]] * 4)


@pytest.mark.parametrize("f,stride,shape", [(2, 2, (2, 5, 7, 3)), (2, 2, (2, 4, 6, 3)),
                                            (3, 3, (1, 6, 3, 2)), (3, 1, (2, 5, 7, 3)),
                                            (3, 2, (2, 5, 7, 3)), (2, 1, (2, 5, 7, 3))])
@pytest.mark.parametrize("mode", ["max", "average"])
def test_pool_matches_loops_and_numerical_gradients(f, stride, shape, mode):
    """Windows apart, overlapping, and tiling the input exactly (max pooling's one-pass path)."""
    rng = np.random.default_rng(f * 10 + stride)
    A = rng.standard_normal(shape)                 # continuous values: no ties
    out, _ = nn.pool_forward(A, f, stride, mode)
    np.testing.assert_allclose(out, loop_pool(A, f, stride, mode), atol=1e-12)
    check_backward(lambda a: nn.pool_forward(a, f, stride, mode), nn.pool_backward, [A], rng=2)


def test_pool_reproduces_the_notes_and_dls():
    notes = np.array([[1, 3, 2, 1], [2, 9, 1, 1], [1, 3, 2, 3], [5, 6, 1, 2]], float)
    notes = notes[None, :, :, None]
    assert nn.pool_forward(notes, 2, 2, "max")[0][0, :, :, 0].tolist() == [[9, 2], [6, 3]]
    assert nn.pool_forward(notes, 2, 2, "average")[0][0, :, :, 0].tolist() == [[3.75, 1.25],
                                                                               [3.75, 2.0]]
    np.random.seed(1)
    A_prev = np.random.randn(5, 5, 3, 2)
    A, cache = nn.pool_forward(A_prev, 2, 1, "max")
    dA = np.random.randn(5, 4, 2, 2)
    assert dA.mean() == pytest.approx(0.14571390272918056, abs=1e-14)
    np.testing.assert_allclose(nn.pool_backward(dA, cache)[1, 1],
                               [[0, 0], [5.05844394, -1.68282702], [0, 0]], atol=1e-8)
    _, cache = nn.pool_forward(A_prev, 2, 1, "average")
    np.testing.assert_allclose(nn.pool_backward(dA, cache)[1, 1],
                               [[0.08485462, 0.2787552], [1.26461098, -0.25749373],
                                [1.17975636, -0.53624893]], atol=1e-8)


def test_max_pool_sends_a_tied_window_its_gradient_once_to_the_first_maximum():
    A = np.ones((1, 2, 2, 1))
    out, cache = nn.pool_forward(A, 2, 2, "max")
    dA_prev = nn.pool_backward(np.full(out.shape, 5.0), cache)
    assert dA_prev[0, :, :, 0].tolist() == [[5, 0], [0, 0]]
    A = np.array([[0, 7], [7, 1]], float)[None, :, :, None]       # tie between (0,1) and (1,0)
    dA_prev = nn.pool_backward(np.ones((1, 1, 1, 1)), nn.pool_forward(A, 2, 2, "max")[1])
    assert dA_prev[0, :, :, 0].tolist() == [[0, 1], [0, 0]]
    # overlapping windows on a constant map: each window's first position, added up
    out, cache = nn.pool_forward(np.ones((1, 3, 3, 1)), 2, 1, "max")
    dA_prev = nn.pool_backward(np.ones(out.shape), cache)
    assert dA_prev[0, :, :, 0].tolist() == [[1, 1, 0], [1, 1, 0], [0, 0, 0]]
    # one tied window among tie-free ones, in a tiled input: only that window needs the rule
    A = np.arange(16.0).reshape(1, 4, 4, 1)
    A[0, 2:, 2:, 0] = 5.0
    dA_prev = nn.pool_backward(np.full((1, 2, 2, 1), 2.0), nn.pool_forward(A, 2, 2, "max")[1])
    assert dA_prev[0, :, :, 0].tolist() == [[0, 0, 0, 0], [0, 2, 0, 2], [0, 0, 2, 0],
                                            [0, 2, 0, 0]]


def test_flatten_and_affine_pairs():
    rng = np.random.default_rng(0)
    A = rng.standard_normal((3, 2, 2, 2))
    check_backward(nn.flatten_forward, nn.flatten_backward, [A])
    X, W, b = rng.standard_normal((4, 5)), rng.standard_normal((5, 3)), rng.standard_normal(3)
    check_backward(nn.affine_forward, nn.affine_backward, {"X": X, "W": W, "b": b})


def test_ox_images_are_os_and_xs_shifted_at_most_one_pixel():
    X, y = data.make_ox_images(400, noise=0.0, seed=3, channels_last=True)
    assert X.shape == (400, 6, 6, 1) and y.shape == (1, 400) and set(np.unique(y)) == {0, 1}
    for image, label in zip(X[..., 0], y[0]):
        glyph = data.ox_glyph("OX"[label])
        assert any(np.array_equal(image > 0, np.roll(glyph, (dr, dc), axis=(0, 1)) > 0)
                   for dr in (-1, 0, 1) for dc in (-1, 0, 1))
    with pytest.raises(ValueError):
        data.ox_glyph("Y")
