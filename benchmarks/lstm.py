"""LSTM over a sequence, forward and forward + backward: the course's ``course.nn.lstm_forward`` /
``lstm_backward`` against a loop of its own ``lstm_cell_forward`` / ``lstm_cell_backward`` (the
students' chapter-42 form) and against PyTorch's ``nn.LSTM``.

    python benchmarks/lstm.py [--repeat 20]

float64, one thread. Shapes (T, m, n_x, n_a): (50, 32, 32, 64) (the goal's case), (20, 64, 16, 32)
and (100, 16, 8, 128). PyTorch gets the same weights (its gates stacked i, f, g, o; its second bias
zero), its (T, m, n_x) layout made once outside the timing, and the gradient of every hidden state
as the upstream gradient of its output sequence, so both compute the same thing: a, and the
gradients of x, a0 and every weight. Checks that all agree to 1e-10 first. Goal: course.nn at most
2x PyTorch's time, forward and forward + backward, at T = 50, m = 32, n_a = 64.
"""
import argparse
import os

from common import assert_agree, best_times, print_ratios, torch_or_none

# isort: split
# numpy after common, which sets one thread first
import numpy as np

from course import nn

SHAPES = [(50, 32, 32, 64), (20, 64, 16, 32), (100, 16, 8, 128)]
GATES = ("f", "u", "o", "c")
GOAL = 2.0


def random_case(T, m, n_x, n_a, rng):
    params = {}
    for g in GATES:
        params[f"W{g}"] = rng.normal(0, 1 / np.sqrt(n_a + n_x), (n_a + n_x, n_a))
        params[f"b{g}"] = rng.normal(0, 0.1, n_a)
    return (rng.normal(size=(m, T, n_x)), rng.normal(size=(m, n_a)), params,
            rng.normal(size=(m, T, n_a)))


def library(x, a0, params, da):
    a, _, caches = nn.lstm_forward(x, a0, params)
    if da is None:
        return (a,)
    dx, da0, grads = nn.lstm_backward(da, caches)
    return (a, dx, da0, *(grads[f"dW{g}"] for g in GATES))


def cell_loop(x, a0, params, da):
    """The chapter's form: T calls of the cell forward, then T of the cell backward."""
    m, T, _ = x.shape
    a_prev, c_prev, caches, a = a0, np.zeros_like(a0), [], np.empty((m, T, a0.shape[1]))
    for t in range(T):
        a_prev, c_prev, cache = nn.lstm_cell_forward(x[:, t], a_prev, c_prev, params)
        a[:, t] = a_prev
        caches.append(cache)
    if da is None:
        return (a,)
    dx = np.empty_like(x)
    da_next, dc_next = np.zeros_like(a0), np.zeros_like(a0)
    grads = {f"dW{g}": 0.0 for g in GATES}
    for t in range(T - 1, -1, -1):
        dx[:, t], da_next, dc_next, g = nn.lstm_cell_backward(da[:, t] + da_next, dc_next,
                                                              caches[t])
        for k in grads:
            grads[k] = grads[k] + g[k]
    return (a, dx, da_next, *(grads[f"dW{g}"] for g in GATES))


def torch_case(torch, x, a0, params, da):
    """(step, arrays): nn.LSTM with the course's weights, and its results in the course's
    layout."""
    m, T, n_x = x.shape
    n_a = a0.shape[1]
    lstm = torch.nn.LSTM(n_x, n_a)
    order = ("u", "f", "c", "o")                      # PyTorch's i, f, g, o
    W = np.concatenate([params[f"W{g}"] for g in order], axis=1)     # (n_a + n_x, 4 n_a)
    with torch.no_grad():
        lstm.weight_hh_l0.copy_(torch.tensor(W[:n_a].T))
        lstm.weight_ih_l0.copy_(torch.tensor(W[n_a:].T))
        lstm.bias_ih_l0.copy_(torch.tensor(np.concatenate([params[f"b{g}"] for g in order])))
        lstm.bias_hh_l0.zero_()
    xt = torch.tensor(x.transpose(1, 0, 2).copy(), requires_grad=da is not None)
    h0 = torch.tensor(a0[None].copy(), requires_grad=da is not None)
    c0 = torch.zeros(1, m, n_a)
    if da is None:
        def step():
            with torch.no_grad():
                return (lstm(xt, (h0, c0))[0],)
    else:
        g = torch.tensor(da.transpose(1, 0, 2).copy())

        def step():
            lstm.zero_grad()
            xt.grad = h0.grad = None
            out = lstm(xt, (h0, c0))[0]
            out.backward(g)
            return out, xt.grad, h0.grad, lstm.weight_hh_l0.grad, lstm.weight_ih_l0.grad

    def arrays():
        res = [t.detach().numpy() for t in step()]
        a = res[0].transpose(1, 0, 2)
        if len(res) == 1:
            return (a,)
        W_grad = np.concatenate([res[3].T, res[4].T], axis=0)          # (n_a + n_x, 4 n_a)
        blocks = dict(zip(order, np.split(W_grad, 4, axis=1)))
        return (a, res[1].transpose(1, 0, 2), res[2][0], *(blocks[g] for g in GATES))
    return step, arrays


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    torch, _ = torch_or_none()
    print(f"LSTM sequence, float64, best of {args.repeat}; numpy {np.__version__}, "
          f"torch {torch.__version__ if torch else 'not installed'}, "
          f"OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}")
    rng = np.random.default_rng(0)
    summary = []
    for T, m, n_x, n_a in SHAPES:
        x, a0, params, da = random_case(T, m, n_x, n_a, rng)
        for title, grad in (("forward", None), ("forward + backward", da)):
            rows = [("course.nn", lambda g=grad: library(x, a0, params, g), None),
                    ("cell by cell (the chapter's form)",
                     lambda g=grad: cell_loop(x, a0, params, g), None)]
            if torch:
                rows.append(("torch nn.LSTM" + (" + autograd" if grad is not None else ""),
                             *torch_case(torch, x, a0, params, grad)))
            reference = rows[0][1]()
            for name, step, arrays in rows[1:]:
                assert_agree(name, (arrays or step)(), reference,
                             ("a", "dx", "da0", "dWf", "dWu", "dWo", "dWc"))
            times = best_times([(name, step) for name, step, _ in rows], args.repeat)
            base = rows[-1][0]
            ratios = print_ratios(f"{title}: T={T}, m={m}, n_x={n_x}, n_a={n_a}", times, base)
            if torch:
                summary.append((title, (T, m, n_x, n_a), ratios["course.nn"]))
    if summary:
        print(f"\ncourse.nn vs PyTorch (goal at most {GOAL}x at T=50, m=32, n_a=64):")
        for title, shape, ratio in summary:
            goal = shape == (50, 32, 32, 64)
            verdict = f"  {'ok' if ratio <= GOAL else 'ABOVE GOAL'}" if goal else ""
            print(f"  {title:<20} {str(shape):<18} {ratio:5.2f}x{verdict}")


if __name__ == "__main__":
    main()
