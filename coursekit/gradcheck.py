"""Numerical gradient checks and readable comparisons of arrays (numpy and the stdlib only).

Safe to ship to students: this module imports nothing from the course's reference code or
grading pipeline. It provides

- the CS231n checkers: ``eval_numerical_gradient``, ``eval_numerical_gradient_array``,
  ``grad_check_sparse`` and ``rel_error``;
- ``assert_close(name, got, expected)`` (from ``coursekit.compare``): an assertion whose
  message says what is wrong (``None``, a tuple, a shape, NaN, which entries, and a hint);
- ``check_gradient(f, x, analytic)``: a full gradient check returning a ``GradientReport``
  whose ``str`` is a one-line dashboard (Karpathy's ``cmp``) plus the worst entries, a hint,
  and the entries that sit on a kink (ReLU at 0, a hinge margin at 0, a maxout tie). Its steps:
  validate the inputs, measure the baseline and the precision, choose the entries, check each
  entry (re-examining a failing one for a kink), then diagnose the failures
  (``coursekit.hints``) for the report a student reads.

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
from typing import NamedTuple

import numpy as np

from coursekit.compare import SHOW, assert_close, fmt, fmt_index, shape_hint
from coursekit.hints import diagnose
from coursekit.numerical import (
    Difference,
    GradEntry,
    Objective,
    array_of,
    centered,
    eval_numerical_gradient,
    eval_numerical_gradient_array,
    grad_check_sparse,
    rel_error,
    require_float_array,
    restored,
    scalar_of,
    tuple_hint,
)

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
_PASS, _WRONG, _KINK = 0, 1, 2  # the verdict on one entry


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
        """The report: a one-line verdict, then the worst entries when it failed."""
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
                    f"    {fmt_index(r.index)}: {fmt(r.analytic)}, {fmt(r.numeric)}, "
                    f"{r.rel_error:.1e}"
                )
        if self.hint and not self.ok:
            lines.append(f"  hint: {self.hint}")
        if kinks and not self.ok:
            shown = ", ".join(fmt_index(k) for k in self.kinks[:SHOW])
            lines.append(f"  kinks (not counted): {shown}{' ...' if kinks > SHOW else ''}")
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
    x, analytic, dout = _validated(x, analytic, dout, name, h, tol)
    objective = Objective(f, x, dout)
    with restored(x):
        setting = _baseline(objective, h, tol)
        idx = _entries_to_check(x, 2000 if max_entries is None else int(max_entries), seed)
        checked = _check_entries(objective, idx, analytic, setting)
    report = _report(name, x, idx, checked, setting)
    if not report.ok:
        report.hint = _hint(x, idx, checked, dout, reg_term, sizes, full=len(idx) == x.size)
    if verbose:
        print(report)
    return report


# ----- the steps of check_gradient


class _Setting(NamedTuple):
    """What every entry is checked with: g(x), the step, the tolerance, the rounding unit."""

    g0: float
    h: float
    tol: float
    eps: float
    notes: list


class _Checked(NamedTuple):
    """Per checked entry: analytic and numeric values, relative error, verdict (_PASS...)."""

    analytic: np.ndarray
    numeric: np.ndarray
    error: np.ndarray
    verdict: np.ndarray


def _validated(x, analytic, dout, name, h, tol):
    """(x, analytic, dout) as arrays, or a TypeError/ValueError saying what is wrong."""
    x = require_float_array(x)
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
            f"{x.shape}" + shape_hint(analytic.shape, x.shape)
        )
    if dout is not None:
        dout = np.asarray(dout, dtype=np.float64)
    return x, analytic, dout


def _baseline(objective: Objective, h: float, tol: float) -> _Setting:
    """g(x) and the precision it allows: float32 data gets a larger step and tolerance."""
    out0 = objective.f(objective.x)
    if objective.dout is None:
        g0 = scalar_of(out0)
    else:
        if isinstance(out0, (tuple, list)):
            raise TypeError(tuple_hint(out0))
        g0 = float(np.sum(array_of(out0, objective.dout.shape) * objective.dout))
    low = [
        (what, dt)
        for what, dt in (("x is", objective.x.dtype), ("f returns", np.asarray(out0).dtype))
        if dt.kind == "f" and dt.itemsize < 8
    ]
    if not low:
        return _Setting(g0, h, tol, float(np.finfo(np.float64).eps), [])
    h, tol = max(h, _LOW_PRECISION_H), max(tol, _LOW_PRECISION_TOL)
    said = " and ".join(f"{what} {dt}" for what, dt in low)
    note = (
        f"{said}: numerical gradients are only accurate to about {_LOW_PRECISION_TOL:g}, "
        f"so h={h:g} and tol={tol:g} were used; convert to float64 "
        "(x.astype(np.float64), and the data) for a strict check"
    )
    return _Setting(g0, h, tol, max(float(np.finfo(dt).eps) for _, dt in low), [note])


def _entries_to_check(x: np.ndarray, max_entries: int, seed: int) -> list[tuple]:
    """Every index of x, or a sorted sample of max_entries of them."""
    if x.size <= max_entries:
        flat = np.arange(x.size)
    else:
        flat = np.sort(np.random.default_rng(seed).choice(x.size, size=max_entries, replace=False))
    return [tuple(int(i) for i in np.unravel_index(int(k), x.shape)) for k in flat]


def _check_entries(objective, idx, analytic, setting: _Setting) -> _Checked:
    """Compare each entry with its centered difference; re-examine the ones that fail."""
    a = np.array([float(analytic[ix]) for ix in idx], dtype=np.float64)
    n, err = np.empty(len(idx)), np.empty(len(idx))
    verdict = np.full(len(idx), _PASS, dtype=np.int8)
    for j, ix in enumerate(idx):
        diff = centered(objective, ix, setting.h)
        n[j] = diff.slope
        err[j] = _entry_error(a[j], diff.slope, _noise(diff, setting, setting.h), setting.tol)
        if err[j] <= setting.tol:
            continue
        if not math.isfinite(a[j]):
            verdict[j] = _WRONG
            continue
        kind, num10, err10 = _reexamine(objective, ix, a[j], diff, setting)
        if kind == "smooth-ok":
            n[j], err[j] = num10, err10
        else:
            verdict[j] = _KINK if kind == "kink" else _WRONG
    return _Checked(a, n, err, verdict)


def _report(name, x, idx, checked: _Checked, setting: _Setting) -> GradientReport:
    """The report without its hint: verdict, worst entries, kinks, notes."""
    keep = np.flatnonzero(checked.verdict != _KINK)
    err_keep = np.where(np.isfinite(checked.error[keep]), checked.error[keep], np.inf)
    order = keep[np.argsort(-err_keep, kind="stable")][:SHOW]
    notes = list(setting.notes)
    bad = ~np.isfinite(checked.analytic)
    if np.any(bad):
        notes.append(
            f"{name} has {int(bad.sum())} non-finite entries (nan/inf): look for "
            "log(0), exp overflow or 0/0 in the backward pass"
        )
    n_wrong = int(np.sum(checked.verdict == _WRONG))
    return GradientReport(
        name=name,
        ok=n_wrong == 0,
        shape=tuple(x.shape),
        n_checked=len(idx),
        n_total=int(x.size),
        n_wrong=n_wrong,
        max_rel_error=float(np.max(err_keep)) if keep.size else 0.0,
        kinks=[idx[j] for j in np.flatnonzero(checked.verdict == _KINK)],
        worst=[
            GradEntry(idx[j], float(checked.numeric[j]), float(checked.analytic[j]),
                      float(checked.error[j]))
            for j in order
        ],
        notes=notes,
        tol=setting.tol,
        h=setting.h,
    )


def _hint(x, idx, checked: _Checked, dout, reg_term, sizes, full) -> str | None:
    """The diagnosis of the failing entries (coursekit.hints), for the student's report."""
    size_shape = tuple(dout.shape) if dout is not None else tuple(x.shape)
    rt = None
    if reg_term is not None:
        rt = np.broadcast_to(np.asarray(reg_term, dtype=np.float64), x.shape)
    kink = checked.verdict == _KINK
    if full and not np.any(kink):  # every entry: compare whole arrays
        return diagnose(
            checked.analytic.reshape(x.shape), checked.numeric.reshape(x.shape),
            wrong=(checked.verdict == _WRONG).reshape(x.shape), reg_term=rt, x=x,
            sizes=sizes, size_shape=size_shape,
        )
    keep = np.flatnonzero(~kink)  # the non-kink entries checked
    pick = tuple(np.array([idx[j] for j in keep]).T) if x.ndim else ()
    return diagnose(
        checked.analytic[keep], checked.numeric[keep],
        reg_term=None if rt is None else rt[pick], x=x[pick], sizes=sizes,
        size_shape=size_shape, full=False,
    )


def _noise(diff: Difference, setting: _Setting, h: float) -> float:
    """delta: the rounding noise of a centered difference at step h."""
    return _NOISE_FACTOR * setting.eps * max(diff.size, abs(setting.g0)) / (2 * h)


def _entry_error(a: float, n: float, delta: float, tol: float) -> float:
    """Relative error of one entry with the rounding floor: |a-n| / max(|a|+|n|, delta/tol)."""
    if not (np.isfinite(a) and np.isfinite(n)):
        return math.inf
    return abs(a - n) / max(abs(a) + abs(n), delta / tol, 1e-300)


def _reexamine(objective, ix, a, diff: Difference, setting: _Setting):
    """Classify an entry failing at step h: ("kink" | "smooth-ok" | "wrong", num10, err10).

    left/right = one-sided slopes at step h; for a smooth g their difference D(h) ≈ h g''
    shrinks tenfold at h/10, while a kink inside [x-h, x+h] leaves a jump that does not.
    The analytic value at a kink is not judged: a correct gradient may take either side's
    slope there, or (several kinks at one point, e.g. a maxout tie in every example) a mix.
    """
    h, g0, tol = setting.h, setting.g0, setting.tol
    diff10 = centered(objective, ix, h / 10)
    steps = (diff.step_plus, diff.step_minus, diff10.step_plus, diff10.step_minus)
    if 0.0 in steps:
        return "wrong", diff10.slope, _entry_error(a, diff10.slope, 0.0, tol)
    d_h = (diff.g_plus - g0) / diff.step_plus - (g0 - diff.g_minus) / -diff.step_minus
    d_h10 = (diff10.g_plus - g0) / diff10.step_plus - (g0 - diff10.g_minus) / -diff10.step_minus
    delta = _noise(diff, setting, h)
    delta10 = _noise(diff10, setting, h / 10)
    bound = max(tol * (abs(a) + abs(diff.slope)), delta)
    significant = abs(d_h) > 4 * bound and abs(d_h) > 40 * delta10
    not_smooth = abs(d_h - 10 * d_h10) > 0.3 * abs(d_h) + 20 * delta10
    if significant and not_smooth:
        return "kink", diff10.slope, math.inf
    err10 = _entry_error(a, diff10.slope, delta10, tol)
    if err10 <= tol:
        return "smooth-ok", diff10.slope, err10
    return "wrong", diff10.slope, err10
