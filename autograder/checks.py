"""Visible tests of the assignments: one check per graded idea, messages from autograder.gradcheck.

Each `check_<grade id>(fn, ...)` calls the student's function on small cases with known answers
(the lecture's examples, sanity values such as C - 1 and log C at W = 0), checks that inputs are
not modified, and checks analytic gradients against numerical gradients of the student's own
function. On success it prints one line ("✓ svm_loss_naive: loss matches on 3 cases"); on
failure it raises `CheckFailed` (an AssertionError) with the message of `autograder.gradcheck`.
Nothing here knows how to compute a loss or a gradient: expected values are written out.
"""

import warnings
from contextlib import contextmanager

import numpy as np

from autograder.gradcheck import assert_close, check_gradient

__all__ = ["CheckFailed"]


class CheckFailed(AssertionError):
    """A visible test failed; shown as its message only (the traceback would be test code)."""

    def _render_traceback_(self):
        lines = str(self).splitlines() or [""]
        return [f"CheckFailed: {lines[0]}", *lines[1:]]


@contextmanager
def _quiet():
    """Silence floating-point warnings (an overflow shows up as inf/NaN in the values)."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def _copy(a):
    return a.copy() if isinstance(a, np.ndarray) else a


def _call(fn, fn_name, case, *args, **kwargs):
    """fn(*args) on copies; fails if fn modified an input in place. Student errors propagate."""
    if not callable(fn):
        raise CheckFailed(
            f"{fn_name} is not a function (got {type(fn).__name__}); run the cell that defines it."
        )
    passed = [_copy(a) for a in args]
    with _quiet():
        result = fn(*passed, **kwargs)
    for i, (a, p) in enumerate(zip(args, passed, strict=True)):
        if isinstance(a, np.ndarray) and (a.shape != p.shape or not np.array_equal(a, p)):
            raise CheckFailed(
                f"{fn_name} modified its argument #{i + 1} in place on the case {case}. "
                f"Functions must be pure: the caller still needs its arrays. Work on a copy "
                f"(`x = x.copy()`, or `scores = scores - shift` instead of `scores -= shift`)."
            )
    return result


def _unpack(result, fn_name, names):
    if not isinstance(result, (tuple, list)) or len(result) != len(names):
        raise CheckFailed(
            f"{fn_name} should return a tuple ({', '.join(names)}), got "
            f"{type(result).__name__}"
            + (f" of length {len(result)}" if isinstance(result, (tuple, list)) else "")
            + ". End the function with `return "
            + ", ".join(names)
            + "`."
        )
    return result


def _close(fn_name, case, what, got, expected, *, rtol=1e-7, atol=1e-10, **hints):
    try:
        with _quiet():
            assert_close(what, got, expected, rtol=rtol, atol=atol, **hints)
    except AssertionError as exc:
        raise CheckFailed(f"{fn_name}, case {case}:\n{exc}") from None


def _gradient(fn_name, case, f, x, analytic, name, **kwargs):
    with _quiet():
        report = check_gradient(f, x.copy(), analytic, name=name, **kwargs)
    if not report.ok:
        raise CheckFailed(
            f"{fn_name}, case {case}: {name} does not match the numerical gradient of your "
            f"own function.\n{report}"
        )


def _passed(fn_name, what, n):
    print(f"✓ {fn_name}: {what} on {n} case{'s' if n != 1 else ''}")


# =============================================================================================
# Assignment 1: linear classifiers
# =============================================================================================

# The lecture's three training images (cat, car, frog) and their class scores s = f(x_i, W):
# one row per image, columns = classes (cat, car, frog); y_i is each image's true class.
LECTURE_SCORES = np.array([[3.2, 5.1, -1.7], [1.3, 4.9, 2.0], [2.2, 2.5, -3.1]])
LECTURE_Y = np.array([0, 1, 2])
# Hinge losses 2.9, 0 and 12.9 (the lecture's slide), averaged: 15.8 / 3.
LECTURE_SVM_LOSS = 15.8 / 3
LECTURE_SVM_DSCORES = np.array([[-1.0, 1.0, 0.0], [0.0, 0.0, 0.0], [1.0, 1.0, -2.0]]) / 3
# Softmax: the cat image alone has L = -log(0.13) = 2.04; the average over the three images:
LECTURE_SOFTMAX_LOSS = 2.758654710918577
LECTURE_SOFTMAX_DSCORES = (
    np.array(
        [
            [-8.7001746098282684e-01, 8.6904953520826589e-01, 9.6792577456104422e-04],
            [2.5244883478939703e-02, -7.6081835934431297e-02, 5.0836952455491524e-02],
            [4.2465542582674165e-01, 5.7322486673716522e-01, -9.9788029256390676e-01],
        ]
    )
    / 3
)
# A score of 1000 overflows exp() unless each row is shifted by its maximum first:
# L = -log(e^1000 / (e^1000 + e^999 + e^990)) = log(1 + e^-1 + e^-10).
LARGE_SCORES = np.array([[1000.0, 999.0, 990.0]])
LARGE_Y = np.array([0])
LARGE_SOFTMAX_LOSS = 0.3132948769755688
LARGE_SOFTMAX_DSCORES = np.array(
    [[-2.6896568440486723e-01, 2.6893249549828524e-01, 3.3188906581985218e-05]]
)


def _small_problem(seed=0, N=7, D=5, C=4):
    """A random linear-classifier problem with every hinge margin away from its kink."""
    rng = np.random.default_rng(seed)
    while True:
        X = rng.standard_normal((N, D))
        W = 0.5 * rng.standard_normal((D, C))
        y = rng.integers(0, C, size=N)
        s = X @ W
        margins = s - s[np.arange(N), y][:, None] + 1
        margins[np.arange(N), y] = 1.0
        if np.all(np.abs(margins) > 1e-3):
            return W, X, y


def visible_weight_cases():
    """{label: (W, X, y, reg)} used by the visible checks of the losses of W."""
    W, X, y = _small_problem()
    return {
        "lecture example, reg=0": (LECTURE_SCORES.copy(), np.eye(3), LECTURE_Y.copy(), 0.0),
        "lecture example, reg=0.1": (LECTURE_SCORES.copy(), np.eye(3), LECTURE_Y.copy(), 0.1),
        "W = 0 (N=5, D=4, C=3)": (
            np.zeros((4, 3)),
            np.ones((5, 4)),
            np.array([0, 1, 2, 0, 1]),
            0.0,
        ),
        "random N=7, D=5, C=4, reg=0.3": (W, X, y, 0.3),
        "large scores (1000, 999, 990)": (
            LARGE_SCORES.copy(),
            np.ones((1, 1)),
            LARGE_Y.copy(),
            0.0,
        ),
    }


def visible_score_cases():
    """{label: (scores, y)} used by the visible checks of the data losses of scores."""
    return {
        "lecture example": (LECTURE_SCORES.copy(), LECTURE_Y.copy()),
        "all scores 0 (N=4, C=5)": (np.zeros((4, 5)), np.array([0, 4, 2, 2])),
        "large scores": (LARGE_SCORES.copy(), LARGE_Y.copy()),
    }


def check_linear_scores(linear_scores):
    """scores = X W (+ b): shapes and two small cases worked out by hand."""
    X = np.array([[1.0, 2.0], [0.0, -1.0], [3.0, 0.5]])
    W = np.array([[1.0, 0.0, -1.0], [2.0, 1.0, 0.5]])
    b = np.array([0.5, -1.0, 2.0])
    XW = np.array([[5.0, 2.0, 0.0], [-2.0, -1.0, -0.5], [4.0, 0.5, -2.75]])
    _close(
        "linear_scores",
        "X (3, 2), W (2, 3), b=None",
        "scores",
        _call(linear_scores, "linear_scores", "b=None", X, W),
        XW,
    )
    _close(
        "linear_scores",
        "X (3, 2), W (2, 3), b (3,)",
        "scores",
        _call(linear_scores, "linear_scores", "with b", X, W, b),
        XW + b,
    )
    x1 = np.array([[2.0, -1.0]])
    _close(
        "linear_scores",
        "a single example (N=1)",
        "scores",
        _call(linear_scores, "linear_scores", "N=1", x1, W, b),
        np.array([[0.5, -2.0, -0.5]]),
    )
    _passed("linear_scores", "scores match", 3)


def _loss_of_W_value(fn, fn_name, kind):
    cases = visible_weight_cases()
    W, X, y, _ = cases["lecture example, reg=0"]
    lecture = LECTURE_SVM_LOSS if kind == "svm" else LECTURE_SOFTMAX_LOSS
    loss, _ = _unpack(_call(fn, fn_name, "lecture", W, X, y, 0.0), fn_name, ("loss", "dW"))
    _close(
        fn_name,
        "lecture example (X = I so the scores are W), reg=0",
        "loss",
        loss,
        lecture,
        sizes={"N": 3, "C": 3},
    )
    W, X, y, _ = cases["W = 0 (N=5, D=4, C=3)"]
    at_zero = 2.0 if kind == "svm" else np.log(3)
    loss, _ = _unpack(_call(fn, fn_name, "W = 0", W, X, y, 0.0), fn_name, ("loss", "dW"))
    _close(
        fn_name,
        "W = 0: every score is 0, so the loss is "
        + ("C - 1 = 2" if kind == "svm" else "log C = log 3"),
        "loss",
        loss,
        at_zero,
        sizes={"N": 5, "C": 3},
    )
    W, X, y, reg = cases["lecture example, reg=0.1"]
    loss, _ = _unpack(_call(fn, fn_name, "reg", W, X, y, reg), fn_name, ("loss", "dW"))
    _close(
        fn_name,
        "lecture example, reg=0.1 (adds reg * sum(W**2))",
        "loss",
        loss,
        lecture + reg * np.sum(W**2),
        reg_term=reg * np.sum(W**2),
        sizes={"N": 3, "C": 3},
    )
    n = 3
    if kind == "softmax":
        W, X, y, reg = cases["large scores (1000, 999, 990)"]
        loss, _ = _unpack(_call(fn, fn_name, "large", W, X, y, reg), fn_name, ("loss", "dW"))
        _close(
            fn_name,
            "scores (1000, 999, 990): exp(1000) overflows unless the scores are "
            "shifted by their maximum",
            "loss",
            loss,
            LARGE_SOFTMAX_LOSS,
        )
        n += 1
    _passed(fn_name, "loss matches", n)


def _loss_of_W_gradient(fn, fn_name, kind):
    cases = visible_weight_cases()
    dscores = LECTURE_SVM_DSCORES if kind == "svm" else LECTURE_SOFTMAX_DSCORES
    W, X, y, reg = cases["lecture example, reg=0.1"]
    _, dW = _unpack(_call(fn, fn_name, "lecture", W, X, y, reg), fn_name, ("loss", "dW"))
    # X = I, so dW = X^T dscores + 2 reg W = dscores + 2 reg W
    _close(
        fn_name,
        "lecture example (X = I), reg=0.1",
        "dW",
        dW,
        dscores + 2 * reg * W,
        reg_term=2 * reg * W,
        sizes={"N": 3, "C": 3, "D": 3},
    )
    W, X, y, reg = cases["random N=7, D=5, C=4, reg=0.3"]
    _, dW = _unpack(_call(fn, fn_name, "random", W, X, y, reg), fn_name, ("loss", "dW"))

    def f(Wp):
        with _quiet():
            return fn(Wp, X.copy(), y.copy(), reg)[0]

    _gradient(
        fn_name,
        "random N=7, D=5, C=4, reg=0.3",
        f,
        W,
        dW,
        "dW",
        reg_term=2 * reg * W,
        sizes={"N": 7, "C": 4, "D": 5},
    )
    _passed(fn_name, "dW matches (known answer and numerical gradient)", 2)


def _loss_of_scores_value(fn, fn_name, kind):
    cases = visible_score_cases()
    s, y = cases["lecture example"]
    lecture = LECTURE_SVM_LOSS if kind == "svm" else LECTURE_SOFTMAX_LOSS
    loss, _ = _unpack(_call(fn, fn_name, "lecture", s, y), fn_name, ("loss", "dscores"))
    _close(fn_name, "lecture example", "loss", loss, lecture, sizes={"N": 3, "C": 3})
    s, y = cases["all scores 0 (N=4, C=5)"]
    loss, _ = _unpack(_call(fn, fn_name, "zeros", s, y), fn_name, ("loss", "dscores"))
    _close(
        fn_name,
        "all scores 0: the loss is " + ("C - 1 = 4" if kind == "svm" else "log C = log 5"),
        "loss",
        loss,
        4.0 if kind == "svm" else np.log(5),
        sizes={"N": 4, "C": 5},
    )
    n = 2
    if kind == "softmax":
        s, y = cases["large scores"]
        loss, _ = _unpack(_call(fn, fn_name, "large", s, y), fn_name, ("loss", "dscores"))
        _close(
            fn_name,
            "scores (1000, 999, 990): exp(1000) overflows unless each row is "
            "shifted by its maximum",
            "loss",
            loss,
            LARGE_SOFTMAX_LOSS,
        )
        n += 1
    _passed(fn_name, "loss matches", n)


def _loss_of_scores_gradient(fn, fn_name, kind):
    cases = visible_score_cases()
    s, y = cases["lecture example"]
    _, ds = _unpack(_call(fn, fn_name, "lecture", s, y), fn_name, ("loss", "dscores"))
    _close(
        fn_name,
        "lecture example",
        "dscores",
        ds,
        LECTURE_SVM_DSCORES if kind == "svm" else LECTURE_SOFTMAX_DSCORES,
        sizes={"N": 3, "C": 3},
    )
    n = 1
    if kind == "softmax":
        s, y = cases["large scores"]
        _, ds = _unpack(_call(fn, fn_name, "large", s, y), fn_name, ("loss", "dscores"))
        _close(fn_name, "scores (1000, 999, 990)", "dscores", ds, LARGE_SOFTMAX_DSCORES, atol=1e-12)
        n += 1
    W, X, y = _small_problem(seed=1)
    s = X @ W
    _, ds = _unpack(_call(fn, fn_name, "random", s, y), fn_name, ("loss", "dscores"))

    def f(sp):
        with _quiet():
            return fn(sp, y.copy())[0]

    _gradient(fn_name, "random N=7, C=4", f, s, ds, "dscores", sizes={"N": 7, "C": 4})
    _passed(fn_name, "dscores matches (known answers and numerical gradient)", n + 1)


def check_svm_loss_naive_value(svm_loss_naive):
    _loss_of_W_value(svm_loss_naive, "svm_loss_naive", "svm")


def check_svm_loss_naive_dW(svm_loss_naive):
    _loss_of_W_gradient(svm_loss_naive, "svm_loss_naive", "svm")


def check_svm_loss_vectorized_value(svm_loss_vectorized):
    _loss_of_W_value(svm_loss_vectorized, "svm_loss_vectorized", "svm")


def check_svm_loss_vectorized_dW(svm_loss_vectorized):
    _loss_of_W_gradient(svm_loss_vectorized, "svm_loss_vectorized", "svm")


def check_softmax_loss_naive_value(softmax_loss_naive):
    _loss_of_W_value(softmax_loss_naive, "softmax_loss_naive", "softmax")


def check_softmax_loss_naive_dW(softmax_loss_naive):
    _loss_of_W_gradient(softmax_loss_naive, "softmax_loss_naive", "softmax")


def check_softmax_loss_vectorized_value(softmax_loss_vectorized):
    _loss_of_W_value(softmax_loss_vectorized, "softmax_loss_vectorized", "softmax")


def check_softmax_loss_vectorized_dW(softmax_loss_vectorized):
    _loss_of_W_gradient(softmax_loss_vectorized, "softmax_loss_vectorized", "softmax")


def check_svm_loss_value(svm_loss):
    _loss_of_scores_value(svm_loss, "svm_loss", "svm")


def check_svm_loss_dscores(svm_loss):
    _loss_of_scores_gradient(svm_loss, "svm_loss", "svm")


def check_softmax_loss_value(softmax_loss):
    _loss_of_scores_value(softmax_loss, "softmax_loss", "softmax")


def check_softmax_loss_dscores(softmax_loss):
    _loss_of_scores_gradient(softmax_loss, "softmax_loss", "softmax")


# =============================================================================================
# Assignment 2: activation functions
# =============================================================================================

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


def _forward_pair(fn, name, case, *args, **kwargs):
    result = _call(fn, name, case, *args, **kwargs)
    return _unpack(result, name, ("out", "cache"))


def _random_away_from_zero(shape, seed):
    x = 2.0 * np.random.default_rng(seed).standard_normal(shape)
    return np.where(np.abs(x) < 0.05, 0.5, x)


def check_activation_forward(forward, act):
    """forward(x) -> (out, cache): hand-worked values, large |x|, any shape."""
    name = f"{act}_forward"
    out, _ = _forward_pair(forward, name, "known values", A2_FORWARD_X)
    _close(name, f"x = {np.round(A2_FORWARD_X, 4).tolist()}", "out", out, A2_FORWARD_OUT[act])
    out, _ = _forward_pair(forward, name, "large |x|", A2_LARGE_X)
    _close(
        name,
        "x = [-1000, 1000] (exp overflows: the result must still be finite)",
        "out",
        out,
        A2_LARGE_OUT[act],
    )
    x3 = A2_FORWARD_X[:4].reshape(2, 2, 1)
    out, _ = _forward_pair(forward, name, "3-D x", x3)
    _close(
        name,
        "x of shape (2, 2, 1): out keeps x's shape",
        "out",
        out,
        A2_FORWARD_OUT[act][:4].reshape(2, 2, 1),
    )
    n = 3
    if act in ("leaky_relu", "elu"):
        alpha = 0.3
        out, _ = _forward_pair(forward, name, "alpha", A2_FORWARD_X, alpha=alpha)
        default = 0.1 if act == "leaky_relu" else 1.0
        expected = np.where(
            A2_FORWARD_X > 0, A2_FORWARD_OUT[act], A2_FORWARD_OUT[act] * alpha / default
        )
        _close(name, f"alpha={alpha}", "out", out, expected)
        n += 1
    _passed(name, "out matches", n)


def check_activation_backward(forward, backward, act):
    """backward(dout, cache) -> dx: hand-worked local gradients and a numerical check."""
    name = f"{act}_backward"
    _, cache = _forward_pair(forward, f"{act}_forward", "known", A2_BACKWARD_X)
    dout = np.array([1.0, -2.0, 0.5, 3.0])
    dx = _call(backward, name, "known", dout, cache)
    _close(
        name,
        f"x = {np.round(A2_BACKWARD_X, 4).tolist()}, dout = {dout.tolist()} "
        "(dx = dout * local gradient)",
        "dx",
        dx,
        dout * A2_BACKWARD_LOCAL[act],
    )
    x = _random_away_from_zero((3, 4), seed=7)
    dout = np.random.default_rng(8).standard_normal((3, 4))
    _, cache = _forward_pair(forward, f"{act}_forward", "random", x)
    dx = _call(backward, name, "random", dout, cache)

    def f(xp):
        with _quiet():
            return forward(xp)[0]

    _gradient(name, "random x of shape (3, 4)", f, x, dx, "dx", dout=dout)
    _passed(name, "dx matches (known local gradients and numerical gradient)", 2)


def _maxout_random():
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


def _maxout_known():
    x = np.array([[1.0, 2.0], [3.0, -1.0]])
    W1, b1 = np.array([[1.0], [0.0]]), np.array([0.0])
    W2, b2 = np.array([[0.0], [1.0]]), np.array([-0.5])
    # pieces: s1 = x W1 + b1 = [[1], [3]], s2 = x W2 + b2 = [[1.5], [-1.5]]
    return x, W1, b1, W2, b2


def check_maxout_forward(maxout_forward):
    x, W1, b1, W2, b2 = _maxout_known()
    out, _ = _forward_pair(maxout_forward, "maxout_forward", "known", x, W1, b1, W2, b2)
    _close(
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
    out, _ = _forward_pair(maxout_forward, "maxout_forward", "shape", *args)
    if np.shape(out) != (5, 4):
        raise CheckFailed(
            f"maxout_forward: out should have shape (N, M) = (5, 4), got {np.shape(out)}."
        )
    _passed("maxout_forward", "out matches", 2)


def check_maxout_backward(maxout_forward, maxout_backward):
    x, W1, b1, W2, b2 = _maxout_known()
    _, cache = _forward_pair(maxout_forward, "maxout_forward", "known", x, W1, b1, W2, b2)
    grads = _unpack(
        _call(maxout_backward, "maxout_backward", "known", np.ones((2, 1)), cache),
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
        _close("maxout_backward", "the known case, dout = 1", g, got, exp)
    args, dout = _maxout_random()
    _, cache = _forward_pair(maxout_forward, "maxout_forward", "random", *args)
    grads = _unpack(
        _call(maxout_backward, "maxout_backward", "random", dout, cache),
        "maxout_backward",
        ("dx", "dW1", "db1", "dW2", "db2"),
    )
    for a, (g, got) in enumerate(zip(("dx", "dW1", "db1", "dW2", "db2"), grads, strict=True)):

        def f(v, a=a):
            full = [arr.copy() for arr in args]
            full[a] = v
            with _quiet():
                return maxout_forward(*full)[0]

        _gradient("maxout_backward", "random N=4, D=3, M=2", f, args[a], got, g, dout=dout)
    _passed(
        "maxout_backward", "dx, dW1, db1, dW2, db2 match (known case and numerical gradient)", 2
    )


# =============================================================================================
# Assignment 3: forward passes of fully connected nets
# =============================================================================================

# A net small enough to run by hand: X = [[1, 1], [-1, 0.6]], D = 2, H1 = 3, (H2 = 2,) C = 2.
# Two layers:  X W1 + b1 = [[3, 0.5, -1], [0.2, 2.1, -1.6]], ReLU -> [[3, 0.5, 0], [0.2, 2.1, 0]],
#              then W2, b2 -> scores [[3.1, 0.4], [0.3, 2.0]].
# Three layers: ReLU of those -> W3, b3 -> scores [[6.4, -1.7], [1.6, 2.7]].
# No pre-activation is 0, so no gradient here depends on the convention at the ReLU kink.
NET_X = np.array([[1.0, 1.0], [-1.0, 0.6]])
NET_PARAMS = {
    "W1": np.array([[1.0, -1.0, 0.5], [2.0, 1.0, -1.0]]),
    "b1": np.array([0.0, 0.5, -0.5]),
    "W2": np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 2.0]]),
    "b2": np.array([0.1, -0.1]),
    "W3": np.array([[2.0, -1.0], [0.5, 1.0]]),
    "b3": np.array([0.0, 1.0]),
}
NET_SCORES = {
    "TwoLayerNet": np.array([[3.1, 0.4], [0.3, 2.0]]),
    "ThreeLayerNet": np.array([[6.4, -1.7], [1.6, 2.7]]),
}


def visible_net_cases(cls_name):
    """{label: (params, X)} of the visible scores tests (ReLU)."""
    names = ["W1", "b1", "W2", "b2"] + (["W3", "b3"] if cls_name == "ThreeLayerNet" else [])
    params = {n: NET_PARAMS[n].copy() for n in names}
    return {"the small net worked out by hand": (params, NET_X.copy())}


def _construct(cls, cls_name, *args, **kwargs):
    if not callable(cls):
        raise CheckFailed(f"{cls_name} is not defined; run the cell that defines the class.")
    with _quiet():
        return cls(*args, **kwargs)


def _dims_text(cls_name):
    return "(D, H, C)" if cls_name == "TwoLayerNet" else "(D, (H1, H2), C)"


def check_net_init(cls, cls_name):
    """Constructor: params keys and shapes, zero biases, weight scale, seed, reg, activation."""
    hidden = 30 if cls_name == "TwoLayerNet" else (30, 20)
    dims = [20, *np.atleast_1d(hidden).tolist(), 4]
    net = _construct(cls, cls_name, 20, hidden, 4, weight_scale=0.01, reg=0.25, seed=0)
    params = getattr(net, "params", None)
    names = [f"{p}{k}" for k in range(1, len(dims)) for p in ("W", "b")]
    if not isinstance(params, dict) or sorted(params) != sorted(names):
        raise CheckFailed(
            f"{cls_name}: net.params should be a dict with the keys {names}, got "
            f"{sorted(params) if isinstance(params, dict) else type(params).__name__}."
        )
    for k in range(1, len(dims)):
        W, b = np.asarray(params[f"W{k}"]), np.asarray(params[f"b{k}"])
        if W.shape != (dims[k - 1], dims[k]):
            raise CheckFailed(
                f"{cls_name}{_dims_text(cls_name)} = {cls_name}(20, {hidden}, 4): W{k} "
                f"should have shape {(dims[k - 1], dims[k])} (fan-in, fan-out: rows "
                f"are examples, h = x W), got {W.shape}."
            )
        if b.shape != (dims[k],) or np.any(b != 0):
            raise CheckFailed(
                f"{cls_name}: b{k} should be zeros of shape {(dims[k],)}, got "
                f"shape {b.shape}"
                + (" with nonzero entries" if b.shape == (dims[k],) else "")
                + "."
            )
        if not 0.5 * 0.01 < W.std() < 1.5 * 0.01:
            raise CheckFailed(
                f"{cls_name}: with weight_scale=0.01 the entries of W{k} should have "
                f"standard deviation about 0.01, got {W.std():.3g}. Use "
                f"weight_scale * rng.standard_normal(shape)."
            )
    again = _construct(cls, cls_name, 20, hidden, 4, weight_scale=0.01, reg=0.25, seed=0)
    if not all(np.array_equal(again.params[n], params[n]) for n in names):
        raise CheckFailed(
            f"{cls_name}: two nets built with seed=0 differ. Draw the weights "
            f"from rng = np.random.default_rng(seed)."
        )
    if getattr(net, "reg", None) != 0.25 or getattr(net, "activation", None) != "relu":
        raise CheckFailed(
            f"{cls_name}: net.reg and net.activation should hold the constructor's "
            f"values (0.25 and the default 'relu'), got {getattr(net, 'reg', None)!r} "
            f"and {getattr(net, 'activation', None)!r}."
        )
    _passed(cls_name, "params, shapes, scale, seed, reg and activation are right", 1)


def check_net_scores(cls, cls_name):
    """loss(X) with y=None returns the scores: the small net worked out by hand, and shapes."""
    ((params, X),) = visible_net_cases(cls_name).values()
    hidden = 3 if cls_name == "TwoLayerNet" else (3, 2)
    net = _construct(cls, cls_name, 2, hidden, 2, seed=0)
    for name, value in params.items():
        net.params[name] = value
    scores = _call(net.loss, f"{cls_name}.loss", "by hand", X)
    _close(
        f"{cls_name}.loss(X)",
        "the small net worked out by hand (see autograder/checks.py)",
        "scores",
        scores,
        NET_SCORES[cls_name],
    )
    hidden = 7 if cls_name == "TwoLayerNet" else (7, 5)
    net = _construct(cls, cls_name, 6, hidden, 3, weight_scale=0.1, seed=1)
    scores = _call(net.loss, f"{cls_name}.loss", "shape", np.ones((1, 6)))
    if np.shape(scores) != (1, 3):
        raise CheckFailed(
            f"{cls_name}.loss(X) for X of shape (1, 6) and C = 3 classes should "
            f"return scores of shape (1, 3), got {np.shape(scores)}."
        )
    _passed(f"{cls_name}.loss(X)", "scores match", 2)


# =============================================================================================
# Assignment 4: backpropagation
# =============================================================================================


def _values(fn_name, pairs):
    """Compare named numbers or lists with the lecture's values, in order."""
    for name, got, expected in pairs:
        if isinstance(got, (list, tuple)):
            try:
                got = np.array(got, dtype=float)
            except (TypeError, ValueError):
                pass  # assert_close names what came
        _close(
            fn_name,
            "the lecture's example",
            name,
            got,
            np.asarray(expected, dtype=float),
            rtol=1e-6,
            atol=1e-9,
        )


def _lookup(ns, names):
    """The notebook variables `names` from the namespace ns (the notebook's globals())."""
    missing = [n for n in names if n not in ns]
    if missing:
        raise NotImplementedError(
            f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} not defined yet: "
            f"complete the cell above (it still raises NotImplementedError) and run it."
        )
    return [ns[n] for n in names]


def check_graph_add_mul(ns):
    """f = (x + y) z at x = -2, y = 5, z = -4: q = 3, f = -12."""
    dfdx, dfdy, dfdz = _lookup(ns, ("dfdx", "dfdy", "dfdz"))
    _values("f = (x + y) z", [("dfdz", dfdz, 3.0), ("dfdx", dfdx, -4.0), ("dfdy", dfdy, -4.0)])
    _passed("f = (x + y) z", "dfdx, dfdy, dfdz match", 1)


def check_sigmoid_neuron(ns):
    """The lecture's neuron: w = [2, -3, -3], x = [-1, -2], f = 0.73, dw = [-0.2, -0.39, 0.2]."""
    dw, dx = _lookup(ns, ("dw", "dx"))
    ddot = 0.19661193324148185  # (1 - f) f at dot = 1
    _values(
        "sigmoid neuron", [("dw", dw, [-ddot, -2 * ddot, ddot]), ("dx", dx, [2 * ddot, -3 * ddot])]
    )
    _passed("sigmoid neuron", "dw and dx match", 1)


def check_gates(ns):
    """f = 2 (x y + max(z, w)) at x=3, y=-4, z=2, w=-1; g = a b + a at a=2, b=3."""
    grad_x, grad_y, grad_z, grad_w, grad_a, grad_b = _lookup(
        ns, ("grad_x", "grad_y", "grad_z", "grad_w", "grad_a", "grad_b")
    )
    _values(
        "gates",
        [
            ("grad_x", grad_x, -8.0),
            ("grad_y", grad_y, 6.0),
            ("grad_z", grad_z, 2.0),
            ("grad_w", grad_w, 0.0),
            ("grad_a", grad_a, 4.0),
            ("grad_b", grad_b, 2.0),
        ],
    )
    _passed("gates", "add distributes, mul swaps, max routes, copy adds", 1)


STAGED_DX = 2.0595697955721652
STAGED_DY = 1.5922327514838093


def check_staged(ns):
    """f = (x + sigma(y)) / (sigma(x) + (x + y)^2) at x = 3, y = -4."""
    dx, dy = _lookup(ns, ("dx", "dy"))
    _values("staged backprop", [("dx", dx, STAGED_DX), ("dy", dy, STAGED_DY)])
    _passed("staged backprop", "dx and dy match", 1)


def visible_affine_cases():
    """{label: (x, W, b, dout)} of the visible affine tests."""
    rng = np.random.default_rng(11)
    return {
        "x (2, 3) worked out by hand": (
            np.array([[1.0, 0.0, -1.0], [2.0, 1.0, 0.5]]),
            np.array([[1.0, 2.0], [0.0, 1.0], [-1.0, 0.5]]),
            np.array([0.5, -0.5]),
            np.array([[1.0, 0.0], [0.0, 2.0]]),
        ),
        "x (4, 2, 3) flattened to (4, 6)": (
            rng.standard_normal((4, 2, 3)),
            rng.standard_normal((6, 5)),
            rng.standard_normal(5),
            rng.standard_normal((4, 5)),
        ),
    }


def check_affine_forward(affine_forward):
    (x, W, b, _), (x3, W3, b3, _) = visible_affine_cases().values()
    out, _ = _forward_pair(affine_forward, "affine_forward", "by hand", x, W, b)
    # x W = [[2, 1.5], [1.5, 5.25]], plus b
    _close(
        "affine_forward",
        "x (2, 3), W (3, 2), b (2,)",
        "out",
        out,
        np.array([[2.5, 1.0], [2.0, 4.75]]),
    )
    out, _ = _forward_pair(affine_forward, "affine_forward", "3-D x", x3, W3, b3)
    if np.shape(out) != (4, 5):
        raise CheckFailed(
            f"affine_forward: x of shape (4, 2, 3) is 4 examples of 6 numbers; "
            f"with W (6, 5) out should have shape (4, 5), got {np.shape(out)}. "
            f"Flatten each example: x.reshape(x.shape[0], -1)."
        )
    _passed("affine_forward", "out matches", 2)


def check_affine_backward(affine_forward, affine_backward):
    (x, W, b, dout), (x3, W3, b3, dout3) = visible_affine_cases().values()
    _, cache = _forward_pair(affine_forward, "affine_forward", "by hand", x, W, b)
    grads = _unpack(
        _call(affine_backward, "affine_backward", "by hand", dout, cache),
        "affine_backward",
        ("dx", "dW", "db"),
    )
    # dx = dout W^T, dW = x^T dout, db = dout summed over the examples
    expected = (
        np.array([[1.0, 0.0, -1.0], [4.0, 2.0, 1.0]]),
        np.array([[1.0, 4.0], [0.0, 2.0], [-1.0, 1.0]]),
        np.array([1.0, 2.0]),
    )
    for name, got, exp in zip(("dx", "dW", "db"), grads, expected, strict=True):
        _close("affine_backward", "x (2, 3) worked out by hand", name, got, exp, sizes={"N": 2})
    _, cache = _forward_pair(affine_forward, "affine_forward", "3-D x", x3, W3, b3)
    grads = _unpack(
        _call(affine_backward, "affine_backward", "3-D x", dout3, cache),
        "affine_backward",
        ("dx", "dW", "db"),
    )
    args = [x3, W3, b3]
    for a, (name, got) in enumerate(zip(("dx", "dW", "db"), grads, strict=True)):

        def f(v, a=a):
            full = [arr.copy() for arr in args]
            full[a] = v
            with _quiet():
                return affine_forward(*full)[0]

        _gradient("affine_backward", "x of shape (4, 2, 3)", f, args[a], got, name, dout=dout3)
    _passed("affine_backward", "dx (with x's shape), dW, db match", 2)


NET_Y = np.array([0, 1])
NET_REG = 0.1
# loss and grads of the small net above with labels NET_Y and reg = 0.1
NET_LOSS = {"TwoLayerNet": 1.6414147955814284, "ThreeLayerNet": 2.2938194090974133}
NET_GRADS = {
    "TwoLayerNet": {
        "W1": [
            [0.09128068942973441, -0.09128068942973439, 0.1],
            [0.4148529014965622, 0.18514709850343783, -0.2],
        ],
        "b1": [0.0457459545132691, -0.04574595451326913, 0.0],
        "W2": [
            [0.12098649242285874, 0.07901350757714128],
            [0.14644518932346232, 0.05355481067653764],
            [-0.2, 0.4],
        ],
        "b2": [0.0457459545132691, -0.04574595451326913],
    },
    "ThreeLayerNet": {
        "W1": [
            [-0.17506501215236675, -0.1374891646412722, 0.1],
            [0.6243107344193508, 0.16261487759677493, -0.2],
        ],
        "b1": [0.3741546710622802, -0.06235911184371332, 0.0],
        "W2": [
            [0.2735564566863348, -0.01225940944772235],
            [0.7864530821028577, 0.06892448631619044],
            [-0.2, 0.4],
        ],
        "b2": [0.3741546710622802, -0.06235911184371332],
        "W3": [
            [0.4369906412641877, -0.23699064126418753],
            [0.3496792049988766, -0.04967920499887651],
        ],
        "b3": [0.12471822368742676, -0.1247182236874267],
    },
}


def visible_net_loss_cases(cls_name):
    """{label: (params, X, y, reg)} of the visible loss/gradient tests."""
    ((params, X),) = visible_net_cases(cls_name).values()
    W, X2, y2 = _small_problem(seed=4, N=6, D=3, C=3)
    rng = np.random.default_rng(4)
    dims = [3, 5, 3] if cls_name == "TwoLayerNet" else [3, 5, 4, 3]
    random_params = {}
    for k in range(1, len(dims)):
        random_params[f"W{k}"] = rng.standard_normal((dims[k - 1], dims[k])) / np.sqrt(dims[k - 1])
        random_params[f"b{k}"] = 0.1 + 0.1 * rng.random(dims[k])
    return {
        "the small net worked out by hand, reg=0.1": (params, X, NET_Y.copy(), NET_REG),
        "random net, reg=0.05": (random_params, X2, y2, 0.05),
    }


def _net_for(cls, cls_name, params, reg):
    dims = [params["W1"].shape[0]] + [
        params[f"W{k}"].shape[1] for k in range(1, len(params) // 2 + 1)
    ]
    hidden = dims[1] if len(dims) == 3 else tuple(dims[1:-1])
    net = _construct(cls, cls_name, dims[0], hidden, dims[-1], reg=reg, seed=0)
    for name, value in params.items():
        net.params[name] = value.copy()
    return net


def check_net_loss(cls, cls_name):
    """loss(X, y): the small net by hand, log C at zero weights, the regularization term."""
    (params, X, y, reg), _ = visible_net_loss_cases(cls_name).values()
    net = _net_for(cls, cls_name, params, reg)
    result = _unpack(
        _call(net.loss, f"{cls_name}.loss", "by hand", X, y), f"{cls_name}.loss", ("loss", "grads")
    )
    reg_loss = reg * sum(np.sum(v**2) for n, v in params.items() if n.startswith("W"))
    _close(
        f"{cls_name}.loss(X, y)",
        "the small net, reg=0.1",
        "loss",
        result[0],
        NET_LOSS[cls_name],
        reg_term=reg_loss,
        sizes={"N": 2, "C": 2},
    )
    zeros = {n: np.zeros_like(v) for n, v in params.items()}
    net = _net_for(cls, cls_name, zeros, reg)
    loss, _ = _unpack(
        _call(net.loss, f"{cls_name}.loss", "zeros", X, y), f"{cls_name}.loss", ("loss", "grads")
    )
    _close(
        f"{cls_name}.loss(X, y)",
        "all parameters 0: the loss is log C = log 2",
        "loss",
        loss,
        np.log(2),
    )
    _passed(f"{cls_name}.loss(X, y)", "loss matches", 2)


def check_net_grads(cls, cls_name):
    """grads of loss(X, y): the small net by hand and a numerical check of every parameter."""
    cases = visible_net_loss_cases(cls_name)
    (params, X, y, reg), (rparams, rX, ry, rreg) = cases.values()
    net = _net_for(cls, cls_name, params, reg)
    _, grads = _unpack(
        _call(net.loss, f"{cls_name}.loss", "by hand", X, y), f"{cls_name}.loss", ("loss", "grads")
    )
    if not isinstance(grads, dict) or sorted(grads) != sorted(params):
        raise CheckFailed(
            f"{cls_name}.loss(X, y) should return grads as a dict keyed like "
            f"params {sorted(params)}, got "
            f"{sorted(grads) if isinstance(grads, dict) else type(grads).__name__}."
        )
    for name in params:
        reg_term = 2 * reg * params[name] if name.startswith("W") else None
        _close(
            f"{cls_name}.loss(X, y)",
            "the small net, reg=0.1",
            f"grads['{name}']",
            grads[name],
            np.array(NET_GRADS[cls_name][name]),
            reg_term=reg_term,
            sizes={"N": 2},
        )
    net = _net_for(cls, cls_name, rparams, rreg)
    _, grads = _unpack(
        _call(net.loss, f"{cls_name}.loss", "random", rX, ry), f"{cls_name}.loss", ("loss", "grads")
    )
    for name in rparams:

        def f(v, name=name):
            for other, value in rparams.items():
                net.params[other] = value.copy()
            net.params[name] = v
            with _quiet():
                return net.loss(rX, ry)[0]

        _gradient(
            f"{cls_name}.loss(X, y)",
            "random net, reg=0.05",
            f,
            rparams[name],
            np.asarray(grads[name]),
            f"grads['{name}']",
            reg_term=2 * rreg * rparams[name] if name.startswith("W") else None,
        )
    _passed(f"{cls_name}.loss(X, y)", "every gradient matches (by hand and numerically)", 2)


def check_trained(ns, name, X, y, threshold, what):
    """The trained net called `name` in ns classifies at least `threshold` of (X, y) correctly."""
    (net,) = _lookup(ns, (name,))
    scores = _call(net.loss, f"{name}.loss", what, X)
    if np.shape(scores) != (len(y), int(y.max()) + 1):
        raise CheckFailed(
            f"{name}.loss(X) should return scores of shape "
            f"{(len(y), int(y.max()) + 1)}, got {np.shape(scores)}."
        )
    accuracy = float(np.mean(np.argmax(scores, axis=1) == y))
    if not accuracy >= threshold:
        raise CheckFailed(
            f"{name} classifies {accuracy:.1%} of {what} correctly; at least "
            f"{threshold:.0%} is required. Check the gradients first, then tune the "
            f"hidden size, learning rate, regularization and number of steps."
        )
    print(f"✓ {name}: accuracy on {what} {accuracy:.1%} (at least {threshold:.0%} required)")
