"""Judges of assignment 4 (backpropagation): against the lecture's numbers and `solutions`."""

import math

import numpy as np

from hiddentests.judges._compare import (
    check_mutation,
    check_numerical,
    compare,
    error_of,
    judge_layer_backward,
    judge_layer_forward,
)
from hiddentests.probes import a4_backprop as P
from solutions import layers, nets


def _sigmoid(v):
    return 1.0 / (1.0 + math.exp(-v))


def graph_expected():
    """{graph: {variable: value}} of the lecture's staged examples."""
    # f = (x + y) z at x = -2, y = 5, z = -4
    x, y, z = -2.0, 5.0, -4.0
    add_mul = {"dfdx": z, "dfdy": z, "dfdz": x + y}
    # sigmoid neuron f = sigma(w0 x0 + w1 x1 + w2) at w = [2, -3, -3], x = [-1, -2]
    w, xs = [2.0, -3.0, -3.0], [-1.0, -2.0]
    s = _sigmoid(w[0] * xs[0] + w[1] * xs[1] + w[2])
    ddot = (1 - s) * s
    neuron = {"dw": [xs[0] * ddot, xs[1] * ddot, ddot], "dx": [w[0] * ddot, w[1] * ddot]}
    # gates: f = 2 (x y + max(z, w)) at x=3, y=-4, z=2, w=-1; copy gate g = a b + a at a=2, b=3
    gates = {
        "grad_x": 2 * -4.0,
        "grad_y": 2 * 3.0,
        "grad_z": 2.0,
        "grad_w": 0.0,
        "grad_a": 3.0 + 1.0,
        "grad_b": 2.0,
    }
    # staged: f = (x + sigma(y)) / (sigma(x) + (x + y)^2) at x = 3, y = -4 (quotient rule)
    x, y = 3.0, -4.0
    num, den = x + _sigmoid(y), _sigmoid(x) + (x + y) ** 2
    dnum_dx, dden_dx = 1.0, _sigmoid(x) * (1 - _sigmoid(x)) + 2 * (x + y)
    dnum_dy, dden_dy = _sigmoid(y) * (1 - _sigmoid(y)), 2 * (x + y)
    staged = {
        "dx": (dnum_dx * den - num * dden_dx) / den**2,
        "dy": (dnum_dy * den - num * dden_dy) / den**2,
    }
    return {
        "add_mul": add_mul,
        "sigmoid_neuron": neuron,
        "gates": gates,
        "staged": staged,
    }


def judge_variables(graph):
    """Judge of a graph worked by hand: its variables against graph_expected()[graph]."""

    def judge(outputs):
        failures = []
        for name, expected in graph_expected()[graph].items():
            err = error_of(outputs, name)
            if err is not None:
                failures.append(f"{err}.")
                continue
            compare(
                failures,
                name,
                outputs.get(f"{name}/value"),
                np.asarray(expected),
                "the lecture's example",
                rtol=1e-6,
            )
        return failures

    judge.__name__ = f"judge_{graph}"
    return judge


def judge_affine_forward(outputs):
    return judge_layer_forward(
        outputs, P.affine_cases(), "affine_forward", layers.affine_forward, P.AFFINE_ARGS
    )


def judge_affine_backward(outputs):
    names = ("affine_forward", "affine_backward", P.AFFINE_ARGS, P.AFFINE_GRADS)
    return judge_layer_backward(
        outputs, P.affine_cases(), names, layers.affine_forward, layers.affine_backward,
        per_example=True,
    )


def _reference(cls_name, dims, params, reg):
    cls = getattr(nets, cls_name)
    if len(dims) == 3:
        reference = cls(dims[0], dims[1], dims[2], reg=reg, seed=0)
    else:
        reference = cls(dims[0], tuple(dims[1:-1]), dims[-1], reg=reg, seed=0)
    for name, value in params.items():
        reference.params[name] = value.copy()
    return reference


def judge_net(cls_name, with_gradients):
    def judge(outputs):
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
