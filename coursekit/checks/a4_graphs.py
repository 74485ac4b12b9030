"""Visible checks of assignment 4's staged graphs and Jacobians: the student's backward pass
against numerical gradients of the student's own forward, on random inputs (no stored answers).

A staged graph is a function of its inputs returning `(out, grads)`, with `grads` holding the
gradient of the scalar `out` with respect to every input, in input order, each with its input's
shape. Inputs are floats or float arrays; `graph_inputs` draws fresh ones shaped like examples
(the hidden tests draw theirs the same way, from other seeds).
"""

import inspect

import numpy as np

from coursekit.checks.harness import (
    CheckFailed,
    call,
    close,
    gradient,
    passed,
    unpack,
    visible_check,
)

SCALE = 1.5  # inputs are SCALE * standard normal draws: both branches of every gate get taken
VISIBLE_SEEDS = (101, 102, 103)
# The given forward passes with every use of an input as an argument of its own: (the inputs'
# positions in that argument list, the function). d f / d (one use) is what a gradient holds
# when a later use overwrote (=) what an earlier one had added (+=).
USES = {
    "fan_out_graph": ((0, 0, 1, 1), lambda a_u, a_w, b_u, b_f: (np.tanh(a_u * b_u) + a_w) * b_f),
    "max_min_graph": ((0, 1, 1, 2, 2),
                      lambda x, y_p, y_n, z_m, z_n: max(x * y_p, z_m) * min(y_n, z_n)),
    "div_exp_log_graph": ((0, 0, 1), lambda x_e, x_t, y: np.log(1.0 + np.exp(x_e))
                          / (1.0 + (x_t - y) ** 2)),
}


def one_use_only(name, inputs, i, got, h=1e-6):
    """Whether the scalar gradient `got` of input i is that of one of its uses alone."""
    if name not in USES or np.ndim(got) != 0:
        return False
    positions, split = USES[name]
    slots = [float(inputs[p]) for p in positions]
    uses = [k for k, p in enumerate(positions) if p == i]
    for k in uses if len(uses) > 1 else ():
        up, down = list(slots), list(slots)
        up[k] += h
        down[k] -= h
        partial = (split(*up) - split(*down)) / (2 * h)
        if abs(float(got) - partial) <= 1e-5 * max(1.0, abs(partial)):
            return True
    return False
GIVEN_FORWARD = {  # the forward pass each graph's exercise gives, as one expression
    "fan_out_graph": lambda a, b: (np.tanh(a * b) + a) * b,
    "max_min_graph": lambda x, y, z: max(x * y, z) * min(y, z),
    "div_exp_log_graph": lambda x, y: np.log(1.0 + np.exp(x)) / (1.0 + (x - y) ** 2),
    "vector_graph": lambda x, W, t: np.sum((np.maximum(x @ W, 0.0) - t) ** 2),
}


def graph_inputs(shapes, seed):
    """Fresh inputs of the given shapes (() is a float), SCALE * standard normal, from seed."""
    rng = np.random.default_rng(seed)
    return tuple(
        float(SCALE * rng.standard_normal()) if shape == () else SCALE * rng.standard_normal(shape)
        for shape in shapes
    )


def input_names(fn, count):
    """The names of fn's parameters (x, W, ...), or in1, in2, ... when they cannot be read."""
    try:
        names = list(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        names = []
    return names if len(names) == count else [f"in{k + 1}" for k in range(count)]


def with_input(inputs, i, value):
    """inputs with inputs[i] replaced by value (a float when inputs[i] is one)."""
    new = list(inputs)
    new[i] = float(value) if np.ndim(inputs[i]) == 0 else value
    return tuple(new)


def graph_result(fn, name, case, inputs):
    """(out, grads) of fn(*inputs), checked for form: one gradient per input, of its shape."""
    out, grads = unpack(call(fn, name, case, *inputs, derived={}), name, ("out", "grads"))
    names = input_names(fn, len(inputs))
    grads = unpack(grads, f"{name}'s grads", tuple(f"d{n}" for n in names))
    for n, g, x in zip(names, grads, inputs, strict=True):
        if g is None or np.shape(g) != np.shape(x):
            raise CheckFailed(
                f"{name}, case {case}: d{n} should have the shape of {n}, {np.shape(x)}, got "
                f"{'None (a missing value?)' if g is None else np.shape(g)}."
            )
    return out, grads


@visible_check
def check_graph(fn, shapes):
    """fn's gradients on random inputs of the given shapes (() for a float), against centered
    differences of fn's own output."""
    name = getattr(fn, "__name__", "the graph")
    names = input_names(fn, len(shapes))
    for seed in VISIBLE_SEEDS:
        inputs = graph_inputs(shapes, seed)
        case = "random inputs " + ", ".join(
            f"{n}={v:.3f}" if np.ndim(v) == 0 else f"{n} of shape {np.shape(v)}"
            for n, v in zip(names, inputs, strict=True)
        )
        out, grads = graph_result(fn, name, case, inputs)
        if name in GIVEN_FORWARD:  # the gradients are those of the given forward pass
            close(name, case, "out (the forward pass the exercise gives: keep it as it is)", out,
                  GIVEN_FORWARD[name](*inputs))
        for i, n in enumerate(names):

            def out_of(v, i=i, inputs=inputs):
                """The graph's output with input i replaced by v (its shape)."""
                return fn(*with_input(inputs, i, v))[0]

            x = np.array(inputs[i], dtype=np.float64)
            try:
                gradient(name, case, out_of, x, np.asarray(grads[i], dtype=np.float64), f"d{n}")
            except CheckFailed as failure:
                if not one_use_only(name, inputs, i, grads[i]):
                    raise
                raise CheckFailed(f"{failure}\nhint: d{n} is the gradient of one use of {n} "
                                  f"only, but {n} feeds more than one gate: add the gradient of "
                                  f"every use (d{n} += ..., not d{n} = ...)") from None
    passed(name, "every gradient matches the numerical one", len(VISIBLE_SEEDS))


# ---------------------------------------------------------------- Jacobians of y = x W

JACOBIAN_SHAPES = ((2, 3, 4), (3, 1, 5))  # (N, D, M) of the visible cases


def matmul_case(N, D, M, seed):
    """(x (N, D), W (D, M), dy (N, M)) standard normal, from seed."""
    rng = np.random.default_rng(seed)
    return rng.standard_normal((N, D)), rng.standard_normal((D, M)), rng.standard_normal((N, M))


def numerical_jacobian(f, x, h=1e-5):
    """The (f(x).size, x.size) matrix of centered differences of f at x (row-major numbering)."""
    x = np.array(x, dtype=np.float64, copy=True)
    columns = []
    for c in range(x.size):
        plus, minus = x.copy(), x.copy()
        plus.flat[c] += h
        minus.flat[c] -= h
        columns.append((np.asarray(f(plus)) - np.asarray(f(minus))).ravel() / (2 * h))
    return np.stack(columns, axis=1)


def products(x, W):
    """(v -> v W, v -> x W): y = x W as a function of x, and as a function of W."""
    return (lambda v: v @ W), (lambda v: x @ v)


@visible_check
def check_matmul_jacobians(matmul_jacobians):
    """Jx and JW against numerical Jacobians of y = x W."""
    for k, (N, D, M) in enumerate(JACOBIAN_SHAPES):
        x, W, _ = matmul_case(N, D, M, seed=110 + k)
        case = f"x ({N}, {D}), W ({D}, {M})"
        Jx, JW = unpack(call(matmul_jacobians, "matmul_jacobians", case, x, W, derived={}),
                        "matmul_jacobians", ("Jx", "JW"))
        of_x, of_W = products(x, W)
        close("matmul_jacobians", case, "Jx", Jx, numerical_jacobian(of_x, x), rtol=1e-6,
              atol=1e-8)
        close("matmul_jacobians", case, "JW", JW, numerical_jacobian(of_W, W), rtol=1e-6,
              atol=1e-8)
    passed("matmul_jacobians", "Jx and JW match the numerical Jacobians", len(JACOBIAN_SHAPES))


@visible_check
def check_matmul_backward(matmul_backward):
    """dx and dW against numerical vector-Jacobian products of y = x W."""
    for k, (N, D, M) in enumerate(JACOBIAN_SHAPES):
        x, W, dy = matmul_case(N, D, M, seed=120 + k)
        case = f"x ({N}, {D}), W ({D}, {M})"
        dx, dW = unpack(call(matmul_backward, "matmul_backward", case, dy, x, W, derived={}),
                        "matmul_backward", ("dx", "dW"))
        of_x, of_W = products(x, W)
        gradient("matmul_backward", case, of_x, x, dx, "dx", dout=dy, sizes={"N": N})
        gradient("matmul_backward", case, of_W, W, dW, "dW", dout=dy, sizes={"N": N})
    passed("matmul_backward", "dx and dW match numerical gradients", len(JACOBIAN_SHAPES))


@visible_check
def check_jacobian_bytes(jacobian_bytes):
    """The sizes of the two Jacobians, against the numerical Jacobians' own sizes."""
    for k, ((N, D, M), itemsize) in enumerate(zip(JACOBIAN_SHAPES, (8, 4), strict=True)):
        x, W, _ = matmul_case(N, D, M, seed=130 + k)
        case = f"x ({N}, {D}), W ({D}, {M}), {itemsize} bytes per number"
        sizes = unpack(call(jacobian_bytes, "jacobian_bytes", case, N, D, M, itemsize),
                       "jacobian_bytes", ("bytes_x", "bytes_W"))
        expected = [numerical_jacobian(f, v).size * itemsize
                    for f, v in zip(products(x, W), (x, W), strict=True)]
        for what, got, exp in zip(("bytes_x", "bytes_W"), sizes, expected, strict=True):
            got = float(got) if isinstance(got, (int, np.integer)) else got  # ints are right
            close("jacobian_bytes", case, what, got, float(exp), rtol=0, atol=0.5)
    passed("jacobian_bytes", "both sizes match", len(JACOBIAN_SHAPES))
