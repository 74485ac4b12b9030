"""A scalar autograd engine: `Value` records how it was computed and backpropagates through it.

Every operation returns a new `Value` that remembers its inputs (`_prev`) and a closure
`_backward` that applies the operation's local gradient: it reads the output's `.grad` (the
upstream gradient) and adds upstream x local into each input's `.grad`. Adding (`+=`), not
assigning, is the copy gate: a value used in several places receives the sum of the gradients
of all its uses. `backward()` runs the closures in reverse topological order, so every node's
gradient is complete before it is passed on. The class is self-contained (one class statement):
the assignment's notebook is built from it.
"""

import math


class Value:
    """One scalar of a computational graph: its value `data` and the gradient `grad` of the
    output on which `backward()` was called (0 until then; it accumulates across calls)."""

    __slots__ = ("data", "grad", "_backward", "_prev", "_op")  # smaller and faster objects

    def __init__(self, data, _prev=(), _op=""):
        """A Value holding the number `data`, made by the operation `_op` from the Values
        `_prev` (a leaf, an input of the graph, when both are empty)."""
        if type(data) is not float:  # (checked only then: most Values are made from floats)
            if isinstance(data, bool) or not isinstance(data, (int, float)):
                raise TypeError(f"Value(data) expects an int or a float, got "
                                f"{type(data).__name__} {data!r}")
            data = float(data)
        self.data = data
        self.grad = 0.0
        self._backward = Value._leaf_backward  # applies the local gradient of the op that made self
        self._prev = _prev  # the inputs of that op
        self._op = _op  # its name, for printing and drawing

    @staticmethod
    def _leaf_backward():
        """The backward rule of a leaf (an input of the graph): nothing to pass on."""

    def __repr__(self):
        return f"Value(data={self.data!r}, grad={self.grad!r})"

    # ----------------------------------------------------------------------- binary operations

    def __add__(self, other):
        """self + other (other: a Value or a plain number)."""
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():  # add gate: distributes the upstream gradient
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    def __mul__(self, other):
        """self * other (other: a Value or a plain number)."""
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():  # mul gate: each input gets the other input times upstream
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def __pow__(self, exponent):
        """self ** exponent, for a plain number exponent (int or float)."""
        if isinstance(exponent, bool) or not isinstance(exponent, (int, float)):
            raise TypeError(f"Value ** exponent takes an int or float exponent, got "
                            f"{type(exponent).__name__} (for a ** b with a Value b, write "
                            f"(b * a.log()).exp())")
        if self.data < 0 and exponent != int(exponent):
            raise ValueError(f"a negative Value ({self.data!r}) to the non-integer power "
                             f"{exponent!r} is not a real number")
        out = Value(self.data**exponent, (self,), f"**{exponent:g}")

        def _backward():  # d(x^n)/dx = n x^(n-1)
            self.grad += exponent * self.data ** (exponent - 1) * out.grad

        out._backward = _backward
        return out

    def __neg__(self):
        """-self."""
        return self * -1.0

    def __sub__(self, other):
        """self - other."""
        return self + (-other)

    def __truediv__(self, other):
        """self / other."""
        return self * other**-1

    # Reverse operators: Python calls v.__rmul__(2) for `2 * v`; the number is `other`.
    def __radd__(self, other):
        """other + self, for a plain number other."""
        return self + other

    def __rmul__(self, other):
        """other * self, for a plain number other."""
        return self * other

    def __rsub__(self, other):
        """other - self, for a plain number other."""
        return other + (-self)

    def __rtruediv__(self, other):
        """other / self, for a plain number other."""
        return other * self**-1

    # ------------------------------------------------------------------------ unary functions

    def exp(self):
        """e ** self."""
        out = Value(math.exp(self.data), (self,), "exp")

        def _backward():  # d(e^x)/dx = e^x, the output itself
            self.grad += out.data * out.grad

        out._backward = _backward
        return out

    def log(self):
        """The natural logarithm of self (self.data > 0)."""
        if self.data <= 0:
            raise ValueError(f"log needs a positive Value, got data={self.data!r}")
        out = Value(math.log(self.data), (self,), "log")

        def _backward():  # d(ln x)/dx = 1/x
            self.grad += out.grad / self.data

        out._backward = _backward
        return out

    def tanh(self):
        """tanh(self)."""
        out = Value(math.tanh(self.data), (self,), "tanh")

        def _backward():  # d(tanh x)/dx = 1 - tanh(x)^2
            self.grad += (1.0 - out.data**2) * out.grad

        out._backward = _backward
        return out

    def sigmoid(self):
        """1 / (1 + e ** -self), without overflow for large |self.data|."""
        x = self.data
        s = 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))
        out = Value(s, (self,), "sigmoid")

        def _backward():  # d(sigma)/dx = (1 - sigma) sigma
            self.grad += (1.0 - s) * s * out.grad

        out._backward = _backward
        return out

    def relu(self):
        """max(0, self), with derivative 0 at the kink self.data = 0."""
        out = Value(self.data if self.data > 0 else 0.0, (self,), "relu")

        def _backward():  # 1 where x > 0, else 0
            self.grad += (1.0 if self.data > 0 else 0.0) * out.grad

        out._backward = _backward
        return out

    # ------------------------------------------------------------------------------ backward

    def backward(self):
        """Backpropagate from this Value: seed d(self)/d(self) = 1, then apply every node's
        local backward rule in reverse topological order (each node after all its users).

        Gradients add to what `.grad` already holds, as in PyTorch: set them to 0 between
        two backward passes that should not add up. Works on graphs of any depth (no
        recursion).
        """
        # Topological order by an iterative depth-first search: a node is appended once all
        # of its inputs are, and the visited set places a node used many times only once.
        topo, visited = [], {self}
        stack = [(self, iter(self._prev))]
        while stack:
            node, inputs = stack[-1]
            for child in inputs:
                if child not in visited:
                    visited.add(child)
                    stack.append((child, iter(child._prev)))
                    break
            else:  # every input of node is placed: node comes after them
                stack.pop()
                topo.append(node)

        self.grad = 1.0
        for node in reversed(topo):
            node._backward()
