"""Probes of assignment 1 (linear classifiers): inputs from fixed seeds, student outputs recorded.

Inputs cover N = 1, C = 2, odd sizes, regularization on and off, large-magnitude scores
(|s| ~ 1000 with a moderate spread: the softmax must shift the scores, and any shifted form,
probabilities or log-sum-exp, is accepted), and keep every hinge margin at least KINK_GAP away
from 0 so that centered differences never straddle a kink (cases that put a margin on its kink
are left out for the hinge losses). The visible cases of `coursekit.checks.a1_linear` are
included, so a judge's verdict is a complete grade; among them, for the hinge losses, the
margin of exactly 0, whose gradient the notebook states is 0 (checked against the reference
only). A case's last field, `large`, means: no centered differences there.
"""

import numpy as np

from coursekit.checks import a1_linear as checks
from coursekit.checks.harness import margins_clear
from hiddentests.probes._record import Recorder, probe_factory, sample_indices, student

NUM_ENTRIES = 8  # sampled gradient entries per case


def _away_from_kinks(W, X, y):
    """Every margin s_j - s_{y_i} + 1 (j != y_i) is at least KINK_GAP away from 0."""
    return margins_clear(X @ W, y)


def weight_cases():
    """[(label, W, X, y, reg, large)] for the losses of W; deterministic."""
    shapes = [  # (N, D, C, reg, weight scale)
        (1, 3, 2, 0.0, 1.0),
        (5, 4, 3, 0.1, 0.7),
        (7, 5, 4, 0.5, 0.5),
        (13, 9, 6, 0.05, 0.4),
        (2, 1, 2, 1.0, 1.5),
    ]
    cases = []
    for k, (N, D, C, reg, scale) in enumerate(shapes):
        rng = np.random.default_rng(1000 + k)
        while True:
            X = rng.standard_normal((N, D))
            W = scale * rng.standard_normal((D, C))
            y = rng.integers(0, C, size=N)
            if _away_from_kinks(W, X, y):
                break
        cases.append((f"N={N}, D={D}, C={C}, reg={reg}", W, X, y, reg, False))
    # large-magnitude scores: s ~ +-1000 + O(10). exp overflows (or 0/0) unless the scores
    # are shifted; the spread stays moderate, so no correct-class probability underflows
    for k, offset in enumerate((1000.0, -1000.0)):
        rng = np.random.default_rng(1100 + k)
        while True:
            X = np.hstack([np.ones((6, 1)), rng.standard_normal((6, 3))])
            W = np.vstack([np.full((1, 5), offset), 3.0 * rng.standard_normal((3, 5))])
            y = rng.integers(0, 5, size=6)
            if _away_from_kinks(W, X, y):
                break
        cases.append(
            (f"large scores (s ~ {offset:+.0f}), N=6, D=4, C=5, reg=0.001", W, X, y, 0.001, True)
        )
    for label, (W, X, y, reg) in checks.visible_weight_cases().items():
        cases.append((f"visible case: {label}", W, X, y, reg, label.startswith("large")))
    return cases


def score_cases():
    """[(label, scores, y, large)] for the losses of precomputed scores; deterministic."""
    cases = []
    for k, (N, C, scale) in enumerate([(1, 2, 1.0), (4, 3, 2.0), (9, 5, 1.0), (11, 7, 3.0)]):
        rng = np.random.default_rng(2000 + k)
        while True:
            scores = scale * rng.standard_normal((N, C))
            y = rng.integers(0, C, size=N)
            if _away_from_kinks(np.eye(C), scores, y):
                break
        cases.append((f"N={N}, C={C}", scores, y, False))
    for k, offset in enumerate((1000.0, -1000.0)):
        rng = np.random.default_rng(2100 + k)
        scores = offset + 5.0 * rng.standard_normal((5, 4))
        cases.append(
            (
                f"large scores (s ~ {offset:+.0f}), N=5, C=4",
                scores,
                rng.integers(0, 4, size=5),
                True,
            )
        )
    for label, (scores, y) in checks.visible_score_cases().items():
        cases.append((f"visible case: {label}", scores, y, label.startswith("large")))
    return cases


def linear_cases():
    """[(label, X, W, b)] for linear_scores (b may be None); deterministic."""
    cases = []
    for k, (N, D, C, with_b) in enumerate(
        [(1, 1, 2, False), (1, 3, 2, True), (5, 4, 3, True), (7, 3, 5, False), (10, 65, 10, True)]
    ):
        rng = np.random.default_rng(3000 + k)
        X = rng.standard_normal((N, D))
        W = rng.standard_normal((D, C))
        b = rng.standard_normal(C) if with_b else None
        cases.append((f"N={N}, D={D}, C={C}, " + ("with b" if with_b else "b=None"), X, W, b))
    return cases


def weight_cases_for(name):
    """weight_cases(); for the hinge losses, the cases with a margin on its kink are replaced
    by the visible case of a margin of exactly 0."""
    cases = weight_cases()
    if name.startswith("svm"):
        cases = [c for c in cases if _away_from_kinks(c[1], c[2], c[3])]
        cases.append((f"visible case: {checks.MARGIN_ZERO}", *checks.margin_zero_case(True),
                      True))
    return cases


def score_cases_for(name):
    """score_cases(); for the hinge losses, the cases with a margin on its kink are replaced
    by the visible case of a margin of exactly 0."""
    cases = score_cases()
    if name.startswith("svm"):
        cases = [c for c in cases if _away_from_kinks(np.eye(c[1].shape[1]), c[1], c[2])]
        cases.append((f"visible case: {checks.MARGIN_ZERO}", *checks.margin_zero_case(False),
                      True))
    return cases


# ---------------------------------------------------------------------------------------------


def probe_linear_scores(ns):
    """Record `linear_scores` on every case."""
    rec = Recorder()
    fn = student(ns, "linear_scores")
    for k, (_, X, W, b) in enumerate(linear_cases()):
        key = f"case{k}"
        args = (X, W) if b is None else (X, W, b)
        result = rec.call(key, fn, *args)
        if f"{key}/error" not in rec.out:
            rec.value(key, "scores", result)
    return rec.out


@probe_factory
def probe_weight_loss(name, with_gradient):
    """Probe of one loss of W: loss for every case, and dW plus numerical samples if asked."""

    def probe(ns):
        """Record the student's loss and gradient on every case."""
        rec = Recorder()
        fn = student(ns, name)
        for k, (_, W, X, y, reg, large) in enumerate(weight_cases_for(name)):
            key = f"case{k}"
            result = rec.call(key, fn, W, X, y, reg, derived={} if with_gradient else None,
                              name=name)
            if f"{key}/error" in rec.out:
                continue
            if not rec.values(key, result, ("loss", "dW")):
                continue
            if with_gradient and not large:
                idx = sample_indices(W.size, NUM_ENTRIES, seed=k)
                rec.numerical(
                    key, lambda Wp, X=X, y=y, reg=reg: fn(Wp, X.copy(), y.copy(), reg)[0], W, idx
                )
        if not with_gradient:  # the gradient is judged in its own cell
            rec.out = {k: v for k, v in rec.out.items() if not k.endswith("/dW")}
        return rec.out

    probe.__name__ = f"probe_{name}_{'dW' if with_gradient else 'value'}"
    return probe


@probe_factory
def probe_score_loss(name, with_gradient):
    """Probe of a data loss on precomputed scores: (loss, dscores)."""

    def probe(ns):
        """Record the student's loss and gradient on every case."""
        rec = Recorder()
        fn = student(ns, name)
        for k, (_, scores, y, large) in enumerate(score_cases_for(name)):
            key = f"case{k}"
            result = rec.call(key, fn, scores, y, derived={} if with_gradient else None,
                              name=name)
            if f"{key}/error" in rec.out:
                continue
            if not rec.values(key, result, ("loss", "dscores")):
                continue
            if with_gradient and not large:
                idx = sample_indices(scores.size, NUM_ENTRIES, seed=k)
                rec.numerical(key, lambda s, y=y: fn(s, y.copy())[0], scores, idx)
        if not with_gradient:
            rec.out = {k: v for k, v in rec.out.items() if not k.endswith("/dscores")}
        return rec.out

    probe.__name__ = f"probe_{name}_{'dscores' if with_gradient else 'value'}"
    return probe
