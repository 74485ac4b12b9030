"""Lecture 5's capacity lesson on held-out data: a small net, a large one, and the large one with λ.

The data are noisy circles with few training points (60), where a large net with almost no
regularization fits the noise: nearly every training point right, far fewer held-out points.
Regularizing the same large net fits the training data less and the held-out data better; a
small net is at the mercy of its random start. Everything is seeded: `run(seed)` draws the
training set, the held-out set (2000 fresh points of the same distribution) and the nets'
initializations from `seed`.
"""

import numpy as np

from coursekit import data, tinynet

__all__ = ["N_TRAIN", "N_HELD_OUT", "NOISE", "N_STEPS", "LEARNING_RATE", "NETS", "split", "run"]

N_TRAIN = 60
N_HELD_OUT = 2000
NOISE = 0.3
N_STEPS = 1000
LEARNING_RATE = 0.03  # Adam's step size: large enough for the large net to fit the noise
# name -> tinynet.train settings (ReLU, scikit-learn's full-batch Adam)
NETS = {
    "small net (3 units)": {"hidden_size": 3, "reg": 1e-5},
    "large net (100 units), λ = 1e-5": {"hidden_size": 100, "reg": 1e-5},
    "large net (100 units), λ = 3e-3": {"hidden_size": 100, "reg": 3e-3},
}


def split(seed):
    """(X_train (60, 2), y_train (60,), X_held_out (2000, 2), y_held_out (2000,)) for one seed."""
    X_train, y_train = data.make_circles(n=N_TRAIN, noise=NOISE, seed=seed)
    X_held_out, y_held_out = data.make_circles(n=N_HELD_OUT, noise=NOISE, seed=10_000 + seed)
    return X_train, y_train, X_held_out, y_held_out


def run(seed, nets=None):
    """Train every net of `nets` (default NETS) on the training set of `seed`.

    Returns a dict name -> {"params": tinynet's params, "train": training accuracy,
    "held_out": held-out accuracy}.
    """
    X_train, y_train, X_held_out, y_held_out = split(seed)
    results = {}
    for name, settings in (nets or NETS).items():
        params, history = tinynet.train(X_train, y_train, n_steps=N_STEPS, seed=seed,
                                        learning_rate=LEARNING_RATE, activation="relu",
                                        **settings)
        held_out = float(np.mean(tinynet.predict(params, X_held_out) == y_held_out))
        results[name] = {"params": params, "train": history["accuracy"], "held_out": held_out}
    return results
