"""Assignment 4's regularization lesson: a large net on a small, noisy spiral, for growing `reg`.

With 36 noisy training points, a `TwoLayerNet` of 100 hidden units and no regularization fits
every training point, noise included, and does worse on the validation set than the same net
with some regularization; too much regularization underfits both. `sweep(TwoLayerNet, seed)`
trains one net per value of `REGS` by plain full-batch gradient descent and returns their
training and validation accuracies (the notebook passes the student's class).
"""

import numpy as np
from threadpoolctl import threadpool_limits

from coursekit.data import make_noisy_spiral_split

__all__ = ["REGS", "HIDDEN", "STEPS", "LEARNING_RATE", "WEIGHT_SCALE", "NOISE", "N_PER_CLASS",
           "split", "sweep"]

REGS = (0.0, 1e-3, 3e-3, 1e-2, 1e-1)
HIDDEN = 100
STEPS = 1000
LEARNING_RATE = 1.0
WEIGHT_SCALE = 0.1  # first loss close to log 3
NOISE = 0.15
N_PER_CLASS = 10


def split(seed=0):
    """(X_train (30, 2), y_train, X_val (300, 2), y_val) of the lesson for one seed."""
    return make_noisy_spiral_split(n_train_per_class=N_PER_CLASS, n_val_per_class=100,
                                   noise=NOISE, seed=seed)


def _accuracy(net, X, y):
    """The fraction of rows of X the net classifies as y."""
    return float(np.mean(np.argmax(net.loss(X), axis=1) == y))


def sweep(net_class, seed=0, regs=REGS):
    """Train net_class(2, HIDDEN, 3, WEIGHT_SCALE, reg, seed=seed) for every reg of `regs`.

    net_class: a constructor like the assignment's TwoLayerNet (params, loss(X, y=None)).
    Returns a list of dicts, one per reg: {"reg", "net", "train", "val"} (accuracies).
    """
    X, y, X_val, y_val = split(seed)
    results = []
    # These matrices are small: one BLAS thread is faster than several competing for the cores.
    with threadpool_limits(limits=1, user_api="blas"):
        for reg in regs:
            net = net_class(2, HIDDEN, 3, weight_scale=WEIGHT_SCALE, reg=reg, seed=seed)
            for _ in range(STEPS):  # plain gradient descent on the whole training set
                _, grads = net.loss(X, y)
                for name in net.params:
                    net.params[name] = net.params[name] - LEARNING_RATE * grads[name]
            results.append({"reg": reg, "net": net, "train": _accuracy(net, X, y),
                            "val": _accuracy(net, X_val, y_val)})
    return results
