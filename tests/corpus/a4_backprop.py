"""Assignment 4 corpus: backpropagation mistakes, and correct implementations written otherwise."""

from corpus import a4_graphs, a4_jacobians, cheats, mutant, variant

NETS_TWO = {"a4_two_layer_loss", "a4_two_layer_grads"}
NETS_THREE = {"a4_three_layer_loss", "a4_three_layer_grads"}

MUTANTS = {
    **cheats.A4,
    **a4_graphs.MUTANTS,
    **a4_jacobians.MUTANTS,
    "a4_affine_forward_no_flatten": mutant(
        "affine_forward",
        {"a4_affine_forward", "a4_affine_backward"},
        source='''
def affine_forward(x, W, b):
    """Affine layer that forgets to flatten x."""
    out = x @ W + b
    return out, (x, W, b)
''',
        why="x of shape (N, d1, d2) is not reshaped to (N, D)",
    ),
    "a4_affine_backward_dx_not_reshaped": mutant(
        "affine_backward",
        {"a4_affine_backward"},
        ("    dx = (dout @ W.T).reshape(x.shape)", "    dx = dout @ W.T"),
        why="dx keeps the flattened shape (N, D)",
    ),
    "a4_affine_backward_db_mean": mutant(
        "affine_backward",
        {"a4_affine_backward", "a4_two_layer_grads", "a4_three_layer_grads"},
        ("    db = dout.sum(axis=0)", "    db = dout.mean(axis=0)"),
        why="averages the bias gradient (dout is already averaged by the loss)",
    ),
    "a4_softmax_without_shift": mutant(
        "softmax_loss",
        NETS_TWO | NETS_THREE,
        source='''
def softmax_loss(scores, y):
    """Softmax loss without the max shift."""
    N = scores.shape[0]
    P = np.exp(scores)
    P = P / P.sum(axis=1, keepdims=True)
    loss = -np.mean(np.log(P[np.arange(N), y]))
    dscores = P.copy()
    dscores[np.arange(N), y] -= 1
    return loss, dscores / N
''',
        why="overflows on the large-scores case (|s| ~ 1e3)",
    ),
    "a4_two_layer_forgets_b2": mutant(
        "TwoLayerNet",
        NETS_TWO,
        (
            'scores, cache2 = affine_forward(h1, p["W2"], p["b2"])',
            'scores, cache2 = affine_forward(h1, p["W2"], 0 * p["b2"])',
        ),
        why="the output bias never enters the scores",
    ),
    "a4_two_layer_default_reg": mutant(
        "TwoLayerNet",
        {"a4_overfit_tiny"},
        ("weight_scale=1e-3, reg=0.0,", "weight_scale=1e-3, reg=0.1,"),
        why="the signature's default reg=0.0 changed: tiny_net, built without reg, cannot "
        "memorize the tiny subset",
    ),
    "a4_two_layer_no_reg_on_W2": mutant(
        "TwoLayerNet",
        NETS_TWO,
        (
            'loss = data_loss + self.reg * (np.sum(p["W1"] ** 2) + np.sum(p["W2"] ** 2))',
            'loss = data_loss + self.reg * np.sum(p["W1"] ** 2)',
        ),
        ('        grads["W2"] = grads["W2"] + 2 * self.reg * p["W2"]\n', ""),
        why="regularizes only the first layer",
    ),
    "a4_two_layer_regularizes_biases": mutant(
        "TwoLayerNet",
        NETS_TWO,
        (
            'loss = data_loss + self.reg * (np.sum(p["W1"] ** 2) + np.sum(p["W2"] ** 2))',
            "loss = data_loss + self.reg * sum(np.sum(v ** 2) for v in p.values())",
        ),
        (
            "        return loss, grads\n",
            '        grads["b1"] = grads["b1"] + 2 * self.reg * p["b1"]\n'
            '        grads["b2"] = grads["b2"] + 2 * self.reg * p["b2"]\n'
            "        return loss, grads\n",
        ),
        why="L2 on the biases too",
    ),
    "a4_two_layer_reg_grad_without_2": mutant(
        "TwoLayerNet",
        {"a4_two_layer_grads"},
        (
            'grads["W1"] = grads["W1"] + 2 * self.reg * p["W1"]',
            'grads["W1"] = grads["W1"] + self.reg * p["W1"]',
        ),
        (
            'grads["W2"] = grads["W2"] + 2 * self.reg * p["W2"]',
            'grads["W2"] = grads["W2"] + self.reg * p["W2"]',
        ),
        why="the gradient of reg * W**2 taken as reg * W",
    ),
    "a4_three_layer_skips_second_relu_backward": mutant(
        "ThreeLayerNet",
        {"a4_three_layer_grads"},
        ("        da2 = relu_backward(dh2, cache_relu2)", "        da2 = dh2"),
        why="forgets to backprop through the second ReLU",
    ),
    "a4_three_layer_reg_on_first_layer_only": mutant(
        "ThreeLayerNet",
        NETS_THREE,
        (
            'loss = data_loss + self.reg * sum(np.sum(p[f"W{k}"] ** 2) for k in (1, 2, 3))',
            'loss = data_loss + self.reg * np.sum(p["W1"] ** 2)',
        ),
        ("        for k in (1, 2, 3):\n", "        for k in (1,):\n"),
        why="regularizes W1 only",
    ),
    # ----- the training section
    "a4_tiny_with_regularization": mutant(
        "a4_overfit_tiny_code",
        {"a4_overfit_tiny"},
        ("weight_scale=0.1, seed=0)", "weight_scale=0.1, reg=0.1, seed=0)"),
        why="regularization keeps the net from memorizing the tiny subset",
    ),
    "a4_tiny_too_few_steps": mutant(
        "a4_overfit_tiny_code",
        {"a4_overfit_tiny"},
        ("num_steps=1000", "num_steps=100"),
        why="stops before every example is right",
    ),
    "a4_tiny_learning_rate_too_small": mutant(
        "a4_overfit_tiny_code",
        {"a4_overfit_tiny"},
        ("learning_rate=2.0", "learning_rate=0.01"),
        why="a step too small to get anywhere in 1000 steps",
    ),
    "a4_learning_rates_swapped": mutant(
        "a4_learning_rates_code",
        {"a4_learning_rates"},
        ("= 30.0, 0.01, 1.0", "= 0.01, 30.0, 1.0"),
        why="too high and too low the wrong way round",
    ),
    "a4_learning_rates_high_still_trains": mutant(
        "a4_learning_rates_code",
        {"a4_learning_rates"},
        ("= 30.0, 0.01, 1.0", "= 3.0, 0.01, 1.0"),
        why="a 'too high' rate that still brings the loss down",
    ),
    "a4_learning_rates_good_too_small": mutant(
        "a4_learning_rates_code",
        {"a4_learning_rates"},
        ("= 30.0, 0.01, 1.0", "= 30.0, 0.01, 0.1"),
        why="a 'good' rate that leaves the loss far above 0.35",
    ),
    "a4_train_epochs_new_rng_every_epoch": mutant(
        "train_epochs",
        {"a4_train_epochs"},
        ("        order = rng.permutation(N)",
         "        order = np.random.default_rng(seed).permutation(N)"),
        why="the same order every epoch",
    ),
    "a4_train_epochs_drops_last_batch": mutant(
        "train_epochs",
        {"a4_train_epochs"},
        ("range(0, N, batch_size)", "range(0, N - batch_size + 1, batch_size)"),
        why="the examples of the last, smaller minibatch are never trained on",
    ),
    "a4_train_epochs_val_on_training_set": mutant(
        "train_epochs",
        {"a4_train_epochs"},
        ("accuracy(net, X_val, y_val)", "accuracy(net, X, y)"),
        why="the validation accuracy measured on the training set",
    ),
    "a4_train_epochs_with_replacement": mutant(
        "train_epochs",
        {"a4_train_epochs"},
        ("order = rng.permutation(N)", "order = rng.choice(N, N)"),
        why="minibatches drawn with replacement: some examples twice, others never",
    ),
}

VARIANTS = {
    **a4_graphs.VARIANTS,
    **a4_jacobians.VARIANTS,
    "a4_affine_einsum": variant(
        "affine_forward",
        '''
def affine_forward(x, W, b):
    """Affine layer with einsum."""
    rows = x.reshape(len(x), int(np.prod(x.shape[1:])))
    return np.einsum("nd,dm->nm", rows, W) + b, (x, W, b)
''',
    ),
    "a4_affine_backward_einsum": variant(
        "affine_backward",
        '''
def affine_backward(dout, cache):
    """Backward with einsum."""
    x, W, b = cache
    rows = x.reshape(x.shape[0], -1)
    dx = np.einsum("nm,dm->nd", dout, W).reshape(x.shape)
    dW = np.einsum("nd,nm->dm", rows, dout)
    db = np.einsum("nm->m", dout)
    return dx, dW, db
''',
    ),
    "a4_relu_out_mask": variant(
        "a4_relu_code",
        '''
def relu_forward(x):
    """ReLU caching its output."""
    out = np.maximum(x, 0.0)
    return out, out


def relu_backward(dout, cache):
    """Gradient passes where the output is positive."""
    dx = dout.copy()
    dx[cache <= 0] = 0.0
    return dx
''',
    ),
    "a4_two_layer_inline_like_the_notes": variant(
        "TwoLayerNet",
        '''
class TwoLayerNet:
    """Two-layer net written inline, as in the CS231n notes' minimal network."""

    def __init__(self, input_dim, hidden_dim, num_classes, weight_scale=1e-3, reg=0.0,
                 activation="relu", seed=None):
        rng = np.random.default_rng(seed)
        self.params = {"W1": weight_scale * rng.standard_normal((input_dim, hidden_dim)),
                       "b1": np.zeros(hidden_dim),
                       "W2": weight_scale * rng.standard_normal((hidden_dim, num_classes)),
                       "b2": np.zeros(num_classes)}
        self.reg, self.activation = reg, activation

    def loss(self, X, y=None):
        """Scores, or loss and gradients."""
        W1, b1, W2, b2 = (self.params[k] for k in ("W1", "b1", "W2", "b2"))
        hidden_layer = np.maximum(0, np.dot(X, W1) + b1)
        scores = np.dot(hidden_layer, W2) + b2
        if y is None:
            return scores
        num_examples = X.shape[0]
        exp_scores = np.exp(scores - np.max(scores, axis=1, keepdims=True))
        probs = exp_scores / np.sum(exp_scores, axis=1, keepdims=True)
        correct_logprobs = -np.log(probs[range(num_examples), y])
        data_loss = np.sum(correct_logprobs) / num_examples
        reg_loss = self.reg * np.sum(W1 * W1) + self.reg * np.sum(W2 * W2)
        loss = data_loss + reg_loss
        dscores = probs
        dscores[range(num_examples), y] -= 1
        dscores /= num_examples
        dW2 = np.dot(hidden_layer.T, dscores)
        db2 = np.sum(dscores, axis=0)
        dhidden = np.dot(dscores, W2.T)
        dhidden[hidden_layer <= 0] = 0
        dW1 = np.dot(X.T, dhidden)
        db1 = np.sum(dhidden, axis=0)
        dW2 += 2 * self.reg * W2
        dW1 += 2 * self.reg * W1
        return loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
''',
        why="not modular; probabilities then log (fine: the tests' probabilities do not underflow)",
    ),
    "a4_three_layer_loop": variant(
        "ThreeLayerNet",
        '''
class ThreeLayerNet:
    """Three-layer net as loops over a list of layers."""

    def __init__(self, input_dim, hidden_dims, num_classes, weight_scale=1e-3, reg=0.0,
                 activation="relu", seed=None):
        sizes = [input_dim, *hidden_dims, num_classes]
        rng = np.random.default_rng(seed)
        self.L = len(sizes) - 1
        self.params = {}
        for k in range(1, self.L + 1):
            self.params[f"W{k}"] = weight_scale * rng.standard_normal((sizes[k - 1], sizes[k]))
            self.params[f"b{k}"] = np.zeros(sizes[k])
        self.reg, self.activation = reg, activation

    def loss(self, X, y=None):
        """Loops forward and backward over the layers."""
        caches, h = [], X
        for k in range(1, self.L + 1):
            h, affine_cache = affine_forward(h, self.params[f"W{k}"], self.params[f"b{k}"])
            relu_cache = None
            if k < self.L:
                h, relu_cache = relu_forward(h)
            caches.append((affine_cache, relu_cache))
        if y is None:
            return h
        loss, dh = softmax_loss(h, y)
        grads = {}
        for k in range(self.L, 0, -1):
            affine_cache, relu_cache = caches[k - 1]
            if relu_cache is not None:
                dh = relu_backward(dh, relu_cache)
            dh, dW, grads[f"b{k}"] = affine_backward(dh, affine_cache)
            W = self.params[f"W{k}"]
            loss += self.reg * np.sum(W * W)
            grads[f"W{k}"] = dW + 2 * self.reg * W
        return loss, grads
''',
    ),
    "a4_tiny_larger_scale": variant(
        "a4_overfit_tiny_code", None,
        ("weight_scale=0.1, seed=0)", "weight_scale=0.5, seed=0)"),
        ("learning_rate=2.0", "learning_rate=1.0"),
    ),
    "a4_tiny_wider_net": variant(
        "a4_overfit_tiny_code", None,
        ("TwoLayerNet(2, 100, 3", "TwoLayerNet(2, 200, 3"),
    ),
    "a4_learning_rates_other_choice": variant(
        "a4_learning_rates_code", None,
        ("= 30.0, 0.01, 1.0", "= 100.0, 0.001, 3.0"),
    ),
    "a4_learning_rates_powers_of_ten": variant(
        "a4_learning_rates_code", None,
        ("= 30.0, 0.01, 1.0", "= 10.0, 1e-2, 2.0"),
    ),
    "a4_train_epochs_array_split_in_place": variant(
        "train_epochs", None,
        ("        for start in range(0, N, batch_size):\n"
         "            batch = order[start:start + batch_size]\n",
         "        for batch in np.array_split(order, range(batch_size, N, batch_size)):\n"),
        ("net.params[name] = net.params[name] - learning_rate * grads[name]",
         "net.params[name] -= learning_rate * grads[name]"),
    ),
    "a4_train_epochs_lists_and_sums": variant(
        "train_epochs",
        '''
def train_epochs(net, X, y, X_val, y_val, learning_rate, num_epochs, batch_size, seed=0):
    """Epochs as while loops over minibatch counts; history as plain lists."""
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
''',
    ),
}
