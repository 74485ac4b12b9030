"""Diagnosis of a wrong array: a one-line hint naming the typical mistake behind it.

`diagnose(got, expected, ...)` looks for a flipped sign, a transposition, a missing, halved or
doubled regularization term, a constant factor that is a size of the problem (a forgotten
division by N), and wrong entries confined to one row or column. It only explains: whether
the values are wrong is decided by the caller (`coursekit.compare`, `coursekit.gradcheck`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import numpy as np

__all__ = ["diagnose"]

_HINT_RTOL = 1e-3  # how exactly a pattern (factor, sign, transpose) must explain the error


def _fits(got: np.ndarray, model: np.ndarray, scale: float) -> bool:
    """True when got equals model up to _HINT_RTOL of the overall scale."""
    return bool(np.all(np.abs(got - model) <= _HINT_RTOL * scale + 1e-300))


def _size_candidates(
    sizes: Mapping[str, int] | None, shape: tuple
) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """(named, from_shape): the sizes a factor may be, each with how to say it."""
    named = [
        (int(n), f"did you forget to divide by {name} (= {int(n)})?",
         f"divided by {name} (= {int(n)}) once too often?")
        for name, n in (sizes or {}).items()
        if int(n) > 1
    ]
    from_shape = []
    for axis, n in enumerate(shape):
        if n > 2:
            if axis == 0:
                what = f"did you forget to divide by N (= {n}, the number of rows)?"
                too_often = f"divided by N (= {n}, the number of rows) once too often?"
            else:
                what = f"{n} is the size of axis {axis}: a sum that should be a mean?"
                too_often = f"divided by {n} once too often?"
            from_shape.append((int(n), what, too_often))
    return named, from_shape


def _factor_hint(
    k: float, candidates: tuple[list, list], scalar: bool, prefix: str = "got"
) -> str | None:
    """Name a constant factor k = got / expected, or None when it is not worth a hint."""
    if abs(k - 1.0) <= _HINT_RTOL or k == 0.0:
        return None
    if abs(k + 1.0) <= _HINT_RTOL:
        return f"{prefix} ≈ -1 × expected: the sign is flipped"
    named, from_shape = candidates

    def match(cands):
        """The hint for these numbers, or None."""
        for n, what, too_often in cands:
            if abs(k - n) <= _HINT_RTOL * n:
                return f"{prefix} ≈ {n} × expected: {what}"
            if abs(k * n - 1.0) <= _HINT_RTOL:
                return f"{prefix} ≈ expected / {n}: {too_often}"
        return None

    hint = match(named)
    if hint or scalar:  # one number off by 2 is as often a coincidence as a doubled term
        return hint
    if abs(k - 2.0) <= 2 * _HINT_RTOL:
        return f"{prefix} ≈ 2 × expected: off by a factor 2 (a term counted twice?)"
    if abs(k - 0.5) <= _HINT_RTOL:
        return (
            f"{prefix} ≈ expected / 2: off by a factor 2 (the derivative of x**2 is 2*x, "
            "of reg*W**2 it is 2*reg*W)"
        )
    return match(from_shape) or f"{prefix} ≈ {k:.4g} × expected: off by a factor {k:.4g}"


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


def diagnose(
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
    """diagnose's steps in order; the first that recognises a mistake names it."""
    if got.shape != expected.shape or got.size == 0:
        return None
    if not (np.all(np.isfinite(got)) and np.all(np.isfinite(expected))):
        return None
    case = _Case(got, expected, got.size == 1, float(np.max(np.abs(expected))))
    if case.scale == 0.0:
        if np.any(got != 0):
            return "expected all zeros here (no gradient flows to these entries), got nonzeros"
        return None
    candidates = _size_candidates(sizes, size_shape)
    return (
        _zero_sign_or_transpose(case, full)
        or _regularization(case, reg_term)
        or _proportional_to_x(case, x)
        or _factor(case, candidates)
        or _factor_apart_from_regularization(case, reg_term if reg_term is not None else x,
                                             candidates)
        or _one_row_or_column(case, wrong, full)
    )


class _Case(NamedTuple):
    """What every step looks at: the arrays, flat views of them, and the expected scale."""

    got: np.ndarray
    expected: np.ndarray
    scalar: bool
    scale: float

    @property
    def g(self):
        """The student's array, flattened."""
        return self.got.ravel()

    @property
    def e(self):
        """The expected array, flattened."""
        return self.expected.ravel()


def _zero_sign_or_transpose(case, full):
    """All zeros, a flipped sign, or a transposition."""
    g, e, scale = case.g, case.e, case.scale
    if not case.scalar and float(np.max(np.abs(g))) <= 1e-12 * scale:
        return (
            "got is all zeros: a local gradient on the way is 0 everywhere (is each one computed "
            "from the right value?), or the gradient never reached this array (a missing +=?)"
        )
    if _fits(g, -e, scale):
        return "got ≈ -expected: the sign is flipped"
    got = case.got
    if full and got.ndim == 2 and got.shape[0] == got.shape[1] > 1:
        e_t = case.expected.T.ravel()
        if not _fits(e, e_t, scale) and _fits(g, e_t, scale):
            return (
                "got ≈ expected.T: the values are transposed (check the order and the transposes "
                "of a matrix product: its result must have the shape of the variable)"
            )
    return None


def _regularization(case, reg_term):
    """got - expected proportional to the regularization part of expected."""
    if reg_term is None:
        return None
    g, d = case.g, case.g - case.e
    r = np.asarray(reg_term, dtype=np.float64)
    if r.size not in (1, g.size):
        return None
    r = np.broadcast_to(r, case.got.shape).ravel()
    if not np.any(r != 0):
        return None
    c = float(np.dot(d, r) / np.dot(r, r))
    if case.scalar:
        # any scalar error is "proportional"; name only the classic factors
        if min(abs(c + 1), abs(c + 0.5), abs(c - 1)) <= 10 * _HINT_RTOL:
            return _reg_hint(c, loss=True)
        return None
    if _fits(d, c * r, max(case.scale, float(np.max(np.abs(r))))):
        return _reg_hint(c)
    return None


def _proportional_to_x(case, x):
    """analytic - numeric proportional to x: a regularization gradient off, without reg_term."""
    if x is None or case.scalar:
        return None
    g, d = case.g, case.g - case.e
    xv = np.asarray(x, dtype=np.float64).ravel()
    if xv.shape != g.shape or not np.any(xv != 0):
        return None
    c = float(np.dot(d, xv) / np.dot(xv, xv))
    big = abs(c) * float(np.max(np.abs(xv))) > 10 * _HINT_RTOL * case.scale
    if not (big and _fits(d, c * xv, case.scale)):
        return None
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


def _factor(case, candidates):
    """got a constant multiple of expected."""
    g, e = case.g, case.e
    k = float(np.dot(g, e) / np.dot(e, e))
    if np.isfinite(k) and k != 0.0 and _fits(g, k * e, case.scale * max(1.0, abs(k))):
        return _factor_hint(k, candidates, case.scalar)
    return None


def _factor_apart_from_regularization(case, v, candidates):
    """A data part off by a factor plus a regularization part (reg_term, or ∝ x) that is not."""
    g, e = case.g, case.e
    if v is None or g.size < 3:
        return None
    v = np.broadcast_to(np.asarray(v, dtype=np.float64), case.got.shape).ravel()
    A = np.stack([e, v], axis=1)
    if np.linalg.matrix_rank(A) != 2:
        return None
    (k2, _c), *_ = np.linalg.lstsq(A, g, rcond=None)
    if _fits(g, A @ np.array([k2, _c]), case.scale * max(1.0, abs(k2))):
        return _factor_hint(float(k2), candidates, case.scalar,
                            prefix="apart from the regularization term, got")
    return None


def _one_row_or_column(case, wrong, full):
    """All the wrong entries in one row, or in one column."""
    got = case.got
    if wrong is None or not full or got.ndim != 2 or case.scalar:
        return None
    w = np.asarray(wrong, dtype=bool).reshape(got.shape)
    if not 1 < int(w.sum()) < w.size:
        return None
    rows = np.flatnonzero(w.any(axis=1))
    cols = np.flatnonzero(w.any(axis=0))
    if len(rows) == 1 and got.shape[0] > 1:
        return f"all wrong entries are in row {rows[0]}"
    if len(cols) == 1 and got.shape[1] > 1:
        return f"all wrong entries are in column {cols[0]}"
    return None
