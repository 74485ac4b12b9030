"""Numerical gradients by centered differences, as in CS231n's gradient_check.py.

`eval_numerical_gradient(f, x)`, `eval_numerical_gradient_array(f, x, dout)`,
`grad_check_sparse(f, x, analytic_grad)` and `rel_error(a, b)`, plus the pieces
`coursekit.gradcheck.check_gradient` is built from: refusing an `x` that cannot carry a step,
the objective g(x) = f(x) or sum(f(x) * dout), and one centered difference with the steps
actually taken. x is perturbed in place and always restored bit for bit, also when f raises.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

import numpy as np

from coursekit.compare import fmt_index

__all__ = [
    "GradEntry",
    "eval_numerical_gradient",
    "eval_numerical_gradient_array",
    "grad_check_sparse",
    "rel_error",
]


class GradEntry(NamedTuple):
    """One checked entry of a gradient: ``index`` into x, the two values and their error."""

    index: tuple
    numeric: float
    analytic: float
    rel_error: float


# ----------------------------------------------------------------------------- inputs


def require_float_array(x: Any, what: str = "x") -> np.ndarray:
    """Refuse an ``x`` whose entries cannot carry a step of size h (not an array, ints, bools)."""
    if not isinstance(x, np.ndarray):
        raise TypeError(
            f"{what} must be a numpy array of floats (it is perturbed in place), got "
            f"{type(x).__name__}; convert with np.asarray({what}, dtype=np.float64)"
        )
    if x.dtype.kind in "biu":
        raise TypeError(
            f"{what} has dtype {x.dtype}: h=1e-5 steps are lost; convert with "
            f"{what}.astype(np.float64)"
        )
    if x.dtype.kind != "f":
        raise TypeError(
            f"{what} has dtype {x.dtype}: numerical gradients need a real float array; "
            f"convert with {what}.astype(np.float64)"
        )
    if not x.flags.writeable:
        raise ValueError(f"{what} is read-only: it is perturbed in place; pass {what}.copy()")
    return x


def tuple_hint(v: tuple | list) -> str:
    """What a function that returned a tuple or list of len(v) values probably returned."""
    n = len(v)
    kind = type(v).__name__
    if n == 2:
        return (
            f"f returned a {kind} of 2 values (e.g. (loss, grad) or (out, cache)); "
            "pass a function that returns only the first: lambda x: f(x)[0]"
        )
    return f"f returned a {kind} of {n} values; pass a function that returns one array or number"


def scalar_of(v: Any) -> float:
    """The float value of a scalar-valued ``f(x)``; refuse tuples and arrays with a message."""
    if isinstance(v, (tuple, list)):
        raise TypeError(tuple_hint(v))
    if v is None:
        raise TypeError("f returned None — did you forget to return?")
    a = np.asarray(v)
    if a.dtype.kind not in "biuf":
        raise TypeError(f"f must return a number, got {type(v).__name__} of dtype {a.dtype}")
    if a.size != 1:
        raise ValueError(
            f"f returned an array of shape {a.shape}; a numerical gradient needs a scalar "
            "f(x) (a loss), or use eval_numerical_gradient_array / check_gradient(..., dout=...) "
            "for the vector-Jacobian product"
        )
    return float(a.reshape(()))


def array_of(v: Any, dout_shape: tuple) -> np.ndarray:
    """A copy of the array value of ``f(x)``, checked against ``dout``'s shape."""
    if isinstance(v, (tuple, list)):
        raise TypeError(tuple_hint(v))
    if v is None:
        raise TypeError("f returned None — did you forget to return?")
    a = np.array(v, dtype=np.float64)  # a copy: f may return a view of x or a reused buffer
    if a.shape != tuple(dout_shape):
        raise ValueError(
            f"f returned shape {a.shape} but dout has shape {tuple(dout_shape)}: dout must "
            "have the shape of f's output"
        )
    return a


# ----------------------------------------------------------------------------- centered differences


class Objective:
    """g(x) = f(x), or sum(f(x) * dout) for an array-valued f, with the size S it sums."""

    def __init__(self, f: Callable, x: np.ndarray, dout: np.ndarray | None):
        """f, the point x and, for a vector-valued f, the upstream gradient dout."""
        self.f, self.x, self.dout = f, x, dout

    def value(self) -> tuple[float, float]:
        """(g, S): g at the current x, S = the magnitude g was summed from (for rounding)."""
        out = self.f(self.x)
        if self.dout is None:
            g = scalar_of(out)
            return g, abs(g)
        prod = array_of(out, self.dout.shape) * self.dout
        return float(np.sum(prod)), float(np.sum(np.abs(prod)))


class Difference(NamedTuple):
    """A centered difference at one entry: its slope, both sides, and the steps taken."""

    slope: float
    g_plus: float
    g_minus: float
    size: float  # S of the larger side
    step_plus: float
    step_minus: float  # negative


def centered(objective: Objective, ix: tuple, h: float) -> Difference:
    """(g(x + h e_ix) - g(x - h e_ix)) / 2h, with the steps measured after rounding."""
    x = objective.x
    oldval = x[ix].copy()
    try:
        x[ix] = oldval + h
        step_plus = float(x[ix]) - float(oldval)
        g_plus, s_plus = objective.value()
        x[ix] = oldval - h
        step_minus = float(x[ix]) - float(oldval)
        g_minus, s_minus = objective.value()
    finally:
        x[ix] = oldval
    width = step_plus - step_minus
    if width == 0.0:
        raise ValueError(
            f"the step h={h:g} is lost at index {fmt_index(ix)} where x = {float(oldval):g} "
            f"(dtype {x.dtype}): use a larger h or a float64 x"
        )
    slope = (g_plus - g_minus) / width
    return Difference(slope, g_plus, g_minus, max(s_plus, s_minus), step_plus, step_minus)


@contextmanager
def restored(x: np.ndarray) -> Iterator[None]:
    """x is restored bit for bit afterwards, also when f raises."""
    saved = x.copy()
    try:
        yield
    finally:
        np.copyto(x, saved)


# ----------------------------------------------------------------------------- CS231n checkers


def rel_error(a, b) -> float:
    """Maximum relative error ``max(|a - b| / max(1e-8, |a| + |b|))`` of two arrays or numbers.

    a, b: arrays of the same shape (or scalars). Returns a Python float (0.0 for empty arrays).
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape and a.size != 1 and b.size != 1:
        raise ValueError(f"rel_error: shapes differ: {a.shape} vs {b.shape}")
    err = np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))
    return float(np.max(err)) if err.size else 0.0


def eval_numerical_gradient(f: Callable, x: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """Numerical gradient of a scalar function by centered differences.

    f: callable taking x and returning a number (e.g. a loss; it may ignore its argument and
       read x through a closure, since x is perturbed in place).
    x: float array of any shape; restored bit for bit afterwards, also if f raises.
    h: step size.
    Returns grad with x's shape (float64): grad[i] = (f(x + h e_i) - f(x - h e_i)) / 2h,
    with the step actually taken (after rounding to x's dtype) in the denominator.
    """
    return _every_entry(Objective(f, require_float_array(x), None), h)


def eval_numerical_gradient_array(
    f: Callable, x: np.ndarray, dout: np.ndarray, h: float = 1e-5
) -> np.ndarray:
    """Numerical vector-Jacobian product of an array-valued function.

    f: callable taking x and returning an array of dout's shape (e.g. a layer's forward output).
    x: float array of any shape; restored bit for bit afterwards, also if f raises.
    dout: upstream gradient, the shape of f(x).
    Returns grad with x's shape: grad[i] = sum((f(x + h e_i) - f(x - h e_i)) * dout) / 2h.
    """
    dout = np.asarray(dout, dtype=np.float64)
    return _every_entry(Objective(f, require_float_array(x), dout), h)


def _every_entry(objective: Objective, h: float) -> np.ndarray:
    """The centered difference of the objective at every entry of its x (x's shape)."""
    x = objective.x
    grad = np.zeros(x.shape, dtype=np.float64)
    with restored(x):
        for ix in np.ndindex(x.shape):
            grad[ix] = centered(objective, ix, h).slope
    return grad


def grad_check_sparse(
    f: Callable,
    x: np.ndarray,
    analytic_grad: np.ndarray,
    num_checks: int = 10,
    h: float = 1e-5,
    seed: int = 0,
    verbose: bool = False,
) -> list[GradEntry]:
    """Compare an analytic gradient with centered differences at a few random entries.

    f: scalar function of x (as in eval_numerical_gradient). x: float array, restored.
    analytic_grad: array of x's shape. num_checks: entries to check (distinct, at most x.size),
    chosen with numpy.random.default_rng(seed). verbose: print one line per entry.
    Returns a list of GradEntry(index, numeric, analytic, rel_error), in the order checked.
    """
    x = require_float_array(x)
    analytic_grad = np.asarray(analytic_grad)
    if analytic_grad.shape != x.shape:
        raise ValueError(
            f"analytic_grad has shape {analytic_grad.shape} but x has shape {x.shape}"
        )
    rng = np.random.default_rng(seed)
    count = min(int(num_checks), x.size)
    flat = rng.choice(x.size, size=count, replace=False)
    objective = Objective(f, x, None)
    records = []
    with restored(x):
        for k in flat:
            ix = tuple(int(i) for i in np.unravel_index(int(k), x.shape))
            num = centered(objective, ix, h).slope
            ana = float(analytic_grad[ix])
            rec = GradEntry(ix, num, ana, rel_error(num, ana))
            records.append(rec)
            if verbose:
                print(
                    f"index {fmt_index(ix)}: numerical {num:f} analytic {ana:f}, "
                    f"relative error {rec.rel_error:e}"
                )
    return records
