"""Attempts at assignment 5 (a scalar autograd engine): Value, the neuron, the MLP of Values."""

from attempts import bug, changed, correct
from attempts.a5_student_code import (
    KAHN_TOPO,
    LOSS,
    NETS,
    NEURON,
    RECURSIVE_TOPO,
    TRAIN,
    VALUE,
)

NOT_YET = []  # exercises without attempts


SIGMOID_MIXED_UP = changed(VALUE, "else math.exp(x) / (1 + math.exp(x))",
                           "else 1 / (1 + math.exp(x))")


def with_backward(topo):
    return VALUE[:VALUE.index("    def backward(self):")] + topo


ATTEMPTS = [
    # ----- Value: the values
    bug("a5_value_forward", "1 - a computed as a - 1 (__rsub__ in the wrong order)",
        changed(VALUE, "return other + (-self)", "return self - other"),
        says="1 - a at (0.4,): .data is -0.6", names="Value"),
    bug("a5_value_forward", "sigmoid for a < 0 as 1 / (1 + e^a)", SIGMOID_MIXED_UP,
        says="a.sigmoid()", names="Value"),
    bug("a5_value_forward", "the textbook sigmoid overflows at a = -1000", changed(
        VALUE, "1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x))",
        "1 / (1 + math.exp(-x))"), says="math.exp overflows above about 709", names="Value",
        lines=4),
    bug("a5_value_forward", "__radd__ missing", changed(
        VALUE, "    def __radd__(self, other):\n        return self + other\n", ""),
        says="raised TypeError", names="Value", lines=4),
    bug("a5_value_forward", "__mul__ left as the stub", changed(
        VALUE, '''        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), "*")
''', '''        raise NotImplementedError("Replace this line with your code.")
        out = None
'''), says="Value.__mul__ is not written yet", names="Value.__mul__", lines=2),
    correct("a5_value_forward", "a - b and a / b as their own operations", changed(changed(
        VALUE, '''    def __sub__(self, other):
        return self + (-other)
''', '''    def __sub__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data - other.data, (self, other), "-")

        def _backward():
            self.grad += out.grad
            other.grad -= out.grad

        out._backward = _backward
        return out
'''), '''    def __truediv__(self, other):
        return self * other ** -1
''', '''    def __truediv__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data / other.data, (self, other), "/")

        def _backward():
            self.grad += out.grad / other.data
            other.grad -= out.grad * self.data / other.data ** 2

        out._backward = _backward
        return out
''')),
    correct("a5_value_forward", "tanh from exp, sigmoid from tanh (identities)",
            changed(changed(
                VALUE, "t = math.tanh(self.data)", "t = 1 - 2 / (math.exp(2 * self.data) + 1)"),
                "1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x))",
                "0.5 * (1 + math.tanh(x / 2))")),
    # ----- Value: the gradients
    bug("a5_value_gradients", "mul gate does not swap", changed(
        VALUE, "self.grad += other.data * out.grad", "self.grad += self.data * out.grad"),
        says="a * b at (1.5, -2.0): d/da", names="Value"),
    bug("a5_value_gradients", "tanh' = 1 - tanh", changed(VALUE, "(1 - t ** 2) * out.grad",
                                                           "(1 - t) * out.grad"),
        says="a.tanh()", names="Value"),
    bug("a5_value_gradients", "relu'(0) = 1", changed(VALUE, "(self.data > 0) * out.grad",
                                                       "(self.data >= 0) * out.grad"),
        says="relu'(0) = 0", names="Value"),
    bug("a5_value_gradients", "exp's rule never stored", changed(
        VALUE, '''            self.grad += out.data * out.grad

        out._backward = _backward
''', '''            self.grad += out.data * out.grad

'''), says="No gradient reached this input", names="Value"),
    bug("a5_value_gradients", "a correct backward behind a wrong sigmoid",
        SIGMOID_MIXED_UP,
        says="Value fails its test of values above: fix it first", names="Value", lines=1),
    correct("a5_value_gradients", "relu through the output, pow through exp and log", changed(
        changed(VALUE, "self.grad += (self.data > 0) * out.grad",
                "self.grad += (out.data > 0) * out.grad"),
        "self.grad += k * self.data ** (k - 1) * out.grad",
        "self.grad += k * out.data / self.data * out.grad")),
    correct("a5_value_gradients", "Kahn's algorithm instead of a depth-first sort",
            with_backward(KAHN_TOPO)),
    # ----- Value: shared graphs
    bug("a5_value_graphs", "the add gate assigns (=) instead of adding", changed(
        VALUE, "            self.grad += out.grad\n            other.grad += out.grad\n",
        "            self.grad = out.grad\n            other.grad = out.grad\n"),
        says="Half the gradient", names="Value"),
    bug("a5_value_graphs", "a node reached twice is sorted twice", changed(
        VALUE, "            elif node not in visited:\n                visited.add(node)\n",
        "            else:\n"),
        says="Each node's _backward must run once", names="Value"),
    bug("a5_value_graphs", "backward() adds 1 to out.grad", changed(
        VALUE, "        self.grad = 1.0\n", "        self.grad += 1.0\n"),
        says="should add up to (-4.0, 6.0)", names="Value"),
    bug("a5_value_graphs", "backward() zeroes every gradient first", changed(
        VALUE, "        self.grad = 1.0\n",
        "        for node in topo:\n            node.grad = 0.0\n        self.grad = 1.0\n"),
        says="should not reset the inputs' gradients", names="Value"),
    correct("a5_value_graphs", "Kahn's algorithm instead of a depth-first sort",
            with_backward(KAHN_TOPO)),
    correct("a5_value_graphs", "a - b and 1 / b through exp and log", changed(
        VALUE, '''    def __rtruediv__(self, other):
        return other * self ** -1
''', '''    def __rtruediv__(self, other):
        return other * (-self.log()).exp() if self.data > 0 else other * self ** -1
''')),
    # ----- backward on a deep chain
    bug("a5_backward_deep", "recursive topological sort", with_backward(RECURSIVE_TOPO),
        says="must not recurse", names="Value", lines=5),
    bug("a5_backward_deep", "recursion with the limit raised to 10,000", with_backward(
        RECURSIVE_TOPO.replace("        build(self)\n",
                               "        sys.setrecursionlimit(10_000)\n        build(self)\n")),
        says="must not recurse", names="Value", lines=5),
    bug("a5_backward_deep", "a correct backward behind a wrong mul gate", changed(
        VALUE, "self.grad += other.data * out.grad", "self.grad += self.data * out.grad"),
        says="Value fails its test of gradients above: fix it first", names="Value", lines=1),
    correct("a5_backward_deep", "Kahn's algorithm", with_backward(KAHN_TOPO)),
    correct("a5_backward_deep", "the micrograd-style explicit stack", VALUE),
    # ----- the lecture's neuron
    bug("a5_neuron", "backward called twice (the cell run twice)", VALUE + NEURON
        + "f.backward()\n", says="Was f.backward() called once, on fresh Values?",
        names="the neuron"),
    bug("a5_neuron", "the bias left out", VALUE + changed(
        NEURON, "(w0 * x0 + w1 * x1 + w2)", "(w0 * x0 + w1 * x1)"),
        says="f.data is", names="the neuron"),
    bug("a5_neuron", "tanh instead of sigmoid", VALUE + changed(NEURON, ".sigmoid()", ".tanh()"),
        says="expected sigma(w0 x0 + w1 x1 + w2)", names="the neuron"),
    bug("a5_neuron", "a correct neuron behind a wrong sigmoid gradient", changed(
        VALUE, "self.grad += s * (1 - s) * out.grad", "self.grad += s * out.grad") + NEURON,
        says="Value fails its test of gradients above: fix it first", names="Value", lines=1),
    bug("a5_neuron", "the output named out instead of f", VALUE + changed(
        NEURON, "f = (w0 * x0 + w1 * x1 + w2).sigmoid()",
        "out = (w0 * x0 + w1 * x1 + w2).sigmoid()").replace("f.backward()", "out.backward()"),
        says="f not defined: the cell above is not written yet", names="f", lines=3),
    correct("a5_neuron", "sigmoid built from exp and division", VALUE + changed(
        NEURON, "f = (w0 * x0 + w1 * x1 + w2).sigmoid()",
        "f = 1 / (1 + (-(w0 * x0 + w1 * x1 + w2)).exp())")),
    correct("a5_neuron", "the dot product with sum()", VALUE + changed(
        NEURON, "f = (w0 * x0 + w1 * x1 + w2).sigmoid()",
        "f = sum([w0 * x0, w1 * x1], w2).sigmoid()")),
    # ----- the MLP of Values against the vectorized net
    bug("a5_mlp_matches_vectorized", "the biases regularized too", VALUE + NETS + changed(
        LOSS, "for w in n.w]", "for w in n.w + [n.b]]"),
        says="mlp_loss, case MLP(4, [6, 3]) on 5 examples, reg=0.05: the loss is",
        names="mlp_loss"),
    bug("a5_mlp_matches_vectorized", "ReLU after the last layer too", VALUE + changed(
        NETS, "nonlin=k < len(n_outs) - 1", "nonlin=True") + LOSS,
        says="mlp_loss, case", names="mlp_loss"),
    bug("a5_mlp_matches_vectorized", "no shift before exp", VALUE + NETS + changed(
        LOSS, "shift = max(s.data for s in row)", "shift = 0.0"),
        says="shift each row by its largest score", names="mlp_loss", lines=5),
    bug("a5_mlp_matches_vectorized", "the loss summed, not averaged", VALUE + NETS + changed(
        LOSS, "return total / len(scores)", "return total"),
        says="the loss is", names="mlp_loss"),
    bug("a5_mlp_matches_vectorized", "Neuron.__call__ left as the stub", VALUE + changed(
        NETS, "        act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)\n",
        "        raise NotImplementedError('Replace this line with your code.')\n        act = 0\n")
        + LOSS, says="Neuron.__call__ is not written yet", names="Neuron.__call__", lines=2),
    correct("a5_mlp_matches_vectorized", "log-sum-exp written with the shift as a Value",
            VALUE + NETS + changed(changed(
                LOSS, "shift = max(s.data for s in row)", "shift = max(row, key=lambda s: s.data)"),
                "return total / len(scores)", "return total * (1 / len(scores))")),
    correct("a5_mlp_matches_vectorized", "probabilities, then -log p", VALUE + NETS + changed(
        LOSS, "        total = total + (sum(exps[1:], exps[0]).log() - (row[label] - shift))\n",
        "        p = exps[label] / sum(exps[1:], exps[0])\n        total = total - p.log()\n")),
    # ----- training on the circles
    bug("a5_train_circles", "the step rebinds p instead of changing p.data", VALUE + NETS + LOSS
        + changed(TRAIN, "            p.data -= learning_rate * p.grad\n",
                  "            p = p - learning_rate * p.grad\n"),
        says="circles_net has training accuracy", names="train_mlp"),
    bug("a5_train_circles", "the step goes uphill", VALUE + NETS + LOSS + changed(
        TRAIN, "p.data -= learning_rate", "p.data += learning_rate"),
        says="circles_net has training accuracy", names="train_mlp"),
    bug("a5_train_circles", "accuracy_values counts instead of averaging", VALUE + NETS + LOSS
        + changed(TRAIN, "float(np.mean(np.array(predictions) == y))",
                  "int(np.sum(np.array(predictions) == y))"),
        says="accuracy_values says", names="accuracy_values"),
    correct("a5_train_circles", "the gradients zeroed by hand, a learning rate that decays",
            VALUE + NETS + LOSS + changed(changed(
                TRAIN, "        model.zero_grad()\n",
                "        for p in model.parameters():\n            p.grad = 0.0\n"),
                "p.data -= learning_rate * p.grad",
                "p.data -= learning_rate * p.grad * 0.999 ** _")),
    bug("a5_train_circles", "no zero_grad: the gradients add up across steps",
        VALUE + NETS + LOSS + changed(TRAIN, "        model.zero_grad()\n", ""),
        says="set every gradient to 0 (model.zero_grad()) before each backward()",
        names="train_mlp", lines=1),
    correct("a5_train_circles", "minibatches of 20 points", VALUE + NETS + LOSS + changed(
        TRAIN, "        loss = mlp_loss(model, X, y, reg)\n",
        "        rows = slice(0, 20) if _ % 2 else slice(20, 40)\n"
        "        loss = mlp_loss(model, X[rows], y[rows], reg)\n").replace(
        "n_steps=30)", "n_steps=120)")),
]
