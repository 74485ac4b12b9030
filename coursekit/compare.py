"""Readable comparisons: `assert_close(name, got, expected)` and the messages behind it.

The message checks, in order: None, a tuple where an array is expected, the shape (and
"looks transposed"), non-finite entries (where), then the number of wrong entries, the worst
ones by index (expected, got, relative error) and a hint from `coursekit.hints`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from coursekit.hints import diagnose

__all__ = ["assert_close", "fmt", "fmt_index", "shape_hint"]

SHOW = 5  # worst entries shown in messages


def fmt_index(index: tuple) -> str:
    """An index as Python writes it: (2, 3) or (4,)."""
    return "(" + ", ".join(str(int(i)) for i in index) + ("," if len(index) == 1 else "") + ")"


def fmt(v: float) -> str:
    """A number in the fixed-width scientific format of the reports."""
    return f"{v: .6e}" if np.isfinite(v) else f" {v}"


def _describe(v: Any) -> str:
    """What `v` is, in a few words (an array's shape and dtype, a tuple's length)."""
    if isinstance(v, np.ndarray):
        return f"an array of shape {v.shape} and dtype {v.dtype}"
    if isinstance(v, (tuple, list)):
        return f"a {type(v).__name__} of {len(v)} items"
    return f"{type(v).__name__} {v!r}"[:80]


def shape_hint(got_shape: tuple, exp_shape: tuple) -> str:
    """A hint when the shapes differ in a telling way (transposed, an extra axis, ...), or ''."""
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
    exp = np.asarray(expected)
    problem = _form_problem(name, got, expected, exp)
    if problem:
        return problem
    g = np.asarray(got).astype(np.float64)
    e = exp.astype(np.float64)
    problem = _non_finite(name, g, e)
    if problem:
        return problem
    close = np.isclose(g, e, rtol=rtol, atol=atol, equal_nan=True)
    if np.all(close):
        return None
    lines = _worst_entries(name, g, e, ~close, rtol, atol)
    hint = diagnose(g, e, wrong=~close, reg_term=reg_term, sizes=sizes, size_shape=g.shape)
    if hint is None and np.asarray(got).dtype.kind in "biu":
        hint = f"got has integer dtype {np.asarray(got).dtype}: a float result was truncated"
    if hint:
        lines.append(f"  hint: {hint}")
    return "\n".join(lines)


def _form_problem(name: str, got: Any, expected: Any, exp: np.ndarray) -> str | None:
    """None, a tuple where an array belongs, no numbers, or the wrong shape."""
    if got is None:
        return f"{name}: returned None — did you forget to return?"
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
            + shape_hint(g.shape, exp.shape)
        )
    return None


def _non_finite(name: str, g: np.ndarray, e: np.ndarray) -> str | None:
    """NaN or inf where a finite value is expected, and where."""
    bad = ~np.isfinite(g) & np.isfinite(e)
    if not np.any(bad):
        return None
    locs = ", ".join(
        f"{'nan' if np.isnan(g[tuple(i)]) else g[tuple(i)]} at {fmt_index(tuple(i))}"
        for i in np.argwhere(bad)[:SHOW]
    )
    if g.ndim == 0:
        locs = str(g.item())
    return (
        f"{name}: {int(bad.sum())} of {g.size} entries are not finite ({locs}): look for "
        "exp of a large number (it overflows: use a form whose exp never sees large "
        "positive numbers), log(0), 0/0, or an uninitialized np.empty"
    )


def _worst_entries(name, g, e, wrong, rtol, atol) -> list[str]:
    """How many entries differ and the worst ones; each shown has rel err above rtol."""
    err = np.abs(g - e) / np.maximum(np.abs(e), atol / rtol if rtol > 0 else 1e-300)
    err = np.where(wrong, np.nan_to_num(err, nan=np.inf), -1.0)
    if g.ndim == 0:
        return [
            f"{name}: expected {fmt(float(e))}, got {fmt(float(g))} "
            f"(rel err {float(err):.1e}; rtol={rtol:g}, atol={atol:g})"
        ]
    lines = [
        f"{name}: {int(wrong.sum())} of {g.size} entries differ (rtol={rtol:g}, "
        f"atol={atol:g}); worst:"
    ]
    for k in np.argsort(-err.ravel(), kind="stable")[: min(SHOW, int(wrong.sum()))]:
        ix = tuple(int(i) for i in np.unravel_index(int(k), g.shape))
        lines.append(
            f"  index {fmt_index(ix)}: expected {fmt(e[ix])}, got {fmt(g[ix])}, "
            f"rel err {err[ix]:.1e}"
        )
    return lines


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
