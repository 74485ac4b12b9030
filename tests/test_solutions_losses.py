"""Reference losses: SVM and softmax, naive and vectorized, and the data losses on scores.

Cost: about a second (small shapes, full numerical gradients).
"""

import numpy as np
import pytest

from coursekit.gradcheck import check_gradient
from solutions.losses import (
    softmax_loss,
    softmax_loss_naive,
    softmax_loss_vectorized,
    svm_loss,
    svm_loss_naive,
    svm_loss_vectorized,
)

LINEAR_LOSSES = [svm_loss_naive, svm_loss_vectorized, softmax_loss_naive, softmax_loss_vectorized]
SCORE_LOSSES = [svm_loss, softmax_loss]
PAIRS = [(svm_loss_naive, svm_loss_vectorized), (softmax_loss_naive, softmax_loss_vectorized)]
SHAPES = [(1, 3, 2), (1, 1, 2), (5, 4, 3), (7, 5, 11), (13, 9, 2)]


def problem(N=6, D=5, C=4, seed=0, w_scale=1.0):
    rng = np.random.default_rng(seed)
    W = w_scale * rng.standard_normal((D, C))
    X = rng.standard_normal((N, D))
    y = rng.integers(0, C, size=N)
    return W, X, y


@pytest.mark.parametrize("loss_fn", LINEAR_LOSSES, ids=lambda f: f.__name__)
@pytest.mark.parametrize("reg", [0.0, 0.3])
def test_linear_loss_gradient_matches_numerical_gradient(loss_fn, reg):
    W, X, y = problem(N=7, D=5, C=4, seed=1)
    _, dW = loss_fn(W, X, y, reg)
    report = check_gradient(lambda _: loss_fn(W, X, y, reg)[0], W, dW, name="dW")
    report.raise_if_failed()


@pytest.mark.parametrize("loss_fn", SCORE_LOSSES, ids=lambda f: f.__name__)
def test_data_loss_gradient_matches_numerical_gradient(loss_fn):
    rng = np.random.default_rng(2)
    scores = 2 * rng.standard_normal((6, 5))
    y = rng.integers(0, 5, size=6)
    _, dscores = loss_fn(scores, y)
    report = check_gradient(lambda _: loss_fn(scores, y)[0], scores, dscores, name="dscores")
    report.raise_if_failed()


@pytest.mark.parametrize("naive, vectorized", PAIRS, ids=["svm", "softmax"])
@pytest.mark.parametrize("N, D, C", SHAPES)
@pytest.mark.parametrize("reg", [0.0, 0.05])
def test_naive_and_vectorized_agree(naive, vectorized, N, D, C, reg):
    W, X, y = problem(N, D, C, seed=N * 100 + D * 10 + C)
    loss_n, dW_n = naive(W, X, y, reg)
    loss_v, dW_v = vectorized(W, X, y, reg)
    assert loss_v == pytest.approx(loss_n, rel=1e-12, abs=1e-12)
    np.testing.assert_allclose(dW_v, dW_n, rtol=1e-10, atol=1e-12)
    assert dW_v.shape == W.shape


@pytest.mark.parametrize("C", [2, 3, 10])
def test_softmax_loss_is_log_C_at_tiny_weights(C):
    W, X, y = problem(N=200, D=10, C=C, seed=3, w_scale=1e-5)
    for fn in (softmax_loss_naive, softmax_loss_vectorized):
        loss, _ = fn(W, X, y, 0.0)
        assert loss == pytest.approx(np.log(C), abs=1e-3)


@pytest.mark.parametrize("C", [2, 3, 10])
def test_svm_loss_is_C_minus_1_at_tiny_weights(C):
    W, X, y = problem(N=200, D=10, C=C, seed=4, w_scale=1e-5)
    for fn in (svm_loss_naive, svm_loss_vectorized):
        loss, _ = fn(W, X, y, 0.0)
        assert loss == pytest.approx(C - 1, abs=1e-3)


@pytest.mark.parametrize("loss_fn", LINEAR_LOSSES, ids=lambda f: f.__name__)
def test_regularization_is_reg_sum_W_squared_with_gradient_2_reg_W(loss_fn):
    W, X, y = problem(seed=5)
    loss0, dW0 = loss_fn(W, X, y, 0.0)
    loss1, dW1 = loss_fn(W, X, y, 0.7)
    assert loss1 - loss0 == pytest.approx(0.7 * np.sum(W**2), rel=1e-12)
    np.testing.assert_allclose(dW1 - dW0, 2 * 0.7 * W, rtol=1e-12, atol=1e-14)


def test_losses_are_averaged_over_examples():
    W, X, y = problem(N=4, seed=6)
    X2, y2 = np.vstack([X, X]), np.r_[y, y]
    for fn in LINEAR_LOSSES:
        loss, dW = fn(W, X, y, 0.0)
        loss2, dW2 = fn(W, X2, y2, 0.0)
        assert loss2 == pytest.approx(loss, rel=1e-12)
        np.testing.assert_allclose(dW2, dW, rtol=1e-12, atol=1e-15)


def test_svm_matches_a_hand_computed_example():
    # the lecture's cat image: scores cat 3.2, car 5.1, frog -1.7, correct class cat;
    # L = max(0, 5.1 - 3.2 + 1) + max(0, -1.7 - 3.2 + 1) = 2.9 + 0
    loss, dscores = svm_loss(np.array([[3.2, 5.1, -1.7]]), np.array([0]))
    assert loss == pytest.approx(2.9)
    np.testing.assert_allclose(dscores, [[-1.0, 1.0, 0.0]])


def test_softmax_matches_a_hand_computed_example():
    # CS231n slides: cat scores [3.2, 5.1, -1.7] give L = -log(0.13) = 2.04
    scores = np.array([[3.2, 5.1, -1.7]])
    loss, dscores = softmax_loss(scores, np.array([0]))
    p = np.exp(scores[0]) / np.exp(scores[0]).sum()
    assert loss == pytest.approx(-np.log(p[0]))
    assert loss == pytest.approx(2.04, abs=0.01)
    np.testing.assert_allclose(dscores[0], p - np.array([1.0, 0.0, 0.0]))


def test_hinge_margin_of_exactly_zero_counts_nothing():
    # s = [1, 0] with y = 0: margin of class 1 is 0 - 1 + 1 = 0 exactly
    X = np.array([[1.0]])
    W = np.array([[1.0, 0.0]])
    y = np.array([0])
    for fn in (svm_loss_naive, svm_loss_vectorized):
        loss, dW = fn(W, X, y, 0.0)
        assert loss == 0.0
        np.testing.assert_array_equal(dW, np.zeros_like(W))
    loss, dscores = svm_loss(X @ W, y)
    assert loss == 0.0
    np.testing.assert_array_equal(dscores, np.zeros((1, 2)))


def test_hinge_margin_just_above_zero_counts():
    X = np.array([[1.0]])
    W = np.array([[1.0, 0.25]])
    loss, dW = svm_loss_naive(W, X, np.array([0]), 0.0)
    assert loss == pytest.approx(0.25)
    np.testing.assert_array_equal(dW, [[-1.0, 1.0]])


@pytest.mark.parametrize("loss_fn", SCORE_LOSSES, ids=lambda f: f.__name__)
def test_huge_scores_give_finite_loss_and_gradient(loss_fn):
    scores = np.array([[1e4, -1e4, 0.0], [-3e4, 2e4, 2e4], [5e3, 5e3, -1e4]])
    y = np.array([1, 0, 2])
    loss, dscores = loss_fn(scores, y)
    assert np.isfinite(loss) and np.all(np.isfinite(dscores))


def test_softmax_of_huge_scores_has_the_exact_loss():
    # correct class 2e4 below the max: L = 2e4 (+ log 1), no overflow, no log(0)
    loss, dscores = softmax_loss(np.array([[1e4, -1e4]]), np.array([1]))
    assert loss == pytest.approx(2e4)
    np.testing.assert_allclose(dscores, [[1.0, -1.0]])


@pytest.mark.parametrize("loss_fn", LINEAR_LOSSES, ids=lambda f: f.__name__)
def test_linear_losses_stay_finite_for_scores_of_1e4(loss_fn):
    W, X, y = problem(seed=7, w_scale=1e4)
    loss, dW = loss_fn(W, X, y, 0.0)
    assert np.isfinite(loss) and np.all(np.isfinite(dW))


@pytest.mark.parametrize("loss_fn", LINEAR_LOSSES, ids=lambda f: f.__name__)
def test_linear_losses_do_not_modify_their_inputs(loss_fn):
    W, X, y = problem(seed=8)
    copies = W.copy(), X.copy(), y.copy()
    loss_fn(W, X, y, 0.1)
    for before, after in zip(copies, (W, X, y), strict=True):
        np.testing.assert_array_equal(before, after)


@pytest.mark.parametrize("loss_fn", SCORE_LOSSES, ids=lambda f: f.__name__)
def test_data_losses_do_not_modify_their_inputs(loss_fn):
    scores = np.random.default_rng(9).standard_normal((5, 3))
    y = np.array([0, 1, 2, 1, 0])
    s0, y0 = scores.copy(), y.copy()
    loss_fn(scores, y)
    np.testing.assert_array_equal(scores, s0)
    np.testing.assert_array_equal(y, y0)


# ----- clear errors for bad inputs ------------------------------------------------------------


@pytest.mark.parametrize("loss_fn", LINEAR_LOSSES, ids=lambda f: f.__name__)
def test_shape_mismatch_of_X_and_W_is_named(loss_fn):
    W, X, y = problem(D=5)
    with pytest.raises(ValueError, match=r"shape mismatch.*\(6, 5\).*\(4, 4\)"):
        loss_fn(W[:4], X, y, 0.0)


@pytest.mark.parametrize("loss_fn", LINEAR_LOSSES, ids=lambda f: f.__name__)
def test_float_labels_are_rejected_with_advice(loss_fn):
    W, X, y = problem()
    with pytest.raises(TypeError, match=r"integer.*float64.*astype\(int\)"):
        loss_fn(W, X, y.astype(float), 0.0)


@pytest.mark.parametrize("loss_fn", LINEAR_LOSSES + SCORE_LOSSES, ids=lambda f: f.__name__)
def test_two_dimensional_labels_are_rejected(loss_fn):
    W, X, y = problem()
    args = (W, X, y[:, None], 0.0) if loss_fn in LINEAR_LOSSES else (X @ W, y[:, None])
    with pytest.raises(ValueError, match=r"1-D.*\(6, 1\)"):
        loss_fn(*args)


@pytest.mark.parametrize("loss_fn", LINEAR_LOSSES + SCORE_LOSSES, ids=lambda f: f.__name__)
@pytest.mark.parametrize("bad_label", [-1, 4])
def test_labels_out_of_range_are_named(loss_fn, bad_label):
    W, X, y = problem(C=4)
    y = y.copy()
    y[2] = bad_label
    args = (W, X, y, 0.0) if loss_fn in LINEAR_LOSSES else (X @ W, y)
    with pytest.raises(ValueError, match=rf"\[0, 4\).*y\[2\] = {bad_label}"):
        loss_fn(*args)


@pytest.mark.parametrize("loss_fn", LINEAR_LOSSES, ids=lambda f: f.__name__)
def test_wrong_number_of_labels_is_named(loss_fn):
    W, X, y = problem(N=6)
    with pytest.raises(ValueError, match=r"5 labels.*N=6"):
        loss_fn(W, X, y[:5], 0.0)


@pytest.mark.parametrize("loss_fn", LINEAR_LOSSES, ids=lambda f: f.__name__)
@pytest.mark.parametrize("which", ["X", "W"])
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_inputs_are_reported_with_their_index(loss_fn, which, bad):
    W, X, y = problem()
    W, X = W.copy(), X.copy()
    (X if which == "X" else W)[1, 2] = bad
    with pytest.raises(ValueError, match=rf"{which} contains 1 non-finite.*\(1, 2\)"):
        loss_fn(W, X, y, 0.0)


@pytest.mark.parametrize("loss_fn", LINEAR_LOSSES, ids=lambda f: f.__name__)
@pytest.mark.parametrize("which", ["X", "W"])
def test_integer_inputs_are_rejected_with_astype_advice(loss_fn, which):
    W, X, y = problem()
    if which == "X":
        X = np.round(X).astype(np.int64)
    else:
        W = np.round(W).astype(np.int64)
    with pytest.raises(TypeError, match=rf"{which} should have a floating-point dtype.*"
                                        rf"int64.*{which}\.astype\(float\)"):
        loss_fn(W, X, y, 0.0)


def test_negative_reg_is_rejected():
    W, X, y = problem()
    with pytest.raises(ValueError, match="reg should be a finite number >= 0"):
        softmax_loss_vectorized(W, X, y, -1.0)


@pytest.mark.parametrize(
    "loss_fn", [svm_loss_vectorized, softmax_loss_vectorized], ids=lambda f: f.__name__
)
def test_finite_inputs_whose_scores_overflow_are_reported_as_overflow(loss_fn):
    W, X, y = problem()
    X = X * 1e300
    W = W * 1e300
    with pytest.raises(ValueError, match="overflowed float64"):
        loss_fn(W, X, y, 0.0)



def test_checks_run_once_per_call_from_outside_and_stay_on_after_a_failure():
    from solutions._checks import validated

    checked = []
    inner = validated(checked.append)(lambda x: x)

    @validated(checked.append)
    def outer(x):
        if x < 0:
            raise RuntimeError("the body failed")
        return inner(x)

    outer(1)
    assert checked == [1]  # the inner call was not checked again
    with pytest.raises(RuntimeError):
        outer(-1)
    inner(2)
    assert checked == [1, -1, 2]  # after the failure, a call from outside is checked
    W, X, y = problem()
    W[0, 0] = np.nan
    with pytest.raises(ValueError, match=r"W contains 1 non-finite"):
        softmax_loss_vectorized(W, X, y, 0.1)
