"""Attempts at assignment 3 (forward passes): the nets' constructors and scores."""

from attempts import bug, changed, correct

NOT_YET = []  # exercises without attempts

INIT = '''
    def __init__(self, input_dim, hidden_dim, num_classes, weight_scale=1e-3, reg=0.0,
                 activation="relu", seed=None):
        rng = np.random.default_rng(seed)
        self.params = {
            "W1": weight_scale * rng.standard_normal((input_dim, hidden_dim)),
            "b1": np.zeros(hidden_dim),
            "W2": weight_scale * rng.standard_normal((hidden_dim, num_classes)),
            "b2": np.zeros(num_classes),
        }
        self.reg = reg
        self.activation = activation
'''
LOSS = '''
    def loss(self, X, y=None):
        p = self.params
        f = ACTIVATIONS[self.activation]
        h = f(X @ p["W1"] + p["b1"])
        return h @ p["W2"] + p["b2"]
'''
INIT3 = '''
    def __init__(self, input_dim, hidden_dims, num_classes, weight_scale=1e-3, reg=0.0,
                 activation="relu", seed=None):
        H1, H2 = hidden_dims
        rng = np.random.default_rng(seed)
        self.params = {"W1": weight_scale * rng.standard_normal((input_dim, H1)),
                       "b1": np.zeros(H1)}
        self.params["W2"] = weight_scale * rng.standard_normal((H1, H2))
        self.params["b2"] = np.zeros(H2)
        self.params["W3"] = weight_scale * rng.standard_normal((H2, num_classes))
        self.params["b3"] = np.zeros(num_classes)
        self.reg = reg
        self.activation = activation
'''
LOSS3 = '''
    def loss(self, X, y=None):
        p = self.params
        f = ACTIVATIONS[self.activation]
        h1 = f(X @ p["W1"] + p["b1"])
        h2 = f(h1 @ p["W2"] + p["b2"])
        return h2 @ p["W3"] + p["b3"]
'''


def two(init=INIT, loss=LOSS):
    return "\nclass TwoLayerNet:" + init + loss


def three(init=INIT3, loss=LOSS3):
    return "\nclass ThreeLayerNet:" + init + loss


ATTEMPTS = [
    # ----- TwoLayerNet constructor
    bug("a3_two_layer_init", "W1 of shape (hidden, input)",
        two(changed(INIT, "(input_dim, hidden_dim)", "(hidden_dim, input_dim)")),
        says="W1 should have shape (20, 30)", names="TwoLayerNet"),
    bug("a3_two_layer_init", "biases drawn like the weights", two(changed(
        INIT, '"b1": np.zeros(hidden_dim)',
        '"b1": weight_scale * rng.standard_normal(hidden_dim)')),
        says="b1 should be zeros", names="TwoLayerNet"),
    bug("a3_two_layer_init", "weight_scale left out",
        two(INIT.replace("weight_scale * rng", "rng")),
        says="standard deviation about 0.01", names="TwoLayerNet"),
    bug("a3_two_layer_init", "the seed ignored", two(changed(
        INIT, "np.random.default_rng(seed)", "np.random.default_rng(0)")),
        says="the seed is not used", names="TwoLayerNet"),
    bug("a3_two_layer_init", "numpy's global random state", two(changed(changed(
        INIT, "rng = np.random.default_rng(seed)", "np.random.seed(seed)"),
        "rng.standard_normal((hidden_dim, num_classes))",
        "np.random.randn(hidden_dim, num_classes)").replace(
        "rng.standard_normal((input_dim, hidden_dim))", "np.random.randn(input_dim, hidden_dim)")),
        says="global random state", names="TwoLayerNet"),
    bug("a3_two_layer_init", "activation always 'relu'", two(changed(
        INIT, "self.activation = activation", 'self.activation = "relu"')),
        says="(0.5, 'tanh')", names="TwoLayerNet"),
    correct("a3_two_layer_init", "rng.normal, W2 drawn first", two(changed(
        INIT, '''            "W1": weight_scale * rng.standard_normal((input_dim, hidden_dim)),
            "b1": np.zeros(hidden_dim),
            "W2": weight_scale * rng.standard_normal((hidden_dim, num_classes)),
''', '''            "W2": rng.normal(0.0, weight_scale, (hidden_dim, num_classes)),
            "W1": rng.normal(0.0, weight_scale, (input_dim, hidden_dim)),
            "b1": np.zeros(hidden_dim),
'''))),
    correct("a3_two_layer_init", "a loop over the layer sizes", two('''
    def __init__(self, input_dim, hidden_dim, num_classes, weight_scale=1e-3, reg=0.0,
                 activation="relu", seed=None):
        rng = np.random.default_rng(seed)
        dims = [input_dim, hidden_dim, num_classes]
        self.params = {}
        for k in (1, 2):
            self.params[f"W{k}"] = weight_scale * rng.standard_normal((dims[k - 1], dims[k]))
            self.params[f"b{k}"] = np.zeros(dims[k])
        self.reg, self.activation = reg, activation
''')),
    bug("a3_two_layer_init", "the default reg changed to 0.1", two(changed(
        INIT, "weight_scale=1e-3, reg=0.0,", "weight_scale=1e-3, reg=0.1,")),
        says="the default of reg should be 0.0", names="TwoLayerNet", lines=3),
    bug("a3_two_layer_init", "the default weight_scale changed to 0.01", two(changed(
        INIT, "weight_scale=1e-3, reg=0.0,", "weight_scale=0.01, reg=0.0,")),
        says="the default of weight_scale should be 1e-3", names="TwoLayerNet", lines=3),
    bug("a3_two_layer_init", "the default activation changed to 'tanh'", two(changed(
        INIT, 'activation="relu", seed=None', 'activation="tanh", seed=None')),
        says="the default of activation should be 'relu'", names="TwoLayerNet", lines=3),
    correct("a3_two_layer_init", "the defaults written 0.001 and 0", two(changed(
        INIT, "weight_scale=1e-3, reg=0.0,", "weight_scale=0.001, reg=0,"))),
    # ----- TwoLayerNet scores
    bug("a3_two_layer_scores", "ReLU hard-coded", two(loss=changed(
        LOSS, "f = ACTIVATIONS[self.activation]", "f = lambda a: np.maximum(0, a)")),
        says="activation='tanh'", names="TwoLayerNet.loss"),
    bug("a3_two_layer_scores", "b2 left out", two(loss=changed(
        LOSS, 'h @ p["W2"] + p["b2"]', 'h @ p["W2"]')),
        says="scores:", names="TwoLayerNet.loss"),
    bug("a3_two_layer_scores", "the activation applied to the scores too", two(loss=changed(
        LOSS, 'return h @ p["W2"] + p["b2"]', 'return f(h @ p["W2"] + p["b2"])')),
        says="scores:", names="TwoLayerNet.loss"),
    bug("a3_two_layer_scores", "weights kept in attributes, not read from self.params", two(
        changed(INIT, "        self.reg = reg\n",
                "        self.reg = reg\n        self.W1, self.W2 = self.params['W1'], "
                "self.params['W2']\n"),
        changed(changed(LOSS, 'X @ p["W1"]', "X @ self.W1"), 'h @ p["W2"]', "h @ self.W2")),
        says="scores:", names="TwoLayerNet.loss"),
    bug("a3_two_layer_scores", "the lecture's W1 x with rows", two(loss=changed(
        LOSS, 'X @ p["W1"]', 'p["W1"] @ X')),
        says="matrix product of mismatched shapes", names="TwoLayerNet.loss", lines=5),
    correct("a3_two_layer_scores", "einsum, bias added in place into its own buffer", two(
        loss='''
    def loss(self, X, y=None):
        p = self.params
        a = np.einsum("nd,dh->nh", X, p["W1"])
        a += p["b1"]
        h = ACTIVATIONS[self.activation](a)
        return np.einsum("nh,hc->nc", h, p["W2"]) + p["b2"]
''')),
    correct("a3_two_layer_scores", "float32 hidden layer", two(loss=changed(
        LOSS, 'h = f(X @ p["W1"] + p["b1"])',
        'h = f((X @ p["W1"] + p["b1"]).astype(np.float32))'))),
    # ----- ThreeLayerNet constructor
    bug("a3_three_layer_init", "W2 of shape (H1, H1)", three(changed(
        INIT3, "rng.standard_normal((H1, H2))", "rng.standard_normal((H1, H1))")),
        says="W2 should have shape (30, 20)", names="ThreeLayerNet"),
    bug("a3_three_layer_init", "reg not stored (always 0)", three(changed(
        INIT3, "self.reg = reg", "self.reg = 0.0")),
        says="reg 0.25 for reg=0.25", names="ThreeLayerNet"),
    bug("a3_three_layer_init", "b3 missing", three(changed(
        INIT3, '        self.params["b3"] = np.zeros(num_classes)\n', "")),
        says="net.params should be a dict with the keys", names="ThreeLayerNet"),
    bug("a3_three_layer_init", "no seed: np.random.default_rng()", three(changed(
        INIT3, "np.random.default_rng(seed)", "np.random.default_rng()")),
        says="two nets built with seed=0 differ", names="ThreeLayerNet"),
    correct("a3_three_layer_init", "a loop over [D, H1, H2, C]", three('''
    def __init__(self, input_dim, hidden_dims, num_classes, weight_scale=1e-3, reg=0.0,
                 activation="relu", seed=None):
        rng = np.random.default_rng(seed)
        dims = [input_dim, *hidden_dims, num_classes]
        self.params = {}
        for k, (fan_in, fan_out) in enumerate(zip(dims[:-1], dims[1:]), start=1):
            self.params[f"W{k}"] = rng.normal(0.0, weight_scale, (fan_in, fan_out))
            self.params[f"b{k}"] = np.zeros(fan_out)
        self.reg, self.activation = reg, activation
''')),
    correct("a3_three_layer_init", "biases first in a dict comprehension", three('''
    def __init__(self, input_dim, hidden_dims, num_classes, weight_scale=1e-3, reg=0.0,
                 activation="relu", seed=None):
        rng = np.random.default_rng(seed)
        dims = (input_dim, *hidden_dims, num_classes)
        self.params = {f"b{k}": np.zeros(dims[k]) for k in (1, 2, 3)}
        self.params.update({f"W{k}": weight_scale * rng.standard_normal(dims[k - 1:k + 1])
                            for k in (1, 2, 3)})
        self.reg = reg
        self.activation = activation
''')),
    bug("a3_three_layer_init", "the default weight_scale changed to 0.01", three(changed(
        INIT3, "weight_scale=1e-3, reg=0.0,", "weight_scale=0.01, reg=0.0,")),
        says="the default of weight_scale should be 1e-3", names="ThreeLayerNet", lines=3),
    bug("a3_three_layer_init", "the default reg changed to 1e-3", three(changed(
        INIT3, "weight_scale=1e-3, reg=0.0,", "weight_scale=1e-3, reg=1e-3,")),
        says="the default of reg should be 0.0", names="ThreeLayerNet", lines=3),
    # ----- ThreeLayerNet scores
    bug("a3_three_layer_scores", "no activation after the second layer", three(loss=changed(
        LOSS3, 'h2 = f(h1 @ p["W2"] + p["b2"])', 'h2 = h1 @ p["W2"] + p["b2"]')),
        says="scores:", names="ThreeLayerNet.loss"),
    bug("a3_three_layer_scores", "ReLU hard-coded", three(loss=changed(
        LOSS3, "f = ACTIVATIONS[self.activation]", "f = ACTIVATIONS['relu']")),
        says="activation='tanh'", names="ThreeLayerNet.loss"),
    bug("a3_three_layer_scores", "W2 used twice (W3 left out)", three(loss=changed(
        LOSS3, 'h2 @ p["W3"]', 'h2 @ p["W2"]')),
        says="matrix product of mismatched shapes", names="ThreeLayerNet.loss", lines=5),
    bug("a3_three_layer_scores", "centres X in place", three(loss=changed(
        LOSS3, '        h1 = f(X @ p["W1"] + p["b1"])\n',
        '        X[:] = X - X.mean(axis=0)\n        h1 = f(X @ p["W1"] + p["b1"])\n')),
        says="modified its argument #1 in place", names="ThreeLayerNet.loss"),
    correct("a3_three_layer_scores", "a loop over the layers, in place into its own buffers",
            three(loss='''
    def loss(self, X, y=None):
        h = X
        for k in (1, 2, 3):
            a = h @ self.params[f"W{k}"]
            a += self.params[f"b{k}"]
            h = ACTIVATIONS[self.activation](a) if k < 3 else a
        return h
''')),
    correct("a3_three_layer_scores", "float32 hidden layers", three(loss=changed(
        LOSS3, "        h1 = f(X @ p", "        h1 = f(X.astype(np.float32) @ p"))),
]
