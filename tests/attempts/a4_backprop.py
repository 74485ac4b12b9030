"""Attempts at assignment 4 (backpropagation): the staged graphs (a4_graphs), the affine layer and
the nets' loss and gradients."""

from attempts import a4_graphs, bug, correct

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


# exercises without attempts: the trained nets
NOT_YET = ["a4_train_spiral", "a4_train_digits"]

ATTEMPTS = [
    *a4_graphs.ATTEMPTS,
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

# ----- the training section: the tiny subset, the learning rates, train_epochs
TINY = '''
X_spiral, y_spiral = make_spiral(n_per_class=100, n_classes=3, seed=0)
X_tiny, y_tiny = X_spiral[::15], y_spiral[::15]
tiny_net = TwoLayerNet(2, {hidden}, 3, weight_scale={scale}, reg={reg}, seed=0)
tiny_losses = sgd(tiny_net, {data}, learning_rate={lr}, num_steps={steps})
'''


def tiny(hidden=100, scale=0.1, reg=0.0, lr=2.0, steps=1000, data="X_tiny, y_tiny"):
    """The tiny-subset cell with these settings."""
    return TINY.format(hidden=hidden, scale=scale, reg=reg, lr=lr, steps=steps, data=data)


LEARNING_RATES = '''
X_spiral, y_spiral = make_spiral(n_per_class=100, n_classes=3, seed=0)
lr_too_high, lr_too_low, lr_good = {high}, {low}, {good}
curves = {{}}
for kind, lr in [("too high", lr_too_high), ("too low", lr_too_low), ("good", lr_good)]:
    lr_net = TwoLayerNet(2, 100, 3, weight_scale=0.1, seed=0)
    with np.errstate(all="ignore"):
        curves[kind] = sgd(lr_net, X_spiral, y_spiral, learning_rate=lr, num_steps=300)
'''

TRAIN_EPOCHS = '''
def train_epochs(net, X, y, X_val, y_val, learning_rate, num_epochs, batch_size, seed=0):
    rng = np.random.default_rng(seed)
    N = X.shape[0]
    history = {"loss": [], "train_acc": [], "val_acc": []}
    for _ in range(num_epochs):
        order = rng.permutation(N)
        batch_losses = []
        for start in range(0, N, batch_size):
            batch = order[start:start + batch_size]
            loss, grads = net.loss(X[batch], y[batch])
            for name in net.params:
                net.params[name] = net.params[name] - learning_rate * grads[name]
            batch_losses.append(loss)
        history["loss"].append(np.mean(batch_losses))
        history["train_acc"].append(accuracy(net, X, y))
        history["val_acc"].append(accuracy(net, X_val, y_val))
    return {name: np.array(values) for name, values in history.items()}
'''

ATTEMPTS += [
    bug("a4_overfit_tiny", "regularization left on", tiny(reg=0.1),
        says="of the 20 tiny examples right", names="tiny_net", lines=3),
    bug("a4_overfit_tiny", "reg not passed, the net's default reg changed to 0.1",
        two_layer(FLAT_FORWARD + REG_LOSS + FLAT_BACKWARD).replace(
            "weight_scale=1e-3, reg=0.0,", "weight_scale=1e-3, reg=0.1,")
        + tiny().replace(" reg=0.0,", ""),
        says="the default of reg in TwoLayerNet should be 0.0", names="tiny_net", lines=3),
    bug("a4_overfit_tiny", "stops after 100 steps", tiny(steps=100),
        says="more steps or a larger learning rate", names="tiny_net", lines=3),
    bug("a4_overfit_tiny", "learning rate 0.01", tiny(lr=0.01),
        says="check the gradients", names="tiny_net", lines=3),
    bug("a4_overfit_tiny", "trained on the whole spiral", tiny(data="X_spiral, y_spiral"),
        says="19 of the 20", names="tiny_net", lines=3),
    correct("a4_overfit_tiny", "a larger weight scale, a smaller step", tiny(scale=0.5, lr=1.0)),
    correct("a4_overfit_tiny", "200 hidden units", tiny(hidden=200)),
    bug("a4_learning_rates", "too high and too low swapped",
        LEARNING_RATES.format(high=0.01, low=30.0, good=1.0),
        says="which is too low, not too high", names="lr_too_high", lines=3),
    bug("a4_learning_rates", "a 'too high' rate that still trains",
        LEARNING_RATES.format(high=3.0, low=0.01, good=1.0),
        says="which is good, not too high", names="lr_too_high", lines=3),
    bug("a4_learning_rates", "a 'good' rate that is too small",
        LEARNING_RATES.format(high=30.0, low=0.01, good=0.1),
        says="which is in between, not good", names="lr_good", lines=3),
    bug("a4_learning_rates", "a negative 'too low' rate",
        LEARNING_RATES.format(high=30.0, low=-0.01, good=1.0),
        says="lr_too_low should be one positive number", names="lr_too_low", lines=3),
    correct("a4_learning_rates", "right rates, but the student's own net does not learn",
            LEARNING_RATES.format(high=30.0, low=0.01, good=1.0)
            + 'curves["good"] = curves["too low"]  # what a net with a gradient bug draws\n'),
    correct("a4_learning_rates", "100, 0.001, 3", LEARNING_RATES.format(high=100.0, low=0.001,
                                                                      good=3.0)),
    correct("a4_learning_rates", "10, 0.01, 2", LEARNING_RATES.format(high=10.0, low=0.01,
                                                                    good=2.0)),
    bug("a4_train_epochs", "a new generator every epoch", TRAIN_EPOCHS.replace(
        "        order = rng.permutation(N)",
        "        order = np.random.default_rng(seed).permutation(N)"),
        says="made before the first epoch", names="train_epochs", lines=3),
    bug("a4_train_epochs", "drops the last, smaller minibatch", TRAIN_EPOCHS.replace(
        "range(0, N, batch_size)", "range(0, N - batch_size + 1, batch_size)"),
        says="the last one smaller", names="train_epochs", lines=3),
    bug("a4_train_epochs", "validation accuracy on the training set", TRAIN_EPOCHS.replace(
        "accuracy(net, X_val, y_val)", "accuracy(net, X, y)"),
        says="history['val_acc'][0]", names="train_epochs"),
    bug("a4_train_epochs", "the last minibatch's loss for the epoch", TRAIN_EPOCHS.replace(
        'history["loss"].append(np.mean(batch_losses))', 'history["loss"].append(loss)'),
        says="history['loss'][0]", names="train_epochs"),
    bug("a4_train_epochs", "minibatches drawn with replacement", TRAIN_EPOCHS.replace(
        "order = rng.permutation(N)", "order = rng.choice(N, N)"),
        says="the minibatches hold the examples", names="train_epochs", lines=3),
    correct("a4_train_epochs", "np.array_split and in-place updates", TRAIN_EPOCHS.replace(
        "        for start in range(0, N, batch_size):\n"
        "            batch = order[start:start + batch_size]\n",
        "        for batch in np.array_split(order, range(batch_size, N, batch_size)):\n"
    ).replace("net.params[name] = net.params[name] - learning_rate * grads[name]",
              "net.params[name] -= learning_rate * grads[name]")),
    correct("a4_train_epochs", "lists, sums and its own accuracy", '''
def train_epochs(net, X, y, X_val, y_val, learning_rate, num_epochs, batch_size, seed=0):
    rng = np.random.default_rng(seed)
    losses, train_acc, val_acc = [], [], []
    for epoch in range(num_epochs):
        shuffled = rng.permutation(len(X))
        total, count = 0.0, 0
        while count * batch_size < len(X):
            idx = shuffled[count * batch_size:(count + 1) * batch_size]
            loss, grads = net.loss(X[idx], y[idx])
            net.params = {k: v - learning_rate * grads[k] for k, v in net.params.items()}
            total, count = total + loss, count + 1
        losses.append(total / count)
        train_acc.append(float((net.loss(X).argmax(axis=1) == y).mean()))
        val_acc.append(float((net.loss(X_val).argmax(axis=1) == y_val).mean()))
    return {"loss": losses, "train_acc": train_acc, "val_acc": val_acc}
'''),
]
