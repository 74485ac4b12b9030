"""A tiny 2-layer network for the lectures' demos, trained like the lecture's 20-line example.

The lecture trains `f = W2 act(W1 x)` with a squared-error loss and plain gradient descent in
about 20 lines of numpy. This module is that program, made reusable for the figures: rows are
examples (`X @ W1`), it has biases, a choice of activation and L2 regularization, and it fits
class labels by regressing one-hot targets (the prediction is the class with the highest score).
The assignments build the softmax version of this network step by step; this file is only
the engine behind the lecture's pictures and playground.

    loss = 1/N sum_i sum_c (s_ic - t_ic)^2 + reg * (sum W1^2 + sum W2^2)
    h = act(X @ W1 + b1)      (N, H)
    s = h @ W2 + b2           (N, C)
"""

import numpy as np

__all__ = ["ACTIVATIONS", "init_params", "scores", "predict", "train"]


def _elu(x, alpha=1.0):
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0.0)))


def _sigmoid(x):
    return 0.5 * (1.0 + np.tanh(0.5 * x))  # = 1 / (1 + exp(-x)), without overflow


# name -> (f(x), f'(x) written with x and out = f(x)); lecture defaults: alpha = 0.1 (leaky ReLU),
# alpha = 1.0 (ELU)
ACTIVATIONS = {
    "relu": (lambda x: np.maximum(0.0, x), lambda x, out: (x > 0).astype(np.float64)),
    "leaky_relu": (lambda x: np.maximum(0.1 * x, x), lambda x, out: np.where(x > 0, 1.0, 0.1)),
    "sigmoid": (_sigmoid, lambda x, out: out * (1.0 - out)),
    "tanh": (np.tanh, lambda x, out: 1.0 - out**2),
    "elu": (_elu, lambda x, out: np.where(x >= 0, 1.0, out + 1.0)),
}


def _check_activation(activation):
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}; got {activation!r}")


def init_params(D, H, C, seed=0):
    """Small random weights: W1 (D, H), b1 (H,), W2 (H, C), b2 (C,), scaled by 1/sqrt(fan-in)."""
    rng = np.random.default_rng(seed)
    return {
        "W1": rng.standard_normal((D, H)) / np.sqrt(D),
        "b1": np.zeros(H),
        "W2": rng.standard_normal((H, C)) / np.sqrt(H),
        "b2": np.zeros(C),
    }


def scores(params, X, activation="relu"):
    """Class scores s (N, C) of inputs X (N, D)."""
    _check_activation(activation)
    act, _ = ACTIVATIONS[activation]
    h = act(np.asarray(X, dtype=np.float64) @ params["W1"] + params["b1"])
    return h @ params["W2"] + params["b2"]


def predict(params, X, activation="relu"):
    """Predicted labels (N,): the class with the highest score."""
    return np.argmax(scores(params, X, activation), axis=1)


def train(X, y, hidden_size=20, activation="relu", reg=1e-3, n_steps=1000,
          learning_rate=0.02, seed=0, num_classes=None):
    """Fit the tiny net to (X (N, D), y (N,)) by full-batch gradient descent with Adam steps.

    Adam (a later lecture) scales each step by a running size of its gradient, so the same
    learning rate works for every activation and hidden size in the demos.

    Returns (params, history): params as in `init_params`; history a dict with "loss" (the loss
    at every step, a list of floats) and "accuracy" (training accuracy after the last step).
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y)
    _check_activation(activation)
    if X.ndim != 2 or y.shape != (X.shape[0],):
        raise ValueError(f"expected X (N, D) and y (N,); got X {X.shape} and y {y.shape}")
    N, D = X.shape
    C = int(num_classes if num_classes is not None else y.max() + 1)
    act, dact = ACTIVATIONS[activation]
    T = np.eye(C)[y]  # one-hot targets (N, C)
    params = init_params(D, hidden_size, C, seed=seed)
    m = {k: np.zeros_like(v) for k, v in params.items()}
    v = {k: np.zeros_like(p) for k, p in params.items()}
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    losses = []
    for t in range(1, n_steps + 1):
        W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
        # forward pass
        z = X @ W1 + b1
        h = act(z)
        s = h @ W2 + b2
        loss = np.sum((s - T) ** 2) / N + reg * (np.sum(W1**2) + np.sum(W2**2))
        losses.append(float(loss))
        # backward pass: each line is (upstream gradient) x (local gradient)
        ds = 2.0 * (s - T) / N
        grads = {"W2": h.T @ ds + 2 * reg * W2, "b2": ds.sum(axis=0)}
        dz = (ds @ W2.T) * dact(z, h)
        grads["W1"] = X.T @ dz + 2 * reg * W1
        grads["b1"] = dz.sum(axis=0)
        # Adam step (new arrays: the previous params are not modified)
        m = {k: beta1 * m[k] + (1 - beta1) * grads[k] for k in params}
        v = {k: beta2 * v[k] + (1 - beta2) * grads[k] ** 2 for k in params}
        step = learning_rate * np.sqrt(1 - beta2**t) / (1 - beta1**t)
        params = {k: params[k] - step * m[k] / (np.sqrt(v[k]) + eps) for k in params}
    accuracy = float(np.mean(predict(params, X, activation) == y))
    return params, {"loss": losses, "accuracy": accuracy}
