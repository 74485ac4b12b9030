"""Assignment 3 corpus: mistakes in the nets' constructors and forward passes, and variants."""

from corpus import mutant, variant

TWO = '''
class TwoLayerNet:
    """Two-layer net (corpus version)."""

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

    def loss(self, X, y=None):
        """Scores."""
        p = self.params
        f = ACTIVATIONS[self.activation]
        h = f(X @ p["W1"] + p["b1"])
        scores = h @ p["W2"] + p["b2"]
        return scores
'''

THREE = '''
class ThreeLayerNet:
    """Three-layer net (corpus version)."""

    def __init__(self, input_dim, hidden_dims, num_classes, weight_scale=1e-3, reg=0.0,
                 activation="relu", seed=None):
        H1, H2 = hidden_dims
        rng = np.random.default_rng(seed)
        dims = [input_dim, H1, H2, num_classes]
        self.params = {}
        for k in range(1, 4):
            self.params[f"W{k}"] = weight_scale * rng.standard_normal((dims[k - 1], dims[k]))
            self.params[f"b{k}"] = np.zeros(dims[k])
        self.reg = reg
        self.activation = activation

    def loss(self, X, y=None):
        """Scores."""
        p = self.params
        f = ACTIVATIONS[self.activation]
        h1 = f(X @ p["W1"] + p["b1"])
        h2 = f(h1 @ p["W2"] + p["b2"])
        return h2 @ p["W3"] + p["b3"]
'''


def _two(*edits):
    source = TWO
    for old, new in edits:
        assert source.count(old) == 1, old
        source = source.replace(old, new)
    return source


def _three(*edits):
    source = THREE
    for old, new in edits:
        assert source.count(old) == 1, old
        source = source.replace(old, new)
    return source


MUTANTS = {
    "a3_two_layer_forgets_b2": mutant(
        "TwoLayerNet",
        {"a3_two_layer_scores"},
        source=_two(('scores = h @ p["W2"] + p["b2"]', 'scores = h @ p["W2"]')),
        why="no output bias",
    ),
    "a3_two_layer_lecture_layout": mutant(
        "TwoLayerNet",
        {"a3_two_layer_init", "a3_two_layer_scores"},
        source=_two(
            (
                "rng.standard_normal((input_dim, hidden_dim))",
                "rng.standard_normal((hidden_dim, input_dim))",
            ),
            ('h = f(X @ p["W1"] + p["b1"])', 'h = f(X @ p["W1"].T + p["b1"])'),
        ),
        why="W1 stored (H, D) as in the lecture's column convention",
    ),
    "a3_two_layer_always_relu": mutant(
        "TwoLayerNet",
        {"a3_two_layer_scores"},
        source=_two(("f = ACTIVATIONS[self.activation]", 'f = ACTIVATIONS["relu"]')),
        why="ignores the activation argument",
    ),
    "a3_two_layer_global_random_state": mutant(
        "TwoLayerNet",
        {"a3_two_layer_init"},
        source=_two(
            (
                "weight_scale * rng.standard_normal((input_dim, hidden_dim))",
                "weight_scale * np.random.randn(input_dim, hidden_dim)",
            )
        ),
        why="np.random.randn ignores the seed (and uses global state)",
    ),
    "a3_two_layer_seeds_the_global_stream": mutant(
        "TwoLayerNet",
        {"a3_two_layer_init"},
        source=_two(
            ("rng = np.random.default_rng(seed)", "np.random.seed(seed)"),
            ("rng.standard_normal((input_dim, hidden_dim))",
             "np.random.standard_normal((input_dim, hidden_dim))"),
            ("rng.standard_normal((hidden_dim, num_classes))",
             "np.random.standard_normal((hidden_dim, num_classes))"),
        ),
        why="reproducible from the seed, but through numpy's global stream, which it resets for "
            "everyone (the notebook asks for np.random.default_rng(seed))",
    ),
    "a3_two_layer_hardcoded_scale": mutant(
        "TwoLayerNet",
        {"a3_two_layer_init"},
        source=_two(
            (
                "weight_scale * rng.standard_normal((input_dim, hidden_dim))",
                "0.01 * rng.standard_normal((input_dim, hidden_dim))",
            ),
            (
                "weight_scale * rng.standard_normal((hidden_dim, num_classes))",
                "0.01 * rng.standard_normal((hidden_dim, num_classes))",
            ),
        ),
        why="the CS231n 0.01 hard-coded instead of weight_scale",
    ),
    "a3_two_layer_default_reg": mutant(
        "TwoLayerNet",
        {"a3_two_layer_init"},
        source=_two(("weight_scale=1e-3, reg=0.0,", "weight_scale=1e-3, reg=0.1,")),
        why="the signature's default reg=0.0 changed: nets built without reg are regularized",
    ),
    "a3_three_layer_linear_second_layer": mutant(
        "ThreeLayerNet",
        {"a3_three_layer_scores"},
        source=_three(('h2 = f(h1 @ p["W2"] + p["b2"])', 'h2 = h1 @ p["W2"] + p["b2"]')),
        why="no activation after the second layer",
    ),
    "a3_three_layer_activation_on_scores": mutant(
        "ThreeLayerNet",
        {"a3_three_layer_scores"},
        source=_three(('return h2 @ p["W3"] + p["b3"]', 'return f(h2 @ p["W3"] + p["b3"])')),
        why="applies the activation to the output scores",
    ),
    "a3_three_layer_random_biases": mutant(
        "ThreeLayerNet",
        {"a3_three_layer_init"},
        source=_three(
            (
                'self.params[f"b{k}"] = np.zeros(dims[k])',
                'self.params[f"b{k}"] = weight_scale * rng.standard_normal(dims[k])',
            )
        ),
        why="random biases instead of zeros",
    ),
    "a3_three_layer_default_weight_scale": mutant(
        "ThreeLayerNet",
        {"a3_three_layer_init"},
        source=_three(("weight_scale=1e-3, reg=0.0,", "weight_scale=0.01, reg=0.0,")),
        why="the signature's default weight_scale=1e-3 changed to CS231n's 0.01",
    ),
}

VARIANTS = {
    "a3_two_layer_normal_and_dot": variant(
        "TwoLayerNet",
        '''
class TwoLayerNet:
    """Two-layer net drawing with rng.normal and computing with np.dot."""

    def __init__(self, input_dim, hidden_dim, num_classes, weight_scale=1e-3, reg=0.0,
                 activation="relu", seed=None):
        gen = np.random.default_rng(seed)
        self.reg, self.activation = reg, activation
        self.params = {}
        self.params["W1"] = gen.normal(0.0, weight_scale, size=(input_dim, hidden_dim))
        self.params["W2"] = gen.normal(0.0, weight_scale, size=(hidden_dim, num_classes))
        self.params["b1"] = np.zeros((hidden_dim,))
        self.params["b2"] = np.zeros((num_classes,))

    def loss(self, X, y=None):
        """Scores with np.dot."""
        a = np.dot(X, self.params["W1"]) + self.params["b1"]
        if self.activation == "relu":
            h = np.maximum(a, 0)
        elif self.activation == "sigmoid":
            h = 1 / (1 + np.exp(-a))
        elif self.activation == "tanh":
            h = np.tanh(a)
        else:
            h = ACTIVATIONS[self.activation](a)
        return np.dot(h, self.params["W2"]) + self.params["b2"]
''',
        why="a different random stream (rng.normal) and its own activations",
    ),
    "a3_three_layer_generic_loop": variant(
        "ThreeLayerNet",
        '''
class ThreeLayerNet:
    """Three-layer net as a loop over layers."""

    def __init__(self, input_dim, hidden_dims, num_classes, weight_scale=1e-3, reg=0.0,
                 activation="relu", seed=None):
        sizes = [input_dim, *hidden_dims, num_classes]
        self.num_layers = len(sizes) - 1
        rng = np.random.default_rng(seed)
        weights = [rng.standard_normal((m, n)) * weight_scale for m, n in zip(sizes, sizes[1:])]
        self.params = {f"W{k + 1}": W for k, W in enumerate(weights)}
        self.params.update({f"b{k + 1}": np.zeros(n) for k, n in enumerate(sizes[1:])})
        self.reg = reg
        self.activation = activation

    def loss(self, X, y=None):
        """Scores by a loop over the layers."""
        h = X
        for k in range(1, self.num_layers + 1):
            h = h @ self.params[f"W{k}"] + self.params[f"b{k}"]
            if k < self.num_layers:
                h = ACTIVATIONS[self.activation](h)
        return h
''',
        why="a loop over layers, extra attributes",
    ),
}
