"""Judges of assignment 1 (linear classifiers): recorded outputs against `solutions`."""

import numpy as np

from hiddentests.judges._compare import check_mutation, check_numerical, compare, error_of
from hiddentests.probes import a1_linear as P
from solutions import linear, losses


def judge_linear_scores(outputs):
    """Failures of `linear_scores` against the reference (empty: passed)."""
    failures = []
    for k, (label, X, W, b) in enumerate(P.linear_cases()):
        key = f"case{k}"
        err = error_of(outputs, key)
        if err is not None:
            failures.append(f"linear_scores raised {err} on the case {label}.")
            continue
        check_mutation(failures, outputs, key, "linear_scores", ("X", "W", "b"), label)
        compare(
            failures, "scores", outputs.get(f"{key}/scores"), linear.linear_scores(X, W, b), label
        )
    return failures


def judge_weight_loss(name, with_gradient):
    """The judge of loss `name`(W, X, y, reg): the loss and, `with_gradient`, dW."""
    reference = getattr(losses, name)

    def judge(outputs):
        """Failures of the recorded cases (empty: passed)."""
        failures = []
        for k, (label, W, X, y, reg, large) in enumerate(P.weight_cases_for(name)):
            key = f"case{k}"
            err = error_of(outputs, key)
            if err is not None:
                failures.append(f"{name} raised {err} on the case {label}.")
                continue
            check_mutation(failures, outputs, key, name, ("W", "X", "y", "reg"), label)
            loss, dW = reference(W, X, y, reg)
            sizes = {"N": X.shape[0], "C": W.shape[1], "D": W.shape[0]}
            if not with_gradient:
                compare(
                    failures,
                    f"loss of {name}",
                    outputs.get(f"{key}/loss"),
                    loss,
                    label,
                    reg_term=reg * np.sum(W * W),
                    sizes=sizes,
                )
                continue
            got = outputs.get(f"{key}/dW")
            if (
                compare(
                    failures, f"dW of {name}", got, dW, label, reg_term=2 * reg * W, sizes=sizes
                )
                and not large
            ):
                check_numerical(failures, outputs, key, got, "dW", name, label)
        return failures

    judge.__name__ = f"judge_{name}_{'dW' if with_gradient else 'value'}"
    return judge


def judge_score_loss(name, with_gradient):
    """The judge of data loss `name`(scores, y): the loss and, `with_gradient`, dscores."""
    reference = getattr(losses, name)

    def judge(outputs):
        """Failures of the recorded cases (empty: passed)."""
        failures = []
        for k, (label, scores, y, large) in enumerate(P.score_cases_for(name)):
            key = f"case{k}"
            err = error_of(outputs, key)
            if err is not None:
                failures.append(f"{name} raised {err} on the case {label}.")
                continue
            check_mutation(failures, outputs, key, name, ("scores", "y"), label)
            loss, dscores = reference(scores, y)
            sizes = {"N": scores.shape[0], "C": scores.shape[1]}
            if not with_gradient:
                compare(
                    failures,
                    f"loss of {name}",
                    outputs.get(f"{key}/loss"),
                    loss,
                    label,
                    sizes=sizes,
                )
                continue
            got = outputs.get(f"{key}/dscores")
            if (
                compare(failures, f"dscores of {name}", got, dscores, label, sizes=sizes)
                and not large
            ):
                check_numerical(failures, outputs, key, got, "dscores", name, label)
        return failures

    judge.__name__ = f"judge_{name}_{'dscores' if with_gradient else 'value'}"
    return judge
