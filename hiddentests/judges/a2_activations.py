"""Judges of assignment 2 (activations): recorded outputs against `solutions.activations`."""

from hiddentests.judges._compare import (
    check_mutation,
    check_numerical,
    compare,
    error_of,
    judge_layer_backward,
    judge_layer_forward,
)
from hiddentests.probes import a2_activations as P
from solutions import activations as A


def _label(kwargs, label):
    """A case's label with its keyword arguments, if any."""
    return label + (" " + P._kw_label(kwargs) if kwargs else "")


def judge_forward(act):
    """The judge of `<act>_forward` against the reference."""
    reference = getattr(A, f"{act}_forward")
    name = f"{act}_forward"

    def judge(outputs):
        """Failures of the recorded cases (empty: passed)."""
        failures = []
        for j, kwargs in enumerate(P.ELEMENTWISE[act]):
            for k, (label, x) in enumerate(P.forward_cases()):
                key, label = f"kw{j}/case{k}", _label(kwargs, label)
                err = error_of(outputs, key)
                if err is not None:
                    failures.append(f"{name} raised {err} on the case {label}.")
                    continue
                check_mutation(failures, outputs, key, name, ("x",), label)
                compare(
                    failures,
                    f"out of {name}",
                    outputs.get(f"{key}/out"),
                    reference(x, **kwargs)[0],
                    label,
                )
        return failures

    judge.__name__ = f"judge_{name}"
    return judge


def judge_backward(act):
    """The judge of `<act>_backward`: inputs kept, dx as the reference and numerical gradient."""
    forward, backward = getattr(A, f"{act}_forward"), getattr(A, f"{act}_backward")
    name = f"{act}_backward"

    def judge(outputs):
        """Failures of the recorded cases (empty: passed)."""
        failures = []
        for j, kwargs in enumerate(P.ELEMENTWISE[act]):
            for k, (label, x, dout) in enumerate(P.backward_cases()):
                key, label = f"kw{j}/case{k}", _label(kwargs, label)
                err = error_of(outputs, key)
                if err is not None:
                    failures.append(f"{act}_forward or {name} raised {err} on the case {label}.")
                    continue
                check_mutation(failures, outputs, f"{key}/fwd", f"{act}_forward", ("x",), label)
                check_mutation(failures, outputs, key, name, ("dout", "cache"), label)
                got = outputs.get(f"{key}/dx")
                if compare(
                    failures, f"dx of {name}", got, backward(dout, forward(x, **kwargs)[1]), label
                ):
                    check_numerical(failures, outputs, key, got, "dx", name, label)
        return failures

    judge.__name__ = f"judge_{name}"
    return judge


def judge_maxout_forward(outputs):
    """Failures of `maxout_forward` against the reference (empty: passed)."""
    return judge_layer_forward(
        outputs, P.maxout_cases(), "maxout_forward", A.maxout_forward, P.MAXOUT_ARGS
    )


def judge_maxout_backward(outputs):
    """Failures of `maxout_backward` (empty: passed)."""
    names = ("maxout_forward", "maxout_backward", P.MAXOUT_ARGS, P.MAXOUT_GRADS)
    return judge_layer_backward(
        outputs, P.maxout_cases(), names, A.maxout_forward, A.maxout_backward
    )
