"""Reference networks: initialization, scores, loss with regularization, modular gradients.

Cost: about a second (full numerical gradients of small nets, every activation).
"""

import numpy as np
import pytest

from coursekit.gradcheck import check_gradient
from solutions.nets import LinearClassifier, ThreeLayerNet, TwoLayerNet

ACTIVATIONS = ["relu", "sigmoid", "tanh", "leaky_relu", "elu"]


def small_data(N=5, D=4, C=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((N, D)), rng.integers(0, C, size=N)


def check_all_gradients(model, X, y):
    _, grads = model.loss(X, y)
    assert sorted(grads) == sorted(model.params)
    for name, param in model.params.items():
        assert grads[name].shape == param.shape, name
        check_gradient(lambda _: model.loss(X, y)[0], param, grads[name],
                       name="d" + name).raise_if_failed()


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_two_layer_net_gradients_match_numerical_gradients(activation):
    X, y = small_data()
    model = TwoLayerNet(4, 6, 3, weight_scale=0.5, reg=0.1, activation=activation, seed=1)
    model.params["b1"] = 0.1 * np.arange(6.0)
    check_all_gradients(model, X, y)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_three_layer_net_gradients_match_numerical_gradients(activation):
    X, y = small_data(N=6, D=4, C=3, seed=2)
    model = ThreeLayerNet(4, (5, 6), 3, weight_scale=0.5, reg=0.05, activation=activation, seed=3)
    check_all_gradients(model, X, y)


@pytest.mark.parametrize("loss", ["softmax", "svm"])
def test_linear_classifier_gradients_match_numerical_gradients(loss):
    X, y = small_data(seed=4)
    model = LinearClassifier(4, 3, weight_scale=0.5, reg=0.1, loss=loss, seed=5)
    check_all_gradients(model, X, y)


def test_two_layer_net_parameters_come_from_the_seeded_generator():
    model = TwoLayerNet(4, 6, 3, weight_scale=0.01, reg=0.2, activation="tanh", seed=7)
    rng = np.random.default_rng(7)
    np.testing.assert_array_equal(model.params["W1"], 0.01 * rng.standard_normal((4, 6)))
    np.testing.assert_array_equal(model.params["W2"], 0.01 * rng.standard_normal((6, 3)))
    np.testing.assert_array_equal(model.params["b1"], np.zeros(6))
    np.testing.assert_array_equal(model.params["b2"], np.zeros(3))
    assert sorted(model.params) == ["W1", "W2", "b1", "b2"]
    assert model.reg == 0.2 and model.activation == "tanh"


def test_three_layer_net_has_three_weight_matrices_of_the_right_shapes():
    model = ThreeLayerNet(4, [5, 6], 3, seed=0)
    shapes = {k: v.shape for k, v in model.params.items()}
    assert shapes == {"W1": (4, 5), "b1": (5,), "W2": (5, 6), "b2": (6,), "W3": (6, 3), "b3": (3,)}
    assert model.reg == 0.0 and model.activation == "relu"
    again = ThreeLayerNet(4, [5, 6], 3, seed=0)
    for k in model.params:
        np.testing.assert_array_equal(model.params[k], again.params[k])


def test_scores_are_affine_relu_affine():
    X, _ = small_data(seed=8)
    model = TwoLayerNet(4, 6, 3, weight_scale=0.5, seed=9)
    p = model.params
    p["b1"] = np.linspace(-0.5, 0.5, 6)
    p["b2"] = np.array([0.1, -0.2, 0.3])
    expected = np.maximum(0, X @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"]
    np.testing.assert_allclose(model.loss(X), expected, rtol=1e-12)


@pytest.mark.parametrize("net", ["two", "three"])
def test_loss_is_softmax_plus_reg_times_sum_of_squared_weights(net):
    X, y = small_data(seed=10)
    if net == "two":
        model = TwoLayerNet(4, 6, 3, weight_scale=0.5, seed=11)
    else:
        model = ThreeLayerNet(4, (5, 6), 3, weight_scale=0.5, seed=11)
    model.params["b1"] = np.ones_like(model.params["b1"])  # biases are never regularized
    loss0, grads0 = model.loss(X, y)
    model.reg = 0.3
    loss1, grads1 = model.loss(X, y)
    weights = [k for k in model.params if k.startswith("W")]
    expected = 0.3 * sum(np.sum(model.params[k] ** 2) for k in weights)
    assert loss1 - loss0 == pytest.approx(expected, rel=1e-12)
    for k in model.params:
        extra = 2 * 0.3 * model.params[k] if k.startswith("W") else 0.0
        np.testing.assert_allclose(grads1[k] - grads0[k], extra, atol=1e-12)


def test_loss_at_tiny_weights_is_log_C():
    X, y = small_data(N=50, D=4, C=10, seed=12)
    model = TwoLayerNet(4, 20, 10, weight_scale=1e-4, seed=13)
    loss, _ = model.loss(X, y)
    assert loss == pytest.approx(np.log(10), abs=1e-3)


def test_net_accepts_multidimensional_inputs():
    rng = np.random.default_rng(14)
    X = rng.standard_normal((3, 2, 2))
    y = np.array([0, 1, 2])
    model = TwoLayerNet(4, 5, 3, weight_scale=0.5, seed=15)
    np.testing.assert_allclose(model.loss(X), model.loss(X.reshape(3, 4)))
    check_all_gradients(model, X, y)


def test_loss_does_not_modify_params_or_inputs():
    X, y = small_data(seed=16)
    model = ThreeLayerNet(4, (5, 6), 3, weight_scale=0.5, reg=0.1, seed=17)
    before = {k: v.copy() for k, v in model.params.items()}
    X0, y0 = X.copy(), y.copy()
    model.loss(X, y)
    model.loss(X)
    for k, v in before.items():
        np.testing.assert_array_equal(model.params[k], v)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(y, y0)


def test_unknown_activation_is_rejected_with_the_choices():
    with pytest.raises(ValueError, match=r"activation should be one of.*'relu'.*'softplus'"):
        TwoLayerNet(4, 5, 3, activation="softplus")


def test_three_layer_net_needs_two_hidden_sizes():
    with pytest.raises(ValueError, match=r"two sizes.*TwoLayerNet"):
        ThreeLayerNet(4, 5, 3)


def test_wrong_input_dimension_is_named():
    X, y = small_data(D=4)
    model = TwoLayerNet(3, 5, 3, seed=0)
    with pytest.raises(ValueError, match=r"shape mismatch.*\(5, 4\).*\(3, 5\)"):
        model.loss(X, y)


def test_labels_out_of_range_for_the_net_are_named():
    X, _ = small_data()
    model = TwoLayerNet(4, 5, 3, seed=0)
    with pytest.raises(ValueError, match=r"\[0, 3\)"):
        model.loss(X, np.array([0, 1, 2, 3, 0]))


@pytest.mark.parametrize("where", ["X", "W2"])
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_a_non_finite_input_or_parameter_of_a_net_is_named(where, bad):
    X, y = small_data()
    model = ThreeLayerNet(4, (5, 6), 3, seed=0)
    (X if where == "X" else model.params["W2"])[1, 2] = bad
    with pytest.raises(ValueError, match=rf"{where} contains 1 non-finite.*\(1, 2\)"):
        model.loss(X, y)
    with pytest.raises(ValueError, match=rf"{where} contains 1 non-finite.*\(1, 2\)"):
        model.loss(X)


def test_a_parameter_of_the_wrong_shape_is_named():
    X, y = small_data()
    model = ThreeLayerNet(4, (5, 6), 3, seed=0)
    model.params["W2"] = np.zeros((6, 5))
    with pytest.raises(ValueError, match=r"shape mismatch: W1 has shape \(4, 5\) and W2"):
        model.loss(X, y)
    model.params["W2"], model.params["b3"] = np.zeros((5, 6)), np.zeros(4)
    with pytest.raises(ValueError, match=r"b3 should have shape \(3,\)"):
        model.loss(X, y)


def test_integer_inputs_to_a_net_are_refused_with_the_fix():
    X, y = small_data()
    model = TwoLayerNet(4, 5, 3, seed=0)
    with pytest.raises(TypeError, match=r"X should have a floating-point dtype.*astype\(float\)"):
        model.loss(X.astype(int), y)
