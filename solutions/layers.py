"""Affine (fully connected) layer: forward out = x W + b and its backward pass."""


from solutions._checks import (
    check_bias,
    check_finite_result,
    check_float_array,
    check_inner_dims,
    upstream,
    validated,
)


def _affine_inputs(x, W, b):
    """The input check of affine_forward (NaN and inf are found in the output instead)."""
    check_float_array("x", x, min_ndim=1, finite=False)
    check_float_array("W", W, ndim=2, finite=False)
    check_inner_dims("x (flattened to (N, D))", x.reshape(x.shape[0], -1), "W", W)
    check_bias("b", b, W.shape[1])


def _finite_out(result, x, W, b):
    """A finite output, or the input to blame for NaN/inf."""
    check_finite_result("out", result[0], x=x, W=W, b=b)


_affine_upstream = upstream(lambda cache: (cache[0].shape[0], cache[1].shape[1]))


@validated(_affine_inputs, _finite_out)
def affine_forward(x, W, b):
    """Affine layer out = x W + b.

    Inputs:
    - x: (N, d1, ..., dk) float array; each example is flattened to a row of D = d1 * ... * dk.
    - W: (D, M) weights.
    - b: (M,) biases.

    Returns (out, cache) with out of shape (N, M).
    """
    N = x.shape[0]
    x_rows = x.reshape(N, -1)  # (N, D); a view, x itself is untouched
    out = x_rows @ W + b
    cache = (x, W, b)
    return out, cache


@validated(_affine_upstream)
def affine_backward(dout, cache):
    """Backward of affine_forward.

    Inputs: dout (N, M) upstream gradient; cache from affine_forward.
    Returns (dx, dW, db) with the shapes of x (unflattened), W (D, M) and b (M,).
    """
    x, W, b = cache
    N = x.shape[0]
    x_rows = x.reshape(N, -1)
    # out = x W + b: local gradients d out/d x = W^T, d out/d W = x^T, d out/d b = 1 (summed over N)
    dx = (dout @ W.T).reshape(x.shape)
    dW = x_rows.T @ dout
    db = dout.sum(axis=0)
    return dx, dW, db


@validated(_affine_upstream)
def affine_backward_params(dout, cache):
    """affine_backward without dx: (dW, db), for a first layer whose input needs no gradient.

    Skipping dx saves the largest matrix product of a network's backward pass.
    """
    x, W, b = cache
    N = x.shape[0]
    x_rows = x.reshape(N, -1)
    # out = x W + b: local gradients d out/d b = 1 (summed over N), d out/d W = x^T
    db = dout.sum(axis=0)
    dW = x_rows.T @ dout
    return dW, db
