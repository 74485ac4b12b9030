"""Fully connected networks (and the linear classifier) built from layers, activations and losses.

Architecture: affine - activation - ... - affine - softmax. The loss is the softmax data loss
plus `reg * sum(W**2)` over every weight matrix (never the biases). The backward pass is
modular: each layer's backward takes the upstream gradient and its own cache, in reverse order.
"""

import functools

import numpy as np
from scipy.linalg.blas import get_blas_funcs

from solutions import activations as act
from solutions._checks import (
    check_bias,
    check_finite_result,
    check_float_array,
    check_inner_dims,
    check_labels,
    check_positive,
    check_reg,
    validated,
)
from solutions.layers import affine_backward, affine_backward_params, affine_forward
from solutions.losses import softmax_loss, svm_loss

ACTIVATIONS = {
    "relu": (act.relu_forward, act.relu_backward),
    "sigmoid": (act.sigmoid_forward, act.sigmoid_backward),
    "tanh": (act.tanh_forward, act.tanh_backward),
    "leaky_relu": (act.leaky_relu_forward, act.leaky_relu_backward),
    "elu": (act.elu_forward, act.elu_backward),
}

DATA_LOSSES = {"softmax": softmax_loss, "svm": svm_loss}


@functools.cache
def _blas(name, *dtypes):
    """The BLAS routine `name` for arrays of these dtypes (looked up once per combination)."""
    return get_blas_funcs(name, dtype=np.result_type(*dtypes))


def _check_dim(name, value):
    """A layer size as an int, or a ValueError when it is not a positive integer."""
    return int(check_positive(name, value, integer=True))


def _net_inputs(net, X, y=None):
    """The input check of a net's loss: X (N, ...) flattening to (N, D), params, labels y."""
    check_float_array("X", X, min_ndim=2, finite=False)
    rows = X.reshape(X.shape[0], -1)
    previous = ("X (flattened to (N, D))", rows)
    for k in range(1, net.num_layers + 1):
        W = check_float_array(f"W{k}", net.params[f"W{k}"], ndim=2, finite=False)
        check_inner_dims(*previous, f"W{k}", W)
        check_bias(f"b{k}", net.params[f"b{k}"], W.shape[1])
        previous = (f"W{k}", W)
    if y is not None:
        check_labels(y, X.shape[0], previous[1].shape[1])


def _finite_net_result(result, net, X, y=None):
    """Finite scores or loss, or the input or parameter to blame for NaN/inf."""
    check_finite_result("scores" if y is None else "loss", result if y is None else result[0],
                        X=X, **net.params)


class _FullyConnectedNet:
    """A stack of affine layers with `activation` between them and a softmax loss on top.

    params: W1 (D, H1), b1 (H1,), ..., WL (H_{L-1}, C), bL (C,). Weights are
    `weight_scale * standard normal` drawn from `numpy.random.default_rng(seed)` in the order
    W1, W2, ...; biases start at zero.
    """

    def __init__(self, dims, weight_scale, reg, activation, seed):
        if activation not in ACTIVATIONS:
            raise ValueError(
                f"activation should be one of {sorted(ACTIVATIONS)}, got {activation!r}."
            )
        self.reg = reg
        check_reg(reg)
        self.activation = activation
        self.weight_scale = weight_scale
        self.num_layers = len(dims) - 1
        rng = np.random.default_rng(seed)
        self.params = {}
        for k in range(1, self.num_layers + 1):
            fan_in, fan_out = dims[k - 1], dims[k]
            self.params[f"W{k}"] = weight_scale * rng.standard_normal((fan_in, fan_out))
            self.params[f"b{k}"] = np.zeros(fan_out)

    @validated(_net_inputs, _finite_net_result)
    def loss(self, X, y=None):
        """Scores for X, or the loss and its gradients.

        Inputs: X (N, D) float array (or (N, d1, ..., dk), flattened); y (N,) labels or None.
        Returns scores (N, C) when y is None, else (loss, grads) with grads keyed like params.
        """
        L = self.num_layers
        forward, backward = ACTIVATIONS[self.activation]
        p = self.params

        # forward: h0 = X; a_k = h_{k-1} W_k + b_k; h_k = f(a_k); scores = a_L
        caches = []
        h = X
        for k in range(1, L):
            a, affine_cache = affine_forward(h, p[f"W{k}"], p[f"b{k}"])
            h, act_cache = forward(a)
            caches.append((affine_cache, act_cache))
        scores, last_cache = affine_forward(h, p[f"W{L}"], p[f"b{L}"])
        if y is None:
            return scores

        loss, dscores = softmax_loss(scores, y)

        # backward, layer by layer in reverse
        grads = {}
        dh, grads[f"W{L}"], grads[f"b{L}"] = affine_backward(dscores, last_cache)
        for k in range(L - 1, 0, -1):
            affine_cache, act_cache = caches[k - 1]
            da = backward(dh, act_cache)
            if k > 1:
                dh, grads[f"W{k}"], grads[f"b{k}"] = affine_backward(da, affine_cache)
            else:  # the input X needs no gradient
                grads["W1"], grads["b1"] = affine_backward_params(da, affine_cache)

        # regularization reg * sum(W_k ** 2), gradient 2 reg W_k, with no temporary array:
        # BLAS axpy (y <- a x + y) adds 2 reg W_k to dW_k in one pass (first, while dW_k is in
        # cache), vdot sums the squares
        for k in range(1, L + 1):
            W, dW = p[f"W{k}"], grads[f"W{k}"]
            axpy = _blas("axpy", W.dtype, dW.dtype)
            grads[f"W{k}"] = axpy(W.ravel(), dW.ravel(), a=2 * self.reg).reshape(dW.shape)
            loss += self.reg * np.vdot(W, W)
        return float(loss), grads


class TwoLayerNet(_FullyConnectedNet):
    """Two-layer net: affine - activation - affine - softmax.

    params: W1 (input_dim, hidden_dim), b1 (hidden_dim,), W2 (hidden_dim, num_classes),
    b2 (num_classes,).
    """

    def __init__(
        self,
        input_dim,
        hidden_dim,
        num_classes,
        weight_scale=1e-3,
        reg=0.0,
        activation="relu",
        seed=None,
    ):
        self.input_dim = _check_dim("input_dim", input_dim)
        self.hidden_dim = _check_dim("hidden_dim", hidden_dim)
        self.num_classes = _check_dim("num_classes", num_classes)
        dims = [self.input_dim, self.hidden_dim, self.num_classes]
        super().__init__(dims, weight_scale, reg, activation, seed)


class ThreeLayerNet(_FullyConnectedNet):
    """Three-layer net: affine - activation - affine - activation - affine - softmax.

    hidden_dims = (H1, H2). params: W1 (input_dim, H1), b1 (H1,), W2 (H1, H2), b2 (H2,),
    W3 (H2, num_classes), b3 (num_classes,).
    """

    def __init__(
        self,
        input_dim,
        hidden_dims,
        num_classes,
        weight_scale=1e-3,
        reg=0.0,
        activation="relu",
        seed=None,
    ):
        hidden_dims = list(np.atleast_1d(hidden_dims).tolist())
        if len(hidden_dims) != 2:
            raise ValueError(
                f"hidden_dims should hold two sizes (H1, H2), got {hidden_dims!r}. "
                f"For one hidden layer use TwoLayerNet."
            )
        self.input_dim = _check_dim("input_dim", input_dim)
        self.hidden_dims = tuple(_check_dim("hidden_dims[i]", h) for h in hidden_dims)
        self.num_classes = _check_dim("num_classes", num_classes)
        dims = [self.input_dim, *self.hidden_dims, self.num_classes]
        super().__init__(dims, weight_scale, reg, activation, seed)


class LinearClassifier:
    """Linear classifier s = X W + b with a softmax or multiclass SVM loss.

    params: W (input_dim, num_classes), b (num_classes,). Same interface as the nets, so the
    same `train` loop fits it: `.loss(X)` gives scores, `.loss(X, y)` gives (loss, grads).
    """

    def __init__(self, input_dim, num_classes, weight_scale=1e-3, reg=0.0, loss="softmax",
                 seed=None):
        if loss not in DATA_LOSSES:
            raise ValueError(f"loss should be one of {sorted(DATA_LOSSES)}, got {loss!r}.")
        self.input_dim = _check_dim("input_dim", input_dim)
        self.num_classes = _check_dim("num_classes", num_classes)
        self.reg = reg
        check_reg(reg)
        self.loss_name = loss
        rng = np.random.default_rng(seed)
        self.params = {
            "W": weight_scale * rng.standard_normal((self.input_dim, self.num_classes)),
            "b": np.zeros(self.num_classes),
        }

    def loss(self, X, y=None):
        """Scores (N, C) when y is None, else (loss, grads) with grads keyed like params."""
        W, b = self.params["W"], self.params["b"]
        scores, cache = affine_forward(X, W, b)
        if y is None:
            return scores
        data_loss, dscores = DATA_LOSSES[self.loss_name](scores, y)
        loss = data_loss + self.reg * np.sum(W**2)
        _, dW, db = affine_backward(dscores, cache)
        return float(loss), {"W": dW + 2 * self.reg * W, "b": db}
