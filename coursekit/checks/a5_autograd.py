"""Visible checks of assignment 5 (a scalar autograd engine), and the expressions they use.

The expressions are written once, for any number type: `EXPRESSIONS`, `shared_expressions`,
`random_expression` and `chain` work on the student's `Value`, on plain floats (`Number`, the
expected values) and on any other engine with the same operations (the hidden tests use them
with other inputs). Gradients are checked against centered differences of the student's own
values; values against Python's `math`.
"""

import gc
import math
import random
from contextlib import contextmanager

import numpy as np

H = 1e-6  # step of the centered differences
RTOL, ATOL = 1e-5, 1e-7  # centered differences: truncation ~h^2, round-off ~1e-16/h


class CheckFailed(AssertionError):
    """A visible check failed; shown as its message only (the traceback would be test code)."""

    def _render_traceback_(self):
        lines = str(self).splitlines() or [""]
        return [f"CheckFailed: {lines[0]}", *lines[1:]]


class Number(float):
    """A float with Value's methods, for the expected values (arithmetic stays a Number)."""

    def _wrap(method):  # noqa: N805  (applied at class creation)
        def wrapped(self, *args):
            return Number(method(float(self), *(float(a) for a in args)))

        return wrapped

    __add__, __radd__ = _wrap(float.__add__), _wrap(float.__radd__)
    __sub__, __rsub__ = _wrap(float.__sub__), _wrap(float.__rsub__)
    __mul__, __rmul__ = _wrap(float.__mul__), _wrap(float.__rmul__)
    __truediv__, __rtruediv__ = _wrap(float.__truediv__), _wrap(float.__rtruediv__)
    __pow__, __neg__ = _wrap(float.__pow__), _wrap(float.__neg__)
    exp, log, tanh = _wrap(math.exp), _wrap(math.log), _wrap(math.tanh)
    sigmoid = _wrap(lambda x: 1.0 / (1.0 + math.exp(-x)))
    relu = _wrap(lambda x: max(0.0, x))
    del _wrap


# name -> (expression of its inputs, the inputs); every input inside the expression's domain
EXPRESSIONS = {
    "a + b": (lambda a, b: a + b, (1.5, -2.0)),
    "a - b": (lambda a, b: a - b, (1.5, -2.0)),
    "a * b": (lambda a, b: a * b, (1.5, -2.0)),
    "a / b": (lambda a, b: a / b, (1.5, -2.0)),
    "a ** 3": (lambda a: a**3, (-1.3,)),
    "a ** -2": (lambda a: a**-2, (0.7,)),
    "a ** 0.5": (lambda a: a**0.5, (2.3,)),
    "-a": (lambda a: -a, (0.4,)),
    "a + 2": (lambda a: a + 2, (0.4,)),
    "2 + a": (lambda a: 2 + a, (0.4,)),
    "a - 1": (lambda a: a - 1, (0.4,)),
    "1 - a": (lambda a: 1 - a, (0.4,)),
    "a * 3": (lambda a: a * 3, (0.4,)),
    "3 * a": (lambda a: 3 * a, (0.4,)),
    "a / 4": (lambda a: a / 4, (0.4,)),
    "1 / a": (lambda a: 1 / a, (0.4,)),
    "a.exp()": (lambda a: a.exp(), (0.8,)),
    "a.log()": (lambda a: a.log(), (0.8,)),
    "a.tanh()": (lambda a: a.tanh(), (0.8,)),
    "a.sigmoid()": (lambda a: a.sigmoid(), (-0.8,)),
    "a.relu() at a > 0": (lambda a: a.relu(), (0.8,)),
    "a.relu() at a < 0": (lambda a: a.relu(), (-0.8,)),
}


def shared_expressions():
    """name -> (expression, inputs) of graphs whose nodes are used more than once."""

    def many_uses(a):
        b = a * 0.5
        return sum((b * k for k in range(1, 11)), b)  # b used 11 times

    def diamond(a, b):
        c = a * b
        return (c + a) * c.tanh() + c / (b * b + 1)

    return {
        "a * a": (lambda a: a * a, (-1.7,)),
        "a + a": (lambda a: a + a, (-1.7,)),
        "a * a * a + a": (lambda a: a * a * a + a, (0.6,)),
        "b = a / 2 used 11 times": (many_uses, (0.9,)),
        "c = a * b used 3 times": (diamond, (0.3, -1.1)),
    }


# the steps of random_expression: every operation, on inputs that keep it in its domain
RANDOM_STEPS = (
    lambda a, b: a + b, lambda a, b: a * b, lambda a, b: a - b,
    lambda a, b: a / (b * b + 1.0), lambda a, b: (a * 0.5).tanh(), lambda a, b: (a * 0.3).exp(),
    lambda a, b: (a * a + 1.0).log(), lambda a, b: a.sigmoid() * b,
    lambda a, b: (a * a + 0.5) ** 1.5, lambda a, b: 1 - a.relu(),
    lambda a, b: 2.0 / (1 + a * a), lambda a, b: -a * 0.7 + 0.1,
)


def random_expression(inputs, n_ops, seed):
    """A random expression of the inputs with every operation, reusing earlier nodes: each new
    node combines one or two nodes drawn from all the nodes so far; the output sums them."""
    rng = random.Random(seed)
    nodes = list(inputs)
    for _ in range(n_ops):
        a, b = rng.choice(nodes), rng.choice(nodes)
        nodes.append(RANDOM_STEPS[rng.randrange(len(RANDOM_STEPS))](a, b))
    return sum(nodes[len(inputs):], nodes[0])


CHAIN_FACTOR = 1 - 1e-6


def chain(x, length):
    """x pushed through `length` multiply-and-add steps, y = y * c + d (2 * length nodes deep,
    c and d two shared Values): d(out)/dx = c^length with c = CHAIN_FACTOR."""
    c, d = type(x)(CHAIN_FACTOR), type(x)(1e-6)
    y = x
    for _ in range(length):
        y = y * c + d
    return y


# ---------------------------------------------------------------------------- evaluation


@contextmanager
def gc_paused():
    """Pause Python's cyclic garbage collector while a big graph is built and backpropagated:
    every node and its closure form a cycle, and the collector would rescan the growing graph
    again and again (two thirds of the time of a 100,000-node chain)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


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
    return abs(got - expected) <= atol + rtol * abs(expected)


def _run(label, fn):
    """fn(), or a CheckFailed naming the case when the student's code raised."""
    try:
        return fn()
    except (CheckFailed, NotImplementedError):  # a method still to write says so itself
        raise
    except RecursionError as exc:
        raise CheckFailed(f"{label}: RecursionError ({exc}). backward() must not recurse: sort "
                          f"the graph with an explicit stack (a list) instead.") from None
    except Exception as exc:
        raise CheckFailed(f"{label}: raised {type(exc).__name__}: {exc}") from None


def _check_gradients(Value, cases):
    for label, (f, point) in cases.items():
        _, grads = _run(label, lambda f=f, point=point: forward_and_grads(Value, f, point))
        numerical = _run(label, lambda f=f, point=point: numerical_grads(Value, f, point))
        for i, (g, n) in enumerate(zip(grads, numerical, strict=True)):
            if not _close(g, n):
                name = "abcd"[i] if len(point) <= 4 else f"input {i}"
                raise CheckFailed(
                    f"{label} at {point}: d/d{name} is {g!r}, the centered difference of your "
                    f"values gives {n:.8g}. Check the local gradient of this operation, and that "
                    f"every rule adds (+=) upstream x local gradient.")


# ---------------------------------------------------------------------------- checks


def check_value_forward(Value):
    """Every operation's value equals the float computation."""
    for label, (f, point) in EXPRESSIONS.items():
        data, _ = _run(label, lambda f=f, point=point: forward_and_grads(Value, f, point, False))
        expected = float(f(*map(Number, point)))
        if not _close(data, expected, rtol=1e-12, atol=1e-15):
            raise CheckFailed(f"{label} at {point}: .data is {data!r}, expected {expected!r}.")
    print(f"✓ Value: the values of {len(EXPRESSIONS)} operations are right")


def check_value_gradients(Value):
    """Every operation's gradient equals the centered difference; relu'(0) = 0."""
    _check_gradients(Value, EXPRESSIONS)
    _, (grad,) = _run("relu at 0", lambda: forward_and_grads(Value, lambda a: a.relu(), (0.0,)))
    if grad != 0.0:
        raise CheckFailed(f"a.relu() at a = 0: d/da is {grad!r}; the convention is 0 at the kink.")
    print(f"✓ Value: the gradients of {len(EXPRESSIONS)} operations match centered differences")


def check_value_graphs(Value):
    """Shared nodes, random expressions, and gradients that add up across backward calls."""
    cases = shared_expressions()
    for seed in range(3):
        cases[f"random expression {seed}"] = (
            lambda *v, seed=seed: random_expression(v, 25, seed), (0.3, -0.8, 1.1))
    _check_gradients(Value, cases)

    def twice():
        a, b = Value(3.0), Value(-2.0)
        out = a * b
        out.backward()
        out.backward()
        return a.grad, b.grad

    grads = _run("two backward calls", twice)
    if grads != (-4.0, 6.0):
        raise CheckFailed(f"out = a * b at a = 3, b = -2, out.backward() called twice: "
                          f"(a.grad, b.grad) should add up to (-4.0, 6.0) (twice (-2, 3)), "
                          f"got {grads}. backward() should not reset the inputs' gradients.")
    print(f"✓ Value: {len(cases)} graphs with shared nodes match centered differences; "
          f"gradients add up across backward calls")


def check_backward_deep(Value, length=25_000):
    """backward() on a chain 2 * length nodes deep (far beyond Python's recursion limit)."""
    label = f"a chain {2 * length:,} nodes deep"
    with gc_paused():
        _, (grad,) = _run(label, lambda: forward_and_grads(Value, lambda x: chain(x, length),
                                                           (0.5,)))
    expected = CHAIN_FACTOR**length
    if not _close(grad, expected, rtol=1e-9, atol=0):
        raise CheckFailed(f"{label}: d/dx is {grad!r}, expected {expected!r}.")
    print(f"✓ Value: backward() works on {label} (the hidden test goes to 100,000)")


def check_neuron(ns):
    """The lecture's sigmoid neuron: f = 0.73 and its five gradients."""
    names = ["w0", "x0", "w1", "x1", "w2"]
    missing = [n for n in ["f", *names] if n not in ns]
    if missing:
        raise NotImplementedError(f"{', '.join(missing)} not defined yet: complete the cell "
                                  f"above (it still raises NotImplementedError) and run it.")
    s = 1.0 / (1.0 + math.exp(-1.0))
    ddot = (1 - s) * s
    expected = {"w0": -1.0 * ddot, "x0": 2.0 * ddot, "w1": -2.0 * ddot, "x1": -3.0 * ddot,
                "w2": ddot}
    if not _close(float(ns["f"].data), s, 1e-9, 1e-12):
        raise CheckFailed(f"f.data is {ns['f'].data!r}, expected sigma(1) = {s:.6f}.")
    for name in names:
        got = float(ns[name].grad)
        if not _close(got, expected[name], 1e-9, 1e-12):
            raise CheckFailed(f"{name}.grad is {got!r}, expected {expected[name]:.6f} "
                              f"(the lecture's {expected[name]:.2f}). Was f.backward() called "
                              f"once, on fresh Values?")
    print("✓ the sigmoid neuron: f = 0.73 and the lecture's five gradients")


def check_mlp_matches_vectorized(MLP, mlp_loss, two_layer_loss, seed=1):
    """An MLP of Values with the weights of a vectorized net: same loss and gradients (1e-10)."""
    rng = np.random.default_rng(seed)
    N, D, Hd, C = 5, 4, 6, 3
    X, y = rng.standard_normal((N, D)), rng.integers(0, C, size=N)
    params = {"W1": 0.7 * rng.standard_normal((D, Hd)), "b1": 0.2 * rng.standard_normal(Hd),
              "W2": 0.7 * rng.standard_normal((Hd, C)), "b2": 0.2 * rng.standard_normal(C)}
    loss, grads = two_layer_loss(params, X, y, 0.05)

    def values():
        model = MLP(D, [Hd, C])
        model.set_params(params)
        value_loss = mlp_loss(model, X, y, 0.05)
        value_loss.backward()
        return float(value_loss.data), model.get_grads()

    value_loss, value_grads = _run(f"MLP({D}, [{Hd}, {C}]) on {N} examples", values)
    if not _close(value_loss, loss, 1e-10, 0):
        raise CheckFailed(f"mlp_loss is {value_loss!r}, the vectorized loss is {loss!r}.")
    for name, grad in grads.items():
        diff = np.abs(value_grads[name] - grad)
        bad = np.argwhere(diff > 1e-10 * (np.abs(grad) + 1e-2))
        if bad.size:
            i = tuple(int(k) for k in bad[0])
            raise CheckFailed(f"d{name}{list(i)} is {value_grads[name][i]!r} with Values, "
                              f"{grad[i]!r} vectorized ({len(bad)} entries differ).")
    print("✓ MLP of Values: loss and gradients equal the vectorized net's to 1e-10")


def check_trained(net, accuracy_values, X, y, target=0.95):
    """The trained MLP classifies at least `target` of its training points right."""
    predictions = [int(np.argmax([float(s.data) for s in net([float(v) for v in x])])) for x in X]
    accuracy = float(np.mean(np.array(predictions) == y))
    if accuracy < target:
        raise CheckFailed(f"training accuracy {accuracy:.1%}, at least {target:.0%} expected: "
                          f"check train_mlp (zero_grad before backward, the sign of the step).")
    reported = accuracy_values(net, X, y)
    if not _close(float(reported), accuracy, 0, 1e-12):
        raise CheckFailed(f"accuracy_values says {reported!r}, the predictions give {accuracy}.")
    print(f"✓ trained MLP: {accuracy:.0%} training accuracy")
