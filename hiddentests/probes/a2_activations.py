"""Probes of assignment 2 (activations): forward outputs, backward gradients, numerical samples.

Elementwise activations are probed on arrays of several shapes (scalars in a (1,) array, odd
sizes, 3-D), on large magnitudes (|x| up to 1000: no overflow to NaN allowed) and, for the
backward pass, on inputs at least KINK_GAP away from 0 (the kink of ReLU, leaky ReLU and ELU).
The backward pass is called on the student's own cache; the numerical gradient is the
vector-Jacobian product sum(f(x ± h e_i) * dout) of the student's own forward.
Maxout is probed away from ties between its two pieces. One case of each backward sits on the
kink (x = 0, a maxout tie) and checks the stated gradient there, without numerical gradients.
"""

import numpy as np

from coursekit.checks import a2_activations as checks
from coursekit.checks.harness import KINK_GAP, away_from_zero
from hiddentests.probes._record import Recorder, probe_factory, sample_indices, student

NUM_ENTRIES = 8
KINK_CASE = "x with exact zeros (the stated gradient at the kink)"
TIE_CASE = "a tie s1 = s2 (ties send the gradient to the first piece)"

# name -> keyword arguments of the calls probed (the lecture's defaults, then other alphas)
ELEMENTWISE = {
    "sigmoid": [{}],
    "tanh": [{}],
    "relu": [{}],
    "leaky_relu": [{}, {"alpha": 0.01}, {"alpha": 0.3}],
    "elu": [{}, {"alpha": 0.3}, {"alpha": 2.0}],
}


def forward_cases():
    """[(label, x)] for the forward passes (including exact zeros and large values)."""
    rng = np.random.default_rng(4000)
    return [
        ("x of shape (1,)", np.array([0.7])),
        ("x of shape (7,) with zeros", np.array([-2.0, -0.5, 0.0, 0.25, 1.5, 0.0, -1e-4])),
        ("x of shape (3, 5)", 2.0 * rng.standard_normal((3, 5))),
        ("x of shape (2, 3, 4)", 3.0 * rng.standard_normal((2, 3, 4))),
        ("large |x| (up to 1000)", np.array([[-1000.0, -50.0, -20.0, 20.0, 50.0, 1000.0]])),
        ("visible case: known values", checks.A2_FORWARD_X.copy()),
        ("visible case: x = [-1000, 1000]", checks.A2_LARGE_X.copy()),
        ("visible case: x of shape (2, 2, 1)", checks.A2_FORWARD_X[:4].reshape(2, 2, 1)),
    ]


def backward_cases():
    """[(label, x, dout)] for the backward passes (x away from the kink at 0)."""
    rng = np.random.default_rng(4100)
    cases = []
    for shape in [(1,), (7,), (3, 5), (2, 3, 4)]:
        x = away_from_zero(2.0 * rng.standard_normal(shape))
        cases.append((f"x of shape {shape}", x, rng.standard_normal(shape)))
    x = np.array([[-30.0, -8.0, -2.0, 2.0, 8.0, 30.0]])
    cases.append(("saturating |x| (2 to 30)", x, np.ones_like(x)))
    cases.append(
        (
            "visible case: known local gradients",
            checks.A2_BACKWARD_X.copy(),
            np.array([1.0, -2.0, 0.5, 3.0]),
        )
    )
    cases.append(
        (
            "visible case: random (3, 4)",
            checks.random_backward_x(),
            np.random.default_rng(8).standard_normal((3, 4)),
        )
    )
    # the stated gradient at the kink x = 0 (no numerical gradient there)
    cases.append((KINK_CASE, np.array([-2.0, 0.0, 0.0, 1.5]), np.array([1.0, -2.0, 0.5, 3.0])))
    return cases


def _kw_label(kwargs):
    """`(k=v, ...)` of a case's keyword arguments ('' for none)."""
    return "" if not kwargs else "(" + ", ".join(f"{k}={v}" for k, v in kwargs.items()) + ")"


@probe_factory
def probe_forward(act):
    """The probe of `<act>_forward`."""

    def probe(ns):
        """Record the student's forward on every case and keyword setting."""
        rec = Recorder()
        fn = student(ns, f"{act}_forward")
        for j, kwargs in enumerate(ELEMENTWISE[act]):
            for k, (_, x) in enumerate(forward_cases()):
                key = f"kw{j}/case{k}"
                result = rec.call(key, fn, x, **kwargs)
                if f"{key}/error" in rec.out:
                    continue
                if isinstance(result, (tuple, list)) and len(result) == 2:
                    rec.value(key, "out", result[0])
                else:
                    rec.error(
                        key,
                        f"TypeError: {act}_forward should return (out, cache), got "
                        f"{type(result).__name__}",
                    )
        return rec.out

    probe.__name__ = f"probe_{act}_forward"
    return probe


@probe_factory
def probe_backward(act):
    """The probe of `<act>_backward`."""

    def probe(ns):
        """Record the student's dx and centered differences of their forward."""
        rec = Recorder()
        forward = student(ns, f"{act}_forward")
        backward = student(ns, f"{act}_backward")
        for j, kwargs in enumerate(ELEMENTWISE[act]):
            for k, (label, x, dout) in enumerate(backward_cases()):
                key = f"kw{j}/case{k}"
                result = rec.call(f"{key}/fwd", forward, x, **kwargs)
                if f"{key}/fwd/error" in rec.out:
                    rec.error(key, f"{rec.out.pop(f'{key}/fwd/error')} (in {act}_forward)")
                    continue
                if not (isinstance(result, (tuple, list)) and len(result) == 2):
                    rec.error(
                        key,
                        f"TypeError: {act}_forward should return (out, cache), got "
                        f"{type(result).__name__}",
                    )
                    continue
                dx = rec.call(key, backward, dout, result[1],
                              derived={f"{act}_forward": forward}, name=f"{act}_backward")
                if f"{key}/error" in rec.out or not rec.value(key, "dx", dx):
                    continue
                if label == KINK_CASE:
                    continue  # a centered difference straddles the kink
                idx = sample_indices(x.size, NUM_ENTRIES, seed=k)
                rec.numerical(
                    key, lambda xp, kw=kwargs, d=dout: np.sum(forward(xp, **kw)[0] * d), x, idx
                )
        return rec.out

    probe.__name__ = f"probe_{act}_backward"
    return probe


# ----- maxout ----------------------------------------------------------------------------------


def maxout_cases():
    """[(label, x, W1, b1, W2, b2, dout)]: the pieces never within KINK_GAP of a tie, except in
    the last case (TIE_CASE), an exact tie."""
    cases = []
    for k, (N, D, M) in enumerate([(1, 3, 2), (4, 5, 3), (7, 2, 5), (3, 1, 1)]):
        rng = np.random.default_rng(4200 + k)
        while True:
            x = rng.standard_normal((N, D))
            W1, W2 = rng.standard_normal((D, M)), rng.standard_normal((D, M))
            b1, b2 = rng.standard_normal(M), rng.standard_normal(M)
            if np.all(np.abs((x @ W1 + b1) - (x @ W2 + b2)) > KINK_GAP):
                break
        cases.append((f"N={N}, D={D}, M={M}", x, W1, b1, W2, b2, rng.standard_normal((N, M))))
    cases.append(("visible case: known", *checks.maxout_known(), np.ones((2, 1))))
    args, dout = checks.maxout_random()
    cases.append(("visible case: random N=4, D=3, M=2", *args, dout))
    cases.append((TIE_CASE, *checks.MAXOUT_TIE, np.array([[2.0]])))
    return cases


MAXOUT_ARGS = ("x", "W1", "b1", "W2", "b2")
MAXOUT_GRADS = ("dx", "dW1", "db1", "dW2", "db2")


def probe_maxout_forward(ns):
    """Record `maxout_forward` on every case."""
    rec = Recorder()
    fn = student(ns, "maxout_forward")
    for k, (_, *args, _dout) in enumerate(maxout_cases()):
        key = f"case{k}"
        result = rec.call(key, fn, *args)
        if f"{key}/error" in rec.out:
            continue
        if isinstance(result, (tuple, list)) and len(result) == 2:
            rec.value(key, "out", result[0])
        else:
            rec.error(key, "TypeError: maxout_forward should return (out, cache)")
    return rec.out


def probe_maxout_backward(ns):
    """Record `maxout_backward` and centered differences of `maxout_forward`."""
    rec = Recorder()
    forward = student(ns, "maxout_forward")
    backward = student(ns, "maxout_backward")
    for k, (label, *args, dout) in enumerate(maxout_cases()):
        key = f"case{k}"
        names = ("maxout_forward", MAXOUT_ARGS, MAXOUT_GRADS)
        entries = 0 if label == TIE_CASE else NUM_ENTRIES  # no centered difference at a tie
        rec.layer_backward(key, forward, backward, args, dout, names, entries, seed=10 * k)
    return rec.out
