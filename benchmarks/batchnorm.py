"""Batch normalisation, train mode, forward + backward: the course's numpy block against chapter
21's reference solution and PyTorch.

    OPENBLAS_NUM_THREADS=1 python benchmarks/batchnorm.py [--repeat 100]

Shapes: Z (n, m) = (64, 256), (256, 1024), (1024, 64), n features by m examples (the course's
column layout), float64, eps = 1e-5, one thread. Compared:
- ``course.nn.batchnorm_forward`` + ``batchnorm_backward``;
- chapter 21's reference solution, read from the solution cells of
  ``source/ch21_batch_normalization/ch21_batch_normalization.ipynb``;
- ``torch.nn.functional.batch_norm`` in training mode, forward and backward through autograd
  (gradients of the input, weight and bias), on the (m, n) tensor PyTorch expects, when PyTorch
  is installed (a benchmark-only, optional dependency: ``pip install torch==2.13.0`` gives a CPU
  build), with ``torch.set_num_threads(1)``.

Prints the best time of each (over rounds that time every row in turn), its ratio to PyTorch
(goal for the course's block: at most 2x), or to the course's block when PyTorch is absent,
after checking that all agree to 1e-10.
"""
import argparse
import os

from common import assert_agree, best_times, chapter_reference, print_ratios, torch_or_none

# isort: split
# numpy after common, which sets one thread first
import numpy as np

from course import nn

SHAPES = [(64, 256), (256, 1024), (1024, 64)]
EPS = 1e-5


def numpy_step(forward, backward, Z, gamma, beta, running, dout):
    out, cache, _ = forward(Z, gamma, beta, running, "train", 0.9, EPS)
    return (out, *backward(dout, cache))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=100)
    args = parser.parse_args()
    torch, F = torch_or_none()
    torch_version = torch.__version__ if torch else None
    ref = chapter_reference("ch21_batch_normalization", ["batchnorm_forward", "batchnorm_backward"])
    ref_forward, ref_backward = ref["batchnorm_forward"], ref["batchnorm_backward"]
    print(f"batch norm forward + backward, train mode, float64, eps={EPS}, best of {args.repeat}; "
          f"numpy {np.__version__}, torch {torch_version if torch else 'not installed'}, "
          f"OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}")
    ratios = []
    for n, m in SHAPES:
        rng = np.random.default_rng(0)
        Z = rng.normal(2.0, 3.0, size=(n, m))
        gamma, beta = rng.normal(size=(n, 1)), rng.normal(size=(n, 1))
        dout = rng.normal(size=(n, m))
        running = {"mean": np.zeros((n, 1)), "var": np.ones((n, 1))}
        # (name, one timed step, its (out, dZ, dgamma, dbeta) as numpy arrays (n, m), (n, 1))
        rows = [("course.nn", lambda: numpy_step(nn.batchnorm_forward, nn.batchnorm_backward,
                                                 Z, gamma, beta, running, dout), None),
                ("chapter 21's reference", lambda: numpy_step(ref_forward, ref_backward,
                                                              Z, gamma, beta, running, dout), None)]
        if torch:
            x = torch.tensor(Z.T.copy(), requires_grad=True)          # (m, n): batch first
            w = torch.tensor(gamma.ravel(), requires_grad=True)
            b = torch.tensor(beta.ravel(), requires_grad=True)
            g = torch.tensor(dout.T.copy())
            rm, rv = torch.zeros(n, dtype=torch.float64), torch.ones(n, dtype=torch.float64)

            def torch_step():
                x.grad = w.grad = b.grad = None
                out = F.batch_norm(x, rm, rv, w, b, training=True, momentum=0.1, eps=EPS)
                out.backward(g)
                return out, x.grad, w.grad, b.grad

            def torch_arrays():
                out, dx, dw, db = (t.detach().numpy() for t in torch_step())
                return out.T, dx.T, dw[:, None], db[:, None]

            rows.append(("torch batch_norm + autograd backward", torch_step, torch_arrays))
        reference = rows[0][1]()
        for name, step, arrays in rows[1:]:
            assert_agree(name, (arrays or step)(), reference, ("out", "dZ", "dgamma", "dbeta"))
        rows = [(name, step) for name, step, _ in rows]
        times = best_times(rows, args.repeat)
        base_name = rows[-1][0] if torch else rows[0][0]
        print_ratios(f"Z {(n, m)}", times, base_name)
        if torch:
            ratio = times["course.nn"] / times[base_name]
            ratios.append(ratio)
            print(f"  course.nn vs PyTorch: {ratio:.2f}x (goal: at most 2x) "
                  f"{'ok' if ratio <= 2 else 'ABOVE GOAL'}")
    if ratios:
        print(f"\ncourse.nn vs PyTorch over the shapes: {min(ratios):.2f}x to {max(ratios):.2f}x")


if __name__ == "__main__":
    main()
