"""Reference activations: gradients, kink conventions, the lecture's worked examples, stability.

Cost: under a second.
"""

import numpy as np
import pytest

from coursekit.gradcheck import check_gradient
from solutions import activations as act

PAIRS = {
    "sigmoid": (act.sigmoid_forward, act.sigmoid_backward),
    "tanh": (act.tanh_forward, act.tanh_backward),
    "relu": (act.relu_forward, act.relu_backward),
    "leaky_relu": (act.leaky_relu_forward, act.leaky_relu_backward),
    "elu": (act.elu_forward, act.elu_backward),
}


def maxout_inputs(N=4, D=3, M=5, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((N, D)), rng.standard_normal((D, M)), rng.standard_normal(M),
            rng.standard_normal((D, M)), rng.standard_normal(M))


@pytest.mark.parametrize("name", PAIRS)
@pytest.mark.parametrize("shape", [(7,), (4, 5), (2, 3, 4)])
def test_activation_backward_matches_numerical_gradient(name, shape):
    forward, backward = PAIRS[name]
    rng = np.random.default_rng(1)
    x = 2 * rng.standard_normal(shape)
    dout = rng.standard_normal(shape)
    out, cache = forward(x)
    assert out.shape == x.shape
    dx = backward(dout, cache)
    check_gradient(lambda _: forward(x)[0], x, dx, name="dx", dout=dout).raise_if_failed()


@pytest.mark.parametrize("alpha", [0.01, 0.3])
def test_leaky_relu_and_elu_gradients_for_other_alphas(alpha):
    rng = np.random.default_rng(2)
    x, dout = rng.standard_normal(10), rng.standard_normal(10)
    for forward, backward in (PAIRS["leaky_relu"], PAIRS["elu"]):
        _, cache = forward(x, alpha=alpha)
        dx = backward(dout, cache)
        report = check_gradient(lambda _, f=forward: f(x, alpha=alpha)[0], x, dx, dout=dout)
        report.raise_if_failed()


def test_activation_values_follow_the_lecture_definitions():
    x = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
    np.testing.assert_allclose(act.sigmoid_forward(x)[0], 1 / (1 + np.exp(-x)))
    np.testing.assert_allclose(act.tanh_forward(x)[0], np.tanh(x))
    np.testing.assert_array_equal(act.relu_forward(x)[0], np.maximum(0, x))
    np.testing.assert_allclose(act.leaky_relu_forward(x)[0], np.maximum(0.1 * x, x))
    np.testing.assert_allclose(act.elu_forward(x)[0], np.where(x >= 0, x, np.exp(x) - 1))
    np.testing.assert_allclose(act.elu_forward(x, alpha=2.0)[0],
                               np.where(x >= 0, x, 2 * (np.exp(x) - 1)))


@pytest.mark.parametrize("param", ["x", "W1", "b1", "W2", "b2"])
def test_maxout_backward_matches_numerical_gradient(param):
    inputs = maxout_inputs()
    x, W1, b1, W2, b2 = inputs
    out, cache = act.maxout_forward(*inputs)
    assert out.shape == (4, 5)
    dout = np.random.default_rng(3).standard_normal(out.shape)
    grads = dict(zip(["x", "W1", "b1", "W2", "b2"], act.maxout_backward(dout, cache), strict=True))
    target = dict(zip(["x", "W1", "b1", "W2", "b2"], inputs, strict=True))[param]
    check_gradient(lambda _: act.maxout_forward(*inputs)[0], target, grads[param],
                   name="d" + param, dout=dout).raise_if_failed()


def test_maxout_is_the_max_of_two_affine_pieces():
    x, W1, b1, W2, b2 = maxout_inputs(seed=4)
    out, _ = act.maxout_forward(x, W1, b1, W2, b2)
    np.testing.assert_allclose(out, np.maximum(x @ W1 + b1, x @ W2 + b2))


# ----- kinks ----------------------------------------------------------------------------------


def test_relu_gradient_at_zero_is_zero():
    _, cache = act.relu_forward(np.array([0.0]))
    assert act.relu_backward(np.array([1.0]), cache)[0] == 0.0


@pytest.mark.parametrize("alpha", [0.1, 0.05])
def test_leaky_relu_gradient_at_zero_is_alpha(alpha):
    _, cache = act.leaky_relu_forward(np.array([0.0]), alpha=alpha)
    assert act.leaky_relu_backward(np.array([1.0]), cache)[0] == alpha


def test_leaky_relu_default_alpha_is_0_1():
    out, cache = act.leaky_relu_forward(np.array([-1.0]))
    assert out[0] == pytest.approx(-0.1)
    assert act.leaky_relu_backward(np.array([1.0]), cache)[0] == pytest.approx(0.1)


def test_elu_gradient_at_zero_is_one():
    _, cache = act.elu_forward(np.array([0.0]), alpha=0.5)
    assert act.elu_backward(np.array([1.0]), cache)[0] == 1.0


def test_maxout_ties_send_the_gradient_to_the_first_piece():
    x, W1, b1, _, _ = maxout_inputs(seed=5)
    out, cache = act.maxout_forward(x, W1, b1, W1.copy(), b1.copy())
    dout = np.ones_like(out)
    dx, dW1, db1, dW2, db2 = act.maxout_backward(dout, cache)
    np.testing.assert_array_equal(dW2, np.zeros_like(W1))
    np.testing.assert_array_equal(db2, np.zeros_like(b1))
    np.testing.assert_allclose(dW1, x.T @ dout)
    np.testing.assert_allclose(db1, dout.sum(axis=0))
    np.testing.assert_allclose(dx, dout @ W1.T)


# ----- the lecture's worked examples ----------------------------------------------------------


def test_relu_jacobian_example_from_the_lecture():
    # x = [1, -2, 3, -1], upstream [4, -1, 5, 9]: the diagonal Jacobian keeps entries where x > 0
    x = np.array([1.0, -2.0, 3.0, -1.0])
    dout = np.array([4.0, -1.0, 5.0, 9.0])
    out, cache = act.relu_forward(x)
    np.testing.assert_array_equal(out, [1.0, 0.0, 3.0, 0.0])
    dx = act.relu_backward(dout, cache)
    np.testing.assert_array_equal(dx, [4.0, 0.0, 5.0, 0.0])
    jacobian = np.diag((x > 0).astype(float))
    np.testing.assert_array_equal(dx, jacobian.T @ dout)


def test_sigmoid_local_gradient_is_out_times_one_minus_out():
    # the lecture's sigmoid gate: input 1.0 gives 0.73 and local gradient (1 - 0.73) * 0.73 = 0.2
    out, cache = act.sigmoid_forward(np.array([1.0]))
    assert out[0] == pytest.approx(0.73, abs=0.005)
    assert act.sigmoid_backward(np.array([1.0]), cache)[0] == pytest.approx(0.20, abs=0.005)


# ----- numerical stability --------------------------------------------------------------------


def test_activations_stay_finite_for_huge_inputs():
    x = np.array([-1e4, -800.0, -50.0, 0.0, 50.0, 800.0, 1e4])
    for name, (forward, backward) in PAIRS.items():
        out, cache = forward(x)
        dx = backward(np.ones_like(x), cache)
        assert np.all(np.isfinite(out)) and np.all(np.isfinite(dx)), name
    out, _ = act.sigmoid_forward(x)
    assert out[0] == 0.0 and out[-1] == 1.0
    out, _ = act.elu_forward(x)
    assert out[0] == -1.0 and out[-1] == 1e4


# ----- purity and errors ----------------------------------------------------------------------


@pytest.mark.parametrize("name", PAIRS)
def test_activations_do_not_modify_their_inputs(name):
    forward, backward = PAIRS[name]
    x = np.random.default_rng(6).standard_normal((3, 4))
    dout = np.random.default_rng(7).standard_normal((3, 4))
    x0, dout0 = x.copy(), dout.copy()
    out, cache = forward(x)
    out0 = out.copy()
    backward(dout, cache)
    backward(dout, cache)
    np.testing.assert_array_equal(x, x0)
    np.testing.assert_array_equal(dout, dout0)
    np.testing.assert_array_equal(out, out0)


def test_maxout_does_not_modify_its_inputs():
    inputs = maxout_inputs(seed=8)
    copies = [a.copy() for a in inputs]
    out, cache = act.maxout_forward(*inputs)
    act.maxout_backward(np.ones_like(out), cache)
    for a, a0 in zip(inputs, copies, strict=True):
        np.testing.assert_array_equal(a, a0)


@pytest.mark.parametrize("name", PAIRS)
def test_integer_input_is_rejected_with_astype_advice(name):
    forward, _ = PAIRS[name]
    with pytest.raises(TypeError, match=r"x\.astype\(float\)"):
        forward(np.array([1, -2, 3]))


@pytest.mark.parametrize("name", PAIRS)
def test_nan_input_is_reported(name):
    forward, _ = PAIRS[name]
    with pytest.raises(ValueError, match=r"x contains 1 non-finite.*\(1,\)"):
        forward(np.array([1.0, np.nan]))


@pytest.mark.parametrize("name", PAIRS)
def test_upstream_gradient_of_the_wrong_shape_is_named(name):
    forward, backward = PAIRS[name]
    _, cache = forward(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"dout.*\(2, 3\).*\(3, 2\)"):
        backward(np.zeros((3, 2)), cache)


def test_maxout_shape_mismatch_is_named():
    x, W1, b1, W2, b2 = maxout_inputs(D=3)
    with pytest.raises(ValueError, match=r"shape mismatch.*W2"):
        act.maxout_forward(x, W1, b1, W2[:2], b2)
    with pytest.raises(ValueError, match=r"b1 should have shape \(5,\)"):
        act.maxout_forward(x, W1, b1[:4], W2, b2)
