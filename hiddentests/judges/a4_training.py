"""Judges of assignment 4's training section: against `solutions.practice` and a correct net."""

import numpy as np

from coursekit.checks import a4_training as rules
from coursekit.checks.a4_training import RecordingModel
from hiddentests.judges._compare import compare, error_of
from hiddentests.probes import a4_training as P
from solutions.practice import train_epochs

ARRAYS = ("X", "y", "X_val", "y_val")


def judge_train_epochs(outputs):
    """History and final params of every case, against the reference on the same model."""
    failures = []
    for k, (label, X, y, X_val, y_val, C, model_seed, kwargs) in enumerate(
            P.train_epochs_cases()):
        key = f"case{k}"
        err = error_of(outputs, key)
        if err is not None:
            failures.append(f"train_epochs raised {err} on the case {label}.")
            continue
        mutated = outputs.get(f"{key}/mutated")
        if mutated is not None and len(mutated):
            failures.append(f"[{label}] train_epochs modified "
                            f"{', '.join(ARRAYS[int(i)] for i in mutated)} in place.")
        model = RecordingModel(X, C, model_seed)
        history = train_epochs(model, X, y, X_val, y_val, **kwargs)
        for name in P.HISTORY:
            got = outputs.get(f"{key}/{name}")
            if got is None or got.shape != history[name].shape:
                failures.append(f"[{label}] history[{name!r}] should have shape "
                                f"{history[name].shape} (one entry per epoch), got "
                                f"{None if got is None else got.shape}.")
                continue
            compare(failures, f"history[{name!r}]", got, history[name], label)
        for name, value in model.params.items():
            got = outputs.get(f"{key}/{name}")
            if got is not None:
                compare(failures, f"the trained params[{name!r}]", got, value, label)
    return failures


def judge_overfit_tiny(outputs):
    """tiny_net classifies every example of the tiny subset right."""
    err = error_of(outputs, "net")
    if err is not None:
        return [f"{err}." if err.startswith("NotImplementedError") else
                f"tiny_net.loss(X_tiny) raised {err}."]
    _, y = P.tiny_subset()
    scores = outputs.get("net/scores")
    if scores is None or scores.shape != (len(y), 3):
        return [f"tiny_net.loss(X_tiny) should return scores of shape {(len(y), 3)}, got "
                f"{None if scores is None else scores.shape}."]
    right = int(np.sum(np.argmax(scores, axis=1) == y))
    if right < rules.TINY_ACCURACY * len(y):
        return [f"tiny_net classifies {right} of the {len(y)} tiny examples right; all of them "
                f"are required."]
    return []


def judge_learning_rates(outputs):
    """Each chosen learning rate makes a correct net's loss curve what its name says."""
    failures = []
    for kind, name in rules.LR_NAMES.items():
        err = error_of(outputs, name)
        value = outputs.get(f"{name}/value")
        if err is not None or value is None or value.shape != () or not value > 0:
            failures.append(f"{err}." if err else f"{name} should be one positive number.")
            continue
        verdict = rules.learning_rate_verdict(rules.learning_rate_curve(float(value)))
        if verdict != kind:
            failures.append(f"{name} = {float(value):g} makes a correct net's loss "
                            f"{verdict}, not {kind}.")
    return failures
