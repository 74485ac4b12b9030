"""Student code of assignment 5 the attempts start from: a Value engine, nets, training."""

# A student's Value in micrograd's style (the given __init__ and __repr__ included).
VALUE = '''
import sys


class Value:
    def __init__(self, data, _prev=(), _op=""):
        self.data = float(data)
        self.grad = 0.0
        self._backward = lambda: None
        self._prev = _prev
        self._op = _op

    def __repr__(self):
        return f"Value(data={self.data!r}, grad={self.grad!r})"

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def __pow__(self, k):
        out = Value(self.data ** k, (self,), f"**{k}")

        def _backward():
            self.grad += k * self.data ** (k - 1) * out.grad

        out._backward = _backward
        return out

    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-other)

    def __truediv__(self, other):
        return self * other ** -1

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def __rsub__(self, other):
        return other + (-self)

    def __rtruediv__(self, other):
        return other * self ** -1

    def exp(self):
        out = Value(math.exp(self.data), (self,), "exp")

        def _backward():
            self.grad += out.data * out.grad

        out._backward = _backward
        return out

    def log(self):
        out = Value(math.log(self.data), (self,), "log")

        def _backward():
            self.grad += out.grad / self.data

        out._backward = _backward
        return out

    def tanh(self):
        t = math.tanh(self.data)
        out = Value(t, (self,), "tanh")

        def _backward():
            self.grad += (1 - t ** 2) * out.grad

        out._backward = _backward
        return out

    def sigmoid(self):
        x = self.data
        s = 1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x))
        out = Value(s, (self,), "sigmoid")

        def _backward():
            self.grad += s * (1 - s) * out.grad

        out._backward = _backward
        return out

    def relu(self):
        out = Value(max(0.0, self.data), (self,), "relu")

        def _backward():
            self.grad += (self.data > 0) * out.grad

        out._backward = _backward
        return out

    def backward(self):
        topo, visited, stack = [], set(), [(self, False)]
        while stack:
            node, expanded = stack.pop()
            if expanded:
                topo.append(node)
            elif node not in visited:
                visited.add(node)
                stack.append((node, True))
                stack.extend((child, False) for child in node._prev)
        self.grad = 1.0
        for node in reversed(topo):
            node._backward()
'''

RECURSIVE_TOPO = '''    def backward(self):
        topo, visited = [], set()

        def build(v):
            if v not in visited:
                visited.add(v)
                for child in v._prev:
                    build(child)
                topo.append(v)

        build(self)
        self.grad = 1.0
        for node in reversed(topo):
            node._backward()
'''

# Kahn's algorithm: count each node's users, release a node once all of them are done.
KAHN_TOPO = '''    def backward(self):
        users, stack, seen = {}, [self], {self}
        while stack:
            node = stack.pop()
            for child in node._prev:
                users[child] = users.get(child, 0) + 1
                if child not in seen:
                    seen.add(child)
                    stack.append(child)
        self.grad = 1.0
        ready = [self]
        while ready:
            node = ready.pop()
            node._backward()
            for child in node._prev:
                users[child] -= 1
                if users[child] == 0:
                    ready.append(child)
'''


NEURON = '''
w0, x0, w1, x1, w2 = Value(2.0), Value(-1.0), Value(-3.0), Value(-2.0), Value(-3.0)
f = (w0 * x0 + w1 * x1 + w2).sigmoid()
f.backward()
'''

NETS = '''
class Neuron:
    def __init__(self, n_in, nonlin=True, rng=None):
        rng = np.random.default_rng(0) if rng is None else rng
        self.w = [Value(float(rng.uniform(-1, 1) / n_in ** 0.5)) for _ in range(n_in)]
        self.b = Value(0.0)
        self.nonlin = nonlin

    def __call__(self, x):
        act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        return act.relu() if self.nonlin else act

    def parameters(self):
        return self.w + [self.b]


class Layer:
    def __init__(self, n_in, n_out, nonlin=True, rng=None):
        self.neurons = [Neuron(n_in, nonlin, rng) for _ in range(n_out)]

    def __call__(self, x):
        return [n(x) for n in self.neurons]

    def parameters(self):
        return [p for n in self.neurons for p in n.parameters()]


class MLP:
    def __init__(self, n_in, n_outs, seed=0):
        rng = np.random.default_rng(seed)
        sizes = [n_in, *n_outs]
        self.layers = [Layer(sizes[k], sizes[k + 1], nonlin=k < len(n_outs) - 1, rng=rng)
                       for k in range(len(n_outs))]

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]

    def zero_grad(self):
        for p in self.parameters():
            p.grad = 0.0

    def set_params(self, params):
        for k, layer in enumerate(self.layers, start=1):
            W, b = params[f"W{k}"], params[f"b{k}"]
            for j, neuron in enumerate(layer.neurons):
                neuron.w = [Value(float(W[i, j])) for i in range(W.shape[0])]
                neuron.b = Value(float(b[j]))

    def get_grads(self):
        grads = {}
        for k, layer in enumerate(self.layers, start=1):
            grads[f"W{k}"] = np.array([[wi.grad for wi in n.w] for n in layer.neurons]).T
            grads[f"b{k}"] = np.array([n.b.grad for n in layer.neurons])
        return grads
'''

LOSS = '''
def softmax_loss_values(scores, y):
    total = Value(0.0)
    for row, label in zip(scores, y):
        shift = max(s.data for s in row)
        exps = [(s - shift).exp() for s in row]
        total = total + (sum(exps[1:], exps[0]).log() - (row[label] - shift))
    return total / len(scores)


def mlp_loss(model, X, y, reg=0.0):
    scores = [model([float(v) for v in x]) for x in X]
    loss = softmax_loss_values(scores, y)
    weights = [w for layer in model.layers for n in layer.neurons for w in n.w]
    return loss + reg * sum((w * w for w in weights), Value(0.0))
'''

TRAIN = '''
def train_mlp(model, X, y, reg=1e-4, learning_rate=0.5, n_steps=100):
    losses = []
    for _ in range(n_steps):
        loss = mlp_loss(model, X, y, reg)
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data -= learning_rate * p.grad
        losses.append(loss.data)
    return losses


def accuracy_values(model, X, y):
    predictions = [int(np.argmax([s.data for s in model(list(x))])) for x in X]
    return float(np.mean(np.array(predictions) == y))


X_circles, y_circles = make_circles(40, noise=0.05, seed=0)
circles_net = MLP(2, [8, 2], seed=0)
losses = train_mlp(circles_net, X_circles, y_circles, reg=1e-4, learning_rate=1.0, n_steps=30)
'''
