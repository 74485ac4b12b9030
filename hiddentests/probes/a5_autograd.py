"""Probes of assignment 5 (a scalar autograd engine): expressions built with the student's
`Value`, the lecture's neuron, the MLP of Values against the vectorized net, the trained MLP.

Every expression comes from `coursekit.checks.a5_expressions` (the visible checks' own builders),
evaluated at other points and with other seeds; the probe records each case's output value and
the gradients of its inputs (or the exception), and the judge recomputes them with the
reference engine.
"""

import numpy as np

from coursekit.checks import a5_autograd as checks
from coursekit.checks import a5_expressions as expr
from coursekit.data import make_circles
from hiddentests.probes._record import Recorder, student

# name -> (expression, inputs): the visible expressions at other points
FORWARD_POINTS = {
    "a + b": (0.25, 3.5), "a - b": (-0.7, 1.9), "a * b": (-1.3, 0.45), "a / b": (2.2, -0.6),
    "a ** 3": (0.9,), "a ** -2": (1.6,), "a ** 0.5": (0.35,), "-a": (-2.5,), "a + 2": (-0.3,),
    "2 + a": (1.7,), "a - 1": (-0.9,), "1 - a": (2.6,), "a * 3": (-0.45,), "3 * a": (1.15,),
    "a / 4": (-3.3,), "1 / a": (-0.55,), "a.exp()": (-1.4,), "a.log()": (3.7,),
    "a.tanh()": (-0.6,), "a.sigmoid()": (2.1,), "a.relu() at a > 0": (1.9,),
    "a.relu() at a < 0": (-0.05,),
}


def expression_cases():
    """name -> (expression, inputs) of the forward and gradient questions."""
    cases = {name: (expr.EXPRESSIONS[name][0], point) for name, point in FORWARD_POINTS.items()}
    cases["a.relu() at a = 0"] = (lambda a: a.relu(), (0.0,))
    cases["a.sigmoid() at a < 0"] = (lambda a: a.sigmoid(), (-2.3,))
    cases["a.sigmoid() at a = -1000 (without overflow)"] = (lambda a: a.sigmoid(), (-1000.0,))
    for name, point in (("(a - b) / (1 - a * b)", (0.3, -0.4)),
                        ("2 / a - a / 2 + 1 - a", (1.3,))):
        cases[name] = (expr.REUSED_INPUTS[name][0], point)
    return cases


def graph_cases():
    """name -> (expression, inputs) of graphs with shared nodes and random expressions."""
    cases = dict(expr.shared_expressions())
    for seed in range(100, 106):
        cases[f"random expression {seed}"] = (
            lambda *v, seed=seed: expr.random_expression(v, 40, seed), (0.2, -0.9, 0.6, 1.3))
    cases["a * b, backward twice"] = (lambda a, b: a * b, (1.5, -0.5))
    return cases


DEEP_LENGTH = 50_000  # 100,000 nodes deep


def _record_cases(rec, Value, cases, backward_calls=1, watch=True):
    """Record the value and input gradients of every expression case."""
    for k, (name, (f, point)) in enumerate(cases.items()):
        key = f"case{k}"
        calls = 2 if name.endswith("backward twice") else backward_calls

        def run(f=f, point=point, calls=calls):
            """Case `f` on fresh Values, backward run -> (value, input grads)."""
            inputs = [Value(x) for x in point]
            out = f(*inputs)
            for _ in range(calls):
                out.backward()
            return float(out.data), [float(v.grad) for v in inputs]

        result = rec.call(key, run, derived={} if watch else None, name="Value's backward()")
        if result is not None:
            rec.value(key, "data", result[0])
            rec.value(key, "grads", result[1])


def _probe_expressions(ns, cases, with_gradients):
    """Record the student's Value on `cases`, or why it cannot be used."""
    rec = Recorder()
    Value = student(ns, "Value")
    if Value is None:
        rec.error("Value", "NotImplementedError: Value is not defined (its cell was not run)")
        return rec.out
    if with_gradients:
        _record_cases(rec, Value, cases)
        return rec.out
    for k, (f, point) in enumerate(cases.values()):
        out = rec.call(f"case{k}", lambda f=f, point=point: f(*map(Value, point)))
        if out is not None:
            rec.value(f"case{k}", "data", getattr(out, "data", None))
    return rec.out


def probe_value_forward(ns):
    """Record the Value expressions' forward values."""
    return _probe_expressions(ns, expression_cases(), with_gradients=False)


def probe_value_gradients(ns):
    """Record the Value expressions' gradients."""
    return _probe_expressions(ns, expression_cases(), with_gradients=True)


def probe_value_graphs(ns):
    """Record the graphs with shared nodes."""
    return _probe_expressions(ns, graph_cases(), with_gradients=True)


def probe_deep(ns):
    """Record backward() on a very deep chain."""
    rec = Recorder()
    Value = student(ns, "Value")
    cases = {"chain": (lambda x: expr.chain(x, DEEP_LENGTH), (0.5,))}
    if Value is None:
        rec.error("Value", "NotImplementedError: Value is not defined (its cell was not run)")
    else:
        with expr.gc_paused():
            _record_cases(rec, Value, cases, watch=False)  # a question of depth, not rules
    return rec.out


NEURON = ("w0", "x0", "w1", "x1", "w2")


def probe_neuron(ns):
    """Record the student's neuron: output and gradients."""
    rec = Recorder()
    missing = [n for n in ("f", *NEURON) if n not in ns]
    if missing:
        rec.error("neuron", f"NotImplementedError: {', '.join(missing)} not defined (the "
                  f"neuron's cell still raises NotImplementedError, or was not run)")
        return rec.out
    rec.value("neuron", "f", getattr(ns["f"], "data", None))
    rec.value("neuron", "grads", [getattr(ns[n], "grad", None) for n in NEURON])
    return rec.out


def mlp_cases():
    """[(X, y, params, reg)]: vectorized 2-layer nets and batches, deterministic."""
    cases = []
    for k, (N, D, H, C, reg) in enumerate([(3, 2, 4, 2, 0.0), (6, 4, 5, 3, 0.1),
                                           (2, 3, 7, 4, 0.03)]):
        rng = np.random.default_rng(7000 + k)
        X, y = rng.standard_normal((N, D)), rng.integers(0, C, size=N)
        params = {"W1": 0.8 * rng.standard_normal((D, H)), "b1": 0.3 * rng.standard_normal(H),
                  "W2": 0.8 * rng.standard_normal((H, C)), "b2": 0.3 * rng.standard_normal(C)}
        cases.append((X, y, params, reg))
    X, y, params, reg = cases[1]  # scores near 1000: the softmax must shift each row
    cases.append((X, y, {**params, "b2": params["b2"] + 1000.0}, reg))
    return cases


def probe_mlp(ns):
    """Record the student's MLP: loss and gradients."""
    rec = Recorder()
    MLP, mlp_loss = student(ns, "MLP"), student(ns, "mlp_loss")
    for k, (X, y, params, reg) in enumerate(mlp_cases()):

        def run(X=X, y=y, params=params, reg=reg):
            """Loss and gradients of one case."""
            model = MLP(X.shape[1], [params["W1"].shape[1], params["W2"].shape[1]])
            model.set_params(params)
            loss = mlp_loss(model, X, y, reg)
            loss.backward()
            return float(loss.data), model.get_grads()

        result = rec.call(f"case{k}", run if MLP and mlp_loss else None, derived={},
                          name="mlp_loss and backward()")
        if result is None:
            continue
        rec.value(f"case{k}", "loss", result[0])
        for name in params:
            rec.value(f"case{k}", f"grads/{name}", np.asarray(result[1][name], dtype=float))
    return rec.out


def circles():
    """The two-circles data set of the training case."""
    return make_circles(40, noise=0.05, seed=0)


def probe_trained(ns):
    """Record the scores of the student's trained circles_net."""
    rec = Recorder()
    net = ns.get("circles_net")
    if net is None:
        rec.error("net", "NotImplementedError: no trained MLP called circles_net (its cell "
                  "still raises NotImplementedError, or was not run)")
        return rec.out
    X, y = circles()
    scores = rec.call("net", lambda: [[float(s.data) for s in net([float(v) for v in x])]
                                      for x in X])
    if scores is not None:
        rec.value("net", "scores", scores)
    MLP, train_mlp = student(ns, "MLP"), student(ns, "train_mlp")
    if MLP is not None and train_mlp is not None:
        held = rec.call("steps", lambda: checks.gradients_after_training(MLP, train_mlp, X, y))
        for n_steps, grads in zip(checks.STEPS_CASE["n_steps"], held or (), strict=False):
            for name, value in grads.items():
                rec.value("steps", f"after{n_steps}/{name}", value)
    return rec.out
