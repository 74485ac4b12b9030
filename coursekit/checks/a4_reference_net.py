"""A correct 2-layer ReLU net's loss and gradients, the reference assignment 4's learning-rate
check trains to judge a learning rate (so a bug in a student's net costs no points there).

    h = max(0, X @ W1 + b1)   (N, H)
    s = h @ W2 + b2           (N, C)
    loss = 1/N sum_i -log(softmax(s_i)[y_i])      (no regularization)
"""

import numpy as np

__all__ = ["loss_and_grads"]


def loss_and_grads(params, X, y):
    """Softmax loss of X (N, D), y (N,) under params W1 (D, H), b1 (H,), W2 (H, C), b2 (C,).

    Returns (loss, grads) with grads keyed like params, each of its parameter's shape.
    """
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    a = X @ W1 + b1
    h = np.maximum(0.0, a)
    s = h @ W2 + b2
    shifted = s - s.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    rows = np.arange(N)
    loss = -np.mean(log_probs[rows, y])
    ds = np.exp(log_probs)
    ds[rows, y] -= 1.0
    ds /= N
    da = (ds @ W2.T) * (a > 0)
    grads = {"W1": X.T @ da, "b1": da.sum(axis=0), "W2": h.T @ ds, "b2": ds.sum(axis=0)}
    return float(loss), grads
