"""Training as a practitioner watches it: minibatch SGD by epochs, train and validation accuracy.

`train_epochs` is the exercise of assignment 4 (section 4): the epoch loop of `solutions.train`
without learning-rate decay, returning what is plotted to diagnose training. A model is anything
with a `params` dict of arrays and `loss(X, y=None)` (scores, or `(loss, grads)` keyed like params).
"""

import numpy as np

from solutions._checks import check_float_array, check_labels, check_positive, validated
from solutions.train import accuracy


def _training_inputs(net, X, y, X_val, y_val, learning_rate, num_epochs, batch_size, seed=0):
    """The input check of train_epochs."""
    if not hasattr(net, "params") or not callable(getattr(net, "loss", None)):
        raise TypeError(f"net should have .params and .loss(X, y=None), got {type(net).__name__}")
    check_float_array("X", X, min_ndim=2)
    check_labels(y, X.shape[0], np.iinfo(np.int64).max)
    check_float_array("X_val", X_val, min_ndim=2)
    check_labels(y_val, X_val.shape[0], np.iinfo(np.int64).max, name="y_val")
    check_positive("learning_rate", learning_rate)
    check_positive("num_epochs", num_epochs, integer=True)
    check_positive("batch_size", batch_size, integer=True)


@validated(_training_inputs)
def train_epochs(net, X, y, X_val, y_val, learning_rate, num_epochs, batch_size, seed=0):
    """Train `net` in place by minibatch SGD, epoch by epoch, and record how training goes.

    One generator rng = np.random.default_rng(seed) is made before the first epoch. Each epoch
    visits the N training examples once, in the order rng.permutation(N), in consecutive
    minibatches of batch_size examples (the last one may be smaller). Each minibatch makes one
    vanilla update of every parameter, W <- W - learning_rate * dW. After each epoch, the
    accuracy of the updated net on (X, y) and on (X_val, y_val) is recorded.

    Inputs: net with .params and .loss(X, y=None); X (N, D), y (N,); X_val (N_val, D),
    y_val (N_val,); learning_rate > 0; num_epochs, batch_size positive integers.
    Returns a dict of three (num_epochs,) float arrays: "loss" (the mean of the epoch's
    minibatch losses), "train_acc" and "val_acc".
    """
    rng = np.random.default_rng(seed)
    N = X.shape[0]
    history = {"loss": [], "train_acc": [], "val_acc": []}
    for _ in range(num_epochs):
        order = rng.permutation(N)  # every example once per epoch, in a new random order
        batch_losses = []
        for start in range(0, N, batch_size):
            batch = order[start:start + batch_size]
            loss, grads = net.loss(X[batch], y[batch])
            for name in net.params:
                net.params[name] = net.params[name] - learning_rate * grads[name]
            batch_losses.append(loss)
        history["loss"].append(np.mean(batch_losses))
        history["train_acc"].append(accuracy(net, X, y))
        history["val_acc"].append(accuracy(net, X_val, y_val))
    return {name: np.array(values, dtype=np.float64) for name, values in history.items()}
