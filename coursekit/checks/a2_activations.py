"""Visible checks of assignment 2 (activations): forward and backward of each activation, maxout.
"""

import numpy as np

from coursekit.checks.harness import (
    CheckFailed,
    away_from_zero,
    blaming,
    call,
    close,
    forward_pair,
    gradient,
    layer_objective,
    passed,
    unpack,
    visible_check,
)

LN2, LN3 = np.log(2.0), np.log(3.0)
# Inputs of the visible forward tests and the outputs worked out by hand:
# sigmoid(ln 3) = 3/4, tanh(ln 3) = (9 - 1)/(9 + 1) = 0.8, ELU(-ln 2) = 1/2 - 1 = -1/2.
A2_FORWARD_X = np.array([-LN3, -LN2, 0.0, LN3, 2.0])
A2_FORWARD_OUT = {
    "sigmoid": np.array([0.25, 1 / 3, 0.5, 0.75, 1 / (1 + np.exp(-2.0))]),
    "tanh": np.array([-0.8, -0.6, 0.0, 0.8, np.tanh(2.0)]),
    "relu": np.array([0.0, 0.0, 0.0, LN3, 2.0]),
    "leaky_relu": np.array([-0.1 * LN3, -0.1 * LN2, 0.0, LN3, 2.0]),
    "elu": np.array([-2 / 3, -0.5, 0.0, LN3, 2.0]),
}
# Large inputs: exp(1000) overflows; every activation here has a finite value there.
A2_LARGE_X = np.array([-1000.0, 1000.0])
A2_LARGE_OUT = {
    "sigmoid": np.array([0.0, 1.0]),
    "tanh": np.array([-1.0, 1.0]),
    "relu": np.array([0.0, 1000.0]),
    "leaky_relu": np.array([-100.0, 1000.0]),
    "elu": np.array([-1.0, 1000.0]),
}
# Local gradients at A2_BACKWARD_X (away from the kink at 0), by hand:
# sigmoid' = s (1 - s): 3/16 at +-ln 3; tanh' = 1 - tanh^2 = 0.36 at +-ln 3; ELU'(x<0) = e^x.
A2_BACKWARD_X = np.array([-LN3, -LN2, LN2, LN3])
A2_BACKWARD_LOCAL = {
    "sigmoid": np.array([3 / 16, 2 / 9, 2 / 9, 3 / 16]),
    "tanh": np.array([0.36, 0.64, 0.64, 0.36]),
    "relu": np.array([0.0, 0.0, 1.0, 1.0]),
    "leaky_relu": np.array([0.1, 0.1, 1.0, 1.0]),
    "elu": np.array([1 / 3, 0.5, 1.0, 1.0]),
}
# The rules at the kink x = 0 (stated in the notebook), and the slope of x < 0 for another alpha:
# ReLU'(0) = 0, leaky ReLU'(0) = alpha, ELU'(0) = 1 (the x >= 0 branch); ELU'(-ln 2) = alpha / 2.
KINK_X = np.array([-LN2, 0.0, 1.0])
ALPHA_CASES = {"leaky_relu": 0.3, "elu": 0.3}  # a random case with an alpha other than the default
KINK_RULES = {  # act -> (rule, alpha or None, expected dx for dout = 1)
    "relu": ("ReLU'(0) = 0: the gradient passes only where x > 0", None,
             np.array([0.0, 0.0, 1.0])),
    "leaky_relu": ("leaky ReLU'(0) = alpha, with the alpha passed to the forward (here 0.3)",
                   0.3, np.array([0.3, 0.3, 1.0])),
    "elu": ("ELU'(0) = 1 (the x >= 0 branch), and alpha * exp(x) for x < 0 with the alpha "
            "passed to the forward (here 3)", 3.0, np.array([1.5, 1.0, 1.0])),
}


ALPHA_DEFAULTS = {"leaky_relu": 0.1, "elu": 1.0}  # the lecture's, in the given signatures


def _check_default_alpha(forward, name, default, out, expected):
    """forward(x) without alpha is forward(x, alpha=default), when the latter is right."""
    with_default, _ = forward_pair(forward, name, f"alpha={default}", A2_FORWARD_X,
                                   alpha=default)
    if (np.allclose(with_default, expected, rtol=1e-6, atol=1e-9)
            and not np.allclose(out, expected, rtol=1e-6, atol=1e-9)):
        raise CheckFailed(
            f"{name}: the default of alpha should be {default} (the lecture's, as in the given "
            f"signature): {name}(x) differs from {name}(x, alpha={default}), which is right. "
            f"The tests and the grader call it without alpha."
        )


@visible_check
def check_activation_forward(forward, act):
    """forward(x) -> (out, cache): hand-worked values, large |x|, any shape."""
    name = f"{act}_forward"
    out, _ = forward_pair(forward, name, "known values", A2_FORWARD_X)
    if act in ALPHA_DEFAULTS:
        _check_default_alpha(forward, name, ALPHA_DEFAULTS[act], out, A2_FORWARD_OUT[act])
    close(name, f"x = {np.round(A2_FORWARD_X, 4).tolist()}", "out", out, A2_FORWARD_OUT[act])
    out, _ = forward_pair(forward, name, "large |x|", A2_LARGE_X)
    close(
        name,
        "x = [-1000, 1000] (exp overflows: the result must still be finite)",
        "out",
        out,
        A2_LARGE_OUT[act],
    )
    x3 = A2_FORWARD_X[:4].reshape(2, 2, 1)
    out, _ = forward_pair(forward, name, "3-D x", x3)
    close(
        name,
        "x of shape (2, 2, 1): out keeps x's shape",
        "out",
        out,
        A2_FORWARD_OUT[act][:4].reshape(2, 2, 1),
    )
    n = 3
    if act in ("leaky_relu", "elu"):
        alpha = 0.3
        out, _ = forward_pair(forward, name, "alpha", A2_FORWARD_X, alpha=alpha)
        default = ALPHA_DEFAULTS[act]
        expected = np.where(
            A2_FORWARD_X > 0, A2_FORWARD_OUT[act], A2_FORWARD_OUT[act] * alpha / default
        )
        close(name, f"alpha={alpha}", "out", out, expected)
        n += 1
    passed(name, "out matches", n)


@visible_check
def check_activation_backward(forward, backward, act):
    """backward(dout, cache) -> dx: hand-worked local gradients, the kink rule, a numerical check.

    When it fails and the forward fails its own check, the forward is named, not the backward.
    """
    name = f"{act}_backward"
    forward_check = (f"{act}_forward", check_activation_forward, (forward, act),
                     "its own test above")
    with blaming(name, forward_check):
        n = _check_backward(forward, backward, act)
    rule = "kink rule, " if act in KINK_RULES else ""
    passed(name, f"dx matches (known local gradients, {rule}numerical gradient)", n)


def _check_backward(forward, backward, act):
    """The cases of check_activation_backward; returns how many."""
    name = f"{act}_backward"
    _, cache = forward_pair(forward, f"{act}_forward", "known", A2_BACKWARD_X)
    dout = np.array([1.0, -2.0, 0.5, 3.0])
    dx = call(backward, name, "known", dout, cache, derived={f"{act}_forward": forward})
    close(
        name,
        f"x = {np.round(A2_BACKWARD_X, 4).tolist()}, dout = {dout.tolist()} "
        "(dx = dout * local gradient)",
        "dx",
        dx,
        dout * A2_BACKWARD_LOCAL[act],
    )
    n = 2
    if act in KINK_RULES:
        _check_kink_rule(forward, backward, act)
        n += 1
    x = random_backward_x()
    dout = np.random.default_rng(8).standard_normal((3, 4))
    _, cache = forward_pair(forward, f"{act}_forward", "random", x)
    dx = call(backward, name, "random", dout, cache, derived={f"{act}_forward": forward})

    def f(xp):
        """The forward's output alone, as a function of x."""
        return forward(xp)[0]

    gradient(name, "random x of shape (3, 4)", f, x, dx, "dx", dout=dout,
             made_by=f"{act}_forward")
    if act in ALPHA_CASES:  # the alpha given to the forward must reach the backward
        alpha = ALPHA_CASES[act]
        _, cache = forward_pair(forward, f"{act}_forward", f"random, alpha={alpha}", x,
                                alpha=alpha)
        dx = call(backward, name, f"random, alpha={alpha}", dout, cache,
                  derived={f"{act}_forward": forward})
        gradient(name, f"random x of shape (3, 4), alpha={alpha}",
                 lambda xp: forward(xp, alpha=alpha)[0], x, dx, "dx", dout=dout,
                 made_by=f"{act}_forward")
        n += 1
    return n


def _check_kink_rule(forward, backward, act):
    """The stated gradient at x = 0 (and for an alpha other than the default)."""
    name = f"{act}_backward"
    rule, alpha, expected = KINK_RULES[act]
    kwargs = {} if alpha is None else {"alpha": alpha}
    _, cache = forward_pair(forward, f"{act}_forward", "kink", KINK_X, **kwargs)
    dx = call(backward, name, "kink", np.ones(3), cache,
              derived={f"{act}_forward": forward})
    label = f"x = [-ln 2, 0, 1]{f', alpha={alpha:g}' if alpha else ''}, dout = 1 ({rule})"
    close(name, label, "dx", dx, expected)


def random_backward_x():
    """The random x of the visible backward test (away from the kink at 0)."""
    return away_from_zero(2.0 * np.random.default_rng(7).standard_normal((3, 4)))


def maxout_random():
    """The random maxout case of the visible backward test: ([x, W1, b1, W2, b2], dout)."""
    rng = np.random.default_rng(5)
    args = [
        rng.standard_normal((4, 3)),
        rng.standard_normal((3, 2)),
        rng.standard_normal(2),
        rng.standard_normal((3, 2)),
        rng.standard_normal(2),
    ]
    return args, rng.standard_normal((4, 2))


def maxout_known():
    """A maxout case worked by hand: (x, W1, b1, W2, b2)."""
    x = np.array([[1.0, 2.0], [3.0, -1.0]])
    W1, b1 = np.array([[1.0], [0.0]]), np.array([0.0])
    W2, b2 = np.array([[0.0], [1.0]]), np.array([-0.5])
    # pieces: s1 = x W1 + b1 = [[1], [3]], s2 = x W2 + b2 = [[1.5], [-1.5]]
    return x, W1, b1, W2, b2


@visible_check
def check_maxout_forward(maxout_forward):
    """Visible tests of `maxout_forward`: a case worked by hand, then the output's shape."""
    x, W1, b1, W2, b2 = maxout_known()
    out, _ = forward_pair(maxout_forward, "maxout_forward", "known", x, W1, b1, W2, b2)
    close(
        "maxout_forward",
        "pieces s1 = [1, 3], s2 = [1.5, -1.5]",
        "out",
        out,
        np.array([[1.5], [3.0]]),
    )
    rng = np.random.default_rng(3)
    args = (
        rng.standard_normal((5, 3)),
        rng.standard_normal((3, 4)),
        rng.standard_normal(4),
        rng.standard_normal((3, 4)),
        rng.standard_normal(4),
    )
    out, _ = forward_pair(maxout_forward, "maxout_forward", "shape", *args)
    if np.shape(out) != (5, 4):
        raise CheckFailed(
            f"maxout_forward: out should have shape (N, M) = (5, 4), got {np.shape(out)}."
        )
    passed("maxout_forward", "out matches", 2)


# A tie between the two pieces: x = [[1, 1]], s1 = x W1 = 1 = s2 = x W2; the gradient goes to
# the first piece (the stated rule), so dW1 = x^T, db1 = 1, dx = W1^T, and nothing to piece 2.
MAXOUT_TIE = (np.array([[1.0, 1.0]]), np.array([[1.0], [0.0]]), np.array([0.0]),
              np.array([[0.0], [1.0]]), np.array([0.0]))
MAXOUT_TIE_GRADS = (np.array([[1.0, 0.0]]), np.array([[1.0], [1.0]]), np.array([1.0]),
                    np.array([[0.0], [0.0]]), np.array([0.0]))


@visible_check
def check_maxout_backward(maxout_forward, maxout_backward):
    """Visible tests of `maxout_backward`, blaming maxout_forward when it is the one wrong."""
    forward_check = ("maxout_forward", check_maxout_forward, (maxout_forward,),
                     "its own test above")
    with blaming("maxout_backward", forward_check):
        _check_maxout_backward(maxout_forward, maxout_backward)
    passed(
        "maxout_backward",
        "dx, dW1, db1, dW2, db2 match (known case, tie rule, numerical gradient)", 3,
    )


def _check_maxout_backward(maxout_forward, maxout_backward):
    """The cases of check_maxout_backward."""
    _, cache = forward_pair(maxout_forward, "maxout_forward", "tie", *MAXOUT_TIE)
    grads = unpack(
        call(maxout_backward, "maxout_backward", "tie", np.ones((1, 1)), cache,
             derived={"maxout_forward": maxout_forward}),
        "maxout_backward",
        ("dx", "dW1", "db1", "dW2", "db2"),
    )
    for g, got, exp in zip(("dx", "dW1", "db1", "dW2", "db2"), grads, MAXOUT_TIE_GRADS,
                           strict=True):
        close("maxout_backward", "a tie s1 = s2 = 1 (ties send the gradient to the first "
              "piece)", g, got, exp)
    x, W1, b1, W2, b2 = maxout_known()
    _, cache = forward_pair(maxout_forward, "maxout_forward", "known", x, W1, b1, W2, b2)
    grads = unpack(
        call(maxout_backward, "maxout_backward", "known", np.ones((2, 1)), cache,
             derived={"maxout_forward": maxout_forward}),
        "maxout_backward",
        ("dx", "dW1", "db1", "dW2", "db2"),
    )
    # example 0: piece 2 wins (1.5 > 1); example 1: piece 1 wins (3 > -1.5)
    expected = (
        np.array([[0.0, 1.0], [1.0, 0.0]]),
        np.array([[3.0], [-1.0]]),
        np.array([1.0]),
        np.array([[1.0], [2.0]]),
        np.array([1.0]),
    )
    for g, got, exp in zip(("dx", "dW1", "db1", "dW2", "db2"), grads, expected, strict=True):
        close("maxout_backward", "the known case, dout = 1", g, got, exp)
    args, dout = maxout_random()
    _, cache = forward_pair(maxout_forward, "maxout_forward", "random", *args)
    grads = unpack(
        call(maxout_backward, "maxout_backward", "random", dout, cache,
             derived={"maxout_forward": maxout_forward}),
        "maxout_backward",
        ("dx", "dW1", "db1", "dW2", "db2"),
    )
    for a, (g, got) in enumerate(zip(("dx", "dW1", "db1", "dW2", "db2"), grads, strict=True)):

        f = layer_objective(maxout_forward, args, a)
        gradient("maxout_backward", "random N=4, D=3, M=2", f, args[a], got, g, dout=dout,
                 made_by="maxout_forward")


