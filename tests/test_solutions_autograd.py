"""Reference scalar autograd engine and the nets made of its Values.

Every operation's gradient is compared with centered differences, random expression graphs
with shared subexpressions too; a 100,000-node chain backpropagates without recursion; the
Value net's loss and gradients equal TwoLayerNet's to 1e-10. With PyTorch installed the same
graphs are compared with torch's float64 autograd (skipped, saying so, without PyTorch).
Cost: about 2 s.
"""

import math
import random
import re

import numpy as np
import pytest

from coursekit.data import make_circles
from solutions.autograd import Value
from solutions.nets import TwoLayerNet
from solutions.value_nets import MLP, accuracy_values, mlp_loss, train_mlp

H = 1e-6

# name -> (function of Values (and plain numbers), a point where every input is in its domain)
FUNCTIONS = {
    "add": (lambda a, b: a + b, (1.5, -2.0)),
    "sub": (lambda a, b: a - b, (1.5, -2.0)),
    "mul": (lambda a, b: a * b, (1.5, -2.0)),
    "div": (lambda a, b: a / b, (1.5, -2.0)),
    "pow_int": (lambda a: a**3, (-1.3,)),
    "pow_negative": (lambda a: a**-2, (0.7,)),
    "pow_float": (lambda a: a**0.5, (2.3,)),
    "neg": (lambda a: -a, (0.4,)),
    "radd": (lambda a: 2.0 + a, (0.4,)),
    "rsub": (lambda a: 1 - a, (0.4,)),
    "rmul": (lambda a: 3 * a, (0.4,)),
    "rdiv": (lambda a: 1 / a, (0.4,)),
    "exp": (lambda a: a.exp(), (0.8,)),
    "log": (lambda a: a.log(), (0.8,)),
    "tanh": (lambda a: a.tanh(), (0.8,)),
    "sigmoid": (lambda a: a.sigmoid(), (-0.8,)),
    "relu_positive": (lambda a: a.relu(), (0.8,)),
    "relu_negative": (lambda a: a.relu(), (-0.8,)),
    "square_by_mul": (lambda a: a * a, (-1.7,)),
    "double_by_add": (lambda a: a + a, (-1.7,)),
    "shared": (lambda a, b: (a * b + a) * (a * b).tanh() + (a * b) / (b * b + 1), (0.3, -1.1)),
    "neuron": (lambda w0, x0, w1, x1, w2: (w0 * x0 + w1 * x1 + w2).sigmoid(),
               (2.0, -1.0, -3.0, -2.0, -3.0)),
}


def forward_and_grads(f, point):
    """f's value at point and its gradient with respect to every input, by backward()."""
    inputs = [Value(x) for x in point]
    out = f(*inputs)
    out.backward()
    return out.data, [v.grad for v in inputs]


def numerical_grads(f, point):
    grads = []
    for i in range(len(point)):
        up, down = list(point), list(point)
        up[i] += H
        down[i] -= H
        grads.append((f(*map(Value, up)).data - f(*map(Value, down)).data) / (2 * H))
    return grads


@pytest.mark.parametrize("name", FUNCTIONS)
def test_gradient_of_every_operation_matches_centered_differences(name):
    f, point = FUNCTIONS[name]
    _, grads = forward_and_grads(f, point)
    np.testing.assert_allclose(grads, numerical_grads(f, point), rtol=1e-6, atol=1e-8)


def test_values_are_the_math_library_values():
    a, b = Value(0.7), Value(-1.9)
    assert (a + b).data == 0.7 + -1.9 and (a - b).data == 0.7 - -1.9
    assert (a * b).data == 0.7 * -1.9 and math.isclose((a / b).data, 0.7 / -1.9)
    assert (a**3).data == 0.7**3 and (-a).data == -0.7
    assert (2 - a).data == 2 - 0.7 and math.isclose((2 / a).data, 2 / 0.7)
    assert a.exp().data == math.exp(0.7) and a.log().data == math.log(0.7)
    assert a.tanh().data == math.tanh(0.7)
    assert math.isclose(b.sigmoid().data, 1 / (1 + math.exp(1.9)))
    assert b.relu().data == 0.0 and a.relu().data == 0.7


def test_relu_gradient_at_zero_is_zero():
    x = Value(0.0)
    x.relu().backward()
    assert x.grad == 0.0


def test_sigmoid_is_finite_for_large_inputs():
    assert Value(-1000.0).sigmoid().data == 0.0 and Value(1000.0).sigmoid().data == 1.0


def test_the_lectures_sigmoid_neuron():
    w0, x0, w1, x1, w2 = (Value(v) for v in (2.0, -1.0, -3.0, -2.0, -3.0))
    f = (w0 * x0 + w1 * x1 + w2).sigmoid()
    f.backward()
    assert round(f.data, 2) == 0.73
    assert [round(v.grad, 2) for v in (w0, x0, w1, x1, w2)] == [-0.2, 0.39, -0.39, -0.59, 0.2]


def random_graph(inputs, n_ops, rng):
    """A random expression of the inputs that reuses earlier nodes (shared subexpressions)."""
    nodes = list(inputs)
    for _ in range(n_ops):
        a, b = rng.choice(nodes), rng.choice(nodes)
        op = rng.randrange(8)
        if op == 0:
            new = a + b
        elif op == 1:
            new = a * b
        elif op == 2:
            new = a - 0.5 * b
        elif op == 3:
            new = a / (b * b + 1.0)
        elif op == 4:
            new = a.tanh()
        elif op == 5:
            new = (a * 0.3).exp()
        elif op == 6:
            new = (a * a + 1.0).log()
        else:
            new = a.sigmoid() * b
        nodes.append(new)
    return sum(nodes[len(inputs):], nodes[0])


@pytest.mark.parametrize("seed", range(5))
def test_random_graphs_with_shared_nodes_match_centered_differences(seed):
    point = [random.Random(seed).uniform(-1, 1) for _ in range(4)]

    def f(*inputs):
        return random_graph(inputs, 30, random.Random(seed))

    _, grads = forward_and_grads(f, point)
    np.testing.assert_allclose(grads, numerical_grads(f, point), rtol=1e-5, atol=1e-7)


def test_a_node_used_many_times_passes_its_gradient_back_once():
    a = Value(2.0)
    b = a * 3.0
    out = b + b + b * b  # b used four times, a once
    out.backward()
    assert b.grad == 1 + 1 + 2 * b.data and a.grad == 3.0 * b.grad


def test_backward_on_a_100000_node_chain_needs_no_recursion():
    x = Value(0.5)
    y = x
    for _ in range(100_000):
        y = y * 1.0 + 0.0  # multiply and add nodes: 200,000 deep
    y.backward()
    assert x.grad == 1.0


def test_gradients_accumulate_across_backward_calls_as_in_pytorch():
    a, b = Value(3.0), Value(-2.0)
    out = a * b
    out.backward()
    out.backward()
    assert (a.grad, b.grad) == (-4.0, 6.0)


@pytest.mark.parametrize("bad, message", [
    (lambda: Value("1.0"), "Value(data) expects an int or a float, got str"),
    (lambda: Value(1.0) + [1], "expects an int or a float, got list"),
    (lambda: Value(2.0) ** Value(2.0), "takes an int or float exponent, got Value"),
    (lambda: Value(-2.0) ** 0.5, "non-integer power"),
    (lambda: Value(0.0).log(), "log needs a positive Value"),
])
def test_bad_input_is_a_clear_error(bad, message):
    with pytest.raises((TypeError, ValueError), match=re.escape(message)):
        bad()


def test_value_net_matches_two_layer_net_to_1e_10():
    rng = np.random.default_rng(3)
    X, y = rng.standard_normal((4, 3)), rng.integers(0, 3, size=4)
    net = TwoLayerNet(3, 5, 3, weight_scale=0.5, reg=0.1, seed=1)
    net.params["b1"] = rng.standard_normal(5)
    net.params["b2"] = rng.standard_normal(3)
    loss, grads = net.loss(X, y)
    model = MLP(3, [5, 3])
    model.set_params(net.params)
    value_loss = mlp_loss(model, X, y, reg=0.1)
    value_loss.backward()
    assert abs(value_loss.data - loss) <= 1e-10 * abs(loss)
    value_grads = model.get_grads()
    for name, grad in grads.items():
        np.testing.assert_allclose(value_grads[name], grad, rtol=1e-10, atol=1e-12, err_msg=name)


def test_value_mlp_fits_forty_circles_points():
    X, y = make_circles(40, noise=0.05, seed=0)
    model = MLP(2, [8, 2], seed=0)
    losses = train_mlp(model, X, y, reg=1e-4, learning_rate=1.0, n_steps=30)
    assert losses[-1] < losses[0]
    assert accuracy_values(model, X, y) >= 0.95


def test_matches_pytorch_float64_autograd():
    torch = pytest.importorskip(
        "torch", reason="PyTorch is not installed: the optional comparison with torch's float64 "
        "autograd is skipped (pip install torch to run it)")

    def torch_forward_and_grads(f, point):
        tensors = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in point]
        out = f(*(_TorchScalar(t) for t in tensors)).t
        out.backward()
        return out.item(), [0.0 if t.grad is None else t.grad.item() for t in tensors]

    cases = [(name, f, point) for name, (f, point) in FUNCTIONS.items()]
    for seed in range(5):
        point = [random.Random(seed).uniform(-1, 1) for _ in range(4)]
        cases.append((f"random graph {seed}",
                      lambda *v, seed=seed: random_graph(v, 30, random.Random(seed)), point))
    for name, f, point in cases:
        value, grads = forward_and_grads(f, point)
        torch_value, torch_grads = torch_forward_and_grads(f, point)
        assert math.isclose(value, torch_value, rel_tol=1e-12, abs_tol=1e-15), name
        np.testing.assert_allclose(grads, torch_grads, rtol=1e-12, atol=1e-14, err_msg=name)


class _TorchScalar:
    """A float64 torch scalar with Value's operations (torch does the math and the gradients)."""

    def __init__(self, t):
        self.t = t

    @staticmethod
    def _raw(x):
        return x.t if isinstance(x, _TorchScalar) else x

    def __add__(self, other):
        return _TorchScalar(self.t + self._raw(other))

    def __mul__(self, other):
        return _TorchScalar(self.t * self._raw(other))

    def __sub__(self, other):
        return _TorchScalar(self.t - self._raw(other))

    def __truediv__(self, other):
        return _TorchScalar(self.t / self._raw(other))

    def __pow__(self, exponent):
        return _TorchScalar(self.t**exponent)

    def __neg__(self):
        return _TorchScalar(-self.t)

    def __radd__(self, other):
        return _TorchScalar(other + self.t)

    def __rmul__(self, other):
        return _TorchScalar(other * self.t)

    def __rsub__(self, other):
        return _TorchScalar(other - self.t)

    def __rtruediv__(self, other):
        return _TorchScalar(other / self.t)

    def exp(self):
        return _TorchScalar(self.t.exp())

    def log(self):
        return _TorchScalar(self.t.log())

    def tanh(self):
        return _TorchScalar(self.t.tanh())

    def sigmoid(self):
        return _TorchScalar(self.t.sigmoid())

    def relu(self):
        return _TorchScalar(self.t.relu())
