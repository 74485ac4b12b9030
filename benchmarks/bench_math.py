"""Speed of the reference math: naive vs vectorized, and each loss against its floor.

The floor of a computation is the matrix products it cannot avoid, timed alone in the same run;
a ratio of 1.0 means every other step (exp, max, masks, sums, regularization) is free. When
PyTorch is installed, the same work (float64 forward + autograd backward on CPU) is timed too.

Run: python benchmarks/bench_math.py   (or: make bench)
"""

import os
import sys
import timeit

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from solutions.losses import (  # noqa: E402
    softmax_loss_naive,
    softmax_loss_vectorized,
    svm_loss_naive,
    svm_loss_vectorized,
)
from solutions.nets import TwoLayerNet  # noqa: E402

try:
    import torch
except ImportError:  # PyTorch is optional: the comparison column is left out
    torch = None


def best_time(fn, min_total=0.5, repeat=9):
    """Best wall time of one call of fn(), in seconds, over `repeat` batches of calls."""
    return best_times([fn], min_total, repeat)[0]


def best_times(fns, min_total=0.5, repeat=9):
    """Best wall time of one call of each fn(), in seconds. The batches of the functions take
    turns, so a busy moment of a shared machine slows all of them alike and the ratios hold."""
    numbers = []
    for fn in fns:
        fn()  # warm-up
        number = 1
        while timeit.timeit(fn, number=number) < min_total / repeat:
            number *= 2
        numbers.append(number)
    best = [float("inf")] * len(fns)
    for _ in range(repeat):
        for i, (fn, number) in enumerate(zip(fns, numbers, strict=True)):
            best[i] = min(best[i], timeit.timeit(fn, number=number) / number)
    return best


def linear_problem(N=500, D=3073, C=10, seed=0):
    """CIFAR-10-sized linear classifier inputs: X (N, D), y (N,), W (D, C)."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((N, D))
    y = rng.integers(0, C, size=N)
    W = 1e-3 * rng.standard_normal((D, C))
    return X, y, W


def linear_floor(X, W):
    """The two products a linear loss with gradient cannot avoid: s = X W and dW = X^T ds."""

    def floor():
        s = X @ W
        return X.T @ s

    return floor


def torch_linear(kind, X, y, W, reg):
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    Wt = torch.from_numpy(W.copy()).requires_grad_(True)

    def run():
        Wt.grad = None
        s = Xt @ Wt
        if kind == "softmax":
            data = torch.nn.functional.cross_entropy(s, yt)
        else:
            correct = s.gather(1, yt[:, None])
            margins = torch.clamp(s - correct + 1.0, min=0.0)
            data = (margins.sum() - Xt.shape[0]) / Xt.shape[0]  # drop the j = y_i terms (each 1)
        loss = data + reg * (Wt * Wt).sum()
        loss.backward()
        return loss

    return run


def two_layer_problem(N=200, D=3072, H=100, C=10, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((N, D))
    y = rng.integers(0, C, size=N)
    net = TwoLayerNet(D, H, C, weight_scale=1e-2, reg=1e-3, seed=seed)
    return X, y, net


def two_layer_floor(X, p):
    """The five products of a 2-layer net's forward and backward pass."""

    def floor():
        h = X @ p["W1"]
        s = h @ p["W2"]
        dW2 = h.T @ s
        dh = s @ p["W2"].T
        dW1 = X.T @ dh
        return dW1, dW2

    return floor


def torch_two_layer(X, y, net):
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    P = {k: torch.from_numpy(v.copy()).requires_grad_(True) for k, v in net.params.items()}

    def run():
        for t in P.values():
            t.grad = None
        h = torch.relu(Xt @ P["W1"] + P["b1"])
        s = h @ P["W2"] + P["b2"]
        loss = torch.nn.functional.cross_entropy(s, yt)
        loss = loss + net.reg * ((P["W1"] ** 2).sum() + (P["W2"] ** 2).sum())
        loss.backward()
        return loss

    return run


def row(name, t, floor=None, torch_t=None):
    cells = [f"{name:<34}", f"{t * 1e3:9.3f} ms"]
    cells.append(f"{t / floor:6.2f}x floor" if floor else " " * 13)
    cells.append(f"{t / torch_t:6.2f}x torch" if torch_t else "")
    print("  ".join(cells))


def main():
    versions = f"numpy {np.__version__}, " + (f"torch {torch.__version__}" if torch else "no torch")
    print(versions)
    print("Times are the best of 9 batches, taken in turns with the floor's; 'x floor' = time / "
          "unavoidable matrix products; "
          "'x torch' = time / PyTorch CPU autograd on the same float64 work.\n")

    X, y, W = linear_problem()
    reg = 1e-3
    kinds = [("svm", svm_loss_naive, svm_loss_vectorized),
             ("softmax", softmax_loss_naive, softmax_loss_vectorized)]
    floor, *t_vecs = best_times([linear_floor(X, W)]
                                + [lambda f=vec: f(W, X, y, reg) for _k, _n, vec in kinds])
    row("floor: X W and X^T dS (N=500)", floor)
    for (kind, naive, _vec), t_vec in zip(kinds, t_vecs, strict=True):
        # PyTorch apart: its threads spin on after each call and would slow the next batch
        t_torch = best_time(torch_linear(kind, X, y, W, reg)) if torch else None
        row(f"{kind}_loss_vectorized", t_vec, floor, t_torch)
        t_naive = best_time(lambda f=naive: f(W, X, y, reg), min_total=0.5, repeat=3)
        row(f"{kind}_loss_naive", t_naive, floor)
        print(f"{'':<34}  naive / vectorized = {t_naive / t_vec:.0f}x")

    X, y, net = two_layer_problem()
    floor, t_net = best_times([two_layer_floor(X, net.params), lambda: net.loss(X, y)])
    t_torch = best_time(torch_two_layer(X, y, net)) if torch else None
    row("floor: five products (N=200, H=100)", floor)
    row("TwoLayerNet.loss", t_net, floor, t_torch)

if __name__ == "__main__":
    main()
