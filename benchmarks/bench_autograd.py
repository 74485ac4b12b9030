"""Speed of the scalar autograd engine: against micrograd, and against the vectorized net.

1. The same MLP of Values (2 -> 16 -> 16 -> 1, ReLU, micrograd's demo: hinge loss plus L2 on
   100 moons points), forward and backward, built once with `solutions.autograd.Value` and once
   with micrograd's `Value` from PyPI, with identical weights. Both nets are timed in turns, so
   a busy moment of a shared machine slows both alike; the ratio is micrograd's time / ours
   (above 1: ours is faster).
2. The 2-layer net (2 -> 16 -> 2, ReLU, softmax loss, L2) on the same points, forward and
   backward, with Values (`solutions.value_nets`) and with `solutions.nets.TwoLayerNet`: the
   price of computing one scalar at a time.

Run: python benchmarks/bench_autograd.py
"""

import os
import sys
import timeit

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from coursekit.data import make_moons  # noqa: E402
from solutions import autograd  # noqa: E402
from solutions.nets import TwoLayerNet  # noqa: E402
from solutions.value_nets import MLP, mlp_loss  # noqa: E402

try:
    from micrograd import engine as micrograd_engine
except ImportError:
    sys.exit("micrograd is not installed: pip install -r requirements.txt (it pins micrograd)")

SIZES = (2, 16, 16, 1)
REG = 1e-4


def best_times(fns, min_total=2.0, repeat=5):
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


def mlp_weights(seed=0):
    """[(W (n_in, n_out), b (n_out,))] per layer, micrograd's init: uniform in [-1, 1]."""
    rng = np.random.default_rng(seed)
    return [(rng.uniform(-1, 1, (n_in, n_out)), np.zeros(n_out))
            for n_in, n_out in zip(SIZES[:-1], SIZES[1:], strict=True)]


def hinge_loss(value_class, weights, X, y):
    """The forward pass of the MLP made of `value_class` scalars (fresh leaves, as a training
    step has after its update): the loss Value."""
    layers = [([[value_class(float(w)) for w in column] for column in W.T],
               [value_class(float(v)) for v in b]) for W, b in weights]
    total = value_class(0.0)
    for x, label in zip(X, y, strict=True):
        h = [float(v) for v in x]
        for k, (W_cols, b) in enumerate(layers):
            a = [sum((wi * hi for wi, hi in zip(w, h, strict=True)), bj)
                 for w, bj in zip(W_cols, b, strict=True)]
            h = a if k == len(layers) - 1 else [aj.relu() for aj in a]
        total = total + (1 + -float(label) * h[0]).relu()
    squares = sum((w * w for W_cols, _ in layers for w_col in W_cols for w in w_col),
                  value_class(0.0))
    return total * (1.0 / len(X)) + REG * squares


def hinge_step(value_class, weights, X, y):
    """One forward and backward pass. Returns the loss."""
    loss = hinge_loss(value_class, weights, X, y)
    loss.backward()
    return loss.data


def count_nodes(root):
    """Number of Values in the graph under root."""
    seen, stack = {root}, [root]
    while stack:
        for child in stack.pop()._prev:
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return len(seen)


def softmax_step_values(params, X, y):
    """Forward and backward of the 2 -> 16 -> 2 MLP of Values on X (N, 2), y (N,) -> the loss."""
    model = MLP(2, [16, 2])
    model.set_params(params)
    loss = mlp_loss(model, X, y, reg=REG)
    loss.backward()
    return loss.data


def main():
    """Time both comparisons and print their ratios."""
    X, y01 = make_moons(100, noise=0.1, seed=0)
    y_pm = 2 * y01 - 1  # micrograd's demo labels: -1 and +1
    weights = mlp_weights()
    ours = hinge_step(autograd.Value, weights, X, y_pm)
    theirs = hinge_step(micrograd_engine.Value, weights, X, y_pm)
    assert abs(ours - theirs) <= 1e-12 * abs(theirs), (ours, theirs)
    n_nodes = count_nodes(hinge_loss(autograd.Value, weights, X, y_pm))
    t_ours, t_micrograd = best_times([lambda: hinge_step(autograd.Value, weights, X, y_pm),
                                      lambda: hinge_step(micrograd_engine.Value, weights, X, y_pm)],
                                     min_total=2.0, repeat=5)
    print(f"MLP {' -> '.join(map(str, SIZES))} of Values on {len(X)} points, hinge loss + L2, "
          f"forward + backward ({n_nodes:,} nodes):")
    print(f"  solutions.autograd  {t_ours * 1e3:8.1f} ms  ({t_ours / n_nodes * 1e6:.2f} us/node)")
    print(f"  micrograd (PyPI)    {t_micrograd * 1e3:8.1f} ms  "
          f"({t_micrograd / n_nodes * 1e6:.2f} us/node)")
    print(f"  ratio micrograd / ours: {t_micrograd / t_ours:.2f}  (above 1: ours is faster)")

    net = TwoLayerNet(2, 16, 2, weight_scale=0.5, reg=REG, seed=0)
    t_values, t_vectorized = best_times([lambda: softmax_step_values(net.params, X, y01),
                                         lambda: net.loss(X, y01)], min_total=2.0, repeat=5)
    print(f"\n2-layer net 2 -> 16 -> 2, softmax loss + L2, {len(X)} points, forward + backward:")
    print(f"  Values (solutions.value_nets)  {t_values * 1e3:8.2f} ms")
    print(f"  TwoLayerNet.loss (numpy)       {t_vectorized * 1e3:8.3f} ms")
    print(f"  ratio scalar / vectorized: {t_values / t_vectorized:,.0f}")


if __name__ == "__main__":
    main()
