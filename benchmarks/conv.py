"""Convolution and pooling, forward and forward + backward: the course's vectorised blocks
(``course.nn.conv``) against the naive loops of chapters 29-30's reference solutions and against
PyTorch.

    python benchmarks/conv.py [--repeat 40]

float64, one thread (OPENBLAS_NUM_THREADS=1, ``torch.set_num_threads(1)``). Each side runs in its
own layout: the course's ``(m, n_H, n_W, n_C)`` arrays with filters ``(f, f, n_C_prev, n_C)``,
PyTorch's NCHW tensors with OIHW weights (converted once, outside the timing). Compared:
- ``course.nn.conv_forward`` / ``conv_backward`` (im2col: every window gathered into a row, one
  matrix product) and ``pool_forward`` / ``pool_backward`` (f * f strided slices);
- the loops of ``source/ch29_convolution`` and ``source/ch30_pooling``'s solution cells (the
  students' version), on a smaller shape, for the vectorisation's own ratio;
- ``torch.nn.functional.conv2d``, ``max_pool2d`` and ``avg_pool2d``, forward under ``no_grad``
  and forward + backward through autograd, when PyTorch is installed (a benchmark-only
  dependency: ``pip install torch==2.13.0`` gives a CPU build).

Checks that all agree to 1e-10 first (max-pool inputs are continuous: no ties), then prints each
row's best time over interleaved rounds and its ratio to PyTorch (to the course's block when
PyTorch is absent). Goals: conv forward at most 1.3x PyTorch's time, max-pool forward + backward
at most 1.0x.
"""
import argparse
import os

from common import assert_agree, best_times, chapter_reference, print_ratios, torch_or_none

# isort: split
# numpy after common, which sets one thread first
import numpy as np

from course import nn

# (m, n_H, n_W, n_C_prev, n_C, f, stride, pad): a LeNet/VGG-like middle layer, a deeper one, the
# wide-kernel first layer of an RGB net, and a strided one.
CONV_SHAPES = [(32, 28, 28, 16, 32, 3, 1, 1), (32, 14, 14, 32, 64, 3, 1, 1),
               (64, 32, 32, 3, 16, 5, 1, 2), (32, 28, 28, 16, 32, 3, 2, 1)]
# (m, n_H, n_W, n_C, f, stride): the usual 2x2/2, and AlexNet's overlapping 3x3/2.
POOL_SHAPES = [(32, 28, 28, 32, 2, 2), (32, 27, 27, 32, 3, 2)]
LOOP_CONV = (4, 10, 10, 8, 8, 3, 1, 1)
LOOP_POOL = (4, 16, 16, 8, 2, 2)
GOALS = {"conv forward": 1.3, "max pool forward + backward": 1.0}


def conv_case(shape, rng):
    m, H, W, C, K, f, stride, pad = shape
    return (rng.standard_normal((m, H, W, C)), rng.standard_normal((f, f, C, K)),
            rng.standard_normal((1, 1, 1, K)), stride, pad)


def numpy_conv(forward, backward, A, W, b, stride, pad, dZ=None):
    Z, cache = forward(A, W, b, stride, pad)
    return (Z,) if dZ is None else (Z, *backward(dZ, cache))


def numpy_pool(forward, backward, A, f, stride, mode, dA=None):
    out, cache = forward(A, f, stride, mode)
    return (out,) if dA is None else (out, backward(dA, cache))


def torch_conv(torch, F, A, W, b, stride, pad, dZ=None):
    """One PyTorch step on tensors made once; returns (step, arrays) where arrays() gives the
    step's results in the course's layout."""
    x = torch.tensor(A.transpose(0, 3, 1, 2).copy(), requires_grad=dZ is not None)
    w = torch.tensor(W.transpose(3, 2, 0, 1).copy(), requires_grad=dZ is not None)
    bias = torch.tensor(b.ravel().copy(), requires_grad=dZ is not None)
    if dZ is None:
        def step():
            with torch.no_grad():
                return (F.conv2d(x, w, bias, stride, pad),)
    else:
        g = torch.tensor(dZ.transpose(0, 3, 1, 2).copy())

        def step():
            x.grad = w.grad = bias.grad = None
            out = F.conv2d(x, w, bias, stride, pad)
            out.backward(g)
            return out, x.grad, w.grad, bias.grad

    def arrays():
        res = [t.detach().numpy() for t in step()]
        layout = [res[0].transpose(0, 2, 3, 1)]
        if len(res) > 1:
            layout += [res[1].transpose(0, 2, 3, 1), res[2].transpose(2, 3, 1, 0),
                       res[3].reshape(1, 1, 1, -1)]
        return layout
    return step, arrays


def torch_pool(torch, F, A, f, stride, mode, dA=None):
    pool = F.max_pool2d if mode == "max" else F.avg_pool2d
    x = torch.tensor(A.transpose(0, 3, 1, 2).copy(), requires_grad=dA is not None)
    if dA is None:
        def step():
            with torch.no_grad():
                return (pool(x, f, stride),)
    else:
        g = torch.tensor(dA.transpose(0, 3, 1, 2).copy())

        def step():
            x.grad = None
            out = pool(x, f, stride)
            out.backward(g)
            return out, x.grad

    def arrays():
        return [t.detach().numpy().transpose(0, 2, 3, 1) for t in step()]
    return step, arrays


def compare(title, rows, repeat, what, results):
    """rows: (name, step, arrays or None). The first row is the course's block: every other row
    must agree with it; the ratio base is the PyTorch row when there is one."""
    reference = rows[0][1]()
    for name, step, arrays in rows[1:]:
        assert_agree(name, (arrays or step)(), reference, what)
    times = best_times([(name, step) for name, step, _ in rows], repeat)
    base = next((name for name, *_ in rows if name.startswith("torch")), rows[0][0])
    ratios = print_ratios(title, times, base)
    results.setdefault(title.split(":")[0], []).append(ratios)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()
    torch, F = torch_or_none()
    loops = {**chapter_reference("ch29_convolution", ["conv_forward", "conv_backward"]),
             **chapter_reference("ch30_pooling", ["pool_forward", "pool_backward"])}
    print(f"convolution and pooling, float64, best of {args.repeat}; numpy {np.__version__}, "
          f"torch {torch.__version__ if torch else 'not installed'}, "
          f"OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}")
    rng = np.random.default_rng(0)
    results = {}

    # The vectorisation itself: the students' loops on a small layer.
    A, W, b, s, p = conv_case(LOOP_CONV, rng)
    dZ = rng.standard_normal(nn.conv_forward(A, W, b, s, p)[0].shape)
    compare(f"loops vs course.nn, conv forward + backward {LOOP_CONV}", [
        ("course.nn", lambda: numpy_conv(nn.conv_forward, nn.conv_backward, A, W, b, s, p, dZ),
         None),
        ("chapter 29's loops", lambda: numpy_conv(loops["conv_forward"], loops["conv_backward"],
                                                  A, W, b, s, p, dZ), None)],
        max(5, args.repeat // 8), ("Z", "dA_prev", "dW", "db"), {})
    m, H, Wd, C, f, s = LOOP_POOL
    A = rng.standard_normal((m, H, Wd, C))
    dA = rng.standard_normal(nn.pool_forward(A, f, s)[0].shape)
    compare(f"loops vs course.nn, max pool forward + backward {LOOP_POOL}", [
        ("course.nn", lambda: numpy_pool(nn.pool_forward, nn.pool_backward, A, f, s, "max", dA),
         None),
        ("chapter 30's loops", lambda: numpy_pool(loops["pool_forward"], loops["pool_backward"],
                                                  A, f, s, "max", dA), None)],
        max(5, args.repeat // 8), ("A", "dA_prev"), {})

    for shape in CONV_SHAPES:
        A, W, b, s, p = conv_case(shape, rng)
        dZ = rng.standard_normal(nn.conv_forward(A, W, b, s, p)[0].shape)
        for title, grad in (("conv forward", None), ("conv forward + backward", dZ)):
            rows = [("course.nn", lambda g=grad: numpy_conv(nn.conv_forward, nn.conv_backward,
                                                            A, W, b, s, p, g), None)]
            if torch:
                rows.append(("torch conv2d" + (" + autograd" if grad is not None else ""),
                             *torch_conv(torch, F, A, W, b, s, p, grad)))
            compare(f"{title}: {shape}", rows, args.repeat, ("Z", "dA_prev", "dW", "db"),
                    results)
    for shape in POOL_SHAPES:
        m, H, Wd, C, f, s = shape
        A = rng.standard_normal((m, H, Wd, C))
        dA = rng.standard_normal(nn.pool_forward(A, f, s)[0].shape)
        for mode in ("max", "average"):
            for title, grad in ((f"{mode} pool forward", None),
                                (f"{mode} pool forward + backward", dA)):
                rows = [("course.nn", lambda g=grad, mo=mode: numpy_pool(
                    nn.pool_forward, nn.pool_backward, A, f, s, mo, g), None)]
                if torch:
                    rows.append((f"torch {'max' if mode == 'max' else 'avg'}_pool2d" +
                                 (" + autograd" if grad is not None else ""),
                                 *torch_pool(torch, F, A, f, s, mode, grad)))
                compare(f"{title}: {shape}", rows, args.repeat, ("A", "dA_prev"), results)

    if torch:
        print("\ncourse.nn vs PyTorch (time ratio, lower is faster):")
        for title, ratios in results.items():
            worst = max(r["course.nn"] for r in ratios)
            best = min(r["course.nn"] for r in ratios)
            goal = GOALS.get(title)
            verdict = "" if goal is None else (
                f"  goal <= {goal}x: {'ok' if worst <= goal else 'ABOVE GOAL'}")
            print(f"  {title:<34} {best:5.2f}x to {worst:5.2f}x{verdict}")


if __name__ == "__main__":
    main()
