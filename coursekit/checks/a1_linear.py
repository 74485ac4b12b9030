"""Visible checks of assignment 1 (linear classifiers): linear scores, SVM and softmax losses.

Expected values are written out (the lecture's three images, C - 1 and log C at W = 0, the
scores (1000, 999, 990)); gradients are also checked against numerical gradients of the
student's own loss.
"""

import numpy as np

from coursekit.checks.harness import (
    blaming,
    call,
    close,
    gradient,
    margins_clear,
    passed,
    quiet,
    unpack,
    visible_check,
)

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
# A score of 1000 overflows exp() unless each row is shifted by its own maximum; the second
# row (its negation) underflows to 0/0 when every row is shifted by the largest score of all:
# L_1 = -log(e^1000 / (e^1000 + e^999 + e^990)) = log(1 + e^-1 + e^-10),
# L_2 = -log(e^-1000 / (e^-1000 + e^-999 + e^-990)) = 10 + log(1 + e^-9 + e^-10).
LARGE_W, LARGE_X = np.array([[1000.0, 999.0, 990.0]]), np.array([[1.0], [-1.0]])
LARGE_SCORES = LARGE_X @ LARGE_W
LARGE_Y = np.array([0, 0])
LARGE_SOFTMAX_LOSS = 5.156731836231329
LARGE_SOFTMAX_DSCORES = np.array(
    [
        [-0.13448284220243362, 0.13446624774914262, 1.6594453290992606e-05],
        [-0.499977303866447, 6.169448741333957e-05, 0.4999156093790336],
    ]
)
LARGE_SOFTMAX_DW = np.array([[0.3654944616640134, 0.1344045532617293, -0.4998990149257426]])
LARGE = ("scores (1000, 999, 990) and (-1000, -999, -990): exp overflows unless each row is "
         "shifted by its own maximum")


def small_problem(seed=0, N=7, D=5, C=4):
    """A random linear-classifier problem (W, X, y) with every hinge margin away from its kink."""
    rng = np.random.default_rng(seed)
    while True:
        X = rng.standard_normal((N, D))
        W = 0.5 * rng.standard_normal((D, C))
        y = rng.integers(0, C, size=N)
        if margins_clear(X @ W, y):
            return W, X, y


def visible_weight_cases():
    """{label: (W, X, y, reg)} used by the visible checks of the losses of W."""
    W, X, y = small_problem()
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
        "large scores (1000, 999, 990)": (LARGE_W.copy(), LARGE_X.copy(), LARGE_Y.copy(), 0.0),
    }


def visible_score_cases():
    """{label: (scores, y)} used by the visible checks of the data losses of scores."""
    return {
        "lecture example": (LECTURE_SCORES.copy(), LECTURE_Y.copy()),
        "all scores 0 (N=4, C=5)": (np.zeros((4, 5)), np.array([0, 4, 2, 2])),
        "large scores": (LARGE_SCORES.copy(), LARGE_Y.copy()),
    }


@visible_check
def check_linear_scores(linear_scores):
    """scores = X W (+ b): shapes and two small cases worked out by hand."""
    X = np.array([[1.0, 2.0], [0.0, -1.0], [3.0, 0.5]])
    W = np.array([[1.0, 0.0, -1.0], [2.0, 1.0, 0.5]])
    b = np.array([0.5, -1.0, 2.0])
    XW = np.array([[5.0, 2.0, 0.0], [-2.0, -1.0, -0.5], [4.0, 0.5, -2.75]])
    close(
        "linear_scores",
        "X (3, 2), W (2, 3), b=None",
        "scores",
        call(linear_scores, "linear_scores", "b=None", X, W),
        XW,
    )
    close(
        "linear_scores",
        "X (3, 2), W (2, 3), b (3,)",
        "scores",
        call(linear_scores, "linear_scores", "with b", X, W, b),
        XW + b,
    )
    x1 = np.array([[2.0, -1.0]])
    close(
        "linear_scores",
        "a single example (N=1)",
        "scores",
        call(linear_scores, "linear_scores", "N=1", x1, W, b),
        np.array([[0.5, -2.0, -0.5]]),
    )
    passed("linear_scores", "scores match", 3)


def _loss_of_W_value(fn, fn_name, kind):
    """The loss of a (W, X, y, reg) loss function on the lecture's example and known cases."""
    cases = visible_weight_cases()
    W, X, y, _ = cases["lecture example, reg=0"]
    lecture = LECTURE_SVM_LOSS if kind == "svm" else LECTURE_SOFTMAX_LOSS
    loss, _ = unpack(call(fn, fn_name, "lecture", W, X, y, 0.0), fn_name, ("loss", "dW"))
    close(
        fn_name,
        "lecture example (X = I so the scores are W), reg=0",
        "loss",
        loss,
        lecture,
        sizes={"N": 3, "C": 3},
    )
    W, X, y, _ = cases["W = 0 (N=5, D=4, C=3)"]
    at_zero = 2.0 if kind == "svm" else np.log(3)
    loss, _ = unpack(call(fn, fn_name, "W = 0", W, X, y, 0.0), fn_name, ("loss", "dW"))
    close(
        fn_name,
        "W = 0: every score is 0, so the loss is "
        + ("C - 1 = 2" if kind == "svm" else "log C = log 3"),
        "loss",
        loss,
        at_zero,
        sizes={"N": 5, "C": 3},
    )
    W, X, y, reg = cases["lecture example, reg=0.1"]
    loss, _ = unpack(call(fn, fn_name, "reg", W, X, y, reg), fn_name, ("loss", "dW"))
    close(
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
        loss, _ = unpack(call(fn, fn_name, "large", W, X, y, reg), fn_name, ("loss", "dW"))
        close(fn_name, LARGE, "loss", loss, LARGE_SOFTMAX_LOSS, sizes={"N": 2, "C": 3})
        n += 1
    passed(fn_name, "loss matches", n)


# A hinge margin of exactly 0: scores [1, 0] with y = 0 give s_1 - s_0 + 1 = 0, which counts
# nothing (the hinge counts a margin only when it is > 0): the loss and every gradient are 0.
MARGIN_ZERO = "scores [1, 0], y = 0: a margin of exactly 0 counts nothing (only margins > 0 count)"


def margin_zero_case(of_W):
    """The case of MARGIN_ZERO: (W, X, y, reg) when of_W, else (scores, y)."""
    if of_W:  # X = [[1, 0]], W = [[1, 0], [0, 0]]: the scores are [[1, 0]]
        return np.array([[1.0, 0.0], [0.0, 0.0]]), np.array([[1.0, 0.0]]), np.array([0]), 0.0
    return np.array([[1.0, 0.0]]), np.array([0])


def _check_margin_rule(fn, fn_name, of_W):
    """The SVM's gradient at a margin of exactly 0 is 0 (the stated rule)."""
    args = margin_zero_case(of_W)
    names = ("loss", "dW") if of_W else ("loss", "dscores")
    _, grad = unpack(call(fn, fn_name, "margin 0", *args, derived={}), fn_name, names)
    close(fn_name, MARGIN_ZERO, names[1], grad, np.zeros((2, 2) if of_W else (1, 2)))


def _loss_of_W_gradient(fn, fn_name, kind):
    """The dW of a (W, X, y, reg) loss function against the lecture's and numerical values."""
    cases = visible_weight_cases()
    dscores = LECTURE_SVM_DSCORES if kind == "svm" else LECTURE_SOFTMAX_DSCORES
    W, X, y, reg = cases["lecture example, reg=0.1"]
    _, dW = unpack(call(fn, fn_name, "lecture", W, X, y, reg, derived={}), fn_name,
                   ("loss", "dW"))
    # X = I: each score is one weight (s = W), so dW = dscores + 2 reg W
    close(
        fn_name,
        "lecture example (X = I), reg=0.1",
        "dW",
        dW,
        dscores + 2 * reg * W,
        reg_term=2 * reg * W,
        sizes={"N": 3, "C": 3, "D": 3},
    )
    W, X, y, reg = cases["random N=7, D=5, C=4, reg=0.3"]
    _, dW = unpack(call(fn, fn_name, "random", W, X, y, reg, derived={}), fn_name,
                   ("loss", "dW"))

    def f(Wp):
        """The loss (a float) at weights Wp (D, C), on fresh copies of X and y."""
        with quiet():
            return fn(Wp, X.copy(), y.copy(), reg)[0]

    gradient(
        fn_name,
        "random N=7, D=5, C=4, reg=0.3",
        f,
        W,
        dW,
        "dW",
        reg_term=2 * reg * W,
        sizes={"N": 7, "C": 4, "D": 5},
    )
    n = 2
    if kind == "svm":
        _check_margin_rule(fn, fn_name, of_W=True)
        n += 1
    else:
        W, X, y, reg = cases["large scores (1000, 999, 990)"]
        _, dW = unpack(call(fn, fn_name, "large", W, X, y, reg, derived={}), fn_name,
                       ("loss", "dW"))
        close(fn_name, LARGE, "dW", dW, LARGE_SOFTMAX_DW, atol=1e-12)
        n += 1
    passed(fn_name, "dW matches (known answer" + (", margin rule" if kind == "svm" else
                                                  ", large scores")
           + " and numerical gradient)", n)


def _loss_of_scores_value(fn, fn_name, kind):
    """The loss of a (scores, y) data loss on the lecture's example and known cases."""
    cases = visible_score_cases()
    s, y = cases["lecture example"]
    lecture = LECTURE_SVM_LOSS if kind == "svm" else LECTURE_SOFTMAX_LOSS
    loss, _ = unpack(call(fn, fn_name, "lecture", s, y), fn_name, ("loss", "dscores"))
    close(fn_name, "lecture example", "loss", loss, lecture, sizes={"N": 3, "C": 3})
    s, y = cases["all scores 0 (N=4, C=5)"]
    loss, _ = unpack(call(fn, fn_name, "zeros", s, y), fn_name, ("loss", "dscores"))
    close(
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
        loss, _ = unpack(call(fn, fn_name, "large", s, y), fn_name, ("loss", "dscores"))
        close(fn_name, LARGE, "loss", loss, LARGE_SOFTMAX_LOSS, sizes={"N": 2, "C": 3})
        n += 1
    passed(fn_name, "loss matches", n)


def _loss_of_scores_gradient(fn, fn_name, kind):
    """The dscores of a (scores, y) data loss against the lecture's and numerical values."""
    cases = visible_score_cases()
    s, y = cases["lecture example"]
    _, ds = unpack(call(fn, fn_name, "lecture", s, y, derived={}), fn_name, ("loss", "dscores"))
    close(
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
        _, ds = unpack(call(fn, fn_name, "large", s, y, derived={}), fn_name,
                       ("loss", "dscores"))
        close(fn_name, LARGE, "dscores", ds, LARGE_SOFTMAX_DSCORES, atol=1e-12)
        n += 1
    W, X, y = small_problem(seed=1)
    s = X @ W
    _, ds = unpack(call(fn, fn_name, "random", s, y, derived={}), fn_name, ("loss", "dscores"))

    def f(sp):
        """The data loss (a float) at scores sp (N, C), on a fresh copy of y."""
        with quiet():
            return fn(sp, y.copy())[0]

    gradient(fn_name, "random N=7, C=4", f, s, ds, "dscores", sizes={"N": 7, "C": 4})
    if kind == "svm":
        _check_margin_rule(fn, fn_name, of_W=False)
        n += 1
    passed(fn_name, "dscores matches (known answers" + (", margin rule" if kind == "svm" else "")
           + " and numerical gradient)", n + 1)


@visible_check
def check_svm_loss_naive_value(svm_loss_naive):
    """Visible test: svm_loss_naive's loss."""
    _loss_of_W_value(svm_loss_naive, "svm_loss_naive", "svm")


@visible_check
def check_svm_loss_naive_dW(svm_loss_naive):
    """Visible test: svm_loss_naive's dW."""
    _loss_of_W_gradient(svm_loss_naive, "svm_loss_naive", "svm")


@visible_check
def check_svm_loss_vectorized_value(svm_loss_vectorized):
    """Visible test: svm_loss_vectorized's loss (blaming the functions it calls first)."""
    with blaming("svm_loss_vectorized", *_called(svm_loss_vectorized, "svm", False)):
        _loss_of_W_value(svm_loss_vectorized, "svm_loss_vectorized", "svm")


@visible_check
def check_svm_loss_vectorized_dW(svm_loss_vectorized):
    """Visible test: svm_loss_vectorized's dW (blaming the functions it calls first)."""
    with blaming("svm_loss_vectorized", *_called(svm_loss_vectorized, "svm", True)):
        _loss_of_W_gradient(svm_loss_vectorized, "svm_loss_vectorized", "svm")


@visible_check
def check_softmax_loss_naive_value(softmax_loss_naive):
    """Visible test: softmax_loss_naive's loss."""
    _loss_of_W_value(softmax_loss_naive, "softmax_loss_naive", "softmax")


@visible_check
def check_softmax_loss_naive_dW(softmax_loss_naive):
    """Visible test: softmax_loss_naive's dW."""
    _loss_of_W_gradient(softmax_loss_naive, "softmax_loss_naive", "softmax")


@visible_check
def check_softmax_loss_vectorized_value(softmax_loss_vectorized):
    """Visible test: softmax_loss_vectorized's loss (blaming the functions it calls first)."""
    with blaming("softmax_loss_vectorized", *_called(softmax_loss_vectorized, "softmax", False)):
        _loss_of_W_value(softmax_loss_vectorized, "softmax_loss_vectorized", "softmax")


@visible_check
def check_softmax_loss_vectorized_dW(softmax_loss_vectorized):
    """Visible test: softmax_loss_vectorized's dW (blaming the functions it calls first)."""
    with blaming("softmax_loss_vectorized", *_called(softmax_loss_vectorized, "softmax", True)):
        _loss_of_W_gradient(softmax_loss_vectorized, "softmax_loss_vectorized", "softmax")


@visible_check
def check_svm_loss_value(svm_loss):
    """Visible test: svm_loss's loss on scores."""
    _loss_of_scores_value(svm_loss, "svm_loss", "svm")


@visible_check
def check_svm_loss_dscores(svm_loss):
    """Visible test: svm_loss's dscores."""
    _loss_of_scores_gradient(svm_loss, "svm_loss", "svm")


@visible_check
def check_softmax_loss_value(softmax_loss):
    """Visible test: softmax_loss's loss on scores."""
    _loss_of_scores_value(softmax_loss, "softmax_loss", "softmax")


@visible_check
def check_softmax_loss_dscores(softmax_loss):
    """Visible test: softmax_loss's dscores."""
    _loss_of_scores_gradient(softmax_loss, "softmax_loss", "softmax")


def _called(fn, kind, with_gradient):
    """The checks of the notebook's functions that fn calls (linear_scores, svm_loss or
    softmax_loss), for `blaming`: a vectorized loss fails because of them, not by itself."""
    ns = getattr(fn, "__globals__", {})
    calls = set(getattr(getattr(fn, "__code__", None), "co_names", ()))
    value, grad = {
        "svm": (check_svm_loss_value, check_svm_loss_dscores),
        "softmax": (check_softmax_loss_value, check_softmax_loss_dscores),
    }[kind]
    checks = [("linear_scores", check_linear_scores), (f"{kind}_loss", value)]
    if with_gradient:
        checks.append((f"{kind}_loss", grad))
    return [(name, check, (ns[name],), "its own test above")
            for name, check in checks if name in calls and callable(ns.get(name))]
