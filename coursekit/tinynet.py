"""A tiny 2-layer net for the lectures' figures and playground, trained by plain gradient descent.

The same recipe as the lectures and assignments: rows are examples, the softmax loss of
lecture 1 plus L2 regularization of the weights (not the biases), and the vanilla
gradient-descent loop `W -= learning_rate * dW` on the whole training set. Only the weights'
starting scale is a choice the lectures have not discussed yet: standard normal divided by
sqrt(fan-in), so that every hidden unit starts with a pre-activation of about unit size.

    h = act(X @ W1 + b1)      (N, H)
    s = h @ W2 + b2           (N, C)
    loss = 1/N sum_i -log(softmax(s_i)[y_i]) + reg * (sum W1^2 + sum W2^2)
"""

import numpy as np
from threadpoolctl import threadpool_limits

__all__ = ["ACTIVATIONS", "LEARNING_RATES", "init_params", "scores", "predict", "loss_and_grads",
           "train"]


def _elu(x, alpha=1.0):
    """ELU: x for x > 0, alpha * (exp(x) - 1) otherwise."""
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0.0)))


def _sigmoid(x):
    """The logistic sigmoid, without overflow."""
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

# Default step sizes of plain gradient descent. The sigmoid's local gradient is at most 0.25
# (lecture 3), so its gradients are smaller and it gets a larger step.
LEARNING_RATES = {"relu": 1.0, "leaky_relu": 1.0, "elu": 1.0, "tanh": 1.0, "sigmoid": 4.0}


def _check_activation(activation):
    """ValueError unless `activation` is one of ACTIVATIONS."""
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}; got {activation!r}")


def init_params(D, H, C, seed=0):
    """Weights W1 (D, H), W2 (H, C): standard normal / sqrt(fan-in); biases b1 (H,), b2 (C,): 0."""
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


def loss_and_grads(params, X, y, activation="relu", reg=0.0):
    """Softmax loss + reg * (sum W1^2 + sum W2^2) of X (N, D), y (N,), and its gradients.

    Returns (loss, grads) with grads keyed like params, each of its parameter's shape.
    """
    act, dact = ACTIVATIONS[activation]
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    # forward pass
    a = X @ W1 + b1                                  # hidden pre-activations (N, H)
    h = act(a)                                       # (N, H)
    s = h @ W2 + b2                                  # scores (N, C)
    shifted = s - s.max(axis=1, keepdims=True)       # same probabilities, no overflow
    exp_s = np.exp(shifted)
    probs = exp_s / exp_s.sum(axis=1, keepdims=True)
    rows = np.arange(N)
    loss = -np.mean(np.log(probs[rows, y])) + reg * (np.vdot(W1, W1) + np.vdot(W2, W2))
    # backward pass: each line is (upstream gradient) x (local gradient)
    ds = probs
    ds[rows, y] -= 1.0
    ds /= N                                          # dL/ds = (softmax - one-hot) / N
    grads = {"W2": h.T @ ds + 2 * reg * W2, "b2": ds.sum(axis=0)}
    da = (ds @ W2.T) * dact(a, h)                    # through the activation
    grads["W1"] = X.T @ da + 2 * reg * W1
    grads["b1"] = da.sum(axis=0)
    return float(loss), grads


def train(X, y, hidden_size=20, activation="relu", reg=1e-3, n_steps=1000,
          learning_rate=None, seed=0, num_classes=None):
    """Fit the tiny net to (X (N, D), y (N,)) by full-batch plain gradient descent.

    Every step is the lecture's vanilla update `param -= learning_rate * dparam` on the whole
    training set. learning_rate None uses LEARNING_RATES[activation].

    Returns (params, history): params as in `init_params`; history a dict with "loss" (the loss
    before every step, a list of floats) and "accuracy" (training accuracy after the last step).
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y)
    _check_activation(activation)
    if X.ndim != 2 or y.shape != (X.shape[0],):
        raise ValueError(f"expected X (N, D) and y (N,); got X {X.shape} and y {y.shape}")
    C = int(num_classes if num_classes is not None else y.max() + 1)
    if learning_rate is None:
        learning_rate = LEARNING_RATES[activation]
    params = init_params(X.shape[1], hidden_size, C, seed=seed)
    losses = []
    # These matrices are small: one BLAS thread is faster than several competing for the cores.
    with threadpool_limits(limits=1, user_api="blas"):
        for _ in range(n_steps):
            loss, grads = loss_and_grads(params, X, y, activation, reg)
            losses.append(loss)
            # the vanilla update (new arrays: the previous params are not modified)
            params = {k: params[k] - learning_rate * grads[k] for k in params}
    accuracy = float(np.mean(predict(params, X, activation) == y))
    return params, {"loss": losses, "accuracy": accuracy}
