"""Judges of assignment 5 (a scalar autograd engine): against `solutions.autograd.Value`, the
lecture's neuron and `solutions.nets.TwoLayerNet`.

Values and gradients are compared with a relative 1e-9: the student's engine and the reference
do the same float64 arithmetic, at most in another order or form (a - b as a + (-b), a / b as
a * b**-1, 1 - tanh^2 or 1 / cosh^2), which changes results by a few ulps, ~1e-12 over the
120,000 steps of the deep chain; the mistakes change them by far more.
"""

import math

import numpy as np

from coursekit.checks.a5_autograd import STALE, STEPS_CASE, gradients_add_up
from hiddentests.judges._compare import compare, error_of
from hiddentests.probes import a5_autograd as P
from solutions.autograd import Value
from solutions.nets import TwoLayerNet

RTOL = 1e-9


def _reference(f, point):
    """The reference Value graph of `f` at `point` -> (output, inputs)."""
    inputs = [Value(x) for x in point]
    out = f(*inputs)
    return out, inputs


def _judge_expressions(outputs, cases, with_gradients):
    """Failures of the recorded expressions: values and, `with_gradients`, gradients."""
    if error_of(outputs, "Value") is not None:
        return [error_of(outputs, "Value") + "."]
    failures = []
    for k, (name, (f, point)) in enumerate(cases.items()):
        key = f"case{k}"
        label = f"{name} at {point}"
        err = error_of(outputs, key)
        if err is not None:
            failures.append(f"[{label}] raised {err}.")
            continue
        out, inputs = _reference(f, point)
        if with_gradients:
            for _ in range(2 if name.endswith("backward twice") else 1):
                out.backward()
        if not compare(failures, ".data", outputs.get(f"{key}/data"), out.data, label,
                       rtol=RTOL) or not with_gradients:
            continue
        compare(failures, "the inputs' .grad", outputs.get(f"{key}/grads"),
                [v.grad for v in inputs], label, rtol=RTOL)
    return failures


def judge_value_forward(outputs):
    """Failures of the Value expressions' forward values (empty: passed)."""
    return _judge_expressions(outputs, P.expression_cases(), with_gradients=False)


def judge_value_gradients(outputs):
    """Failures of the Value expressions' gradients (empty: passed)."""
    return _judge_expressions(outputs, P.expression_cases(), with_gradients=True)


def judge_value_graphs(outputs):
    """Failures of the graphs with shared nodes (empty: passed)."""
    return _judge_expressions(outputs, P.graph_cases(), with_gradients=True)


def judge_deep(outputs):
    """Failures of backward() on a very deep chain (empty: passed)."""
    if error_of(outputs, "Value") is not None:
        return [error_of(outputs, "Value") + "."]
    label = f"a chain {2 * P.DEEP_LENGTH:,} nodes deep"
    err = error_of(outputs, "case0")
    if err is not None:
        hint = (" backward() must not recurse: sort with an explicit stack."
                if "RecursionError" in err else "")
        return [f"[{label}] raised {err}.{hint}"]
    failures = []
    expected = P.expr.CHAIN_FACTOR**P.DEEP_LENGTH
    compare(failures, "d out / d x", outputs.get("case0/grads"), [expected], label, rtol=RTOL)
    return failures


def judge_neuron(outputs):
    """Failures of the neuron's output and gradients (empty: passed)."""
    err = error_of(outputs, "neuron")
    if err is not None:
        return [f"{err}."]
    s = 1.0 / (1.0 + math.exp(-1.0))  # sigma(w0 x0 + w1 x1 + w2) = sigma(1)
    ddot = (1 - s) * s
    failures = []
    label = "the lecture's neuron"
    compare(failures, "f.data", outputs.get("neuron/f"), s, label, rtol=RTOL)
    compare(failures, "[w0, x0, w1, x1, w2].grad", outputs.get("neuron/grads"),
            [-1.0 * ddot, 2.0 * ddot, -2.0 * ddot, -3.0 * ddot, ddot], label, rtol=RTOL)
    return failures


def judge_mlp(outputs):
    """Failures of the MLP's loss and gradients (empty: passed)."""
    failures = []
    for k, (X, y, params, reg) in enumerate(P.mlp_cases()):
        key = f"case{k}"
        H, C = params["W2"].shape
        label = f"MLP({X.shape[1]}, [{H}, {C}]) on {X.shape[0]} examples, reg={reg}"
        err = error_of(outputs, key)
        if err is not None:
            failures.append(f"[{label}] raised {err}.")
            continue
        net = TwoLayerNet(X.shape[1], H, C, reg=reg)
        net.params = {name: value.copy() for name, value in params.items()}
        loss, grads = net.loss(X, y)
        compare(failures, "mlp_loss", outputs.get(f"{key}/loss"), loss, label, rtol=1e-10)
        for name, grad in grads.items():
            compare(failures, f"d{name}", outputs.get(f"{key}/grads/{name}"), grad, label,
                    rtol=1e-10)
    return failures


def judge_trained(outputs):
    """Failures of the trained circles_net's accuracy (empty: passed)."""
    err = error_of(outputs, "net")
    if err is not None:
        return [f"{err}."]
    _, y = P.circles()
    scores = np.asarray(outputs.get("net/scores"))
    if scores.shape != (len(y), 2):
        return [f"circles_net should give 2 scores per point, got an array of shape "
                f"{scores.shape} for {len(y)} points."]
    accuracy = float(np.mean(np.argmax(scores, axis=1) == y))
    if accuracy < 0.95:
        return [f"circles_net classifies {accuracy:.1%} of its 40 training points right; at "
                f"least 95% expected."]
    return _judge_steps(outputs)


def _judge_steps(outputs):
    """train_mlp sets the gradients to 0 in every step (the visible test's rule)."""
    err = error_of(outputs, "steps")
    if err is not None:
        return [f"train_mlp raised {err} with learning_rate=0."]
    held = {}
    for key, value in outputs.items():
        if key.startswith("steps/"):
            _, which, name = key.split("/", 2)
            held.setdefault(which, {})[name] = value
    a, b = (held.get(f"after{n}", {}) for n in STEPS_CASE["n_steps"])
    if not a or set(a) != set(b):
        return ["train_mlp: the gradients after training could not be read (get_grads)."]
    return [STALE] if gradients_add_up(a, b) else []
