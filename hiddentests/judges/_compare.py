"""Verdicts on recorded outputs: comparisons with the reference and with numerical gradients.

Tolerances come from float64 error analysis, not from what the reference happens to do:
- a value is compared with `rtol=1e-6` and an absolute floor of `1e-9` times the scale of the
  expected array (any loop/vectorized/log-sum-exp/einsum ordering differs by ~1e-13 relative,
  while the mistakes students make change values by 1e-3 or far more);
- the student's analytic gradient is compared with the centered difference (step h) of the
  student's own objective: truncation ~h^2 |f'''| and round-off ~eps |f| / h, so
  `rtol=1e-5`, `atol=1e-6 * (1 + |f|)`.
All messages come from `coursekit.gradcheck.assert_close`.
"""

import numpy as np

from coursekit.gradcheck import assert_close
from hiddentests.probes._record import H

RTOL = 1e-6
ATOL_SCALE = 1e-9


def error_of(outputs, key):
    """The recorded exception message of call `key`, or None."""
    value = outputs.get(f"{key}/error")
    return None if value is None else str(value)


def raised(fn_name, label, message):
    """The message of a call that raised `message` on case `label`."""
    return f"{fn_name} raised {message} on the case {label}."


def compare(failures, name, got, expected, label, rtol=RTOL, reg_term=None, sizes=None):
    """Append assert_close's message when `got` is not close to `expected`; True when close.

    reg_term (the regularization part of expected) and sizes (e.g. {"N": N}) sharpen the hint.
    """
    expected = np.asarray(expected, dtype=np.float64)
    scale = float(np.max(np.abs(expected))) if expected.size else 0.0
    try:
        assert_close(
            name,
            got,
            expected,
            rtol=rtol,
            atol=ATOL_SCALE * (1.0 + scale),
            reg_term=reg_term,
            sizes=sizes,
        )
    except AssertionError as exc:
        failures.append(f"[{label}] {exc}")
        return False
    return True


def check_mutation(failures, outputs, key, fn_name, arg_names, label):
    """A function must not modify its inputs (the caller still needs them)."""
    mutated = outputs.get(f"{key}/mutated")
    if mutated is not None and len(mutated):
        names = ", ".join(arg_names[int(i)] for i in mutated)
        failures.append(
            f"[{label}] {fn_name} modified its input {names} in place. Functions must be pure: "
            f"the caller still needs its arrays. Work on a copy (e.g. `x = x.copy()` or "
            f"`scores = scores - shift` instead of `scores -= shift`)."
        )
        return False
    return True


def check_numerical(failures, outputs, key, analytic, grad_name, fn_name, label):
    """Compare sampled entries of `analytic` with the centered differences the probe recorded."""
    err = error_of(outputs, key + "_num")
    if err is not None:
        failures.append(
            f"[{label}] {fn_name} raised {err} while the numerical gradient was computed "
            f"(it was called with slightly perturbed inputs)."
        )
        return False
    if f"{key}/num_idx" not in outputs:
        return True
    idx = outputs[f"{key}/num_idx"]
    plus, minus = outputs[f"{key}/num+"], outputs[f"{key}/num-"]
    numeric = (plus - minus) / (2 * H)
    analytic = np.asarray(analytic, dtype=np.float64)
    if analytic.size <= int(idx.max(initial=-1)):
        return True  # a wrong shape is reported by the comparison with the reference
    got = analytic.copy()
    expected = analytic.copy()
    expected.flat[idx] = numeric
    level = float(np.max(np.abs(np.concatenate([plus, minus])), initial=0.0))
    if not (np.all(np.isfinite(numeric)) and np.all(np.isfinite(analytic.flat[idx]))):
        failures.append(
            f"[{label}] {grad_name} of {fn_name} or the numerical gradient of its loss is not "
            f"finite (NaN or inf) at the checked entries."
        )
        return False
    try:
        assert_close(
            f"{grad_name} of {fn_name} (vs. the numerical gradient of your own loss)",
            got,
            expected,
            rtol=1e-5,
            atol=1e-6 * (1.0 + level),
        )
    except AssertionError as exc:
        failures.append(f"[{label}] {exc}")
        return False
    return True


def judge_layer_forward(outputs, cases, fn_name, reference, arg_names):
    """Failures of a layer's recorded forward outputs; cases are (label, *args, dout)."""
    failures = []
    for k, (label, *args, _dout) in enumerate(cases):
        key = f"case{k}"
        err = error_of(outputs, key)
        if err is not None:
            failures.append(f"{fn_name} raised {err} on the case {label}.")
            continue
        check_mutation(failures, outputs, key, fn_name, arg_names, label)
        expected = reference(*args)[0]
        compare(failures, f"out of {fn_name}", outputs.get(f"{key}/out"), expected, label)
    return failures


def judge_layer_backward(outputs, cases, names, reference_forward, reference_backward,
                         per_example=False):
    """Failures of a layer's recorded backward pass (see Recorder.layer_backward).

    names = (forward name, backward name, argument names, gradient names); each gradient is
    compared with the reference and, when close, with the student's own numerical gradient.
    per_example: the gradient sums over the N examples (a hint may then name a factor N).
    """
    forward_name, backward_name, arg_names, grad_names = names
    failures = []
    for k, (label, *args, dout) in enumerate(cases):
        key = f"case{k}"
        err = error_of(outputs, key)
        if err is not None:
            failures.append(
                f"{forward_name} or {backward_name} raised {err} on the case {label}."
            )
            continue
        check_mutation(failures, outputs, f"{key}/fwd", forward_name, arg_names, label)
        check_mutation(failures, outputs, key, backward_name, ("dout", "cache"), label)
        expected = reference_backward(dout, reference_forward(*args)[1])
        sizes = {"N": args[0].shape[0]} if per_example else None
        for name, grad, exp in zip(arg_names, grad_names, expected, strict=True):
            got = outputs.get(f"{key}/{grad}")
            if compare(failures, f"{grad} of {backward_name}", got, exp, label, sizes=sizes):
                check_numerical(
                    failures, outputs, f"{key}/{name}", got, grad, backward_name, label
                )
    return failures
