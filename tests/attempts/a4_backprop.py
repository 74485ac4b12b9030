"""Attempts at assignment 4 (backpropagation): the affine layer and the nets' loss and gradients."""

from attempts import bug, correct

AFFINE_FORWARD_WITHOUT_RESHAPE = '''
def affine_forward(x, W, b):
    out = x @ W + b
    return out, (x, W, b)
'''


def two_layer(loss_body):
    """A TwoLayerNet whose loss(X, y) is loss_body (indented 8 spaces, `p` = self.params)."""
    return '''
class TwoLayerNet:
    def __init__(self, input_dim, hidden_dim, num_classes, weight_scale=1e-3, reg=0.0,
                 activation="relu", seed=None):
        rng = np.random.default_rng(seed)
        self.params = {"W1": weight_scale * rng.standard_normal((input_dim, hidden_dim)),
                       "b1": np.zeros(hidden_dim),
                       "W2": weight_scale * rng.standard_normal((hidden_dim, num_classes)),
                       "b2": np.zeros(num_classes)}
        self.reg, self.activation = reg, activation

    def loss(self, X, y=None):
        p = self.params
''' + loss_body


FLAT_FORWARD = '''
        a1 = X @ p["W1"] + p["b1"]
        h1 = np.maximum(a1, 0)
        scores = h1 @ p["W2"] + p["b2"]
        if y is None:
            return scores
        N = X.shape[0]
        shifted = scores - scores.max(axis=1, keepdims=True)
        probs = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
        loss = -np.log(probs[np.arange(N), y]).mean()
'''
FLAT_BACKWARD = '''
        dscores = probs.copy()
        dscores[np.arange(N), y] -= 1
        dscores /= N
        grads = {"W2": h1.T @ dscores + 2 * self.reg * p["W2"], "b2": dscores.sum(axis=0)}
        da1 = (dscores @ p["W2"].T) * (a1 > 0)
        grads["W1"] = X.T @ da1 + 2 * self.reg * p["W1"]
        grads["b1"] = da1.sum(axis=0)
        return loss, grads
'''
REG_LOSS = '''        loss += self.reg * (np.sum(p["W1"] ** 2) + np.sum(p["W2"] ** 2))
'''


def three_layer(transpose_W2=True):
    """The assignment's modular ThreeLayerNet; without `.T` on W2 when transpose_W2 is False."""
    dh1 = "da2 @ p['W2'].T" if transpose_W2 else "da2 @ p['W2']"
    return '''
class ThreeLayerNet:
    def __init__(self, input_dim, hidden_dims, num_classes, weight_scale=1e-3, reg=0.0,
                 activation="relu", seed=None):
        rng = np.random.default_rng(seed)
        dims = [input_dim, *hidden_dims, num_classes]
        self.params = {}
        for k in range(1, 4):
            self.params[f"W{k}"] = weight_scale * rng.standard_normal((dims[k - 1], dims[k]))
            self.params[f"b{k}"] = np.zeros(dims[k])
        self.reg, self.activation = reg, activation

    def loss(self, X, y=None):
        p = self.params
        a1 = X @ p["W1"] + p["b1"]
        h1 = np.maximum(a1, 0)
        a2 = h1 @ p["W2"] + p["b2"]
        h2 = np.maximum(a2, 0)
        scores = h2 @ p["W3"] + p["b3"]
        if y is None:
            return scores
        data_loss, dscores = softmax_loss(scores, y)
        loss = data_loss + self.reg * sum(np.sum(p[f"W{k}"] ** 2) for k in (1, 2, 3))
        grads = {"W3": h2.T @ dscores, "b3": dscores.sum(axis=0)}
        da2 = (dscores @ p["W3"].T) * (a2 > 0)
        grads["W2"], grads["b2"] = h1.T @ da2, da2.sum(axis=0)
        da1 = (''' + dh1 + ''') * (a1 > 0)
        grads["W1"], grads["b1"] = X.T @ da1, da1.sum(axis=0)
        for k in (1, 2, 3):
            grads[f"W{k}"] = grads[f"W{k}"] + 2 * self.reg * p[f"W{k}"]
        return loss, grads
'''


# exercises without attempts: the graphs worked by hand and the trained nets
NOT_YET = ["a4_graph_add_mul", "a4_graph_sigmoid_neuron", "a4_graph_gates", "a4_graph_staged",
           "a4_train_spiral", "a4_train_digits"]

ATTEMPTS = [
    # ----- affine_forward
    bug("a4_affine_forward", "no reshape of a 3-D x", AFFINE_FORWARD_WITHOUT_RESHAPE,
        says="flatten each example first", names="affine_forward", lines=5),
    bug("a4_affine_forward", "forgets b", '''
def affine_forward(x, W, b):
    out = x.reshape(x.shape[0], -1) @ W
    return out, (x, W, b)
''', says="out:", names="affine_forward"),
    bug("a4_affine_forward", "no cache", '''
def affine_forward(x, W, b):
    return x.reshape(x.shape[0], -1) @ W + b
''', says="should return a tuple (out, cache)", names="affine_forward"),
    correct("a4_affine_forward", "einsum", '''
def affine_forward(x, W, b):
    out = np.einsum("nd,dm->nm", x.reshape(len(x), -1), W) + b
    return out, (x, W, b)
'''),
    correct("a4_affine_forward", "float32 product", '''
def affine_forward(x, W, b):
    rows = x.reshape(x.shape[0], -1).astype(np.float32)
    out = (rows @ W.astype(np.float32)).astype(np.float64) + b
    return out, (x, W, b)
'''),
    # ----- affine_backward
    bug("a4_affine_backward", "dx left flat", '''
def affine_backward(dout, cache):
    x, W, b = cache
    rows = x.reshape(x.shape[0], -1)
    return dout @ W.T, rows.T @ dout, dout.sum(axis=0)
''', says="dx: wrong shape", names="affine_backward"),
    bug("a4_affine_backward", "db summed over the wrong axis", '''
def affine_backward(dout, cache):
    x, W, b = cache
    rows = x.reshape(x.shape[0], -1)
    return (dout @ W.T).reshape(x.shape), rows.T @ dout, dout.sum(axis=1)
''', says="db", names="affine_backward"),
    bug("a4_affine_backward", "dW transposed", '''
def affine_backward(dout, cache):
    x, W, b = cache
    rows = x.reshape(x.shape[0], -1)
    return (dout @ W.T).reshape(x.shape), dout.T @ rows, dout.sum(axis=0)
''', says="transposed", names="affine_backward"),
    bug("a4_affine_backward", "a correct backward behind a forward without reshape",
        AFFINE_FORWARD_WITHOUT_RESHAPE + '''
def affine_backward(dout, cache):
    x, W, b = cache
    rows = x.reshape(x.shape[0], -1)
    return (dout @ W.T).reshape(x.shape), rows.T @ dout, dout.sum(axis=0)
''', says="affine_forward fails its own test above: fix it first", names="affine_forward",
        lines=1),
    correct("a4_affine_backward", "einsum and a ones vector", '''
def affine_backward(dout, cache):
    x, W, b = cache
    rows = x.reshape(x.shape[0], -1)
    dx = np.einsum("nm,dm->nd", dout, W).reshape(x.shape)
    return dx, np.einsum("nd,nm->dm", rows, dout), np.ones(len(dout)) @ dout
'''),
    correct("a4_affine_backward", "float32 intermediates", '''
def affine_backward(dout, cache):
    x, W, b = cache
    d = dout.astype(np.float32)
    rows = x.reshape(x.shape[0], -1).astype(np.float32)
    dx = (d @ W.T.astype(np.float32)).reshape(x.shape)
    return dx.astype(np.float64), (rows.T @ d).astype(np.float64), dout.sum(axis=0)
'''),
    # ----- TwoLayerNet loss
    bug("a4_two_layer_loss", "forgets the regularization loss",
        two_layer(FLAT_FORWARD + FLAT_BACKWARD),
        says="regularization loss missing", names="TwoLayerNet.loss"),
    bug("a4_two_layer_loss", "regularization with a factor 1/2",
        two_layer(FLAT_FORWARD + REG_LOSS.replace("self.reg *", "0.5 * self.reg *")
                  + FLAT_BACKWARD),
        says="off by a factor 2", names="TwoLayerNet.loss"),
    bug("a4_two_layer_loss", "a wrong relu_forward under a correct net", '''
def relu_forward(x):
    return np.maximum(x, 0.01 * x), x
''', says="relu_forward fails the test of assignment 2", names="relu_forward", lines=1),
    correct("a4_two_layer_loss", "flat code, its own softmax",
            two_layer(FLAT_FORWARD + REG_LOSS + FLAT_BACKWARD)),
    correct("a4_two_layer_loss", "log-sum-exp in float32", two_layer(
        FLAT_FORWARD.replace("probs = np.exp(shifted)",
                             "probs = np.exp(shifted.astype(np.float32))")
        + REG_LOSS + FLAT_BACKWARD)),
    # ----- TwoLayerNet gradients
    bug("a4_two_layer_grads", "reg * W instead of 2 reg W", two_layer(
        FLAT_FORWARD + REG_LOSS + FLAT_BACKWARD.replace("2 * self.reg", "self.reg")),
        says="regularization gradient off by a factor 2", names="TwoLayerNet.loss"),
    bug("a4_two_layer_grads", "ReLU mask with >=", two_layer(
        FLAT_FORWARD + REG_LOSS + FLAT_BACKWARD.replace("(a1 > 0)", "(a1 >= 0)")),
        says="ReLU'(0) = 0", names="TwoLayerNet.loss"),
    bug("a4_two_layer_grads", "db1 from dscores", two_layer(
        FLAT_FORWARD + REG_LOSS + FLAT_BACKWARD.replace(
            'grads["b1"] = da1.sum(axis=0)', 'grads["b1"] = dscores.sum(axis=0)')),
        says="grads['b1']", names="TwoLayerNet.loss"),
    correct("a4_two_layer_grads", "flat code", two_layer(FLAT_FORWARD + REG_LOSS + FLAT_BACKWARD)),
    correct("a4_two_layer_grads", "np.where for the mask, einsum for dW1", two_layer(
        FLAT_FORWARD + REG_LOSS + FLAT_BACKWARD.replace(
            "(dscores @ p[\"W2\"].T) * (a1 > 0)", "np.where(a1 > 0, dscores @ p[\"W2\"].T, 0.0)"
        ).replace("X.T @ da1", "np.einsum('nd,nh->dh', X, da1)"))),
    # ----- ThreeLayerNet loss (its test runs loss(X, y), gradients included)
    bug("a4_three_layer_loss", "dh1 = da2 @ W2 without .T", three_layer(transpose_W2=False),
        says="raised ValueError", names="ThreeLayerNet.loss", lines=5),
    bug("a4_three_layer_loss", "a wrong softmax_loss under a correct net", '''
def softmax_loss(scores, y):
    probs = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    N = len(y)
    dscores = probs.copy()
    dscores[np.arange(N), y] -= 1
    return -np.log(probs[np.arange(N), y]).sum(), dscores / N
''', says="softmax_loss fails the test of assignment 1", names="softmax_loss", lines=1),
    bug("a4_three_layer_loss", "regularization of W3 left out", three_layer().replace(
        "for k in (1, 2, 3))", "for k in (1, 2))"),
        says="loss", names="ThreeLayerNet.loss"),
    correct("a4_three_layer_loss", "flat code", three_layer()),
    correct("a4_three_layer_loss", "regularization with vdot", three_layer().replace(
        "sum(np.sum(p[f\"W{k}\"] ** 2) for k in (1, 2, 3))",
        "sum(np.vdot(p[f\"W{k}\"], p[f\"W{k}\"]) for k in (1, 2, 3))")),
    # ----- ThreeLayerNet gradients
    bug("a4_three_layer_grads", "ReLU mask of layer 1 with >=", three_layer().replace(
        "* (a1 > 0)", "* (a1 >= 0)"), says="ReLU'(0) = 0", names="ThreeLayerNet.loss"),
    bug("a4_three_layer_grads", "regularization gradient missing", three_layer().replace(
        "grads[f\"W{k}\"] + 2 * self.reg * p[f\"W{k}\"]", "grads[f\"W{k}\"]"),
        says="regularization gradient missing", names="ThreeLayerNet.loss"),
    bug("a4_three_layer_grads", "dW2 from the wrong activation", three_layer().replace(
        'grads["W2"], grads["b2"] = h1.T @ da2', 'grads["W2"], grads["b2"] = a1.T @ da2'),
        says="grads['W2']", names="ThreeLayerNet.loss"),
    correct("a4_three_layer_grads", "flat code", three_layer()),
    correct("a4_three_layer_grads", "masks as float arrays", three_layer().replace(
        "* (a1 > 0)", "* (a1 > 0).astype(float)").replace("* (a2 > 0)", "* np.heaviside(a2, 0.0)")),
]
