"""Numerical gradient checks and readable comparisons of arrays (numpy and the stdlib only).

Safe to ship to students: this module imports nothing from the course's reference code or
grading pipeline. It provides

- the CS231n checkers: ``eval_numerical_gradient``, ``eval_numerical_gradient_array``,
  ``grad_check_sparse`` and ``rel_error``;
- ``assert_close(name, got, expected)``: an assertion whose message says what is wrong
  (``None``, a tuple, a shape, NaN, which entries, and a hint for the typical mistake);
- ``check_gradient(f, x, analytic)``: a full gradient check returning a ``GradientReport``
  whose ``str`` is a one-line dashboard (Karpathy's ``cmp``) plus the worst entries, a hint,
  and the entries that sit on a kink (ReLU at 0, a hinge margin at 0, a maxout tie).

Numerical gradients perturb ``x`` in place (so that ``f`` may ignore its argument and read
``x`` through a closure, e.g. ``lambda _: net.loss(X, y)[0]`` with ``x = net.params["W1"]``)
and always restore it bit for bit, also when ``f`` raises. Nothing here prints unless
``verbose=True`` and nothing emits Python warnings: precision notes go into the report text
(nbgrader scores a cell that writes to stderr as failed).

Pass rule of ``check_gradient`` (float64 error analysis). The centered difference
``n = (g(x+h) - g(x-h)) / 2h`` of ``g = f`` (or ``g = sum(f(x) * dout)``) has a truncation
error ``h**2 |g'''| / 6`` and a rounding error of about ``eps * |g| / h`` (``eps = 2.2e-16``).
An entry with analytic value ``a`` passes when::

    |a - n| <= max(tol * (|a| + |n|), delta),   delta = 16 * eps * S / (2h)

where ``S`` is the size of the values ``g`` was computed from (``|f|``, or ``sum|f * dout|``):
``delta`` is the rounding noise of the centered difference, so gradients that are zero up to
rounding (|a|, |n| ~ 1e-11) are not failures while a 10% error on an entry of 1e-5 still is.
The relative error reported is ``|a - n| / max(|a| + |n|, delta / tol)``, which is
``rel_error`` of CS231n except for the noise floor. An entry that fails at step ``h`` is
re-examined with ``h / 10``: it is a *kink* when the one-sided slopes ``(g(x) - g(x-h)) / h``
and ``(g(x+h) - g(x)) / h`` disagree in a way a smooth function cannot (their difference does
not shrink tenfold with the step); the analytic value at a kink is not judged. Otherwise it
passes when the centered difference at ``h / 10`` agrees with ``a`` (truncation error), and
is wrong when it does not.

Low precision: when ``x`` or the values of ``f`` are float32 (or float16) the numerical
gradient cannot reach 1e-6: the check then uses a step of at least 1e-3, measures the step
actually taken in float64, relaxes ``tol`` to at least 1e-2 and says so in the report.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

__all__ = [
    "GradEntry",
    "GradientReport",
    "assert_close",
    "check_gradient",
    "eval_numerical_gradient",
    "eval_numerical_gradient_array",
    "grad_check_sparse",
    "rel_error",
]

_NOISE_FACTOR = 16.0  # rounding-error allowance of a centered difference, in units of eps
_LOW_PRECISION_H = 1e-3
_LOW_PRECISION_TOL = 1e-2
_HINT_RTOL = 1e-3  # how exactly a pattern (factor, sign, transpose) must explain the error
_SHOW = 5  # worst entries shown in messages


class GradEntry(NamedTuple):
    """One checked entry of a gradient: ``index`` into x, the two values and their error."""

    index: tuple
    numeric: float
    analytic: float
    rel_error: float


# ----------------------------------------------------------------------------- helpers


def _fmt_index(index: tuple) -> str:
    return "(" + ", ".join(str(int(i)) for i in index) + ("," if len(index) == 1 else "") + ")"


def _fmt(v: float) -> str:
    return f"{v: .6e}" if np.isfinite(v) else f" {v}"


def _require_float_array(x: Any, what: str = "x") -> np.ndarray:
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


def _tuple_hint(v: tuple | list) -> str:
    n = len(v)
    kind = type(v).__name__
    if n == 2:
        return (
            f"f returned a {kind} of 2 values (e.g. (loss, grad) or (out, cache)); "
            "pass a function that returns only the first: lambda x: f(x)[0]"
        )
    return f"f returned a {kind} of {n} values; pass a function that returns one array or number"


def _scalar_of(v: Any) -> float:
    """The float value of a scalar-valued ``f(x)``; refuse tuples and arrays with a message."""
    if isinstance(v, (tuple, list)):
        raise TypeError(_tuple_hint(v))
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


def _array_of(v: Any, dout_shape: tuple) -> np.ndarray:
    """A copy of the array value of ``f(x)``, checked against ``dout``'s shape."""
    if isinstance(v, (tuple, list)):
        raise TypeError(_tuple_hint(v))
    if v is None:
        raise TypeError("f returned None — did you forget to return?")
    a = np.array(v, dtype=np.float64)  # a copy: f may return a view of x or a reused buffer
    if a.shape != tuple(dout_shape):
        raise ValueError(
            f"f returned shape {a.shape} but dout has shape {tuple(dout_shape)}: dout must "
            "have the shape of f's output"
        )
    return a


class _Probe:
    """Evaluates ``g(x)`` with one entry of ``x`` moved, restoring it whatever happens."""

    def __init__(self, f: Callable, x: np.ndarray, dout: np.ndarray | None):
        self.f, self.x, self.dout = f, x, dout

    def value(self) -> tuple[float, float]:
        """(g, S): g = f(x) or sum(f(x) * dout), S = the magnitude g was summed from."""
        out = self.f(self.x)
        if self.dout is None:
            g = _scalar_of(out)
            return g, abs(g)
        prod = _array_of(out, self.dout.shape) * self.dout
        return float(np.sum(prod)), float(np.sum(np.abs(prod)))

    def at(self, index: tuple, step: float) -> tuple[float, float, float]:
        """(g, S, actual step) at x[index] + step; the step is measured after rounding."""
        x = self.x
        old = x[index].copy()
        try:
            x[index] = old + step
            actual = float(x[index]) - float(old)
            g, s = self.value()
        finally:
            x[index] = old
        return g, s, actual


def _centered(probe: _Probe, index: tuple, h: float) -> tuple[float, ...]:
    """(numeric, g_plus, g_minus, S, step_plus, step_minus) of the centered difference at h.

    The steps are those actually taken after rounding to x's dtype (step_minus < 0).
    """
    gp, sp, hp = probe.at(index, h)
    gm, sm, hm = probe.at(index, -h)
    width = hp - hm
    if width == 0.0:
        raise ValueError(
            f"the step h={h:g} is lost at index {_fmt_index(index)} where x = "
            f"{float(probe.x[index]):g} "
            f"(dtype {probe.x.dtype}): use a larger h or a float64 x"
        )
    return (gp - gm) / width, gp, gm, max(sp, sm), hp, hm


def _indices(shape: tuple):
    return np.ndindex(*shape) if shape else iter([()])


# ----------------------------------------------------------------------------- contract


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
    x = _require_float_array(x)
    return _numerical_gradient(_Probe(f, x, None), x, h)


def eval_numerical_gradient_array(
    f: Callable, x: np.ndarray, dout: np.ndarray, h: float = 1e-5
) -> np.ndarray:
    """Numerical vector-Jacobian product of an array-valued function.

    f: callable taking x and returning an array of dout's shape (e.g. a layer's forward output).
    x: float array of any shape; restored bit for bit afterwards, also if f raises.
    dout: upstream gradient, the shape of f(x).
    Returns grad with x's shape: grad[i] = sum((f(x + h e_i) - f(x - h e_i)) * dout) / 2h.
    """
    x = _require_float_array(x)
    dout = np.asarray(dout, dtype=np.float64)
    return _numerical_gradient(_Probe(f, x, dout), x, h)


def _numerical_gradient(probe, x, h):
    """Centered differences of `probe` at every entry of x, restored bit for bit even on error."""
    grad = np.zeros(x.shape, dtype=np.float64)
    saved = x.copy()
    try:
        for ix in _indices(x.shape):
            grad[ix] = _centered(probe, ix, h)[0]
    finally:
        np.copyto(x, saved)
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
    x = _require_float_array(x)
    analytic_grad = np.asarray(analytic_grad)
    if analytic_grad.shape != x.shape:
        raise ValueError(
            f"analytic_grad has shape {analytic_grad.shape} but x has shape {x.shape}"
        )
    rng = np.random.default_rng(seed)
    count = min(int(num_checks), x.size)
    flat = rng.choice(x.size, size=count, replace=False)
    probe = _Probe(f, x, None)
    records = []
    saved = x.copy()
    try:
        for k in flat:
            ix = tuple(int(i) for i in np.unravel_index(int(k), x.shape))
            num = _centered(probe, ix, h)[0]
            ana = float(analytic_grad[ix])
            rec = GradEntry(ix, num, ana, rel_error(num, ana))
            records.append(rec)
            if verbose:
                print(
                    f"index {_fmt_index(ix)}: numerical {num:f} analytic {ana:f}, "
                    f"relative error {rec.rel_error:e}"
                )
    finally:
        np.copyto(x, saved)
    return records


# ----------------------------------------------------------------------------- hints


def _fits(got: np.ndarray, model: np.ndarray, scale: float) -> bool:
    """True when got equals model up to _HINT_RTOL of the overall scale."""
    return bool(np.all(np.abs(got - model) <= _HINT_RTOL * scale + 1e-300))


def _size_candidates(
    sizes: Mapping[str, int] | None, shape: tuple
) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """(named, from_shape): the sizes a factor may be, each with how to say it."""
    named = [
        (int(n), f"did you forget to divide by {name} (= {int(n)})?")
        for name, n in (sizes or {}).items()
        if int(n) > 1
    ]
    from_shape = []
    for axis, n in enumerate(shape):
        if n > 2:
            if axis == 0:
                what = f"did you forget to divide by N (= {n}, the number of rows)?"
            else:
                what = f"{n} is the size of axis {axis}: a sum that should be a mean?"
            from_shape.append((int(n), what))
    return named, from_shape


def _factor_hint(
    k: float, candidates: tuple[list, list], scalar: bool, prefix: str = "got"
) -> str | None:
    """Name a constant factor k = got / expected, or None when it is not worth a hint."""
    if abs(k - 1.0) <= _HINT_RTOL or k == 0.0:
        return None
    named, from_shape = candidates

    def match(cands):
        for n, what in cands:
            if abs(k - n) <= _HINT_RTOL * n:
                return f"{prefix} ≈ {n} × expected: {what}"
            if abs(k * n - 1.0) <= _HINT_RTOL:
                return f"{prefix} ≈ expected / {n}: divided by {n} once too often?"
        return None

    hint = match(named)
    if hint:
        return hint
    if abs(k - 2.0) <= 2 * _HINT_RTOL:
        return f"{prefix} ≈ 2 × expected: off by a factor 2 (a term counted twice?)"
    if abs(k - 0.5) <= _HINT_RTOL:
        return (
            f"{prefix} ≈ expected / 2: off by a factor 2 (the derivative of x**2 is 2*x, "
            "of reg*W**2 it is 2*reg*W)"
        )
    hint = match(from_shape)
    if hint or scalar:
        return hint
    return f"{prefix} ≈ {k:.4g} × expected: off by a factor {k:.4g}"


def _reg_hint(c: float, loss: bool = False) -> str | None:
    """Name got - expected ≈ c * reg_term, reg_term being the expected regularization part."""
    term = "reg*sum(W**2)" if loss else "2*reg*W"
    what = "regularization loss" if loss else "regularization gradient"
    if abs(c + 1.0) <= 10 * _HINT_RTOL:
        return f"{what} missing: expected {term} to be added"
    if abs(c + 0.5) <= 10 * _HINT_RTOL:
        half = "0.5*reg*sum(W**2)" if loss else "reg*W"
        return f"{what} off by a factor 2: expected {term}, got {half}"
    if abs(c - 1.0) <= 10 * _HINT_RTOL:
        return f"{what} counted twice: expected {term}, got 2 × {term}"
    if abs(c) > 10 * _HINT_RTOL:
        return f"{what} off: expected {term}, got {1 + c:.4g} × {term}"
    return None


def _diagnose(
    got: np.ndarray,
    expected: np.ndarray,
    *,
    wrong: np.ndarray | None = None,
    reg_term: np.ndarray | None = None,
    x: np.ndarray | None = None,
    sizes: Mapping[str, int] | None = None,
    size_shape: tuple = (),
    full: bool = True,
) -> str | None:
    """A one-line hint for a typical mistake behind got != expected, or None.

    got, expected: float arrays of one shape: the whole arrays when ``full`` (then a
        transposition and the rows/columns of the wrong entries can be named), else the
        1-d vectors of the entries compared.
    wrong: boolean mask (got's shape) of the entries that failed.
    reg_term: the regularization part of expected (``2*reg*W``; ``reg*sum(W**2)`` for a loss),
        got's shape or a scalar: names a regularization term off by a factor 2, missing, doubled.
    x: the variable differentiated, got's shape: an error proportional to x points at the
        regularization gradient even without reg_term.
    sizes: named sizes (e.g. {"N": 50}) a constant factor may equal; size_shape: a shape whose
        sizes a factor may also equal (axis 0 = the examples, N).
    """
    with np.errstate(all="ignore"):  # our arithmetic must never warn on stderr
        return _diagnose_quietly(
            np.asarray(got, dtype=np.float64), np.asarray(expected, dtype=np.float64),
            wrong, reg_term, x, sizes, size_shape, full,
        )


def _diagnose_quietly(got, expected, wrong, reg_term, x, sizes, size_shape, full):
    if got.shape != expected.shape or got.size == 0:
        return None
    if not (np.all(np.isfinite(got)) and np.all(np.isfinite(expected))):
        return None
    scalar = got.size == 1
    g, e = got.ravel(), expected.ravel()
    scale = float(np.max(np.abs(e)))
    if scale == 0.0:
        if np.any(g != 0):
            return "expected all zeros here (no gradient flows to these entries), got nonzeros"
        return None
    if not scalar and float(np.max(np.abs(g))) <= 1e-12 * scale:
        return (
            "got is all zeros: the gradient never reached this array (a missing += or an "
            "untouched np.zeros_like?)"
        )
    if _fits(g, -e, scale):
        return "got ≈ -expected: the sign is flipped"
    if full and got.ndim == 2 and got.shape[0] == got.shape[1] > 1:
        e_t = expected.T.ravel()
        if not _fits(e, e_t, scale) and _fits(g, e_t, scale):
            return (
                "got ≈ expected.T: the values are transposed (check the order of a matrix "
                "product, e.g. X.T @ dout vs dout.T @ X)"
            )
    d = g - e
    if reg_term is not None:
        r = np.asarray(reg_term, dtype=np.float64)
        if r.size in (1, g.size):
            r = np.broadcast_to(r, got.shape).ravel()
            if np.any(r != 0):
                c = float(np.dot(d, r) / np.dot(r, r))
                if scalar:
                    # any scalar error is "proportional"; name only the classic factors
                    if min(abs(c + 1), abs(c + 0.5), abs(c - 1)) <= 10 * _HINT_RTOL:
                        return _reg_hint(c, loss=True)
                elif _fits(d, c * r, max(scale, float(np.max(np.abs(r))))):
                    hint = _reg_hint(c)
                    if hint:
                        return hint
    if x is not None and not scalar:
        xv = np.asarray(x, dtype=np.float64).ravel()
        if xv.shape == g.shape and np.any(xv != 0):
            c = float(np.dot(d, xv) / np.dot(xv, xv))
            big = abs(c) * float(np.max(np.abs(xv))) > 10 * _HINT_RTOL * scale
            if big and _fits(d, c * xv, scale):
                if c < 0:
                    return (
                        f"analytic - numeric ≈ {c:.4g} × x: the regularization gradient is off "
                        f"(expected 2*reg*x: if reg = {abs(c) / 2:.4g} it is missing, if "
                        f"reg = {abs(c):.4g} you used reg*x instead of 2*reg*x)"
                    )
                return (
                    f"analytic - numeric ≈ {c:.4g} × x: the regularization gradient is too "
                    f"large (expected 2*reg*x: if reg = {c / 2:.4g} it is counted twice)"
                )
    k = float(np.dot(g, e) / np.dot(e, e))
    if np.isfinite(k) and k != 0.0 and _fits(g, k * e, scale * max(1.0, abs(k))):
        hint = _factor_hint(k, _size_candidates(sizes, size_shape), scalar)
        if hint:
            return hint
    # a data part off by a factor plus a regularization part (reg_term, or ∝ x) that is not
    v = reg_term if reg_term is not None else x
    if v is not None and g.size >= 3:
        v = np.broadcast_to(np.asarray(v, dtype=np.float64), got.shape).ravel()
        A = np.stack([e, v], axis=1)
        if np.linalg.matrix_rank(A) == 2:
            (k2, _c), *_ = np.linalg.lstsq(A, g, rcond=None)
            if _fits(g, A @ np.array([k2, _c]), scale * max(1.0, abs(k2))):
                hint = _factor_hint(
                    float(k2), _size_candidates(sizes, size_shape), scalar,
                    prefix="apart from the regularization term, got",
                )
                if hint:
                    return hint
    if wrong is not None and full and got.ndim == 2 and not scalar:
        w = np.asarray(wrong, dtype=bool).reshape(got.shape)
        if 1 < int(w.sum()) < w.size:
            rows = np.flatnonzero(w.any(axis=1))
            cols = np.flatnonzero(w.any(axis=0))
            if len(rows) == 1 and got.shape[0] > 1:
                return f"all wrong entries are in row {rows[0]}"
            if len(cols) == 1 and got.shape[1] > 1:
                return f"all wrong entries are in column {cols[0]}"
    return None


# ----------------------------------------------------------------------------- assert_close


def _describe(v: Any) -> str:
    if isinstance(v, np.ndarray):
        return f"an array of shape {v.shape} and dtype {v.dtype}"
    if isinstance(v, (tuple, list)):
        return f"a {type(v).__name__} of {len(v)} items"
    return f"{type(v).__name__} {v!r}"[:80]


def _shape_hint(got_shape: tuple, exp_shape: tuple) -> str:
    if len(exp_shape) >= 2 and got_shape == exp_shape[::-1]:
        return " — looks transposed (use .T, or check the order of a matrix product)"
    if got_shape == exp_shape + (1,) or got_shape == (1,) + exp_shape:
        return " — an extra axis of length 1 (keepdims=True, or a missing .ravel()?)"
    if exp_shape == (1,) + got_shape or exp_shape == got_shape + (1,):
        return " — an axis of length 1 is missing (keepdims=True, or a reshape?)"
    if not exp_shape:
        return " — expected a single number (sum or average over the examples?)"
    if math.prod(got_shape) == math.prod(exp_shape) and got_shape:
        return " — same number of entries: reshape it to the expected shape"
    if len(got_shape) == len(exp_shape) and got_shape[1:] == exp_shape[1:]:
        return " — a different number of rows"
    return ""


def _compare_one(
    name: str,
    got: Any,
    expected: Any,
    rtol: float,
    atol: float,
    reg_term: Any,
    sizes: Mapping[str, int] | None,
) -> str | None:
    """The failure message for one array or number, or None when close."""
    if got is None:
        return f"{name}: returned None — did you forget to return?"
    exp = np.asarray(expected)
    if isinstance(got, (tuple, list)) and not isinstance(expected, (tuple, list)):
        first = got[0] if len(got) else None
        extra = ""
        if first is not None and np.shape(first) == exp.shape:
            extra = (
                f"; its first item has the expected shape {exp.shape}: return (or unpack) "
                "only that"
            )
        what = "a number" if exp.ndim == 0 else f"a numpy array of shape {exp.shape}"
        return f"{name}: expected {what}, got {_describe(got)}{extra}"
    try:
        g = np.asarray(got)
    except Exception:  # noqa: BLE001 - anything numpy cannot read
        g = np.asarray(None)
    if g.dtype.kind not in "biuf" or g.dtype == object:
        return f"{name}: expected numbers, got {_describe(got)}"
    if g.shape != exp.shape:
        what = "a number" if exp.ndim == 0 else f"shape {exp.shape}"
        got_what = "a number" if g.ndim == 0 else f"shape {g.shape}"
        return (
            f"{name}: wrong shape: expected {what}, got {got_what}"
            + _shape_hint(g.shape, exp.shape)
        )
    g = g.astype(np.float64)
    e = exp.astype(np.float64)
    bad = ~np.isfinite(g) & np.isfinite(e)
    if np.any(bad):
        where = np.argwhere(bad)[:_SHOW]
        locs = ", ".join(
            f"{'nan' if np.isnan(g[tuple(i)]) else g[tuple(i)]} at {_fmt_index(tuple(i))}"
            for i in where
        )
        if g.ndim == 0:
            locs = str(g.item())
        return (
            f"{name}: {int(bad.sum())} of {g.size} entries are not finite ({locs}): look for "
            "log(0), exp overflow (shift scores by the row max), 0/0, or an uninitialized "
            "np.empty"
        )
    close = np.isclose(g, e, rtol=rtol, atol=atol, equal_nan=True)
    if np.all(close):
        return None
    wrong = ~close
    err = np.abs(g - e) / np.maximum(1e-8, np.abs(g) + np.abs(e))
    err = np.where(wrong, np.nan_to_num(err, nan=np.inf), -1.0)
    order = np.argsort(-err.ravel(), kind="stable")[: min(_SHOW, int(wrong.sum()))]
    if g.ndim == 0:
        lines = [
            f"{name}: expected {_fmt(float(e))}, got {_fmt(float(g))} "
            f"(rel err {float(err):.1e}; rtol={rtol:g}, atol={atol:g})"
        ]
    else:
        lines = [
            f"{name}: {int(wrong.sum())} of {g.size} entries differ (rtol={rtol:g}, "
            f"atol={atol:g}); worst:"
        ]
        for k in order:
            ix = tuple(int(i) for i in np.unravel_index(int(k), g.shape))
            lines.append(
                f"  index {_fmt_index(ix)}: expected {_fmt(e[ix])}, got {_fmt(g[ix])}, "
                f"rel err {err[ix]:.1e}"
            )
    hint = _diagnose(g, e, wrong=wrong, reg_term=reg_term, sizes=sizes, size_shape=g.shape)
    if hint is None and np.asarray(got).dtype.kind in "biu":
        hint = f"got has integer dtype {np.asarray(got).dtype}: a float result was truncated"
    if hint:
        lines.append(f"  hint: {hint}")
    return "\n".join(lines)


def _compare(name, got, expected, rtol, atol, reg_term, sizes) -> list[str]:
    """Failure messages for nested dicts / tuples / lists of arrays, or a single array."""
    if isinstance(expected, Mapping):
        if not isinstance(got, Mapping):
            if got is None:
                return [f"{name}: returned None — did you forget to return?"]
            return [f"{name}: expected a dict with keys {sorted(expected)}, got {_describe(got)}"]
        out = []
        missing = [k for k in expected if k not in got]
        extra = [k for k in got if k not in expected]
        if missing:
            out.append(f"{name}: missing keys {missing}")
        if extra:
            out.append(f"{name}: unexpected keys {extra}")
        for k in expected:
            if k in got:
                rt = reg_term.get(k) if isinstance(reg_term, Mapping) else None
                out += _compare(f"{name}[{k!r}]", got[k], expected[k], rtol, atol, rt, sizes)
        return out
    if isinstance(expected, (tuple, list)):
        if got is None:
            return [f"{name}: returned None — did you forget to return?"]
        if not isinstance(got, (tuple, list)):
            return [
                f"{name}: expected a {type(expected).__name__} of {len(expected)} items, "
                f"got {_describe(got)}"
            ]
        if len(got) != len(expected):
            return [
                f"{name}: expected {len(expected)} items, got {len(got)} "
                f"(return exactly {len(expected)} values)"
            ]
        out = []
        for i, (gi, ei) in enumerate(zip(got, expected, strict=True)):
            out += _compare(f"{name}[{i}]", gi, ei, rtol, atol, None, sizes)
        return out
    with np.errstate(all="ignore"):  # our arithmetic must never warn on stderr
        msg = _compare_one(name, got, expected, rtol, atol, reg_term, sizes)
    return [msg] if msg else []


def assert_close(
    name: str,
    got: Any,
    expected: Any,
    *,
    rtol: float = 1e-7,
    atol: float = 1e-10,
    reg_term: Any = None,
    sizes: Mapping[str, int] | None = None,
) -> None:
    """Assert that ``got`` equals ``expected`` up to ``|got - expected| <= atol + rtol*|expected|``.

    name: what is compared, as the student knows it ("dW", "loss").
    got: the student's value: a number, an array, or a dict / tuple / list of them.
    expected: the reference value, the same structure (arrays of any shape, numbers).
    reg_term: optional regularization part of expected (``2*reg*W`` for a gradient,
        ``reg*sum(W**2)`` for a loss; a dict keyed like expected for dicts), so that a
        regularization term off by a factor 2, missing or doubled is named.
    sizes: optional named sizes, e.g. ``{"N": X.shape[0]}``, that a wrong factor may equal.
    Raises AssertionError whose message checks, in order: None, a tuple/list where an array
    is expected, the shape (and "looks transposed"), non-finite entries (where), then the
    number of wrong entries, the worst ones by index (expected, got, rel err) and a hint.
    Returns None when close.
    """
    failures = _compare(name, got, expected, rtol, atol, reg_term, sizes)
    if failures:
        raise AssertionError("\n".join(failures))


# ----------------------------------------------------------------------------- check_gradient


@dataclass
class GradientReport:
    """The outcome of ``check_gradient``: ok, where it fails, kinks, and a hint.

    ok: True when every checked non-kink entry passes. name: the gradient's name ("dW").
    shape: x's shape. n_checked / n_total: entries checked / entries of x.
    n_wrong: failing entries. kinks: indices whose centered difference straddles a kink.
    worst: up to 5 checked non-kink entries with the largest relative error (GradEntry).
    max_rel_error: the largest relative error over the checked non-kink entries.
    hint: a typical mistake recognised in the failures, or None. notes: precision remarks.
    tol, h: the tolerance and step used (after any low-precision adjustment).
    """

    name: str
    ok: bool
    shape: tuple
    n_checked: int
    n_total: int
    n_wrong: int
    max_rel_error: float
    kinks: list = field(default_factory=list)
    worst: list = field(default_factory=list)
    hint: str | None = None
    notes: list = field(default_factory=list)
    tol: float = 1e-6
    h: float = 1e-5

    def __str__(self) -> str:
        kinks = len(self.kinks)
        sampled = "" if self.n_checked == self.n_total else f" (sampled of {self.n_total})"
        head = (
            f"{self.name:<6} | ok: {self.ok} | max rel err {self.max_rel_error:.1e} | shape ok | "
            f"{self.n_wrong}/{self.n_checked} entries wrong{sampled}, "
            f"{kinks} kink{'' if kinks == 1 else 's'}"
        )
        lines = [head]
        if not self.ok:
            lines.append("  worst entries (index: analytic, numeric, rel err):")
            for r in self.worst:
                if r.rel_error <= self.tol:
                    break
                lines.append(
                    f"    {_fmt_index(r.index)}: {_fmt(r.analytic)}, {_fmt(r.numeric)}, "
                    f"{r.rel_error:.1e}"
                )
        if self.hint and not self.ok:
            lines.append(f"  hint: {self.hint}")
        if kinks and not self.ok:
            shown = ", ".join(_fmt_index(k) for k in self.kinks[:_SHOW])
            lines.append(f"  kinks (not counted): {shown}{' ...' if kinks > _SHOW else ''}")
        for note in self.notes:
            lines.append(f"  note: {note}")
        return "\n".join(lines)

    def raise_if_failed(self) -> None:
        """Raise AssertionError(str(self)) unless ok."""
        if not self.ok:
            raise AssertionError(str(self))


def check_gradient(
    f: Callable,
    x: np.ndarray,
    analytic: np.ndarray,
    *,
    name: str = "dx",
    dout: np.ndarray | None = None,
    h: float = 1e-5,
    tol: float = 1e-6,
    seed: int = 0,
    max_entries: int | None = None,
    reg_term: np.ndarray | None = None,
    sizes: Mapping[str, int] | None = None,
    verbose: bool = False,
) -> GradientReport:
    """Check an analytic gradient against centered differences, kink-aware.

    f: callable of x returning a number (a loss) when dout is None, else an array of dout's
       shape (then the check is on the vector-Jacobian product sum(f(x) * dout)).
    x: float array of any shape, perturbed in place and restored bit for bit.
    analytic: the gradient to check, x's shape. name: its name in the report ("dW1").
    dout: upstream gradient of f's output shape, or None for a scalar f.
    h: step. tol: relative tolerance (see the module docstring for the exact pass rule).
    seed, max_entries: every entry is checked when x.size <= max_entries (default 2000),
       else a sample of max_entries entries drawn with numpy.random.default_rng(seed).
    reg_term: optional regularization part of the expected gradient (2*reg*x) for the hint.
    sizes: optional named sizes (e.g. {"N": 50}) that a wrong factor may equal.
    verbose: print the report.
    Raises TypeError for integer x or a tuple-returning f, ValueError for a non-scalar f
    without dout, a dout of the wrong shape or an analytic gradient of another shape.
    Returns a GradientReport.
    """
    x = _require_float_array(x)
    if not (h > 0 and tol > 0):
        raise ValueError(f"h and tol must be positive, got h={h!r}, tol={tol!r}")
    if analytic is None:
        raise TypeError(f"{name}: the analytic gradient is None — did you forget to return?")
    if isinstance(analytic, (tuple, list)):
        raise TypeError(
            f"{name}: the analytic gradient is a {type(analytic).__name__} of "
            f"{len(analytic)} items; pass the one array for x"
        )
    analytic = np.asarray(analytic)
    if analytic.dtype.kind not in "biuf":
        raise TypeError(f"{name}: the analytic gradient has dtype {analytic.dtype}")
    if analytic.shape != x.shape:
        raise ValueError(
            f"{name}: the analytic gradient has shape {analytic.shape} but x has shape "
            f"{x.shape}" + _shape_hint(analytic.shape, x.shape)
        )
    if dout is not None:
        dout = np.asarray(dout, dtype=np.float64)
    max_entries = 2000 if max_entries is None else int(max_entries)
    probe = _Probe(f, x, dout)
    notes: list[str] = []
    saved = x.copy()
    try:
        out0 = f(x)
        if dout is None:
            g0 = _scalar_of(out0)
            out_dtype = np.asarray(out0).dtype
        else:
            if isinstance(out0, (tuple, list)):
                raise TypeError(_tuple_hint(out0))
            out_dtype = np.asarray(out0).dtype
            g0 = float(np.sum(_array_of(out0, dout.shape) * dout))
        low = [
            (what, dt)
            for what, dt in (("x is", x.dtype), ("f returns", out_dtype))
            if dt.kind == "f" and dt.itemsize < 8
        ]
        eps = float(np.finfo(np.float64).eps)
        if low:
            eps = max(float(np.finfo(dt).eps) for _, dt in low)
            h = max(h, _LOW_PRECISION_H)
            tol = max(tol, _LOW_PRECISION_TOL)
            said = " and ".join(f"{what} {dt}" for what, dt in low)
            notes.append(
                f"{said}: numerical gradients are only accurate to about "
                f"{_LOW_PRECISION_TOL:g}, so h={h:g} and tol={tol:g} were used; convert to "
                "float64 (x.astype(np.float64), and the data) for a strict check"
            )

        if x.size <= max_entries:
            flat = np.arange(x.size)
        else:
            rng = np.random.default_rng(seed)
            flat = np.sort(rng.choice(x.size, size=max_entries, replace=False))
        idx = [tuple(int(i) for i in np.unravel_index(int(k), x.shape)) for k in flat]

        a_list = [float(analytic[ix]) for ix in idx]
        a = np.array(a_list, dtype=np.float64)
        n = np.empty(len(idx))
        err = np.empty(len(idx))
        status = np.zeros(len(idx), dtype=np.int8)  # 0 pass, 1 wrong, 2 kink
        for j, ix in enumerate(idx):
            num, gp, gm, s, hp, hm = _centered(probe, ix, h)
            delta = _NOISE_FACTOR * eps * max(s, abs(g0)) / (2 * h)
            n[j] = num
            err[j] = _entry_error(a_list[j], num, delta, tol)
            if err[j] <= tol:
                continue
            if not math.isfinite(a_list[j]):
                status[j] = 1
                continue
            # failing at step h: kink, truncation error, or a real error?
            kind, num10, err10 = _reexamine(
                probe, ix, h, a_list[j], num, gp, gm, hp, hm, g0, s, eps, tol
            )
            if kind == "kink":
                status[j] = 2
            elif kind == "smooth-ok":
                n[j], err[j] = num10, err10
            else:
                status[j] = 1
    finally:
        np.copyto(x, saved)

    kinks = [idx[j] for j in np.flatnonzero(status == 2)]
    keep = np.flatnonzero(status != 2)
    wrong_mask = status == 1
    n_wrong = int(wrong_mask.sum())
    err_keep = np.where(np.isfinite(err[keep]), err[keep], np.inf)
    order = keep[np.argsort(-err_keep, kind="stable")][:_SHOW]
    worst = [GradEntry(idx[j], float(n[j]), float(a[j]), float(err[j])) for j in order]
    max_err = float(np.max(err_keep)) if keep.size else 0.0
    if not np.all(np.isfinite(a)):
        notes.append(
            f"{name} has {int((~np.isfinite(a)).sum())} non-finite entries (nan/inf): look for "
            "log(0), exp overflow or 0/0 in the backward pass"
        )
    hint = None
    if n_wrong:
        size_shape = tuple(dout.shape) if dout is not None else tuple(x.shape)
        rt = None
        if reg_term is not None:
            rt = np.broadcast_to(np.asarray(reg_term, dtype=np.float64), x.shape)
        if not kinks and len(idx) == x.size:  # every entry: compare whole arrays
            hint = _diagnose(
                a.reshape(x.shape), n.reshape(x.shape), wrong=wrong_mask.reshape(x.shape),
                reg_term=rt, x=saved, sizes=sizes, size_shape=size_shape,
            )
        else:  # the non-kink entries checked
            pick = tuple(np.array([idx[j] for j in keep]).T) if x.ndim else ()
            hint = _diagnose(
                a[keep], n[keep], reg_term=None if rt is None else rt[pick],
                x=saved[pick], sizes=sizes, size_shape=size_shape, full=False,
            )
    report = GradientReport(
        name=name,
        ok=n_wrong == 0,
        shape=tuple(x.shape),
        n_checked=len(idx),
        n_total=int(x.size),
        n_wrong=n_wrong,
        max_rel_error=max_err,
        kinks=kinks,
        worst=worst,
        hint=hint,
        notes=notes,
        tol=tol,
        h=h,
    )
    if verbose:
        print(report)
    return report


def _entry_error(a: float, n: float, delta: float, tol: float) -> float:
    """Relative error of one entry with the rounding floor: |a-n| / max(|a|+|n|, delta/tol)."""
    if not (np.isfinite(a) and np.isfinite(n)):
        return math.inf
    return abs(a - n) / max(abs(a) + abs(n), delta / tol, 1e-300)


def _reexamine(probe, ix, h, a, num, gp, gm, hp, hm, g0, s, eps, tol):
    """Classify an entry failing at step h: ("kink" | "smooth-ok" | "wrong", num10, err10).

    left/right = one-sided slopes at step h; for a smooth g their difference D(h) ≈ h g''
    shrinks tenfold at h/10, while a kink inside [x-h, x+h] leaves a jump that does not.
    The analytic value at a kink is not judged: a correct gradient may take either side's
    slope there, or (several kinks at one point, e.g. a maxout tie in every example) a mix.
    """
    num10, gp10, gm10, s10, hp10, hm10 = _centered(probe, ix, h / 10)
    if hp == 0.0 or hm == 0.0 or hp10 == 0.0 or hm10 == 0.0:
        return "wrong", num10, _entry_error(a, num10, 0.0, tol)
    left, right = (g0 - gm) / -hm, (gp - g0) / hp
    left10, right10 = (g0 - gm10) / -hm10, (gp10 - g0) / hp10
    d_h, d_h10 = right - left, right10 - left10
    delta = _NOISE_FACTOR * eps * max(s, abs(g0)) / (2 * h)
    delta10 = _NOISE_FACTOR * eps * max(s10, abs(g0)) / (2 * h / 10)
    bound = max(tol * (abs(a) + abs(num)), delta)
    significant = abs(d_h) > 4 * bound and abs(d_h) > 40 * delta10
    not_smooth = abs(d_h - 10 * d_h10) > 0.3 * abs(d_h) + 20 * delta10
    if significant and not_smooth:
        return "kink", num10, math.inf
    err10 = _entry_error(a, num10, delta10, tol)
    if err10 <= tol:
        return "smooth-ok", num10, err10
    return "wrong", num10, err10
