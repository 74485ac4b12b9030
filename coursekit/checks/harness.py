"""The harness of the visible checks: calling student code, comparing, and failing readably.

Every assignment's checks (`coursekit.checks.<assignment>`) call the student's functions through
`call` (on copies, refusing in-place changes), compare with `close` and `gradient` (messages
from `coursekit.gradcheck`), and print one line per passing check. The helpers that keep inputs
away from kinks (ReLU at 0, a hinge margin at 0, a maxout tie) use one gap, `KINK_GAP`; the
hidden tests' probes use the same helpers.
"""

import copy
import functools
import io
import os
import traceback
import warnings
from contextlib import contextmanager, nullcontext, redirect_stdout

import numpy as np

from coursekit.checks.derived import Watch
from coursekit.compare import shape_hint
from coursekit.gradcheck import assert_close, check_gradient, rel_error

__all__ = [
    "KINK_GAP",
    "CheckFailed",
    "blaming",
    "derived_by_hand",
    "require",
    "student_code",
    "visible_check",
    "away_from_zero",
    "call",
    "close",
    "fresh_copy",
    "gradient",
    "layer_objective",
    "margins_clear",
    "mutated",
    "note_error",
    "passed",
    "quiet",
    "unpack",
]

KINK_GAP = 1e-3  # how far every input stays from a kink, so centered differences never cross one
RTOL, ATOL = 1e-6, 1e-9  # as the hidden tests: float32 rounding (~1e-7) is not a mistake
# frames a student never wrote: coursekit's own and numpy's (left out of messages)
LIBRARIES = (
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
    os.path.dirname(np.__file__),
)
_largest = {"error": 0.0, "float32": ""}  # of the check running now, for its ✓ line


class CheckFailed(AssertionError):
    """A visible test failed; shown as its message only (the traceback would be test code)."""

    def _render_traceback_(self):
        """IPython's hook: the lines shown for this error (its message, no traceback)."""
        lines = str(self).splitlines() or [""]
        return [f"CheckFailed: {lines[0]}", *lines[1:]]


def lookup(ns, names, one_cell=True):
    """The notebook variables `names` from ns (the notebook's globals()), or a CheckFailed naming
    the missing ones: the cell above (`one_cell`), or one of the cells above, is not written."""
    missing = [n for n in names if n not in ns]
    if missing:
        where, todo = (("the cell above", "Complete it, run it") if one_cell else
                       ("a cell above", "Complete the cells above, run them"))
        raise CheckFailed(
            f"{', '.join(missing)} not defined: {where} is not written yet (it still raises "
            f"NotImplementedError). {todo}, then run this cell again."
        )
    return [ns[n] for n in names]


# ---------------------------------------------------------------- calling student code


@contextmanager
def quiet():
    """Silence floating-point warnings (an overflow shows up as inf/NaN in the values)."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def fresh_copy(value):
    """A copy the student's code may modify without touching the caller's value."""
    if isinstance(value, np.ndarray):
        return value.copy()
    return copy.deepcopy(value)


def mutated(originals, passed):
    """Indices of the array arguments whose passed copies differ from the originals."""
    return [
        i
        for i, (a, p) in enumerate(zip(originals, passed, strict=True))
        if isinstance(a, np.ndarray)
        and (a.shape != np.shape(p) or not np.array_equal(a, p, equal_nan=True))
    ]


def call(fn, fn_name, case, *args, hint=None, derived=None, **kwargs):
    """fn(*args) on copies; fails if fn modified an input in place or raised (see student_code).

    hint: what to say when fn raises on this case (e.g. "flatten each example first").
    derived: for a function whose point is a gradient, {name: given forward function} (or {}):
    fails if it computed the gradient numerically (see `derived.Watch`).
    """
    if not callable(fn):
        raise CheckFailed(
            f"{fn_name} is not a function (got {type(fn).__name__}); run the cell that defines it."
        )
    passed = [fresh_copy(a) for a in args]
    watch = derived_by_hand(fn_name, derived, fn) if derived is not None else nullcontext()
    with student_code(fn_name, case, hint), watch:
        result = fn(*passed, **kwargs)
    changed = mutated(args, passed)
    if changed:
        raise CheckFailed(
            f"{fn_name} modified its argument #{changed[0] + 1} in place on the case {case}. "
            f"Functions must be pure: the caller still needs its arrays. Work on a copy "
            f"(`x = x.copy()`, or `scores = scores - shift` instead of `scores -= shift`)."
        )
    return result


@contextmanager
def derived_by_hand(name, given=None, fn=None):
    """Run a block of student code whose point is a gradient; CheckFailed if the gradient was
    computed numerically (a kit helper, or a difference loop: see `derived.Watch`)."""
    watch = Watch(fn, name, given)
    with watch:
        yield
    if watch.shortcut:
        raise CheckFailed(watch.shortcut)


@contextmanager
def student_code(fn_name, case, hint=None):
    """Run student code quietly; an exception it raises becomes a short CheckFailed.

    The message names the function and the case, the exception, the student's own line (the
    last frame outside coursekit and numpy) and a hint; the checker's frames are left out.
    """
    try:
        with quiet():
            yield
    except CheckFailed:
        raise
    except NotImplementedError as exc:
        failure = CheckFailed(
            f"{_stub_name(exc, fn_name)} is not written yet: replace `raise "
            "NotImplementedError(...)` with your code, run its cell, then run this cell again."
        )
        failure.stub = True  # blaming lets it through: the stub says what to do
        raise failure from None
    except Exception as exc:  # noqa: BLE001 - whatever the student's code raises
        raise CheckFailed(_raised(fn_name, case, exc, hint)) from None


def _stub_name(exc, fn_name):
    """The student's function that raised NotImplementedError (a method by its class), or
    fn_name when it is fn_name itself or cannot be told."""
    tb, name = exc.__traceback__, fn_name
    while tb is not None:
        code = tb.tb_frame.f_code
        if not os.path.abspath(code.co_filename).startswith(LIBRARIES):
            name = getattr(code, "co_qualname", code.co_name)
        tb = tb.tb_next
    return fn_name if name in ("<module>", fn_name) or name.endswith("." + fn_name) else name


def _raised(fn_name, case, exc, hint):
    """The few lines that tell a student where their code raised, and why."""
    text = str(exc).strip().splitlines()
    lines = [f"{fn_name} raised {type(exc).__name__} on the case {case}:",
             f"  {text[0] if text else type(exc).__name__}"]
    frames = [
        f for f in traceback.extract_tb(exc.__traceback__)
        if not os.path.abspath(f.filename).startswith(LIBRARIES)
    ]
    if frames:
        where = frames[-1]
        code = f": {where.line.strip()}" if where.line else ""
        lines.append(f"  your code, in {where.name} (line {where.lineno} of its cell){code}")
    if isinstance(exc, RecursionError):
        lines[1] = "  maximum recursion depth exceeded"
    if hint is None and ("matmul" in str(exc) or "not aligned" in str(exc)):
        hint = "a matrix product of mismatched shapes: print the shapes of both operands"
    if hint:
        lines.append(f"  hint: {hint}")
    return "\n".join(lines)


def unpack(result, fn_name, names):
    """result as a tuple of len(names), or CheckFailed saying what the function should return."""
    if not isinstance(result, (tuple, list)) or len(result) != len(names):
        raise CheckFailed(
            f"{fn_name} should return a tuple ({', '.join(names)}), got "
            f"{type(result).__name__}"
            + (f" of length {len(result)}" if isinstance(result, (tuple, list)) else "")
            + ". End the function with `return "
            + ", ".join(names)
            + "`."
        )
    return result


def forward_pair(fn, name, case, *args, **kwargs):
    """(out, cache) of a forward function called through `call`."""
    return unpack(call(fn, name, case, *args, **kwargs), name, ("out", "cache"))


def layer_objective(forward, args, a):
    """v -> forward(*args with args[a] replaced by v)[0]: what a layer's gradient is checked on."""

    def objective(v):
        """forward's output with args[a] replaced by v (args[a]'s shape), on fresh copies."""
        full = [arr.copy() for arr in args]
        full[a] = v
        with quiet():
            return forward(*full)[0]

    return objective


# ---------------------------------------------------------------- inputs away from kinks


def away_from_zero(x, gap=KINK_GAP):
    """x with every entry at least `gap` away from 0 (entries too close are pushed out)."""
    x = np.array(x, dtype=np.float64, copy=True)
    near = np.abs(x) < gap
    x[near] = np.where(x[near] >= 0, 1, -1) * (gap + np.abs(x[near]) + 0.05)
    return x


def margins_clear(scores, y, gap=KINK_GAP):
    """True when every hinge margin s_j - s_{y_i} + 1 (j != y_i) is at least `gap` from 0."""
    rows = np.arange(len(y))
    margins = scores - scores[rows, y][:, None] + 1
    margins[rows, y] = 1.0
    return bool(np.all(np.abs(margins) > gap))


# ---------------------------------------------------------------- verdicts


def close(fn_name, case, what, got, expected, *, rtol=RTOL, atol=ATOL, **hints):
    """assert_close with the function and case named; CheckFailed on a difference."""
    try:
        with quiet():
            assert_close(what, got, expected, rtol=rtol, atol=atol, **hints)
    except AssertionError as exc:
        raise CheckFailed(f"{fn_name}, case {case}:\n{exc}") from None
    with quiet():
        note_error(rel_error(np.asarray(got, dtype=np.float64), expected))
    if np.asarray(got).dtype.kind == "f" and np.asarray(got).dtype.itemsize < 8:
        _largest["float32"] = f"{what} comes back as {np.asarray(got).dtype}"


def note_error(error):
    """Count a relative error towards the largest one the ✓ line of this check shows."""
    if np.isfinite(error):
        _largest["error"] = max(_largest["error"], float(error))


def float32_valued(values):
    """True when an array holds float32 numbers (computed in float32, even if returned as
    float64): every entry survives a round trip through float32 and some are not integers."""
    a = np.asarray(values)
    if a.dtype.kind != "f" or a.size == 0:
        return False
    if a.dtype.itemsize < 8:
        return True
    with quiet():
        same = np.array_equal(a.astype(np.float32).astype(np.float64), a, equal_nan=True)
    return bool(same and np.any(a != np.round(a)))


NOISE_FLOAT64 = 1e-11  # rounding_noise of float64 arithmetic is ~1e-15, of float32 ~1e-8


def rounding_noise(f, x, dout=None):
    """How far f's values stray from a smooth curve along a short segment through x, relative
    to their size: ~1e-15 when f computes in float64, ~1e-8 when it rounds to float32
    anywhere inside (even if it returns float64). The segment (1e-5 long) stays clear of
    kinks, which the checks keep at least KINK_GAP away."""
    direction = np.random.default_rng(0).standard_normal(np.shape(x))
    direction *= max(1.0, float(np.max(np.abs(x)))) / np.linalg.norm(direction)
    s = np.linspace(-1.0, 1.0, 9)
    with quiet():
        values = np.array([_scalar(f(x + 1e-5 * t * direction), dout) for t in s])
    if not np.all(np.isfinite(values)):
        return 0.0
    smooth = np.polyval(np.polyfit(s, values, 2), s)
    return float(np.max(np.abs(values - smooth)) / max(1.0, float(np.max(np.abs(values)))))


def _scalar(out, dout):
    """The scalar whose gradient is checked: sum(out * dout), or sum(out) without dout."""
    out = np.asarray(out, dtype=np.float64)
    return float(np.sum(out * dout)) if dout is not None else float(np.sum(out))


def gradient(fn_name, case, f, x, analytic, name, *, made_by=None, **kwargs):
    """check_gradient of the student's own function f at x; CheckFailed when it fails.

    made_by: the student's function behind f (named when it raises or computes in float32).
    When f computes in float32 the numerical gradient is only good to about 1e-3: the check
    then uses a step of 1e-3 and a tolerance of 1e-2, and the ✓ line says where float32 came in.
    """
    made_by = made_by or fn_name
    if analytic is None or np.shape(analytic) != np.shape(x):
        got = "None (a missing return?)" if analytic is None else f"shape {np.shape(analytic)}"
        raise CheckFailed(
            f"{fn_name}, case {case}:\n{name}: wrong shape: expected {np.shape(x)} (the shape "
            f"of what it differentiates), got {got}"
            + ("" if analytic is None else shape_hint(np.shape(analytic), np.shape(x)))
        )
    with student_code(made_by, case):
        out = f(x.copy())
        low = float32_valued(out) or rounding_noise(f, x, kwargs.get("dout")) > NOISE_FLOAT64
    if low:
        kwargs = {**kwargs, "h": 1e-3, "tol": 1e-2}
        _largest["float32"] = f"{made_by} computes in float32"
    with student_code(made_by, case):
        report = check_gradient(f, x.copy(), analytic, name=name, **kwargs)
    if not report.ok:
        raise CheckFailed(
            f"{fn_name}, case {case}: {name} does not match the numerical gradient of your "
            f"own function.\n{report}"
        )
    note_error(report.max_rel_error)


def passed(fn_name, what, n):
    """The line a passing check prints: what matched, on how many cases, the largest error."""
    print(
        f"✓ {fn_name}: {what} on {n} case{'s' if n != 1 else ''} "
        f"(largest relative error {_largest['error']:.1e})"
    )
    if _largest["float32"]:
        print(f"  note: {_largest['float32']}; it passes at float32 precision, but float64 "
              "(numpy's default) is safer")


def visible_check(check):
    """Decorate a check: its ✓ line reports the largest error of this check only."""

    @functools.wraps(check)
    def run(*args, **kwargs):
        """The check, with the largest error reset before it runs."""
        _largest.update(error=0.0, float32="")
        return check(*args, **kwargs)

    return run


@contextmanager
def blaming(user, *dependencies):
    """When the check of `user` fails, first blame a function it depends on that fails its own
    test: dependencies are (name, check, args, where); their checks run silently, only then."""
    try:
        yield
    except CheckFailed as failure:
        if getattr(failure, "stub", False):
            raise
        require(user, *dependencies)
        raise


def require(user, *dependencies):
    """Fail as `blaming` does when a dependency of `user` fails its own test (run silently);
    for a check whose answer rests on a dependency even when it looks right by itself (a
    gradient consistent with a wrong forward pass)."""
    for fn_name, check, args, where in dependencies:
        saved = dict(_largest)
        try:
            with redirect_stdout(io.StringIO()):
                check(*args)
        except CheckFailed as why:
            through = "" if user == fn_name else f" ({user} is tested through it)"
            reason = (str(why).strip().splitlines() or [""])[0]
            raise CheckFailed(f"{fn_name} fails {where}: fix it first{through}. Its test "
                              f"says: {reason}") from None
        finally:
            _largest.update(saved)
