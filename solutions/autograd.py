"""A scalar autograd engine: `Value` records how it was computed and backpropagates through it.

Every operation returns a new `Value` that remembers its inputs (`_prev`) and a closure
`_backward` that applies the operation's local gradient: it reads the output's `.grad` (the
upstream gradient) and adds upstream x local into each input's `.grad`. Adding (`+=`), not
assigning, is the copy gate: a value used in several places receives the sum of the gradients
of all its uses. `backward()` runs the closures in reverse topological order, so every node's
gradient is complete before it is passed on.
"""

import math
import numbers


def _number(x, what):
    """x as a float if it is a real number (int, float, numpy scalar), else a TypeError."""
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{what} expects an int or a float, got {type(x).__name__} {x!r}")
    return float(x)


def _as_value(x):
    """x if it is a Value, else a constant Value holding the number x."""
    return x if isinstance(x, Value) else Value(_number(x, "an operation with a Value"))


class Value:
    """One scalar of a computational graph: its value `data` and the gradient `grad` of the
    output on which `backward()` was last called (0 until then; accumulates across calls)."""

    __slots__ = ("data", "grad", "_backward", "_prev", "_op")

    def __init__(self, data, _children=(), _op=""):
        self.data = data if type(data) is float else _number(data, "Value(data)")
        self.grad = 0.0
        self._backward = _no_backward  # applies the local gradient of the op that made self
        self._prev = _children  # the inputs of that op
        self._op = _op  # its name, for printing and drawing

    def __repr__(self):
        return f"Value(data={self.data!r}, grad={self.grad!r})"

    # ----------------------------------------------------------------------- binary operations

    def __add__(self, other):
        other = _as_value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():  # add gate: distributes the upstream gradient
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    def __mul__(self, other):
        other = _as_value(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():  # mul gate: each input gets the other input times upstream
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def __pow__(self, exponent):
        if isinstance(exponent, Value):
            raise TypeError("Value ** exponent takes a number as exponent, not a Value "
                            "(write (b * a.log()).exp() for a ** b with a Value b)")
        _number(exponent, "Value ** exponent")
        if self.data < 0 and exponent != int(exponent):
            raise ValueError(f"a negative Value ({self.data!r}) to the non-integer power "
                             f"{exponent!r} is not a real number")
        out = Value(self.data**exponent, (self,), f"**{exponent:g}")

        def _backward():  # d(x^n)/dx = n x^(n-1)
            self.grad += exponent * self.data ** (exponent - 1) * out.grad

        out._backward = _backward
        return out

    def __sub__(self, other):  # a - b = a + (-b)
        return self + (-_as_value(other))

    def __truediv__(self, other):  # a / b = a * b^-1
        return self * _as_value(other) ** -1

    def __neg__(self):
        return self * -1.0

    # Reverse operators: `2 * v` calls v.__rmul__(2); the plain number is the left operand.
    def __radd__(self, other):  # other + self
        return self + other

    def __rmul__(self, other):  # other * self
        return self * other

    def __rsub__(self, other):  # other - self
        return _as_value(other) + (-self)

    def __rtruediv__(self, other):  # other / self
        return _as_value(other) * self**-1

    # ------------------------------------------------------------------------ unary functions

    def exp(self):
        out = Value(math.exp(self.data), (self,), "exp")

        def _backward():  # d(e^x)/dx = e^x, the output itself
            self.grad += out.data * out.grad

        out._backward = _backward
        return out

    def log(self):
        if self.data <= 0:
            raise ValueError(f"log needs a positive Value, got data={self.data!r}")
        out = Value(math.log(self.data), (self,), "log")

        def _backward():  # d(ln x)/dx = 1/x
            self.grad += out.grad / self.data

        out._backward = _backward
        return out

    def tanh(self):
        out = Value(math.tanh(self.data), (self,), "tanh")

        def _backward():  # d(tanh x)/dx = 1 - tanh(x)^2
            self.grad += (1.0 - out.data**2) * out.grad

        out._backward = _backward
        return out

    def sigmoid(self):
        x = self.data  # computed without overflow for large |x|
        s = 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))
        out = Value(s, (self,), "sigmoid")

        def _backward():  # d(sigma)/dx = (1 - sigma) sigma
            self.grad += (1.0 - out.data) * out.data * out.grad

        out._backward = _backward
        return out

    def relu(self):
        out = Value(self.data if self.data > 0 else 0.0, (self,), "relu")

        def _backward():  # 1 where x > 0, else 0 (also at the kink x = 0)
            self.grad += (1.0 if self.data > 0 else 0.0) * out.grad

        out._backward = _backward
        return out

    # ------------------------------------------------------------------------------ backward

    def backward(self):
        """Backpropagate from this Value: seed d(self)/d(self) = 1, then apply every node's
        local backward rule in reverse topological order (each node after all its users).

        Gradients add to what `.grad` already holds, as in PyTorch: set them to 0 between
        two backward passes that should not add up.
        """
        topo = topological_order(self)
        self.grad = 1.0
        for node in reversed(topo):
            node._backward()


def _no_backward():
    """The backward rule of a leaf: nothing to pass on."""


def topological_order(root):
    """Every node `root` depends on, inputs before the nodes computed from them (root last).

    An iterative depth-first search (an explicit stack, no recursion: a graph may be 100,000
    nodes deep), visiting each node once however many nodes use it.
    """
    topo, visited = [], {root}
    stack = [(root, iter(root._prev))]
    while stack:
        node, children = stack[-1]
        for child in children:
            if child not in visited:
                visited.add(child)
                stack.append((child, iter(child._prev)))
                break
        else:  # every input of node is placed: node comes after them
            stack.pop()
            topo.append(node)
    return topo
