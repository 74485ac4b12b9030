"""Activation functions as forward/backward pairs: sigmoid, tanh, ReLU, leaky ReLU, ELU, maxout.

Every forward returns `(out, cache)`, every backward takes `(dout, cache)` and returns the
gradient with respect to the forward's input(s). Gradients at kinks follow the contract:
ReLU'(0) = 0, leaky ReLU'(0) = alpha, ELU'(0) = 1, maxout ties send the gradient to the first
piece.
"""

import numpy as np

from solutions._checks import (
    check_bias,
    check_float_array,
    check_inner_dims,
    upstream,
    validated,
)


def _x_and_alpha(x, alpha=0.1):
    """The input check of an elementwise forward: a float array x, a finite alpha."""
    check_float_array("x", x)
    if not np.isscalar(alpha) or isinstance(alpha, (bool, str)) or not np.isfinite(alpha):
        raise ValueError(f"alpha should be a finite number, got {alpha!r}.")


def _maxout_inputs(x, W1, b1, W2, b2):
    """The input check of maxout_forward: x (N, D), W1 and W2 (D, M), b1 and b2 (M,)."""
    check_float_array("x", x, ndim=2)
    for name, W in (("W1", W1), ("W2", W2)):
        check_float_array(name, W, ndim=2)
        check_inner_dims("x", x, name, W)
    if W1.shape != W2.shape:
        raise ValueError(
            f"W1 and W2 should have the same shape (D, M), got {W1.shape} and {W2.shape}."
        )
    check_bias("b1", b1, W1.shape[1])
    check_bias("b2", b2, W2.shape[1])


# ----- sigmoid: sigma(x) = 1 / (1 + exp(-x)) --------------------------------------------------


@validated(_x_and_alpha)
def sigmoid_forward(x):
    """Elementwise sigmoid sigma(x) = 1 / (1 + exp(-x)) of an array of any shape.

    Returns (out, cache) with out of x's shape. Computed without overflow for large |x|.
    """
    z = np.exp(-np.abs(x))  # in (0, 1]: never overflows
    out = np.where(x >= 0, 1 / (1 + z), z / (1 + z))
    cache = out
    return out, cache


@validated(upstream(lambda out: out.shape))
def sigmoid_backward(dout, cache):
    """Backward of sigmoid_forward: dx = dout * sigma(x) * (1 - sigma(x))."""
    out = cache
    # local gradient: d sigma / dx = sigma (1 - sigma)
    dx = dout * out * (1 - out)
    return dx


# ----- tanh ------------------------------------------------------------------------------------


@validated(_x_and_alpha)
def tanh_forward(x):
    """Elementwise tanh(x) of an array of any shape. Returns (out, cache)."""
    out = np.tanh(x)
    cache = out
    return out, cache


@validated(upstream(lambda out: out.shape))
def tanh_backward(dout, cache):
    """Backward of tanh_forward: dx = dout * (1 - tanh(x)**2)."""
    out = cache
    # local gradient: d tanh / dx = 1 - tanh^2
    dx = dout * (1 - out**2)
    return dx


# ----- ReLU: max(0, x) -------------------------------------------------------------------------


@validated(_x_and_alpha)
def relu_forward(x):
    """Elementwise ReLU max(0, x) of an array of any shape. Returns (out, cache)."""
    out = np.maximum(0, x)
    cache = x
    return out, cache


@validated(upstream(lambda x: x.shape))
def relu_backward(dout, cache):
    """Backward of relu_forward: the gradient passes where x > 0 (ReLU'(0) = 0)."""
    x = cache
    # local gradient: 1 where x > 0, else 0 (a gate: the upstream gradient passes or is killed)
    dx = dout * (x > 0)
    return dx


# ----- leaky ReLU: max(alpha x, x) -------------------------------------------------------------


@validated(_x_and_alpha)
def leaky_relu_forward(x, alpha=0.1):
    """Elementwise leaky ReLU max(alpha * x, x) (for 0 <= alpha <= 1). Returns (out, cache)."""
    out = np.where(x > 0, x, alpha * x)
    cache = (x, alpha)
    return out, cache


@validated(upstream(lambda cache: cache[0].shape))
def leaky_relu_backward(dout, cache):
    """Backward of leaky_relu_forward: slope 1 where x > 0, alpha elsewhere (leaky'(0) = alpha)."""
    x, alpha = cache
    # local gradient: 1 for x > 0, alpha for x <= 0
    dx = dout * np.where(x > 0, 1.0, alpha)
    return dx


# ----- ELU: x if x >= 0 else alpha (exp(x) - 1) -----------------------------------------------


@validated(_x_and_alpha)
def elu_forward(x, alpha=1.0):
    """Elementwise ELU: x for x >= 0, alpha * (exp(x) - 1) for x < 0. Returns (out, cache)."""
    # expm1 of min(x, 0): accurate near 0 and never overflows for large positive x
    out = np.where(x >= 0, x, alpha * np.expm1(np.minimum(x, 0)))
    cache = (x, alpha)
    return out, cache


@validated(upstream(lambda cache: cache[0].shape))
def elu_backward(dout, cache):
    """Backward of elu_forward: slope 1 for x >= 0 (ELU'(0) = 1), alpha * exp(x) for x < 0."""
    x, alpha = cache
    # local gradient: 1 on the x >= 0 branch, alpha * exp(x) on the other
    dx = dout * np.where(x >= 0, 1.0, alpha * np.exp(np.minimum(x, 0)))
    return dx


# ----- maxout: max(x W1 + b1, x W2 + b2) -------------------------------------------------------


@validated(_maxout_inputs)
def maxout_forward(x, W1, b1, W2, b2):
    """Maxout unit with two affine pieces: out = max(x @ W1 + b1, x @ W2 + b2).

    Inputs: x (N, D), W1 and W2 (D, M), b1 and b2 (M,).
    Returns (out, cache) with out of shape (N, M).
    """
    s1 = x @ W1 + b1  # first piece, (N, M)
    s2 = x @ W2 + b2  # second piece, (N, M)
    first = s1 >= s2  # ties go to the first piece
    out = np.where(first, s1, s2)
    cache = (x, W1, W2, first)
    return out, cache


@validated(upstream(lambda cache: cache[3].shape))
def maxout_backward(dout, cache):
    """Backward of maxout_forward: the gradient flows only through the winning piece.

    Returns (dx, dW1, db1, dW2, db2) with the shapes of x, W1, b1, W2, b2.
    """
    x, W1, W2, first = cache
    # max routes the upstream gradient to the piece that won (the first on ties)
    ds1 = dout * first
    ds2 = dout * ~first
    # s_k = x W_k + b_k  =>  dW_k = x^T ds_k, db_k = sum_i ds_k, dx = sum_k ds_k W_k^T
    dW1 = x.T @ ds1
    db1 = ds1.sum(axis=0)
    dW2 = x.T @ ds2
    db2 = ds2.sum(axis=0)
    dx = ds1 @ W1.T + ds2 @ W2.T
    return dx, dW1, db1, dW2, db2
