"""The expressions of the autograd checks, written once for any number type.

`EXPRESSIONS`, `shared_expressions`, `random_expression` and `chain` work on the student's
`Value`, on plain floats (`Number`, the expected values) and on any other engine with the same
operations (the hidden tests use them with other inputs).
"""

import gc
import math
import random
from contextlib import contextmanager


class Number(float):
    """A float with Value's methods, for the expected values (arithmetic stays a Number)."""

    def _wrap(method):  # noqa: N805  (applied at class creation)
        """`method` of floats as a method of Number: float arguments in, a Number out."""
        def wrapped(self, *args):
            """`method` on the floats of self and args, as a Number."""
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
    "a * b": (lambda a, b: a * b, (1.5, -2.0)),
    "a ** 3": (lambda a: a**3, (-1.3,)),
    "a ** -2": (lambda a: a**-2, (0.7,)),
    "a ** 0.5": (lambda a: a**0.5, (2.3,)),
    "-a": (lambda a: -a, (0.4,)),
    "a - b": (lambda a, b: a - b, (1.5, -2.0)),
    "a / b": (lambda a, b: a / b, (1.5, -2.0)),
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


REUSED_INPUTS = {  # expressions that use an input more than once: its gradients must add up
    "(a - b) / (1 - a * b)": (lambda a, b: (a - b) / (1 - a * b), (0.5, 0.2)),
    "2 / a - a / 2 + 1 - a": (lambda a: 2 / a - a / 2 + 1 - a, (0.9,)),
}


def shared_expressions():
    """name -> (expression, inputs) of graphs whose nodes are used more than once."""

    def many_uses(a):
        """b + 1 b + 2 b + ... + 10 b with b = a / 2: one node used 11 times."""
        b = a * 0.5
        return sum((b * k for k in range(1, 11)), b)  # b used 11 times

    def diamond(a, b):
        """An expression that uses c = a * b three times."""
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
