"""Staged computational graphs: the forward pass one gate per line, then its backward pass.

Each graph is a function of its inputs returning `(out, grads)`: the scalar output and a tuple
with the gradient of `out` with respect to every input, in input order, each with its input's
shape. `GRAPHS[name] = (function, example_inputs)`; `BRANCHES[name](*inputs)` gives the values
whose signs choose the branch of every max/min gate and ReLU of that graph (a kink where one is
0), so that tests can pick inputs that take both branches, away from the kinks.
The backward pass starts at the line `# backward pass ...`: the notebook gives what comes before.
"""

import numpy as np


def fan_out_graph(a, b):
    """f(a, b) = (tanh(a b) + a) b, staged: a and b are each used twice.

    Inputs: a, b floats. Returns (f, (da, db)): f a float, da = df/da and db = df/db floats.
    """
    # forward pass, one gate per line
    u = a * b  # mul
    v = np.tanh(u)  # tanh
    w = v + a  # add: a is used a second time
    f = w * b  # mul: b is used a second time
    # backward pass: one local gradient per line, in reverse order; a variable used twice
    # collects the gradients of both uses (+=)
    dw = b  # f = w b
    db = w
    dv = dw  # w = v + a
    da = dw
    du = (1.0 - v * v) * dv  # v = tanh(u): tanh' = 1 - tanh^2
    da += b * du  # u = a b
    db += a * du
    return f, (da, db)


def max_min_graph(x, y, z):
    """f(x, y, z) = max(x y, z) * min(y, z), staged.

    Inputs: x, y, z floats. Returns (f, (dx, dy, dz)), floats.
    """
    # forward pass, one gate per line
    p = x * y  # mul
    m = max(p, z)  # max gate
    n = min(y, z)  # min gate: y and z are used a second time
    f = m * n  # mul
    # backward pass: one local gradient per line, in reverse order
    dm = n  # f = m n
    dn = m
    dy = dn if y < z else 0.0  # n = min(y, z): the gradient goes to the smaller input
    dz = 0.0 if y < z else dn
    dp = dm if p > z else 0.0  # m = max(p, z): the gradient goes to the larger input
    dz += 0.0 if p > z else dm
    dx = y * dp  # p = x y
    dy += x * dp
    return f, (dx, dy, dz)


def div_exp_log_graph(x, y):
    """f(x, y) = log(1 + exp(x)) / (1 + (x - y)^2), staged: x is used twice.

    Inputs: x, y floats. Returns (f, (dx, dy)), floats.
    """
    # forward pass, one gate per line
    e = np.exp(x)  # exp
    s = 1.0 + e  # add a constant
    num = np.log(s)  # log
    t = x - y  # subtract: x is used a second time
    den = 1.0 + t * t  # square, add a constant
    f = num / den  # divide
    # backward pass: one local gradient per line, in reverse order
    dnum = 1.0 / den  # f = num / den
    dden = -num / (den * den)
    dt = 2.0 * t * dden  # den = 1 + t^2
    dx = dt  # t = x - y
    dy = -dt
    ds = dnum / s  # num = log(s)
    de = ds  # s = 1 + e
    dx += e * de  # e = exp(x): exp' = exp
    return f, (dx, dy)


def vector_graph(x, W, t):
    """f(x, W, t) = sum((max(0, x W) - t)^2), staged on vectors.

    Inputs: x (D,), W (D, K), t (K,) float arrays. Returns (f, (dx, dW, dt)): f a float,
    dx (D,), dW (D, K), dt (K,).
    """
    # forward pass, one operation per line
    a = x @ W  # (K,) pre-activations
    h = np.maximum(a, 0.0)  # (K,) ReLU
    r = h - t  # (K,) residuals
    f = np.sum(r * r)  # scalar: sum of squares
    # backward pass: one local gradient per line, in reverse order; each has its variable's shape
    dr = 2.0 * r  # (K,)
    dh = dr  # (K,)   r = h - t
    dt = -dr  # (K,)
    da = dh * (a > 0)  # (K,)   ReLU passes the gradient where a > 0
    dx = W @ da  # (D,)   a_k = sum_d x_d W_dk
    dW = np.outer(x, da)  # (D, K)
    return f, (dx, dW, dt)


GRAPHS = {
    "fan_out_graph": (fan_out_graph, (0.5, -1.5)),
    "max_min_graph": (max_min_graph, (1.5, -2.0, 0.5)),
    "div_exp_log_graph": (div_exp_log_graph, (0.5, 2.0)),
    "vector_graph": (
        vector_graph,
        (
            np.array([1.0, -2.0, 0.5]),
            np.array([[0.5, -1.0, 2.0, 1.0], [1.0, 0.5, -0.5, 2.0], [-1.0, 1.0, 1.0, 0.5]]),
            np.array([1.0, 0.0, -1.0, 2.0]),
        ),
    ),
}

BRANCHES = {
    "max_min_graph": lambda x, y, z: np.array([x * y - z, y - z]),
    "vector_graph": lambda x, W, t: x @ W,
}
