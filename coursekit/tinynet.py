"""A tiny 2-layer net for the lectures' figures and playground, trained by scikit-learn.

The net is the lectures' 2-layer net, rows are examples:

    h = act(X @ W1 + b1)      (N, H)
    s = h @ W2 + b2           (N, C)

`train` fits it with scikit-learn's `MLPClassifier`: the softmax (cross-entropy) loss plus
`reg * (sum W1^2 + sum W2^2)` on the weights, not the biases, minimized by Adam, a refinement of
gradient descent, on the whole training set at every step. scikit-learn writes the penalty as
`0.5 * alpha * sum W^2 / N`, so `alpha = 2 * reg * N` is the lectures' λ. The weights start
small and random (scikit-learn's Glorot initialization, seeded). This module computes only the
forward pass: the gradients are scikit-learn's business here, and yours in assignment 4.

For two classes scikit-learn keeps one output score (of class 1); `train` returns it as the
two scores (0, s), which give the same softmax probabilities and predictions.
"""

import warnings

import numpy as np
from threadpoolctl import threadpool_limits

__all__ = ["ACTIVATIONS", "N_STEPS", "LEARNING_RATE", "scores", "predict", "train"]

# name -> f(x), the forward activations a tiny net can use (those scikit-learn offers)
ACTIVATIONS = {
    "relu": lambda x: np.maximum(0.0, x),
    "tanh": np.tanh,
    "sigmoid": lambda x: 0.5 * (1.0 + np.tanh(0.5 * x)),  # = 1 / (1 + exp(-x)), no overflow
}
_SKLEARN_NAMES = {"relu": "relu", "tanh": "tanh", "sigmoid": "logistic"}
N_STEPS = 1000  # full-batch Adam steps of `train`
LEARNING_RATE = 0.01  # Adam's step size


def _check_activation(activation):
    """ValueError unless `activation` is one of ACTIVATIONS."""
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}; got {activation!r}")


def scores(params, X, activation="relu"):
    """Class scores s (N, C) of inputs X (N, D); params W1 (D, H), b1 (H,), W2 (H, C), b2 (C,)."""
    _check_activation(activation)
    h = ACTIVATIONS[activation](np.asarray(X, dtype=np.float64) @ params["W1"] + params["b1"])
    return h @ params["W2"] + params["b2"]


def predict(params, X, activation="relu"):
    """Predicted labels (N,) of inputs X (N, D): the class with the highest score."""
    return np.argmax(scores(params, X, activation), axis=1)


def _params_of(model, n_classes):
    """The fitted MLPClassifier's weights as params W1 (D, H), b1 (H,), W2 (H, C), b2 (C,)."""
    W1, W2 = (np.array(W, dtype=np.float64) for W in model.coefs_)
    b1, b2 = (np.array(b, dtype=np.float64) for b in model.intercepts_)
    if n_classes == 2:  # one score s for class 1: scores (0, s) have the same softmax
        W2 = np.hstack([np.zeros_like(W2), W2])
        b2 = np.concatenate([np.zeros(1), b2])
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


def train(X, y, hidden_size=20, activation="relu", reg=1e-3, n_steps=N_STEPS,
          learning_rate=LEARNING_RATE, seed=0):
    """Fit the tiny net to X (N, D), y (N,) with labels 0..C-1, each present (C >= 2).

    scikit-learn's MLPClassifier with `hidden_size` units, `alpha = 2 * reg * N` (the lectures'
    `reg * sum W^2`), `n_steps` full-batch Adam steps of size `learning_rate`, and its random
    initialization seeded by `seed`; the same arguments give the same net. X and y are not
    modified.

    Returns (params, history): params W1 (D, H), b1 (H,), W2 (H, C), b2 (C,); history a dict
    with "loss" (the loss, softmax + reg * sum W^2, at every step, a list of floats) and
    "accuracy" (the training accuracy of the trained net).
    """
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y)
    _check_activation(activation)
    if X.ndim != 2 or y.shape != (X.shape[0],):
        raise ValueError(f"expected X (N, D) and y (N,); got X {X.shape} and y {y.shape}")
    n_classes = int(y.max()) + 1 if y.size else 0
    if n_classes < 2 or not np.array_equal(np.unique(y), np.arange(n_classes)):
        raise ValueError(f"expected labels 0..C-1 (C >= 2), each present; got {np.unique(y)}")
    N = X.shape[0]
    model = MLPClassifier(
        hidden_layer_sizes=(int(hidden_size),), activation=_SKLEARN_NAMES[activation],
        solver="adam", alpha=2.0 * reg * N, batch_size=N, learning_rate_init=learning_rate,
        max_iter=int(n_steps), shuffle=False, tol=0.0, n_iter_no_change=int(n_steps) + 1,
        random_state=seed,
    )
    # These matrices are small: one BLAS thread is faster than several competing for the cores.
    with threadpool_limits(limits=1, user_api="blas"), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # every step is taken, as asked
        model.fit(X, y)
    params = _params_of(model, n_classes)
    accuracy = float(np.mean(predict(params, X, activation) == y))
    return params, {"loss": [float(v) for v in model.loss_curve_], "accuracy": accuracy}
