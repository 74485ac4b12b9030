"""Affine (fully connected) layer: forward out = x W + b and its backward pass."""

import numpy as np

from solutions._checks import (
    check_bias,
    check_finite_result,
    check_float_array,
    check_inner_dims,
    check_same_shape,
)


def affine_forward(x, W, b):
    """Affine layer out = x W + b.

    Inputs:
    - x: (N, d1, ..., dk) float array; each example is flattened to a row of D = d1 * ... * dk.
    - W: (D, M) weights.
    - b: (M,) biases.

    Returns (out, cache) with out of shape (N, M).
    """
    check_float_array("x", x, min_ndim=1, finite=False)
    check_float_array("W", W, ndim=2, finite=False)
    N = x.shape[0]
    x_rows = x.reshape(N, -1)  # (N, D); a view, x itself is untouched
    check_inner_dims("x (flattened to (N, D))", x_rows, "W", W)
    check_bias("b", b, W.shape[1])
    with np.errstate(invalid="ignore", over="ignore"):  # NaN/inf are reported just below
        out = x_rows @ W + b
    check_finite_result("out", out, x=x, W=W, b=b)
    cache = (x, W, b)
    return out, cache


def affine_backward(dout, cache):
    """Backward of affine_forward.

    Inputs: dout (N, M) upstream gradient; cache from affine_forward.
    Returns (dx, dW, db) with the shapes of x (unflattened), W (D, M) and b (M,).
    """
    x, W, b = cache
    N = x.shape[0]
    check_same_shape("dout", dout, (N, W.shape[1]))
    x_rows = x.reshape(N, -1)
    # out = x W + b: local gradients d out/d x = W^T, d out/d W = x^T, d out/d b = 1 (summed over N)
    dx = (dout @ W.T).reshape(x.shape)
    dW = x_rows.T @ dout
    db = dout.sum(axis=0)
    return dx, dW, db


def affine_backward_params(dout, cache):
    """affine_backward without dx: (dW, db), for a first layer whose input needs no gradient.

    Skipping dx saves the largest matrix product of a network's backward pass.
    """
    x, W, b = cache
    N = x.shape[0]
    check_same_shape("dout", dout, (N, W.shape[1]))
    x_rows = x.reshape(N, -1)
    # out = x W + b: local gradients d out/d W = x^T, d out/d b = 1 (summed over N)
    dW = x_rows.T @ dout
    db = dout.sum(axis=0)
    return dW, db
