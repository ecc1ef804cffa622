"""course.nn.vision (boxes, IoU, non-max suppression, the Gram matrix) and the scene, detection,
identity and texture generators of chapters 34-38."""
import numpy as np
import pytest

from course import data, nn


def test_iou_reproduces_the_notes_and_dls_and_its_edge_cases():
    assert nn.iou((1, 1, 3, 3), (2, 2, 4, 4)) == pytest.approx(1 / 7, abs=1e-15)
    assert nn.iou((2, 1, 4, 3), (1, 2, 3, 4)) == pytest.approx(0.14285714285714285, abs=1e-15)
    assert nn.iou((1, 2, 3, 4), (5, 6, 7, 8)) == 0                    # disjoint
    assert nn.iou((1, 1, 2, 2), (2, 2, 3, 3)) == 0                    # touching at a corner
    assert nn.iou((1, 1, 3, 3), (1, 3, 4, 4)) == 0                    # touching along an edge
    assert nn.iou((0, 0, 4, 4), (1, 1, 3, 3)) == pytest.approx(4 / 16)   # contained: area ratio
    assert nn.iou((0, 0, 10, 10), (1, 1, 11, 11)) == pytest.approx(81 / 119, abs=1e-15)
    assert nn.iou((0, 0, 4, 4), (0, 0, 4, 2)) == 0.5                  # the boundary case
    assert nn.iou((2, 2, 2, 2), (2, 2, 2, 2)) == 0                    # empty union: 0, not nan
    assert nn.iou((0, 0, 3, 1), (0, 0, 3, 1)) == 1                    # non-square, itself


def test_iou_matrix_agrees_with_pairs_and_is_symmetric():
    rng = np.random.default_rng(0)

    def random_boxes(k):
        xs, ys = np.sort(rng.uniform(0, 20, (2, k, 2)), axis=2)
        return np.stack([xs[:, 0], ys[:, 0], xs[:, 1], ys[:, 1]], axis=1)
    a, b = random_boxes(6), random_boxes(4)
    M = nn.iou_matrix(a, b)
    assert M.shape == (6, 4)
    for i in range(6):
        for j in range(4):
            assert M[i, j] == pytest.approx(nn.iou(a[i], b[j]))
    np.testing.assert_allclose(nn.iou_matrix(b, a), M.T)
    np.testing.assert_allclose(np.diag(nn.iou_matrix(a, a)), 1)


def test_box_forms_round_trip():
    boxes = np.array([[1.0, 2.0, 5.0, 3.0], [0, 0, 4, 8]])
    centre = nn.corners_to_center(boxes)
    np.testing.assert_array_equal(centre, [[3, 2.5, 4, 1], [2, 4, 4, 8]])
    np.testing.assert_array_equal(nn.center_to_corners(centre), boxes)
    np.testing.assert_array_equal(nn.box_area(boxes), [4, 32])


def test_nms_keeps_the_catalog_fixture_and_suppresses_only_above_the_threshold():
    boxes = np.array([[0, 0, 10, 10], [1, 1, 11, 11], [20, 20, 30, 30], [0, 0, 10, 10]])
    scores = np.array([0.9, 0.8, 0.7, 0.5])
    assert nn.nms(boxes, scores, 0.5, 0.6).tolist() == [0, 2]
    assert nn.nms(boxes, scores, 0.7, 0.6).tolist() == [0, 1, 2]      # 0.68 is not above 0.7
    # exactly at the threshold: torchvision's strict '>' keeps both (the lecture's '>=' would not)
    assert nn.nms([[0, 0, 4, 4], [0, 0, 4, 2]], [0.9, 0.8], 0.5).tolist() == [0, 1]
    assert nn.nms([[0, 0, 4, 4], [0, 0, 4, 2]], [0.9, 0.8], 0.49).tolist() == [0]
    # per class: an overlapping box of another class survives
    assert nn.nms(boxes[:2], scores[:2], 0.5, classes=[0, 1]).tolist() == [0, 1]
    assert nn.nms(np.zeros((0, 4)), np.zeros(0)).tolist() == []


@pytest.mark.parametrize("seed", range(5))
def test_nms_on_generated_detections_is_greedy_and_idempotent(seed):
    images, boxes, labels = data.make_box_scenes(1, objects=(3, 3), seed=seed)
    cand, scores, classes, source = data.make_detections(boxes[0], labels[0], seed=seed)
    keep = nn.nms(cand, scores, 0.5, 0.3, classes)
    assert np.all(np.diff(scores[keep]) <= 0)
    overlaps = nn.iou_matrix(cand, cand)
    for i in range(len(cand)):
        if i in keep or scores[i] < 0.3:
            continue           # every other box was suppressed by a better kept one of its class
        assert any(scores[k] >= scores[i] and overlaps[k, i] > 0.5 and classes[k] == classes[i]
                   for k in keep)
    again = nn.nms(cand[keep], scores[keep], 0.5, 0.3, classes[keep])
    assert again.tolist() == list(range(len(keep)))
    # one winner per true object here: the jittered copies overlap their own box far above 0.5
    assert sorted(source[keep][source[keep] >= 0].tolist()) == [0, 1, 2]


def test_gram_matrix_fixture_symmetry_and_position_blindness():
    F = np.array([[1, 2, 0], [0, 1, 1]])               # channels x positions, the catalog's
    A = F.T.reshape(3, 1, 2)                            # (n_H, n_W, n_C) = (3, 1, 2)
    np.testing.assert_array_equal(nn.gram_matrix(A), [[5, 2], [2, 2]])
    rng = np.random.default_rng(0)
    A = rng.standard_normal((4, 5, 3))
    G = nn.gram_matrix(A)
    np.testing.assert_allclose(G, G.T)
    assert np.all(np.linalg.eigvalsh(G) > -1e-12)
    shuffled = A.reshape(-1, 3)[rng.permutation(20)].reshape(4, 5, 3)
    np.testing.assert_allclose(nn.gram_matrix(shuffled), G)


def test_box_scenes_place_each_object_inside_its_box():
    images, boxes, labels = data.make_box_scenes(30, size=48, objects=(1, 3), noise=0.0, seed=2)
    assert images.shape == (30, 48, 48, 1)
    for image, bx, lb in zip(images[..., 0], boxes, labels):
        assert 1 <= len(bx) <= 3 and len(bx) == len(lb)
        covered = np.zeros_like(image, dtype=bool)
        for (x1, y1, x2, y2), label in zip(bx.astype(int), lb):
            assert 0 <= x1 < x2 <= 48 and 0 <= y1 < y2 <= 48 and x2 - x1 == y2 - y1
            mask = data.shape_mask(data.SHAPES[label], x2 - x1)
            assert np.all(image[y1:y2, x1:x2][mask] > 0.5)
            covered[y1:y2, x1:x2] = True
        assert np.all(image[~covered] == 0)
        offdiag = nn.iou_matrix(bx, bx)[~np.eye(len(bx), dtype=bool)]
        assert offdiag.size == 0 or offdiag.max() == 0
    _, boxes, labels = data.make_box_scenes(10, size=32, kind="digits", object_size=(14, 14),
                                            objects=(1, 1), seed=0)
    assert all(b[0, 2] - b[0, 0] == 14 and 0 <= lb[0] <= 9 for b, lb in zip(boxes, labels))


def test_identities_and_textures():
    images, ids = data.make_identities(6, 5, seed=0)
    assert images.shape == (30, 12, 12, 1) and ids.tolist() == [list(np.repeat(range(6), 5))]
    assert 0 <= images.min() and images.max() <= 1
    other, _ = data.make_identities(6, 5, seed=1)
    assert not np.allclose(images, other)
    for kind in data.TEXTURES:
        t = data.make_texture(kind, 24, seed=3)
        assert t.shape == (24, 24, 3) and 0 <= t.min() and t.max() <= 1 and t.std() > 0.05
    with pytest.raises(ValueError):
        data.make_texture("plaid")
