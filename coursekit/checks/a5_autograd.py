"""Visible checks of assignment 5 (a scalar autograd engine).

The expressions they evaluate come from `a5_expressions`. Gradients are checked against
centered differences of the student's own values; values against Python's `math`.
"""

import math

import numpy as np

from coursekit.checks.a5_expressions import (
    CHAIN_FACTOR,
    EXPRESSIONS,
    REUSED_INPUTS,
    Number,
    chain,
    gc_paused,
    random_expression,
    shared_expressions,
)
from coursekit.checks.harness import (
    CheckFailed,
    blaming,
    derived_by_hand,
    lookup,
    note_error,
    passed,
    require,
    student_code,
    visible_check,
)
from coursekit.numerical import eval_numerical_gradient, rel_error

H = 1e-6  # step of the centered differences
RTOL, ATOL = 1e-5, 1e-7  # centered differences: truncation ~h^2, round-off ~1e-16/h


# ---------------------------------------------------------------------------- evaluation


def forward_and_grads(Value, f, point, backward=True):
    """(f's value, [d f / d input]) with the engine `Value`, or raise what the engine raised."""
    inputs = [Value(x) for x in point]
    out = f(*inputs)
    if backward:
        out.backward()
    return float(out.data), [float(v.grad) for v in inputs]


def numerical_grads(Value, f, point):
    """Centered differences of f's values computed with `Value` (no backward)."""
    grads = []
    for i in range(len(point)):
        up, down = list(point), list(point)
        up[i] += H
        down[i] -= H
        grads.append((float(f(*map(Value, up)).data) - float(f(*map(Value, down)).data)) / (2 * H))
    return grads


def _close(got, expected, rtol=RTOL, atol=ATOL):
    """Whether two numbers agree within rtol * |expected| + atol."""
    return abs(got - expected) <= atol + rtol * abs(expected)


def _relative(got, expected):
    """The relative error shown in a ✓ line: |got - expected| / (|got| + |expected|)."""
    return abs(got - expected) / max(abs(got) + abs(expected), 1e-12)


ONE_OPERATION = ("Check the local gradient of this operation, and that its rule adds (+=) "
                 "upstream x local gradient.")
SHARED = ("Every single operation passed its own test: look at backward(). Each node's "
          "_backward must run once, after every node that uses it.")


def _grad_hint(got, expected, shared):
    """A hint for a gradient that is a telling multiple of the expected one, else ""; the
    hints about shared nodes only for graphs that have them."""
    if abs(expected) < 1e-12:
        return ""
    hints = [(0.0, "No gradient reached this input: is out._backward stored, and does "
                   "backward() call the _backward of every node?"),
             (-1.0, "The sign is flipped.")]
    if shared:
        hints.append((0.5, "Half the gradient: does a rule assign (=) where it should add "
                           "(+=)? A value used twice gets both contributions."))
    for value, hint in hints:
        if abs(got / expected - value) <= 1e-6:
            return " Hint: " + hint
    return ""


def _check_gradients(Value, cases, shared=False):
    """Every leaf's .grad after backward() against centered differences."""
    for label, (f, point) in cases.items():
        with student_code("Value", f"{label} at {point}", _RECURSION):
            with derived_by_hand("Value's backward()"):
                _, grads = forward_and_grads(Value, f, point)
            numerical = numerical_grads(Value, f, point)
        for i, (g, n) in enumerate(zip(grads, numerical, strict=True)):
            if not _close(g, n):
                name = "abcd"[i] if len(point) <= 4 else f"input {i}"
                raise CheckFailed(
                    f"Value: {label} at {point}: d/d{name} is {g!r}, the centered difference "
                    f"of your values gives {n:.8g}."
                    + (_grad_hint(g, n, shared) or " " + (SHARED if shared else ONE_OPERATION)))
            note_error(_relative(g, n))


_RECURSION = "backward() must not recurse: sort the graph with an explicit stack (a list)"


def _value_checks(Value, *names):
    """The checks of Value named (forward, gradients, graphs) for `blaming`."""
    checks = {"forward": (check_value_forward, "its test of values above"),
              "gradients": (check_value_gradients, "its test of gradients above"),
              "graphs": (check_value_graphs, "its test of shared graphs above")}
    return [("Value", checks[n][0], (Value,), checks[n][1]) for n in names]


# ---------------------------------------------------------------------------- checks


@visible_check
def check_value_forward(Value):
    """Every operation's value equals the float computation."""
    for label, (f, point) in EXPRESSIONS.items():
        with student_code("Value", f"{label} at {point}"):
            data, _ = forward_and_grads(Value, f, point, False)
        expected = float(f(*map(Number, point)))
        if not _close(data, expected, rtol=1e-12, atol=1e-15):
            raise CheckFailed(
                f"Value: {label} at {point}: .data is {data!r}, expected {expected!r}.")
        note_error(_relative(data, expected))
    _check_sigmoid_far_out(Value)
    passed("Value", "the value of every operation is right", len(EXPRESSIONS) + 2)


def _check_sigmoid_far_out(Value):
    """sigmoid at a = -1000 and 1000 is 0 and 1: the docstring's "without overflow"."""
    for a, expected in ((-1000.0, 0.0), (1000.0, 1.0)):
        with student_code("Value", f"a.sigmoid() at a = {a:g} (the docstring: without overflow)",
                          "math.exp overflows above about 709: write sigma so that exp only "
                          "sees -|a| (two forms, one for a >= 0 and one for a < 0)"):
            data = float(Value(a).sigmoid().data)
        if not _close(data, expected, rtol=0, atol=1e-12):
            raise CheckFailed(f"Value: a.sigmoid() at a = {a:g}: .data is {data!r}, expected "
                              f"{expected!r}.")


@visible_check
def check_value_gradients(Value):
    """Every operation's gradient equals the centered difference; relu'(0) = 0."""
    require("Value", *_value_checks(Value, "forward"))  # gradients of wrong values are wrong
    with blaming("Value", *_value_checks(Value, "forward")):
        _check_gradients(Value, {**EXPRESSIONS, **REUSED_INPUTS})
        with student_code("Value", "a.relu() at a = 0"):
            _, (grad,) = forward_and_grads(Value, lambda a: a.relu(), (0.0,))
        if grad != 0.0:
            raise CheckFailed(
                f"Value: a.relu() at a = 0: d/da is {grad!r}; the convention is relu'(0) = 0 "
                f"(the gradient flows only where a > 0).")
    passed("Value", "the gradient of every operation matches centered differences, "
           "relu'(0) = 0", len(EXPRESSIONS) + len(REUSED_INPUTS) + 1)


@visible_check
def check_value_graphs(Value):
    """Shared nodes, random expressions, and gradients that add up across backward calls."""
    cases = shared_expressions()
    for seed in range(3):
        cases[f"random expression {seed}"] = (
            lambda *v, seed=seed: random_expression(v, 25, seed), (0.3, -0.8, 1.1))
    require("Value", *_value_checks(Value, "forward"))  # gradients of wrong values are wrong
    with blaming("Value", *_value_checks(Value, "forward", "gradients")):
        _check_gradients(Value, cases, shared=True)

    def twice():
        """(a.grad, b.grad) after two backward() calls on out = a * b at a = 3, b = -2."""
        a, b = Value(3.0), Value(-2.0)
        out = a * b
        out.backward()
        out.backward()
        return a.grad, b.grad

    with student_code("Value", "two backward calls", _RECURSION):
        grads = twice()
    if grads != (-4.0, 6.0):
        raise CheckFailed(f"Value: out = a * b at a = 3, b = -2, out.backward() called twice: "
                          f"(a.grad, b.grad) should add up to (-4.0, 6.0) (twice (-2, 3)), "
                          f"got {grads}. backward() should not reset the inputs' gradients, "
                          f"and should set out.grad = 1 (not add 1).")
    passed("Value", "graphs with shared nodes match centered differences, gradients add "
           "up across backward calls", len(cases) + 1)


@visible_check
def check_backward_deep(Value, length=25_000):
    """backward() on a chain 2 * length nodes deep (far beyond Python's recursion limit)."""
    label = f"a chain {2 * length:,} nodes deep"
    with blaming("Value", *_value_checks(Value, "forward", "gradients")):
        with gc_paused(), student_code("Value", label, _RECURSION):
            _, (grad,) = forward_and_grads(Value, lambda x: chain(x, length), (0.5,))
        expected = CHAIN_FACTOR**length
        if not _close(grad, expected, rtol=1e-9, atol=0):
            raise CheckFailed(f"Value: {label}: d/dx is {grad!r}, expected {expected!r}.")
    note_error(_relative(grad, expected))
    passed("Value", f"backward() works on {label} (the hidden test goes to 100,000)", 1)


@visible_check
def check_neuron(ns):
    """The lecture's sigmoid neuron: f = 0.73 and its five gradients."""
    names = ["w0", "x0", "w1", "x1", "w2"]
    lookup(ns, ["f", *names])
    with blaming("the neuron", *_value_checks(ns.get("Value"), "forward", "gradients")):
        _check_neuron(ns, names)
    passed("the sigmoid neuron", "f = 0.73 and the lecture's five gradients", 1)


def _check_neuron(ns, names):
    """The lecture's sigmoid neuron in the notebook (ns): f.data and the grad of each w and x."""
    s = 1.0 / (1.0 + math.exp(-1.0))
    ddot = (1 - s) * s
    expected = {"w0": -1.0 * ddot, "x0": 2.0 * ddot, "w1": -2.0 * ddot, "x1": -3.0 * ddot,
                "w2": ddot}
    if not _close(float(ns["f"].data), s, 1e-9, 1e-12):
        raise CheckFailed(f"the neuron: f.data is {ns['f'].data!r}, expected "
                          f"sigma(w0 x0 + w1 x1 + w2) = sigma(1) = {s:.6f}.")
    note_error(_relative(float(ns["f"].data), s))
    for name in names:
        got = float(ns[name].grad)
        if not _close(got, expected[name], 1e-9, 1e-12):
            raise CheckFailed(
                f"the neuron: {name}.grad is {got!r}, expected {expected[name]:.6f} (the "
                f"lecture's {expected[name]:.2f}). Was f.backward() called once, on fresh "
                f"Values? (Running the cell twice calls it twice: run the whole cell again.)")
        note_error(_relative(got, expected[name]))


def _mlp_cases(seed):
    """(X, y, params, reg) of the small net, and the same net with scores near 1000."""
    rng = np.random.default_rng(seed)
    N, D, Hd, C = 5, 4, 6, 3
    X, y = rng.standard_normal((N, D)), rng.integers(0, C, size=N)
    params = {"W1": 0.7 * rng.standard_normal((D, Hd)), "b1": 0.2 * rng.standard_normal(Hd),
              "W2": 0.7 * rng.standard_normal((Hd, C)), "b2": 0.2 * rng.standard_normal(C)}
    large = {**params, "b2": params["b2"] + 1000.0}
    return {f"MLP({D}, [{Hd}, {C}]) on {N} examples, reg=0.05": (X, y, params, 0.05),
            "the same with scores near 1000 (shift each row by its largest score before exp)":
            (X, y, large, 0.05)}


@visible_check
def check_mlp_matches_vectorized(MLP, mlp_loss, two_layer_loss, seed=1):
    """An MLP of Values with the weights of the vectorized net: the same loss (1e-10), and
    gradients equal to centered differences of the vectorized loss (rtol 1e-6)."""
    Value = getattr(getattr(mlp_loss, "__globals__", {}), "get", lambda _: None)("Value")
    with blaming("MLP and mlp_loss", *_value_checks(Value, "forward", "gradients", "graphs")):
        for label, (X, y, params, reg) in _mlp_cases(seed).items():
            _check_mlp_case(MLP, mlp_loss, two_layer_loss, label, X, y, params, reg)
    passed("MLP of Values", "the vectorized loss to 1e-10, gradients match centered "
           "differences of it", 2)


def _check_mlp_case(MLP, mlp_loss, two_layer_loss, label, X, y, params, reg):
    """One MLP case: the loss and every parameter's gradient."""
    loss = float(two_layer_loss(params, X, y, reg))
    with student_code("mlp_loss", label), derived_by_hand("mlp_loss and backward()"):
        model = MLP(X.shape[1], [params["W1"].shape[1], params["W2"].shape[1]])
        model.set_params(params)
        value_loss = mlp_loss(model, X, y, reg)
        value_loss.backward()
        value_loss, value_grads = float(value_loss.data), model.get_grads()
    if not _close(value_loss, loss, 1e-10, 0):
        raise CheckFailed(f"mlp_loss, case {label}: the loss is {value_loss!r}, the vectorized "
                          f"loss is {loss!r}.")
    note_error(_relative(value_loss, loss))
    for name, param in params.items():
        numeric = eval_numerical_gradient(lambda _: two_layer_loss(params, X, y, reg), param)
        got = np.asarray(value_grads[name], dtype=float)
        diff = np.abs(got - numeric)
        bad = np.argwhere(diff > 1e-6 * (np.abs(numeric) + 1e-3))
        if bad.size:
            i = tuple(int(k) for k in bad[0])
            raise CheckFailed(f"mlp_loss, case {label}: d{name}{list(i)} is {float(got[i])!r} "
                              f"with Values, {float(numeric[i])!r} by centered differences of "
                              f"the vectorized loss ({len(bad)} entries differ).")
        note_error(rel_error(got, numeric))


STEPS_CASE = {"n_in": 2, "n_outs": [3, 2], "seed": 1, "n_steps": (2, 4)}


def gradients_after_training(MLP, train, X, y):
    """The gradients a fresh MLP holds after `train` ran 2 steps, and after 4 steps, with a
    learning rate of 0 (so the weights never move), each keyed like get_grads(). With the
    gradients set to 0 in every step the two are equal (whatever the batches, when they repeat
    every two steps; all 0 when they are zeroed after each update); never zeroed, the steps'
    gradients add up, and 4 steps hold twice what 2 steps hold."""
    c, held = STEPS_CASE, []
    for n_steps in c["n_steps"]:
        model = MLP(c["n_in"], list(c["n_outs"]), seed=c["seed"])
        train(model, X, y, reg=0.0, learning_rate=0.0, n_steps=n_steps)
        held.append(model.get_grads())
    return tuple(held)


def gradients_add_up(after_2, after_4):
    """Whether training left different gradients after 2 and after 4 steps (see
    gradients_after_training): the steps' gradients added up."""
    return not all(np.allclose(np.asarray(after_2[k], dtype=float),
                               np.asarray(after_4[k], dtype=float), rtol=1e-9, atol=1e-12)
                   for k in after_4)


STALE = ("train_mlp: with learning_rate=0 the gradients after 4 steps differ from those after 2 "
         "steps: set every gradient to 0 (model.zero_grad()) before each backward(), or the "
         "gradients of earlier steps add up.")


def _check_steps(ns, X, y):
    """train_mlp sets the gradients to 0 in every step (a learning rate of 0 shows it)."""
    MLP, train_mlp = lookup(ns, ("MLP", "train_mlp"), one_cell=False)
    with student_code("train_mlp", "2 and 4 steps with learning_rate=0"):
        after_2, after_4 = gradients_after_training(MLP, train_mlp, X, y)
    if gradients_add_up(after_2, after_4):
        raise CheckFailed(STALE)


@visible_check
def check_trained(ns, X, y, target=0.95):
    """The notebook's trained MLP (circles_net in ns, its globals()) classifies at least `target`
    of its training points right, and accuracy_values agrees."""
    net, accuracy_values = lookup(ns, ("circles_net", "accuracy_values"), one_cell=False)
    with student_code("circles_net", "the 40 training points"):
        predictions = [int(np.argmax([float(s.data) for s in net([float(v) for v in x])]))
                       for x in X]
    accuracy = float(np.mean(np.array(predictions) == y))
    if accuracy < target:
        raise CheckFailed(f"train_mlp: circles_net has training accuracy {accuracy:.1%}, at "
                          f"least {target:.0%} expected: check that each step of train_mlp changes "
                          f"p.data against the gradient (p.data -= learning_rate * p.grad), "
                          f"with the gradients set to zero before backward().")
    with student_code("accuracy_values", "the 40 training points"):
        reported = accuracy_values(net, X, y)
    if not _close(float(reported), accuracy, 0, 1e-12):
        raise CheckFailed(f"accuracy_values says {reported!r}, the predictions give {accuracy} "
                          f"(the fraction of rows whose highest score is at their label).")
    _check_steps(ns, X, y)
    passed("circles_net", f"{accuracy:.0%} training accuracy (accuracy_values agrees; "
           "train_mlp sets the gradients to 0 in every step)", 2)
