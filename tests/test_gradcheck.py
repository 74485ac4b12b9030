"""coursekit.gradcheck: numerical gradients, readable failures, hints, kinks and refusals.

The functions differentiated here are small numpy ones written in this file (the module under
test stands alone, so its tests do too). Cost: well under 5 s.
"""

import numpy as np
import pytest

from coursekit.gradcheck import (
    GradEntry,
    GradientReport,
    assert_close,
    check_gradient,
    eval_numerical_gradient,
    eval_numerical_gradient_array,
    grad_check_sparse,
    rel_error,
)

N, D, C = 8, 5, 4


def make_data(seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(N, D))
    y = rng.integers(C, size=N)
    W = 0.1 * rng.normal(size=(D, C))
    return X, y, W


def softmax_loss(W, X, y, reg):
    """(loss, dW) of the softmax classifier with reg * sum(W**2); W: (D, C), X: (N, D)."""
    n = X.shape[0]
    s = X @ W
    s = s - s.max(axis=1, keepdims=True)
    p = np.exp(s)
    p /= p.sum(axis=1, keepdims=True)
    loss = -np.log(p[np.arange(n), y]).mean() + reg * np.sum(W**2)
    ds = p.copy()
    ds[np.arange(n), y] -= 1  # dL_i/ds = p - 1[j == y_i]
    ds /= n
    dW = X.T @ ds + 2 * reg * W
    return loss, dW


def svm_loss(W, X, y):
    """(loss, dW) of the multiclass hinge loss (margin 1, no reg); margins > 0 count."""
    n = X.shape[0]
    s = X @ W
    margins = np.maximum(0, s - s[np.arange(n), y][:, None] + 1)
    margins[np.arange(n), y] = 0
    loss = margins.sum() / n
    ds = (margins > 0).astype(float)
    ds[np.arange(n), y] = -ds.sum(axis=1)
    dW = X.T @ ds / n
    return loss, dW


def relu_backward(dout, x):
    return dout * (x > 0)  # ReLU'(0) = 0


def maxout(x, W1, W2):
    """max(x @ W1, x @ W2) elementwise; ties go to the first piece."""
    return np.maximum(x @ W1, x @ W2)


def maxout_dx(dout, x, W1, W2):
    first = (x @ W1) >= (x @ W2)
    return (dout * first) @ W1.T + (dout * ~first) @ W2.T


# ------------------------------------------------------------------ numerical gradients


def test_numerical_gradient_of_known_functions():
    x = np.array([[0.5, -1.2, 2.0], [0.1, 0.0, -3.0]])
    num = eval_numerical_gradient(lambda z: np.sum(z**3) + np.sin(z).sum(), x)
    assert rel_error(num, 3 * x**2 + np.cos(x)) < 1e-8
    num = eval_numerical_gradient(lambda z: float(np.exp(z[0, 0]) * z[1, 2]), x)
    expected = np.zeros_like(x)
    expected[0, 0] = np.exp(0.5) * -3.0
    expected[1, 2] = np.exp(0.5)
    assert np.allclose(num, expected, atol=1e-8)


def test_numerical_vector_jacobian_product_matches_matrix_product():
    rng = np.random.default_rng(1)
    x, W = rng.normal(size=(3, 4)), rng.normal(size=(4, 2))
    dout = rng.normal(size=(3, 2))
    num_dx = eval_numerical_gradient_array(lambda z: z @ W, x, dout)
    num_dW = eval_numerical_gradient_array(lambda V: x @ V, W, dout)
    assert rel_error(num_dx, dout @ W.T) < 1e-8
    assert rel_error(num_dW, x.T @ dout) < 1e-8


def test_numerical_gradient_through_a_closure_that_ignores_its_argument():
    X, y, W = make_data()
    num = eval_numerical_gradient(lambda _: softmax_loss(W, X, y, 0.1)[0], W)
    assert rel_error(num, softmax_loss(W, X, y, 0.1)[1]) < 1e-7


def test_x_is_restored_bit_for_bit_even_when_f_raises():
    x = np.array([0.1, -0.0, 1e-300, 3.3333333333333335, np.pi])
    before = x.tobytes()
    eval_numerical_gradient(lambda z: np.sum(z**2), x)
    eval_numerical_gradient_array(lambda z: z * 2, x, np.ones(5))
    check_gradient(lambda z: np.sum(z**2), x, 2 * x)
    grad_check_sparse(lambda z: np.sum(z**2), x, 2 * x, num_checks=3)
    assert x.tobytes() == before
    calls = []

    def explodes(z):
        calls.append(1)
        if len(calls) == 4:
            raise RuntimeError("boom")
        return float(np.sum(z))

    with pytest.raises(RuntimeError, match="boom"):
        eval_numerical_gradient(explodes, x)
    assert x.tobytes() == before


def test_rel_error_follows_the_cs231n_formula():
    assert rel_error(np.array([1.0, 2.0]), np.array([1.0, 2.0])) == 0.0
    assert rel_error(1.0, 3.0) == pytest.approx(0.5)
    assert rel_error(np.array([0.0]), np.array([1e-12])) == pytest.approx(1e-4)
    with pytest.raises(ValueError, match="shapes differ"):
        rel_error(np.zeros(3), np.zeros(4))


def test_grad_check_sparse_returns_records_reproducibly_and_quietly(capsys):
    X, y, W = make_data()
    f = lambda _: softmax_loss(W, X, y, 0.1)[0]
    dW = softmax_loss(W, X, y, 0.1)[1]
    first = grad_check_sparse(f, W, dW, num_checks=6, seed=3)
    again = grad_check_sparse(f, W, dW, num_checks=6, seed=3)
    assert capsys.readouterr().out == ""
    assert len(first) == 6 and all(isinstance(r, GradEntry) for r in first)
    assert [r.index for r in first] == [r.index for r in again]
    assert len({r.index for r in first}) == 6
    assert all(r.rel_error < 1e-7 for r in first)
    assert all(r.analytic == dW[r.index] for r in first)
    grad_check_sparse(f, W, dW, num_checks=2, verbose=True)
    assert capsys.readouterr().out.count("relative error") == 2


def test_grad_check_sparse_does_not_touch_global_random_state():
    X, y, W = make_data()
    np.random.seed(7)
    before = np.random.get_state()[1].copy()
    grad_check_sparse(lambda _: softmax_loss(W, X, y, 0.0)[0], W, W, num_checks=3)
    assert np.array_equal(np.random.get_state()[1], before)


# ------------------------------------------------------------------ check_gradient


def test_correct_gradient_passes_with_a_one_line_dashboard():
    X, y, W = make_data()
    report = check_gradient(
        lambda _: softmax_loss(W, X, y, 0.1)[0], W, softmax_loss(W, X, y, 0.1)[1], name="dW"
    )
    assert isinstance(report, GradientReport)
    assert report.ok and report.n_wrong == 0 and report.kinks == []
    assert report.max_rel_error < 1e-7
    text = str(report)
    assert text.startswith("dW     | ok: True | max rel err ")
    assert "| shape ok | 0/20 entries wrong, 0 kinks" in text
    assert "\n" not in text
    report.raise_if_failed()


def test_planted_wrong_entry_is_named_first():
    X, y, W = make_data()
    dW = softmax_loss(W, X, y, 0.1)[1]
    dW[3, 2] += 0.05
    report = check_gradient(lambda _: softmax_loss(W, X, y, 0.1)[0], W, dW, name="dW")
    assert not report.ok and report.n_wrong == 1
    assert report.worst[0].index == (3, 2)
    assert report.worst[0].analytic == dW[3, 2]
    assert "1/20 entries wrong" in str(report)
    assert str(report).split("\n")[2].strip().startswith("(3, 2):")
    with pytest.raises(AssertionError, match=r"\(3, 2\)") as err:
        report.raise_if_failed()
    assert str(err.value) == str(report)


def test_tiny_gradients_at_rounding_level_are_not_failures():
    x = np.array([1.0, 2.0, 3.0])
    # f depends on x[2] only through a term of size 1e-13; analytic says 0 there
    report = check_gradient(lambda z: z[0] ** 2 + 1e-13 * z[2] + 5.0, x, np.array([2.0, 0, 0]))
    assert report.ok, str(report)


def test_a_ten_percent_error_on_a_small_entry_is_still_caught():
    x = np.array([1.0, 2.0])
    f = lambda z: 1e-5 * z[0] ** 2 + z[1] ** 2
    report = check_gradient(f, x, np.array([2.2e-5, 4.0]))
    assert not report.ok and report.worst[0].index == (0,)


def test_sampled_check_is_seeded_and_bounded():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(30, 40))
    dx = 2 * x
    dx[0, 0] = 0.0  # may or may not be sampled; the sample is reproducible either way
    f = lambda z: float(np.sum(z**2))
    r1 = check_gradient(f, x, dx, max_entries=50, seed=1)
    r2 = check_gradient(f, x, dx, max_entries=50, seed=1)
    assert r1.n_checked == 50 and r1.n_total == 1200
    assert (r1.ok, r1.max_rel_error) == (r2.ok, r2.max_rel_error)
    assert "(sampled of 1200)" in str(r1)
    assert check_gradient(f, x, dx).n_checked == 1200  # default max_entries 2000


# ------------------------------------------------------------------ hints


def test_hint_gradient_off_by_factor_N():
    X, y, W = make_data()
    loss, dW = softmax_loss(W, X, y, 0.0)
    report = check_gradient(
        lambda _: softmax_loss(W, X, y, 0.0)[0], W, dW * N, name="dW", sizes={"N": N}
    )
    assert not report.ok
    assert "divide by N (= 8)" in report.hint and "divide by N" in str(report)
    # with dout, N is inferred from the rows of the output
    x = np.random.default_rng(2).normal(size=(N, 3))
    dout = np.random.default_rng(3).normal(size=(N, 3))
    report = check_gradient(lambda z: np.tanh(z), x, dout * (1 - np.tanh(x) ** 2) * N, dout=dout)
    assert "divide by N (= 8" in report.hint
    # and a factor that is no known size is named as a number
    report = check_gradient(lambda _: softmax_loss(W, X, y, 0.0)[0], W, dW * 3.5)
    assert "off by a factor 3.5" in report.hint


def test_hint_data_gradient_off_by_N_with_regularization():
    X, y, W = make_data()
    reg = 0.1
    data_dW = softmax_loss(W, X, y, 0.0)[1]
    report = check_gradient(
        lambda _: softmax_loss(W, X, y, reg)[0], W, data_dW * N + 2 * reg * W, name="dW",
        sizes={"N": N},
    )
    assert not report.ok and "divide by N (= 8)" in report.hint


def test_hint_regularization_gradient_off_by_factor_2_or_missing():
    X, y, W = make_data()
    reg = 0.1
    data_dW = softmax_loss(W, X, y, 0.0)[1]
    f = lambda _: softmax_loss(W, X, y, reg)[0]
    half = check_gradient(f, W, data_dW + reg * W, name="dW", reg_term=2 * reg * W)
    assert "factor 2" in half.hint and "2*reg*W" in half.hint
    missing = check_gradient(f, W, data_dW, name="dW", reg_term=2 * reg * W)
    assert "missing" in missing.hint
    # without reg_term the error is still recognised as proportional to W
    inferred = check_gradient(f, W, data_dW + reg * W, name="dW")
    assert "regularization" in inferred.hint and "reg = 0.1 you used reg*x" in inferred.hint
    with pytest.raises(AssertionError, match="regularization gradient off by a factor 2"):
        assert_close("dW", data_dW + reg * W, data_dW + 2 * reg * W, reg_term=2 * reg * W)


def test_hint_sign_flipped():
    X, y, W = make_data()
    loss, dW = softmax_loss(W, X, y, 0.1)
    report = check_gradient(lambda _: softmax_loss(W, X, y, 0.1)[0], W, -dW, name="dW")
    assert "sign is flipped" in report.hint and "sign is flipped" in str(report)
    with pytest.raises(AssertionError, match="sign is flipped"):
        assert_close("dW", -dW, dW)


def test_hint_transposed_values():
    rng = np.random.default_rng(4)
    x, A = rng.normal(size=(4, 4)), rng.normal(size=(4, 4))
    f = lambda z: float(np.sum(A * z))  # gradient is A
    report = check_gradient(f, x, A.T.copy(), name="dW")
    assert "transposed" in report.hint
    with pytest.raises(AssertionError, match="values are transposed"):
        assert_close("dW", A.T, A)


def test_hint_locates_wrong_entries_in_one_column():
    X, y, W = make_data()
    loss, dW = softmax_loss(W, X, y, 0.0)
    bad = dW.copy()
    bad[:, 2] += 0.3
    report = check_gradient(lambda _: softmax_loss(W, X, y, 0.0)[0], W, bad, name="dW")
    assert report.hint == "all wrong entries are in column 2"


def test_hint_for_an_all_zero_gradient():
    X, y, W = make_data()
    loss, dW = softmax_loss(W, X, y, 0.0)
    with pytest.raises(AssertionError, match="got is all zeros"):
        assert_close("dW", np.zeros_like(dW), dW)


# ------------------------------------------------------------------ kinks


def test_relu_inputs_at_and_near_zero_are_kinks_while_a_real_error_is_caught():
    rng = np.random.default_rng(5)
    x = rng.normal(size=(4, 5))
    x[0, 0] = 0.0  # exactly on the kink
    x[1, 1] = 3e-6  # within h of it, on either side
    x[2, 2] = -4e-6
    x[3, 4] = 1.5  # a positive input whose gradient is made wrong
    dout = rng.normal(size=x.shape)
    dx = relu_backward(dout, x)
    ok = check_gradient(lambda z: np.maximum(0, z), x, dx, dout=dout)
    assert ok.ok and sorted(ok.kinks) == [(0, 0), (1, 1), (2, 2)]
    assert "3 kinks" in str(ok)
    dx[3, 4] *= 2
    bad = check_gradient(lambda z: np.maximum(0, z), x, dx, dout=dout)
    assert not bad.ok and bad.n_wrong == 1 and bad.worst[0].index == (3, 4)
    assert len(bad.kinks) == 3 and "1/20 entries wrong, 3 kinks" in str(bad)


def test_hinge_margin_exactly_at_zero_is_a_kink():
    X, y, W = make_data()
    s = X @ W
    # choose W[:, j] so that example 0's margin for class j is exactly 0: s_j = s_y - 1
    j = (y[0] + 1) % C
    W = W.copy()
    W[0, j] += (s[0, y[0]] - 1 - s[0, j]) / X[0, 0]
    margin = (X @ W)[0, j] - (X @ W)[0, y[0]] + 1
    assert abs(margin) < 1e-12
    loss, dW = svm_loss(W, X, y)
    report = check_gradient(lambda _: svm_loss(W, X, y)[0], W, dW, name="dW")
    assert report.ok, str(report)
    assert report.kinks  # the entries of column j (and y[0]) of W feel the kink
    bad = dW.copy()
    bad[4, 0] += 0.1
    report = check_gradient(lambda _: svm_loss(W, X, y)[0], W, bad, name="dW")
    assert not report.ok and report.worst[0].index == (4, 0)


def test_maxout_tie_is_a_kink_while_a_real_error_is_caught():
    rng = np.random.default_rng(6)
    x = rng.normal(size=(3, 4))
    W1 = rng.normal(size=(4, 2))
    W2 = rng.normal(size=(4, 2))
    # make unit 0 tie for example 0: W2[:, 0] - W1[:, 0] orthogonal to x[0]
    v = rng.normal(size=4)
    v -= (v @ x[0]) / (x[0] @ x[0]) * x[0]
    W2[:, 0] = W1[:, 0] + v
    assert abs((x @ W1)[0, 0] - (x @ W2)[0, 0]) < 1e-12
    dout = rng.normal(size=(3, 2))
    dx = maxout_dx(dout, x, W1, W2)
    report = check_gradient(lambda z: maxout(z, W1, W2), x, dx, dout=dout)
    assert report.ok, str(report)
    assert {k[0] for k in report.kinks} == {0} and len(report.kinks) == 4  # row 0 only
    bad = dx.copy()
    bad[1, 2] += 1.0
    report = check_gradient(lambda z: maxout(z, W1, W2), x, bad, dout=dout)
    assert not report.ok and report.n_wrong == 1 and report.worst[0].index == (1, 2)
    assert len(report.kinks) == 4


def test_maxout_tie_on_the_weights_is_reported_as_kinks():
    rng = np.random.default_rng(7)
    x = rng.normal(size=(3, 4))
    W1 = rng.normal(size=(4, 2))
    W2 = W1.copy()  # every unit ties: perturbing W1 moves across the kink
    dout = rng.normal(size=(3, 2))
    first = (x @ W1) >= (x @ W2)
    dW1 = x.T @ (dout * first)  # ties go to the first piece
    report = check_gradient(lambda V: maxout(x, V, W2), W1, dW1, dout=dout, name="dW1")
    assert report.ok, str(report)
    assert len(report.kinks) == W1.size
    assert "8 kinks" in str(report)


# ------------------------------------------------------------------ refusals


def test_refuses_integer_x_with_the_fix():
    x = np.arange(6).reshape(2, 3)
    msg = r"x has dtype int64: h=1e-5 steps are lost; convert with x.astype\(np.float64\)"
    with pytest.raises(TypeError, match=msg):
        check_gradient(lambda z: float(np.sum(z)), x, np.ones((2, 3)))
    with pytest.raises(TypeError, match="astype"):
        eval_numerical_gradient(lambda z: float(np.sum(z)), x)


def test_refuses_non_scalar_f_without_dout():
    x = np.ones((2, 3))
    with pytest.raises(ValueError, match=r"shape \(2, 3\).*scalar.*dout"):
        check_gradient(lambda z: z * 2, x, 2 * np.ones((2, 3)))
    with pytest.raises(TypeError, match=r"lambda x: f\(x\)\[0\]"):
        check_gradient(lambda z: (float(np.sum(z)), z), x, np.ones((2, 3)))


def test_refuses_analytic_of_another_shape_and_says_transposed():
    x = np.ones((2, 3))
    with pytest.raises(ValueError, match=r"shape \(3, 2\) but x has shape \(2, 3\).*transposed"):
        check_gradient(lambda z: float(np.sum(z)), x, np.ones((3, 2)), name="dW")
    with pytest.raises(TypeError, match="None — did you forget to return"):
        check_gradient(lambda z: float(np.sum(z)), x, None)


def test_refuses_dout_of_the_wrong_shape():
    x = np.ones((2, 3))
    with pytest.raises(ValueError, match="dout has shape"):
        check_gradient(lambda z: z * 2, x, 2 * np.ones((2, 3)), dout=np.ones((3, 2)))


def test_float32_is_noted_in_the_report_and_nothing_goes_to_stderr(capfd):
    rng = np.random.default_rng(8)
    x32 = rng.normal(size=(3, 3)).astype(np.float32)
    report = check_gradient(lambda z: float(np.sum(np.tanh(z))), x32, 1 - np.tanh(x32) ** 2)
    assert report.ok, str(report)
    assert any("float32" in note and "x.astype(np.float64)" in note for note in report.notes)
    assert "note: x is float32" in str(report)
    bad = check_gradient(lambda z: float(np.sum(np.tanh(z))), x32, 2 * (1 - np.tanh(x32) ** 2))
    assert not bad.ok
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def test_nothing_is_printed_or_warned_on_failure_paths(capfd):
    X, y, W = make_data()
    check_gradient(lambda _: softmax_loss(W, X, y, 0.1)[0], W, np.zeros_like(W))
    with pytest.raises(AssertionError):
        assert_close("dW", np.full((2, 2), np.nan), np.ones((2, 2)))
    x = np.array([0.0, 1.0])
    check_gradient(lambda z: float(np.sum(np.maximum(0, z))), x, np.array([0.0, 1.0]))
    out, err = capfd.readouterr()
    assert out == "" and err == ""


# ------------------------------------------------------------------ assert_close messages


def test_assert_close_passes_silently_on_close_values():
    a = np.linspace(0, 1, 7)
    assert assert_close("out", a + 1e-12, a) is None
    assert assert_close("loss", 2.0, np.float64(2.0)) is None


def test_assert_close_says_none_plainly():
    with pytest.raises(AssertionError, match="^dW: returned None — did you forget to return"):
        assert_close("dW", None, np.ones(3))


def test_assert_close_names_a_tuple_where_an_array_is_expected():
    dx = np.ones((2, 3))
    with pytest.raises(AssertionError, match=r"expected a numpy array of shape \(2, 3\), got a "
                       r"tuple of 2 items.*first item has the expected shape"):
        assert_close("dx", (dx, "cache"), dx)


def test_assert_close_wrong_shape_and_transposed():
    with pytest.raises(AssertionError, match=r"wrong shape: expected shape \(2, 3\), got shape "
                       r"\(3, 2\) — looks transposed"):
        assert_close("dW", np.ones((3, 2)), np.ones((2, 3)))
    with pytest.raises(AssertionError, match=r"expected shape \(5,\), got shape \(5, 1\)"):
        assert_close("db", np.ones((5, 1)), np.ones(5))


def test_assert_close_locates_nan():
    got = np.ones((2, 3))
    got[1, 2] = np.nan
    with pytest.raises(AssertionError, match=r"1 of 6 entries are not finite \(nan at \(1, 2\)\)"):
        assert_close("scores", got, np.ones((2, 3)))


def test_assert_close_names_the_worst_entries_by_index():
    expected = np.arange(12.0).reshape(3, 4)
    got = expected.copy()
    got[2, 1] += 5.0
    got[0, 3] += 0.5
    with pytest.raises(AssertionError) as err:
        assert_close("dW", got, expected)
    lines = str(err.value).split("\n")
    assert lines[0].startswith("dW: 2 of 12 entries differ")
    assert lines[1].strip().startswith("index (2, 1): expected")
    assert lines[2].strip().startswith("index (0, 3): expected")


def test_assert_close_scalars_with_factor_and_regularization_hints():
    with pytest.raises(AssertionError, match=r"loss: expected .*got .*rel err"):
        assert_close("loss", 1.5, 1.25)
    with pytest.raises(AssertionError, match="divide by N"):
        assert_close("loss", 8 * 1.3, 1.3, sizes={"N": 8})
    reg_loss = 0.1 * 3.0
    with pytest.raises(AssertionError, match="regularization loss missing"):
        assert_close("loss", 2.0, 2.0 + reg_loss, reg_term=reg_loss)


def test_assert_close_compares_dicts_key_by_key():
    grads = {"W1": np.ones((2, 2)), "b1": np.zeros(2)}
    with pytest.raises(AssertionError, match=r"missing keys \['b1'\]"):
        assert_close("grads", {"W1": np.ones((2, 2))}, grads)
    with pytest.raises(AssertionError, match=r"grads\['W1'\]: 4 of 4 entries differ"):
        assert_close("grads", {"W1": -np.ones((2, 2)), "b1": np.zeros(2)}, grads)


def test_sampled_check_still_gives_a_hint():
    rng = np.random.default_rng(9)
    x = rng.normal(size=(40, 30))
    report = check_gradient(lambda z: float(np.sum(z**2)), x, -2 * x, max_entries=30)
    assert report.n_checked == 30 and report.n_wrong == 30
    assert "sign is flipped" in report.hint


def test_float32_values_of_f_are_noted():
    x = np.linspace(-1, 1, 5)
    report = check_gradient(lambda z: np.float32(np.sum(np.tanh(z))), x, 1 - np.tanh(x) ** 2)
    assert report.ok and "f returns float32" in str(report)


def test_assert_close_with_infinities_stays_quiet(capfd):
    expected = np.array([1.0, np.inf, 2.0])
    with pytest.raises(AssertionError, match=r"1 of 3 entries are not finite \(nan at \(2,\)\)"):
        assert_close("out", np.array([1.0, np.inf, np.nan]), expected)
    with pytest.raises(AssertionError, match=r"index \(1,\)"):
        assert_close("out", np.array([1.0, -np.inf, 2.0]), expected)
    assert capfd.readouterr().err == ""
