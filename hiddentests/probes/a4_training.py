"""Probes of assignment 4's training section: train_epochs, the tiny net, the learning rates.

`train_epochs` runs on stand-in models (`coursekit.checks.a4_training.RecordingModel`) over
cases where the batch size divides N, does not, and exceeds N; the history it returns and the
parameters it leaves are recorded. The tiny net is probed by its scores on the tiny subset, the
learning rates by their values (the judge trains a correct net with them).
"""

import numpy as np

from coursekit.checks.a4_training import RecordingModel
from coursekit.checks.harness import quiet
from coursekit.data import make_spiral
from hiddentests.probes._record import Recorder, _describe, student

HISTORY = ("loss", "train_acc", "val_acc")
LEARNING_RATES = ("lr_too_high", "lr_too_low", "lr_good")


def train_epochs_cases():
    """[(label, X, y, X_val, y_val, num_classes, model_seed, kwargs)]."""
    cases = []
    for k, (N, D, C, B, E) in enumerate([(12, 2, 2, 4, 2), (17, 4, 3, 5, 3), (9, 3, 4, 9, 2),
                                         (5, 2, 3, 8, 3), (23, 5, 5, 6, 4)]):
        rng = np.random.default_rng(7000 + k)
        X, X_val = rng.standard_normal((N, D)), rng.standard_normal((N + 3, D))
        y, y_val = rng.integers(0, C, size=N), rng.integers(0, C, size=N + 3)
        kwargs = {"learning_rate": 0.2 + 0.3 * k, "num_epochs": E, "batch_size": B,
                  "seed": 100 + k}
        label = f"N = {N} in batches of {B}, {E} epochs, seed {100 + k}"
        cases.append((label, X, y, X_val, y_val, C, 50 + k, kwargs))
    return cases


def probe_train_epochs(ns):
    """The student's train_epochs on every case: its history and the model's final params."""
    rec = Recorder()
    fn = student(ns, "train_epochs")
    for k, (_, X, y, X_val, y_val, C, model_seed, kwargs) in enumerate(train_epochs_cases()):
        key = f"case{k}"
        if fn is None:
            rec.error(key, "NameError: train_epochs is not defined (run its cell first)")
            continue
        model = RecordingModel(X, C, model_seed)
        arrays = [X, y, X_val, y_val]
        copies = [a.copy() for a in arrays]
        try:
            with quiet():
                history = fn(model, *copies, **kwargs)
        except Exception as exc:  # a failing student call must not hide the other cases
            rec.error(key, _describe(exc))
            continue
        changed = [i for i, (a, c) in enumerate(zip(arrays, copies, strict=True))
                   if not np.array_equal(a, c)]
        if changed:
            rec.out[f"{key}/mutated"] = np.array(changed, dtype=np.int64)
        if not isinstance(history, dict) or not set(HISTORY) <= set(history):
            rec.error(key, "TypeError: should return a dict with the keys 'loss', 'train_acc' "
                           f"and 'val_acc', got {type(history).__name__}")
            continue
        if all(rec.value(key, name, history[name]) for name in HISTORY):
            for name, value in model.params.items():
                rec.value(key, name, value)
    return rec.out


def tiny_subset():
    """(X_tiny, y_tiny): every 15th point of the assignment's spiral, 20 points."""
    X, y = make_spiral(n_per_class=100, n_classes=3, seed=0)
    return X[::15], y[::15]


def probe_overfit_tiny(ns):
    """tiny_net's scores on the tiny subset."""
    rec = Recorder()
    net = ns.get("tiny_net")
    if net is None or not hasattr(net, "loss"):
        rec.error("net", "NotImplementedError: no net called tiny_net (its cell still raises "
                         "NotImplementedError, or was not run)")
        return rec.out
    X, _ = tiny_subset()
    scores = rec.call("net", net.loss, X)
    if "net/error" not in rec.out:
        rec.value("net", "scores", scores)
    return rec.out


def probe_learning_rates(ns):
    """The three learning rates the student chose."""
    rec = Recorder()
    for name in LEARNING_RATES:
        if name not in ns:
            rec.error(name, f"NotImplementedError: {name} is not defined (its cell still raises "
                            "NotImplementedError, or was not run)")
        else:
            rec.value(name, "value", ns[name])
    return rec.out
