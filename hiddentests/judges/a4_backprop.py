"""Judges of assignment 4 (backpropagation): against `solutions` on the probes' inputs."""

import numpy as np

from coursekit.checks.a4_graphs import input_names
from hiddentests.judges._compare import (
    check_mutation,
    check_numerical,
    compare,
    error_of,
    judge_layer_backward,
    judge_layer_forward,
)
from hiddentests.probes import a4_backprop as P
from solutions import graphs, jacobians, layers, nets, staged


def judge_graph(name):
    """Judge of a staged graph: out and every gradient against solutions.graphs on the probe's
    fresh inputs (shaped like the graph's example inputs)."""
    reference, examples = graphs.GRAPHS[name]

    def judge(outputs):
        """Failures of the recorded cases (empty: passed)."""
        failures = []
        names = input_names(reference, len(examples))
        for k, (label, inputs) in enumerate(P.graph_cases([np.shape(e) for e in examples])):
            key = f"case{k}"
            err = error_of(outputs, key)
            if err is not None:
                failures.append(f"{name} raised {err} on the case {label}.")
                continue
            check_mutation(failures, outputs, key, name, names, label)
            out, grads = reference(*inputs)
            compare(failures, f"out of {name} (the given forward pass)",
                    outputs.get(f"{key}/out"), out, label)
            for i, (n, expected) in enumerate(zip(names, grads, strict=True)):
                compare(failures, f"d{n} of {name}", outputs.get(f"{key}/grad{i}"), expected,
                        label)
        return failures

    judge.__name__ = f"judge_{name}"
    return judge


def judge_staged(outputs):
    """Every gradient of the staged net against solutions.staged; per case, the first wrong one
    in backward order in full, the others by name."""
    failures = []
    for k, (label, X, y, params, reg) in enumerate(P.staged_cases()):
        key = f"case{k}"
        err = error_of(outputs, key)
        if err is not None:
            failures.append(f"two_layer_staged_backward raised {err} on the case {label}.")
            continue
        expected = staged.two_layer_staged_backward(
            staged.two_layer_staged_forward(X, y, params, reg)[1])
        wrong, first = [], []
        for name, value in expected.items():
            got = outputs.get(f"{key}/grads/{name}")
            if got is None:
                wrong.append(name)
                first = first or [f"[{label}] two_layer_staged_backward returned no {name!r}."]
            elif not compare(first if not wrong else [], name, got, value, label):
                wrong.append(name)
        if wrong:
            others = f" Also wrong: {', '.join(wrong[1:])}." if len(wrong) > 1 else ""
            failures.append(f"{first[0]}{others}" if first else f"[{label}] {wrong[0]} is wrong.")
    return failures


JACOBIAN_EXERCISES = {  # name -> (its cases as (label, args), argument names)
    "matmul_jacobians": (lambda: [(lab, (x, W)) for lab, x, W, _ in P.jacobian_cases()],
                         ("x", "W")),
    "matmul_backward": (lambda: [(lab, (dy, x, W)) for lab, x, W, dy in P.jacobian_cases()],
                        ("dy", "x", "W")),
    "jacobian_bytes": (lambda: [(f"N, D, M, itemsize = {c}", c) for c in P.BYTES_CASES],
                       ("N", "D", "M", "itemsize")),
}


def judge_function(fn_name, outputs_names):
    """Judge of a function of section 1.6: every output against solutions.jacobians."""
    reference = getattr(jacobians, fn_name)
    cases, arg_names = JACOBIAN_EXERCISES[fn_name]

    def judge(outputs):
        """Failures of the recorded cases (empty: passed)."""
        failures = []
        for k, (label, args) in enumerate(cases()):
            err = error_of(outputs, f"case{k}")
            if err is not None:
                failures.append(f"{fn_name} raised {err} on the case {label}.")
                continue
            check_mutation(failures, outputs, f"case{k}", fn_name, arg_names, label)
            for name, expected in zip(outputs_names, reference(*args), strict=True):
                compare(failures, f"{name} of {fn_name}", outputs.get(f"case{k}/{name}"),
                        np.asarray(expected, dtype=np.float64), label)
        return failures

    judge.__name__ = f"judge_{fn_name}"
    return judge


def judge_affine_forward(outputs):
    """affine_forward's out against solutions.layers."""
    return judge_layer_forward(
        outputs, P.affine_cases(), "affine_forward", layers.affine_forward, P.AFFINE_ARGS
    )


def judge_affine_backward(outputs):
    """affine_backward's gradients against solutions.layers and the numerical ones."""
    names = ("affine_forward", "affine_backward", P.AFFINE_ARGS, P.AFFINE_GRADS)
    return judge_layer_backward(
        outputs, P.affine_cases(), names, layers.affine_forward, layers.affine_backward,
        per_example=True,
    )


def _reference(cls_name, dims, params, reg):
    """The reference net of solutions.nets with these dims, parameters and reg."""
    cls = getattr(nets, cls_name)
    if len(dims) == 3:
        reference = cls(dims[0], dims[1], dims[2], reg=reg, seed=0)
    else:
        reference = cls(dims[0], tuple(dims[1:-1]), dims[-1], reg=reg, seed=0)
    for name, value in params.items():
        reference.params[name] = value.copy()
    return reference


def judge_net(cls_name, with_gradients):
    """Judge of a net's loss (or gradients) against solutions.nets and numerical gradients."""
    def judge(outputs):
        """Failures of the recorded cases (empty: passed)."""
        failures = []
        for k, (label, dims, params, X, y, reg, large) in enumerate(P.net_cases(cls_name)):
            key = f"case{k}"
            err = error_of(outputs, key)
            if err is not None:
                failures.append(f"{cls_name}.loss(X, y) raised {err} on the case {label}.")
                continue
            check_mutation(failures, outputs, key, f"{cls_name}.loss", ("X", "y"), label)
            loss, grads = _reference(cls_name, dims, params, reg).loss(X, y)
            sizes = {"N": X.shape[0], "C": dims[-1]}
            if not with_gradients:
                reg_loss = reg * sum(np.sum(v**2) for n, v in params.items() if n.startswith("W"))
                compare(
                    failures,
                    f"loss of {cls_name}",
                    outputs.get(f"{key}/loss"),
                    loss,
                    label,
                    reg_term=reg_loss,
                    sizes=sizes,
                )
                continue
            for name in params:
                got = outputs.get(f"{key}/grads/{name}")
                reg_term = 2 * reg * params[name] if name.startswith("W") else None
                if (
                    compare(
                        failures,
                        f"grads[{name!r}] of {cls_name}",
                        got,
                        grads[name],
                        label,
                        reg_term=reg_term,
                        sizes=sizes,
                    )
                    and not large
                ):
                    check_numerical(
                        failures,
                        outputs,
                        f"{key}/{name}",
                        got,
                        f"grads[{name!r}]",
                        f"{cls_name}.loss",
                        label,
                    )
        return failures

    judge.__name__ = f"judge_{cls_name}_{'grads' if with_gradients else 'loss'}"
    return judge


def judge_trained(data):
    """Judge of a trained net: its accuracy on the data of P.TRAINED[data]."""
    name, where, threshold = P.TRAINED[data]

    def judge(outputs):
        """Failures of the recorded cases (empty: passed)."""
        err = error_of(outputs, "net")
        if err is not None:
            return [
                f"{err}."
                if err.startswith("NotImplementedError: no trained")
                else f"{name}.loss(X) raised {err}."
            ]
        X, y = P.trained_data(data)
        scores = outputs.get("net/scores")
        if scores is None or scores.shape != (len(y), int(y.max()) + 1):
            return [
                f"{name}.loss(X) should return scores of shape {(len(y), int(y.max()) + 1)}, "
                f"got {None if scores is None else scores.shape}."
            ]
        accuracy = float(np.mean(np.argmax(scores, axis=1) == y))
        if not accuracy >= threshold:
            return [
                f"{name} classifies {accuracy:.1%} of {where} correctly; at least "
                f"{threshold:.0%} is required. Check the gradients first, then tune the "
                f"hidden size, learning rate, regularization and number of steps."
            ]
        return []

    judge.__name__ = f"judge_trained_{data}"
    return judge
