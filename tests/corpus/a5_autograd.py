"""Assignment 5 corpus: autograd engine mistakes, and correct engines written otherwise."""

from corpus import cheats, mutant, variant

ADD_RULE = "            self.grad += out.grad\n            other.grad += out.grad"
ITERATIVE_SORT = '''        topo, visited = [], {self}
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
'''
RECURSIVE_SORT = '''        topo, visited = [], set()

        def build_topo(v):
            if v not in visited:
                visited.add(v)
                for child in v._prev:
                    build_topo(child)
                topo.append(v)

        build_topo(self)
'''
KAHN_SORT = '''        # Kahn's algorithm: count each node's users, start from the output,
        # release a node when all of its users are done
        users, seen, stack = {}, {self}, [self]
        while stack:
            node = stack.pop()
            for child in node._prev:
                users[child] = users.get(child, 0) + 1
                if child not in seen:
                    seen.add(child)
                    stack.append(child)
        order, ready = [], [self]
        while ready:
            node = ready.pop()
            order.append(node)
            for child in node._prev:
                users[child] -= 1
                if users[child] == 0:
                    ready.append(child)
        topo = order[::-1]
'''
ALL = {"a5_value_forward", "a5_value_gradients", "a5_value_graphs", "a5_backward_deep",
       "a5_neuron", "a5_mlp_matches_vectorized", "a5_train_circles"}
BACKWARD_ALL = ALL - {"a5_value_forward"}

MUTANTS = {
    **cheats.A5,
    "a5_assign_instead_of_accumulate": mutant(
        "Value",
        {"a5_value_gradients", "a5_value_graphs", "a5_mlp_matches_vectorized",
         "a5_train_circles"},
        (ADD_RULE, "            self.grad = out.grad\n            other.grad = out.grad"),
        ("self.grad += other.data * out.grad", "self.grad = other.data * out.grad"),
        ("other.grad += self.data * out.grad", "other.grad = self.data * out.grad"),
        why="= instead of += in the add and mul rules: a value used twice keeps one gradient",
    ),
    "a5_sort_without_visited_set": mutant(
        "Value",
        {"a5_value_graphs", "a5_mlp_matches_vectorized", "a5_train_circles"},
        ("                if child not in visited:\n                    visited.add(child)\n"
         "                    stack.append((child, iter(child._prev)))\n"
         "                    break\n",
         "                stack.append((child, iter(child._prev)))\n                break\n"),
        why="a node used twice is sorted (and backpropagated) twice: double counting",
    ),
    "a5_pow_derivative_drops_the_minus_one": mutant(
        "Value",
        {"a5_value_gradients", "a5_value_graphs"},
        ("exponent * self.data ** (exponent - 1) * out.grad",
         "exponent * self.data**exponent * out.grad"),
        why="d(x^n)/dx written n x^n",
    ),
    "a5_exp_derivative_uses_the_input": mutant(
        "Value",
        {"a5_value_gradients", "a5_value_graphs", "a5_mlp_matches_vectorized",
         "a5_train_circles"},
        ("self.grad += out.data * out.grad", "self.grad += self.data * out.grad"),
        why="d(e^x)/dx written x",
    ),
    "a5_log_derivative_multiplies": mutant(
        "Value",
        {"a5_value_gradients", "a5_value_graphs", "a5_mlp_matches_vectorized",
         "a5_train_circles"},
        ("self.grad += out.grad / self.data", "self.grad += out.grad * self.data"),
        why="d(ln x)/dx written x",
    ),
    "a5_tanh_derivative_not_squared": mutant(
        "Value",
        {"a5_value_gradients", "a5_value_graphs"},
        ("(1.0 - out.data**2) * out.grad", "(1.0 - out.data) * out.grad"),
        why="1 - tanh instead of 1 - tanh^2",
    ),
    "a5_sigmoid_derivative_is_sigmoid": mutant(
        "Value",
        {"a5_value_gradients", "a5_value_graphs", "a5_neuron"},
        ("self.grad += (1.0 - s) * s * out.grad", "self.grad += s * out.grad"),
        why="uses sigma instead of sigma (1 - sigma)",
    ),
    "a5_relu_derivative_one_at_zero": mutant(
        "Value",
        {"a5_value_gradients"},
        ("(1.0 if self.data > 0 else 0.0)", "(1.0 if self.data >= 0 else 0.0)"),
        why="relu'(0) = 1 instead of the convention 0",
    ),
    "a5_rsub_wrong_order": mutant(
        "Value",
        {"a5_value_forward", "a5_value_gradients", "a5_value_graphs"},
        ("        return other + (-self)", "        return self + (-other)"),
        why="1 - v computed as v - 1",
    ),
    "a5_rtruediv_wrong_order": mutant(
        "Value",
        {"a5_value_forward", "a5_value_gradients", "a5_value_graphs"},
        ("        return other * self**-1", "        return self * other**-1"),
        why="1 / v computed as v / 1",
    ),
    "a5_no_seed_gradient": mutant(
        "Value",
        BACKWARD_ALL,
        ("        self.grad = 1.0\n", ""),
        why="backward() never sets d(out)/d(out) = 1: every gradient stays 0",
    ),
    "a5_recursive_sort": mutant(
        "Value",
        {"a5_backward_deep"},
        (ITERATIVE_SORT, RECURSIVE_SORT),
        why="a recursive topological sort hits Python's recursion limit on deep graphs",
    ),
    "a5_backward_in_forward_order": mutant(
        "Value",
        BACKWARD_ALL,
        ("        for node in reversed(topo):", "        for node in topo:"),
        why="the rules run before their node's gradient is complete",
    ),
    "a5_mul_rule_does_not_swap": mutant(
        "Value",
        BACKWARD_ALL,
        ("self.grad += other.data * out.grad", "self.grad += self.data * out.grad"),
        why="the mul gate gives each input its own value times upstream",
    ),
    "a5_reg_on_biases_too": mutant(
        "mlp_loss",
        {"a5_mlp_matches_vectorized"},
        ("for w in n.w]", "for w in n.w + [n.b]]"),
        why="regularizes the biases as well as the weights",
    ),
    "a5_train_without_zero_grad": mutant(
        "train_mlp",
        {"a5_train_circles"},
        ("        model.zero_grad()\n", ""),
        why="the gradients never set to 0: every step adds the earlier steps' gradients",
    ),
    "a5_train_steps_uphill": mutant(
        "train_mlp",
        {"a5_train_circles"},
        ("p.data -= learning_rate * p.grad", "p.data += learning_rate * p.grad"),
        why="the update follows the gradient instead of going against it",
    ),
}

VARIANTS = {
    "a5_recursive_sort_with_raised_limit": variant(
        "Value",
        None,
        (ITERATIVE_SORT, "        import sys\n\n        sys.setrecursionlimit(max("
         "sys.getrecursionlimit(), 1_000_000))\n" + RECURSIVE_SORT),
        why="recursion is fine once the limit allows the graph's depth",
    ),
    "a5_kahn_sort": variant(
        "Value",
        None,
        (ITERATIVE_SORT, KAHN_SORT),
        why="topological order by counting each node's users",
    ),
    "a5_parents_as_a_set_no_slots": variant(
        "Value",
        None,
        ('    __slots__ = ("data", "grad", "_backward", "_prev", "_op")'
         "  # smaller and faster objects\n", ""),
        ("self._prev = _prev  # the inputs of that op",
         "self._prev = set(_prev)  # the inputs of that op"),
        ("self._backward = Value._leaf_backward", "self._backward = lambda: None"),
        why="micrograd's layout: a set of parents (a * a has one), ordinary attributes",
    ),
    "a5_sub_and_div_with_their_own_rules": variant(
        "Value",
        None,
        ("        return self + (-other)\n",
         "        other = other if isinstance(other, Value) else Value(other)\n"
         "        out = Value(self.data - other.data, (self, other), '-')\n\n"
         "        def _backward():\n"
         "            self.grad += out.grad\n"
         "            other.grad -= out.grad\n\n"
         "        out._backward = _backward\n"
         "        return out\n"),
        ("        return self * other**-1\n",
         "        other = other if isinstance(other, Value) else Value(other)\n"
         "        out = Value(self.data / other.data, (self, other), '/')\n\n"
         "        def _backward():\n"
         "            self.grad += out.grad / other.data\n"
         "            other.grad -= self.data / other.data**2 * out.grad\n\n"
         "        out._backward = _backward\n"
         "        return out\n"),
        ("        return other + (-self)", "        return Value(other) - self"),
        ("        return other * self**-1", "        return Value(other) / self"),
        why="- and / as gates of their own instead of +, * and **",
    ),
    "a5_activations_in_other_forms": variant(
        "Value",
        None,
        ("out = Value(math.tanh(self.data), (self,), \"tanh\")",
         "e2 = math.exp(2 * self.data) if self.data < 20 else math.inf\n"
         "        t = 1.0 if e2 == math.inf else (e2 - 1) / (e2 + 1)\n"
         "        out = Value(t, (self,), \"tanh\")"),
        ("s = 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))",
         "s = 0.5 * (1.0 + math.tanh(0.5 * x))"),
        ("(1.0 - out.data**2) * out.grad", "(1.0 - out.data) * (1.0 + out.data) * out.grad"),
        why="tanh from exp, sigmoid from tanh, 1 - t^2 factored",
    ),
    "a5_dispatch_on_the_operation": variant(
        "Value",
        '''
class Value:
    """A scalar of a graph; the backward rules live in one method, chosen by the op's name."""

    def __init__(self, data, _prev=(), _op=""):
        self.data = float(data)
        self.grad = 0.0
        self._prev = _prev
        self._op = _op

    def __repr__(self):
        return f"Value(data={self.data}, grad={self.grad})"

    @staticmethod
    def _lift(x):
        return x if isinstance(x, Value) else Value(x)

    def __add__(self, other):
        other = Value._lift(other)
        return Value(self.data + other.data, (self, other), "+")

    def __mul__(self, other):
        other = Value._lift(other)
        return Value(self.data * other.data, (self, other), "*")

    def __pow__(self, n):
        return Value(self.data**n, (self, Value(n)), "**")

    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-Value._lift(other))

    def __truediv__(self, other):
        return self * Value._lift(other) ** -1

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def __rsub__(self, other):
        return Value(other) - self

    def __rtruediv__(self, other):
        return Value(other) / self

    def exp(self):
        return Value(math.exp(self.data), (self,), "exp")

    def log(self):
        return Value(math.log(self.data), (self,), "log")

    def tanh(self):
        return Value(math.tanh(self.data), (self,), "tanh")

    def sigmoid(self):
        x = self.data  # exp sees only -|x|: no overflow at |x| = 1000
        s = 1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x))
        return Value(s, (self,), "sigmoid")

    def relu(self):
        return Value(max(0.0, self.data), (self,), "relu")

    def _local_grads(self):
        """d(self)/d(input) for each input, by the op's name."""
        op, x = self._op, self._prev[0].data if self._prev else None
        if op == "+":
            return (1.0, 1.0)
        if op == "*":
            return (self._prev[1].data, x)
        if op == "**":
            n = self._prev[1].data
            return (n * x ** (n - 1), 0.0)
        if op == "exp":
            return (self.data,)
        if op == "log":
            return (1 / x,)
        if op == "tanh":
            return (1 - self.data**2,)
        if op == "sigmoid":
            return (self.data * (1 - self.data),)
        if op == "relu":
            return (1.0 if x > 0 else 0.0,)
        return ()

    def backward(self):
        order, seen, stack = [], set(), [(self, False)]
        while stack:
            node, expanded = stack.pop()
            if expanded:
                order.append(node)
            elif node not in seen:
                seen.add(node)
                stack.append((node, True))
                stack.extend((child, False) for child in node._prev)
        self.grad = 1.0
        for node in reversed(order):
            for child, local in zip(node._prev, node._local_grads()):
                child.grad += local * node.grad
''',
        why="no closures: one backward method dispatching on the operation's name",
    ),
}
