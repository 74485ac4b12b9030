"""Input validation shared by the reference functions: clear messages, no copies of the checks.

Every message says what was expected, what came, and what to try.
"""

import functools
import math
import numbers
import threading

import numpy as np

_calls = threading.local()  # .inside: a validated function is running in this thread


def check_float_array(name, a, ndim=None, min_ndim=None, finite=True):
    """Check that `a` is a finite floating-point numpy array (optionally of a given ndim).

    Raises TypeError for non-arrays and integer/bool arrays, ValueError for a wrong number of
    dimensions or for NaN/inf entries. Returns `a` unchanged (never a copy, never modified).
    With `finite=False` the pass over the entries is left to `check_finite_result`, which looks
    at the (much smaller) result instead: a NaN or inf in an input always reaches the result.
    """
    if not isinstance(a, np.ndarray):
        raise TypeError(
            f"{name} should be a numpy array of floats, got {type(a).__name__}. "
            f"Try {name} = np.asarray({name}, dtype=float)."
        )
    if a.dtype.kind != "f":  # float16, float32, float64, longdouble
        raise TypeError(
            f"{name} should have a floating-point dtype (float64), got dtype {a.dtype}. "
            f"Integer inputs make the arithmetic (and gradients) wrong: "
            f"convert with {name}.astype(float)."
        )
    if ndim is not None and a.ndim != ndim:
        raise ValueError(
            f"{name} should be a {ndim}-D array, got shape {a.shape} ({a.ndim}-D). "
            + (
                f"For a single example use {name}.reshape(1, -1)."
                if ndim == 2 and a.ndim == 1
                else "Check how it was built or reshaped."
            )
        )
    if min_ndim is not None and a.ndim < min_ndim:
        raise ValueError(
            f"{name} should have at least {min_ndim} dimensions (examples along axis 0), "
            f"got shape {a.shape}. For a single example use {name}[None]."
        )
    if finite and not all_finite(a):
        bad = np.argwhere(~np.isfinite(a))
        first = tuple(int(i) for i in bad[0])
        raise ValueError(
            f"{name} contains {len(bad)} non-finite value(s) (NaN or inf), the first at index "
            f"{first}: {a[first]}. Check the data and the step size (a diverging update "
            f"produces inf/NaN)."
        )
    return a


def all_finite(a):
    """True when every entry of the float array `a` is finite (not NaN, inf or -inf).

    A sum of squares is finite only when every entry is, so one dot product, with no temporary
    array, settles the common case; when the sum overflows, the entries are tested one by one.
    """
    flat = a.ravel(order="K")  # a view, not a copy, when `a` is contiguous in either order
    return math.isfinite(np.vdot(flat, flat)) or bool(np.isfinite(a).all())


def check_finite_result(name, result, **inputs):
    """Check that `result` computed from `inputs` is finite; if not, name the input to blame.

    The inputs are scanned only when the result is not finite, so the common case costs one pass
    over the result. Raises the same ValueError as `check_float_array` for the first input with
    a NaN or inf entry, or says that the finite inputs overflowed.
    """
    if math.isfinite(result) if isinstance(result, float) else all_finite(result):
        return result
    for input_name, a in inputs.items():
        if a is not None:
            check_float_array(input_name, a)
    raise ValueError(
        f"{name} contains NaN or inf although {', '.join(inputs)} are finite: the values "
        f"overflowed float64. Scale the inputs or the weights down."
    )


def check_labels(y, N, C, name="y"):
    """Check that `y` is a 1-D integer array of length N with values in [0, C)."""
    if not isinstance(y, np.ndarray):
        raise TypeError(
            f"{name} should be a 1-D numpy array of integer labels, got {type(y).__name__}. "
            f"Try {name} = np.asarray({name}, dtype=int)."
        )
    if y.dtype.kind not in "iu":  # signed or unsigned integers (not bool)
        raise TypeError(
            f"{name} should hold integer class labels, got dtype {y.dtype}. "
            f"Convert with {name}.astype(int) (labels are class indices 0..C-1)."
        )
    if y.ndim != 1:
        raise ValueError(
            f"{name} should be a 1-D array of shape (N,), got shape {y.shape}. "
            f"Try {name}.ravel() (one label per example)."
        )
    if y.shape[0] != N:
        raise ValueError(
            f"{name} has {y.shape[0]} labels but there are N={N} examples (rows of X / scores). "
            f"Pass one label per example."
        )
    if N == 0:
        raise ValueError(
            f"there are no examples (N=0): the loss is an average over N examples. "
            f"Pass at least one row of X and one label in {name}."
        )
    # y[argmin] and y[argmax]: plain scans, which cost less than the min and max reductions
    if y[y.argmin()] < 0 or y[y.argmax()] >= C:
        bad = np.flatnonzero((y < 0) | (y >= C))
        raise ValueError(
            f"labels in {name} must lie in [0, C) = [0, {C}), got {name}[{bad[0]}] = "
            f"{y[bad[0]]} ({len(bad)} label(s) out of range). Check the number of classes "
            f"(columns of W / scores) or relabel to 0..C-1."
        )
    return y


def check_inner_dims(name_a, a, name_b, b):
    """Check that `a @ b` is defined: a.shape[-1] == b.shape[0]."""
    if a.shape[-1] != b.shape[0]:
        raise ValueError(
            f"shape mismatch: {name_a} has shape {a.shape} and {name_b} has shape {b.shape}, "
            f"so {name_a} @ {name_b} is undefined ({a.shape[-1]} != {b.shape[0]}). "
            f"Expected {name_b} of shape ({a.shape[-1]}, C); check the feature dimension "
            f"or whether {name_b} is transposed."
        )


def check_bias(name, b, M):
    """Check that the bias `b` is a finite float vector of shape (M,)."""
    check_float_array(name, b, ndim=1)
    if b.shape[0] != M:
        raise ValueError(
            f"{name} should have shape ({M},) (one entry per output unit), got {b.shape}."
        )
    return b


def check_same_shape(name, a, expected_shape):
    """Check that an upstream gradient has the shape of the forward output it belongs to."""
    if not isinstance(a, np.ndarray):
        raise TypeError(f"{name} should be a numpy array, got {type(a).__name__}.")
    if a.shape != tuple(expected_shape):
        raise ValueError(
            f"{name} should have the shape of the forward output {tuple(expected_shape)}, "
            f"got {a.shape}. Pass the upstream gradient of this layer's output."
        )
    return a


def check_reg(reg):
    """Check the regularization strength: a finite, non-negative number."""
    # a float is the common case; numbers.Real (an abstract class) is the slower test
    is_number = type(reg) is float or (isinstance(reg, numbers.Real) and not isinstance(reg, bool))
    if not is_number or not math.isfinite(reg) or reg < 0:
        raise ValueError(f"reg should be a finite number >= 0, got {reg!r}.")
    return float(reg)


def check_positive(name, value, integer=False):
    """Check a training setting: a positive number (a positive integer when `integer`)."""
    kind = numbers.Integral if integer else numbers.Real
    if isinstance(value, bool) or not isinstance(value, kind) or not value > 0:
        what = "a positive integer" if integer else "a positive number"
        raise ValueError(f"{name} should be {what}, got {value!r}.")
    return value


def validated(check_inputs, check_result=None):
    """Decorate a reference function with its validation, so that its body holds the math only.

    check_inputs(*args, **kwargs) receives the function's own arguments and raises on bad
    input. check_result(result, *args, **kwargs), when given, raises on a non-finite result;
    the function then runs with overflow and invalid-value warnings silenced, since the check
    reports NaN/inf with the input to blame. The notebooks copy the body verbatim.

    A validated function called by another one (a net calling its layers, a vectorized loss
    calling `softmax_loss`) runs unchecked: the outer call has checked what it passes on, and
    its own result check reports NaN/inf. Checks are then paid once per call from outside.
    """

    def decorate(fn):
        """fn wrapped in its checks."""
        quiet = np.errstate(invalid="ignore", over="ignore")(fn)  # fn with the warnings silenced

        @functools.wraps(fn)
        def checked(*args, **kwargs):
            """fn's result, its inputs checked first and its result after (outermost call only)."""
            if getattr(_calls, "inside", False):
                return fn(*args, **kwargs)
            check_inputs(*args, **kwargs)
            _calls.inside = True
            try:
                if check_result is None:
                    return fn(*args, **kwargs)
                result = quiet(*args, **kwargs)
            finally:
                _calls.inside = False
            check_result(result, *args, **kwargs)
            return result

        return checked

    return decorate


def upstream(shape_of_output):
    """The input check of a backward pass: dout has the forward output's shape (from the cache)."""

    def check(dout, cache):
        """Raise unless dout has the shape of the forward output stored in cache."""
        check_same_shape("dout", dout, shape_of_output(cache))

    return check
