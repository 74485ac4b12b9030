"""Neurons, layers and multi-layer perceptrons made of scalar `Value`s, with their softmax loss.

The same 2-layer net as `solutions.nets.TwoLayerNet`, one scalar at a time: neuron j of layer k
holds column j of `W<k>` as its weights `w` and `b<k>[j]` as its bias `b`. Every number of the
forward pass is a `Value`, so `loss.backward()` fills `.grad` of every weight.
"""

import math

import numpy as np

from solutions.autograd import Value


class Neuron:
    """One unit: `relu(w . x + b)` (or `w . x + b` when `nonlin` is False).

    n_in: number of inputs; rng: a numpy Generator for the initial weights, uniform in
    [-1, 1] / sqrt(n_in); the bias starts at 0.
    """

    def __init__(self, n_in, nonlin=True, rng=None):
        rng = np.random.default_rng(0) if rng is None else rng
        scale = 1.0 / math.sqrt(n_in)
        self.w = [Value(float(scale * rng.uniform(-1.0, 1.0))) for _ in range(n_in)]
        self.b = Value(0.0)
        self.nonlin = nonlin

    def __call__(self, x):
        """x: a list of n_in numbers or Values. Returns one Value."""
        act = sum((wi * xi for wi, xi in zip(self.w, x, strict=True)), self.b)
        return act.relu() if self.nonlin else act

    def parameters(self):
        """The neuron's Values that training changes: its weights, then its bias."""
        return self.w + [self.b]


class Layer:
    """n_out neurons that all see the same n_in inputs."""

    def __init__(self, n_in, n_out, nonlin=True, rng=None):
        self.neurons = [Neuron(n_in, nonlin, rng) for _ in range(n_out)]

    def __call__(self, x):
        """x: n_in numbers or Values. Returns a list of n_out Values."""
        return [neuron(x) for neuron in self.neurons]

    def parameters(self):
        """The parameters of every neuron, neuron after neuron."""
        return [p for neuron in self.neurons for p in neuron.parameters()]


class MLP:
    """Layers of sizes n_in -> n_outs[0] -> ... -> n_outs[-1]: ReLU after every layer but the
    last, whose outputs are the class scores. seed: initial weights (see Neuron)."""

    def __init__(self, n_in, n_outs, seed=0):
        rng = np.random.default_rng(seed)
        sizes = [n_in, *n_outs]
        self.layers = [Layer(sizes[k], sizes[k + 1], nonlin=k < len(n_outs) - 1, rng=rng)
                       for k in range(len(n_outs))]

    def __call__(self, x):
        """x: n_in numbers or Values (one example). Returns the list of n_outs[-1] scores."""
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self):
        """The parameters of every layer, first layer first."""
        return [p for layer in self.layers for p in layer.parameters()]

    def zero_grad(self):
        """Set the gradient of every parameter to 0 (backward adds to it)."""
        for p in self.parameters():
            p.grad = 0.0

    def set_params(self, params):
        """Copy the weights of a vectorized net: layer k's neuron j gets `params["W<k>"][:, j]`
        as w and `params["b<k>"][j]` as b (fresh Values with grad 0)."""
        for k, layer in enumerate(self.layers, start=1):
            W, b = params[f"W{k}"], params[f"b{k}"]
            for j, neuron in enumerate(layer.neurons):
                neuron.w = [Value(float(W[i, j])) for i in range(W.shape[0])]
                neuron.b = Value(float(b[j]))

    def get_grads(self):
        """The gradients as arrays keyed like the vectorized net's params: dW<k> (n_in, n_out)
        and db<k> (n_out,) under the keys "W<k>" and "b<k>"."""
        grads = {}
        for k, layer in enumerate(self.layers, start=1):
            grads[f"W{k}"] = np.array([[wi.grad for wi in n.w] for n in layer.neurons]).T
            grads[f"b{k}"] = np.array([n.b.grad for n in layer.neurons])
        return grads


def softmax_loss_values(scores, y):
    """Mean softmax loss of N rows of scores.

    scores: N lists of C Values; y: N integer labels in [0, C). Returns one Value,
    mean over i of -log(exp(s_{i,y_i}) / sum_j exp(s_{i,j})). Each row is shifted by its
    largest score (a plain number: it does not change the loss or its gradient) before exp.
    """
    total = Value(0.0)
    for row, label in zip(scores, y, strict=True):
        shift = max(s.data for s in row)
        exps = [(s - shift).exp() for s in row]
        total = total + (sum(exps[1:], exps[0]).log() - (row[label] - shift))
    return total / len(scores)


def mlp_loss(model, X, y, reg=0.0):
    """Softmax loss of `model` on X (N, D) with labels y (N,), plus reg * sum of the squared
    weights (not the biases), as `TwoLayerNet.loss`. Returns one Value."""
    scores = [model([float(v) for v in x]) for x in X]
    loss = softmax_loss_values(scores, y)
    if reg:
        weights = [w for layer in model.layers for n in layer.neurons for w in n.w]
        loss = loss + reg * sum((w * w for w in weights), Value(0.0))
    return loss


def train_mlp(model, X, y, reg=1e-4, learning_rate=0.5, n_steps=100):
    """Full-batch gradient descent on mlp_loss. Returns the list of the losses of every step."""
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
    """Fraction of the rows of X whose highest score is at their label y."""
    predictions = [int(np.argmax([s.data for s in model([float(v) for v in x])])) for x in X]
    return float(np.mean(np.array(predictions) == np.asarray(y)))
