"""Reference affine layer and the lecture's computational-graph examples through the modular API.

Cost: under a second.
"""

import numpy as np
import pytest

from coursekit.gradcheck import check_gradient
from solutions.activations import sigmoid_backward, sigmoid_forward
from solutions.layers import affine_backward, affine_forward
from solutions.linear import linear_scores


@pytest.mark.parametrize("x_shape", [(4, 6), (1, 6), (3, 2, 3), (2, 2, 3, 1)])
@pytest.mark.parametrize("param", ["x", "W", "b"])
def test_affine_backward_matches_numerical_gradient(x_shape, param):
    rng = np.random.default_rng(0)
    x = rng.standard_normal(x_shape)
    W = rng.standard_normal((6, 5))
    b = rng.standard_normal(5)
    out, cache = affine_forward(x, W, b)
    assert out.shape == (x_shape[0], 5)
    dout = rng.standard_normal(out.shape)
    grads = dict(zip("x W b".split(), affine_backward(dout, cache), strict=True))
    target = {"x": x, "W": W, "b": b}[param]
    assert grads[param].shape == target.shape
    check_gradient(lambda _: affine_forward(x, W, b)[0], target, grads[param],
                   name="d" + param, dout=dout).raise_if_failed()


def test_affine_forward_flattens_each_example():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 4, 5, 6))
    W = rng.standard_normal((120, 3))
    b = rng.standard_normal(3)
    out, _ = affine_forward(x, W, b)
    np.testing.assert_allclose(out, x.reshape(2, 120) @ W + b)


def test_affine_layer_does_not_modify_its_inputs():
    rng = np.random.default_rng(2)
    x, W, b = rng.standard_normal((3, 2, 2)), rng.standard_normal((4, 5)), rng.standard_normal(5)
    dout = rng.standard_normal((3, 5))
    copies = [a.copy() for a in (x, W, b, dout)]
    _, cache = affine_forward(x, W, b)
    affine_backward(dout, cache)
    for a, a0 in zip((x, W, b, dout), copies, strict=True):
        np.testing.assert_array_equal(a, a0)


def test_affine_shape_errors_are_named():
    x, W, b = np.zeros((3, 4)), np.zeros((5, 2)), np.zeros(2)
    with pytest.raises(ValueError, match=r"shape mismatch.*\(3, 4\).*\(5, 2\)"):
        affine_forward(x, W, b)
    with pytest.raises(ValueError, match=r"b should have shape \(2,\).*\(3,\)"):
        affine_forward(x, np.zeros((4, 2)), np.zeros(3))
    _, cache = affine_forward(x, np.zeros((4, 2)), b)
    with pytest.raises(ValueError, match=r"dout.*\(3, 2\).*\(2, 3\)"):
        affine_backward(np.zeros((2, 3)), cache)


def test_affine_rejects_integer_x_with_astype_advice():
    with pytest.raises(TypeError, match=r"x\.astype\(float\)"):
        affine_forward(np.ones((2, 3), dtype=int), np.zeros((3, 2)), np.zeros(2))


def test_linear_scores_is_X_W_plus_b():
    rng = np.random.default_rng(3)
    X, W, b = rng.standard_normal((5, 4)), rng.standard_normal((4, 3)), rng.standard_normal(3)
    np.testing.assert_allclose(linear_scores(X, W), X @ W)
    np.testing.assert_allclose(linear_scores(X, W, b), X @ W + b)
    with pytest.raises(ValueError, match="shape mismatch"):
        linear_scores(X, W.T)
    with pytest.raises(ValueError, match=r"X should be a 2-D array.*reshape\(1, -1\)"):
        linear_scores(X[0], W)


def test_lecture_example_f_equals_x_plus_y_times_z():
    # f(x, y, z) = (x + y) z at x = -2, y = 5, z = -4: q = x + y = 3, f = -12,
    # df/dx = df/dy = z = -4, df/dz = q = 3. Built from two affine gates:
    # q = [x, y] @ [[1], [1]], f = q @ [[z]].
    xy = np.array([[-2.0, 5.0]])
    q, cache_q = affine_forward(xy, np.array([[1.0], [1.0]]), np.zeros(1))
    f, cache_f = affine_forward(q, np.array([[-4.0]]), np.zeros(1))
    assert q[0, 0] == 3.0 and f[0, 0] == -12.0
    dq, dz, _ = affine_backward(np.array([[1.0]]), cache_f)  # df/df = 1
    dxy, _, _ = affine_backward(dq, cache_q)
    assert dz[0, 0] == 3.0
    assert dq[0, 0] == -4.0
    np.testing.assert_array_equal(dxy, [[-4.0, -4.0]])


def test_lecture_example_sigmoid_neuron():
    # f(w, x) = sigma(w0 x0 + w1 x1 + w2) at w0 = 2, x0 = -1, w1 = -3, x1 = -2, w2 = -3:
    # output 0.73, local gradient 0.2; dw0 = -0.20, dx0 = 0.39, dw1 = -0.39, dx1 = -0.59, dw2 = 0.20
    x = np.array([[-1.0, -2.0]])
    w = np.array([[2.0], [-3.0]])
    w2 = np.array([-3.0])
    s, cache_affine = affine_forward(x, w, w2)
    out, cache_sigmoid = sigmoid_forward(s)
    assert out[0, 0] == pytest.approx(0.73, abs=0.005)
    ds = sigmoid_backward(np.array([[1.0]]), cache_sigmoid)
    dx, dw, dw2 = affine_backward(ds, cache_affine)
    assert dw[0, 0] == pytest.approx(-0.20, abs=0.005)
    assert dx[0, 0] == pytest.approx(0.39, abs=0.005)
    assert dw[1, 0] == pytest.approx(-0.39, abs=0.005)
    assert dx[0, 1] == pytest.approx(-0.59, abs=0.005)
    assert dw2[0] == pytest.approx(0.20, abs=0.005)
