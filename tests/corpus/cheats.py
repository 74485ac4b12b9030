"""Numerical gradients passed off as derived ones, for the questions whose point is a derivative.

Each entry computes the right numbers, so only the way it got them can cost it: one lets the
course kit compute the gradient (a numerical helper, or the checks' own helpers and reference
net), the other writes the finite-difference loop by hand around its own function or
the given forward pass. Each must lose its gradient question, and nothing else (see
coursekit/checks/derived.py). Merged into each assignment's MUTANTS.

A few hand-written loops differentiate numerically only on inputs the size of the tests' cases
and take the exact route on the notebook's large training runs, which would otherwise time
out; the watch sees the loop the tests' cases take.
"""

from corpus import mutant

WHY_KIT = "the gradient computed by a course-kit helper"
WHY_LOOP = "the gradient by a finite-difference loop written by hand"

# ----- assignment 1: the losses' gradients --------------------------------------------------------

_SVM_OF_W = '''\
        N = X.shape[0]
        scores = X @ W_
        margins = np.maximum(0.0, scores - scores[np.arange(N), y][:, None] + 1.0)
        margins[np.arange(N), y] = 0.0
        return margins.sum() / N + reg * np.sum(W_ * W_)
'''
_SOFTMAX_OF_S = '''\
    N = s.shape[0]
    shifted = s - s.max(axis=1, keepdims=True)
    value = np.mean(np.log(np.exp(shifted).sum(axis=1)) - shifted[np.arange(N), y])
'''

A1 = {
    "a1_cheat_svm_naive_dW_by_kit": mutant(
        "svm_loss_naive", {"a1_svm_loss_naive_dW"},
        source=f'''
def svm_loss_naive(W, X, y, reg):
    """The loss; dW by the kit's centered differences."""
    from coursekit.gradcheck import eval_numerical_gradient

    def loss_of(W_):
{_SVM_OF_W}
    return loss_of(W), eval_numerical_gradient(loss_of, W.astype(float))
''', why=WHY_KIT),
    "a1_cheat_softmax_naive_dW_by_hand": mutant(
        "softmax_loss_naive", {"a1_softmax_loss_naive_dW"},
        source=f'''
def softmax_loss_naive(W, X, y, reg, value_only=False):
    """The loss; dW by centered differences of this very function."""
    s = X @ W
{_SOFTMAX_OF_S}    loss = value + reg * np.sum(W * W)
    if value_only:
        return loss
    dW, h = np.zeros(W.shape), 1e-5
    for i in np.ndindex(W.shape):
        up, down = W.astype(float), W.astype(float)
        up[i] += h
        down[i] -= h
        dW[i] = (softmax_loss_naive(up, X, y, reg, True)
                 - softmax_loss_naive(down, X, y, reg, True)) / (2 * h)
    return loss, dW
''', why=WHY_LOOP),
    "a1_cheat_svm_dscores_by_kit": mutant(
        "svm_loss", {"a1_svm_loss_dscores", "a1_svm_loss_vectorized_dW"},
        source='''
def svm_loss(scores, y):
    """The data loss; dscores by the kit's centered differences."""
    from coursekit.gradcheck import eval_numerical_gradient

    def loss_of(s):
        N = s.shape[0]
        margins = np.maximum(0.0, s - s[np.arange(N), y][:, None] + 1.0)
        margins[np.arange(N), y] = 0.0
        return margins.sum() / N

    return loss_of(scores), eval_numerical_gradient(loss_of, scores.astype(float))
''', why=WHY_KIT),
    "a1_cheat_softmax_dscores_by_hand": mutant(
        "softmax_loss", {"a1_softmax_loss_dscores"},
        source=f'''
def softmax_loss(scores, y, value_only=False):
    """The data loss; dscores by centered differences of this very function."""
    s = scores
{_SOFTMAX_OF_S}    if value_only:
        return value
    ds, h = np.zeros(s.shape), 1e-5
    for i in np.ndindex(s.shape):
        up, down = s.astype(float), s.astype(float)
        up[i] += h
        down[i] -= h
        ds[i] = (softmax_loss(up, y, True) - softmax_loss(down, y, True)) / (2 * h)
    return value, ds
''', why=WHY_LOOP),
    "a1_cheat_softmax_vectorized_dW_by_kit": mutant(
        "softmax_loss_vectorized", {"a1_softmax_loss_vectorized_dW"},
        source=f'''
def softmax_loss_vectorized(W, X, y, reg):
    """The loss; dW by the kit's centered differences (the exact route on the notebook's
    training runs)."""
    from coursekit.gradcheck import eval_numerical_gradient

    def loss_of(W_):
        s = X @ W_
{_SOFTMAX_OF_S.replace("    ", "        ")}        return value + reg * np.sum(W_ * W_)

    if W.size > 100:
        s = X @ W
        p = np.exp(s - s.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        p[np.arange(X.shape[0]), y] -= 1.0
        return loss_of(W), X.T @ p / X.shape[0] + 2 * reg * W
    return loss_of(W), eval_numerical_gradient(loss_of, W.astype(float))
''', why=WHY_KIT),
}

# ----- assignment 2: the activations' backward passes ---------------------------------------------


def _loop_through(forward, x_from_cache, kwargs=""):
    """A backward pass that differentiates `forward` entry by entry, x rebuilt from the cache."""
    return f'''
    x = {x_from_cache}
    dx, h = np.zeros(x.shape), 1e-5
    for i in np.ndindex(x.shape):
        up, down = x.astype(float), x.astype(float)
        up[i] += h
        down[i] -= h
        dx[i] = np.sum(({forward}(up{kwargs})[0] - {forward}(down{kwargs})[0]) * dout) / (2 * h)
    return dx
'''


A2 = {
    "a2_cheat_sigmoid_backward_by_hand": mutant(
        "sigmoid_backward", {"a2_sigmoid_backward"},
        source='\ndef sigmoid_backward(dout, cache):\n    """dx by centered differences of '
               'sigmoid_forward (x recovered from the output)."""'
               + _loop_through("sigmoid_forward", "np.log(cache) - np.log1p(-cache)"),
        why=WHY_LOOP),
    "a2_cheat_tanh_backward_by_kit": mutant(
        "tanh_backward", {"a2_tanh_backward"},
        source='''
def tanh_backward(dout, cache):
    """dx by the kit's vector-Jacobian product of tanh_forward (x recovered from the output)."""
    from coursekit.gradcheck import eval_numerical_gradient_array

    return eval_numerical_gradient_array(lambda v: tanh_forward(v)[0], np.arctanh(cache), dout)
''', why=WHY_KIT),
    "a2_cheat_relu_backward_by_kit": mutant(
        "relu_backward", {"a2_relu_backward"},
        source='''
def relu_backward(dout, cache):
    """dx by the kit's vector-Jacobian product of relu_forward."""
    from coursekit.gradcheck import eval_numerical_gradient_array

    return eval_numerical_gradient_array(lambda v: relu_forward(v)[0], cache.astype(float), dout)
''', why=WHY_KIT),
    "a2_cheat_leaky_relu_backward_by_hand": mutant(
        "leaky_relu_backward", {"a2_leaky_relu_backward"},
        source='\ndef leaky_relu_backward(dout, cache):\n    """dx by centered differences of '
               'leaky_relu_forward."""\n    alpha = cache[1]'
               + _loop_through("leaky_relu_forward", "cache[0]", ", alpha=alpha"),
        why=WHY_LOOP),
    "a2_cheat_elu_backward_by_kit": mutant(
        "elu_backward", {"a2_elu_backward"},
        source='''
def elu_backward(dout, cache):
    """dx by the kit's vector-Jacobian product of elu_forward."""
    from coursekit.gradcheck import eval_numerical_gradient_array

    x, alpha = cache
    return eval_numerical_gradient_array(lambda v: elu_forward(v, alpha=alpha)[0],
                                         x.astype(float), dout)
''', why=WHY_KIT),
}

# ----- assignment 4: graphs, the staged net, Jacobians, the affine layer, the nets ----------------

A4 = {
    "a4_cheat_fan_out_by_kit": mutant(
        "fan_out_graph", {"a4_graph_fan_out"},
        source='''
def fan_out_graph(a, b):
    """The given forward pass; the gradients by the kit's centered differences."""
    from coursekit.gradcheck import eval_numerical_gradient

    u = a * b
    v = np.tanh(u)
    w = v + a
    f = w * b
    g = eval_numerical_gradient(lambda p: (np.tanh(p[0] * p[1]) + p[0]) * p[1],
                                np.array([a, b], dtype=float))
    return f, (float(g[0]), float(g[1]))
''', why=WHY_KIT),
    "a4_cheat_max_min_by_hand": mutant(
        "max_min_graph", {"a4_graph_max_min"},
        source='''
def max_min_graph(x, y, z, value_only=False):
    """The given forward pass; the gradients by centered differences of this very function."""
    p = x * y
    m = max(p, z)
    n = min(y, z)
    f = m * n
    if value_only:
        return f
    point, h, grads = [x, y, z], 1e-5, []
    for i in range(3):
        up, down = list(point), list(point)
        up[i] += h
        down[i] -= h
        grads.append((max_min_graph(*up, True) - max_min_graph(*down, True)) / (2 * h))
    return f, tuple(grads)
''', why=WHY_LOOP),
    "a4_cheat_div_exp_log_by_kit": mutant(
        "div_exp_log_graph", {"a4_graph_div_exp_log"},
        source='''
def div_exp_log_graph(x, y):
    """The given forward pass; the gradients by the kit's centered differences."""
    from coursekit.gradcheck import eval_numerical_gradient

    def forward(p):
        e = np.exp(p[0])
        t = p[0] - p[1]
        return np.log(1.0 + e) / (1.0 + t * t)

    f = forward(np.array([x, y], dtype=float))
    g = eval_numerical_gradient(forward, np.array([x, y], dtype=float))
    return f, (float(g[0]), float(g[1]))
''', why=WHY_KIT),
    "a4_cheat_vector_by_kit": mutant(
        "vector_graph", {"a4_graph_vector"},
        source='''
def vector_graph(x, W, t):
    """The given forward pass; the gradients by the kit's centered differences."""
    from coursekit.gradcheck import eval_numerical_gradient

    def f_of(x_, W_, t_):
        r = np.maximum(x_ @ W_, 0.0) - t_
        return np.sum(r * r)

    f = f_of(x, W, t)
    dx = eval_numerical_gradient(lambda v: f_of(v, W, t), x.astype(float))
    dW = eval_numerical_gradient(lambda v: f_of(x, v, t), W.astype(float))
    dt = eval_numerical_gradient(lambda v: f_of(x, W, v), t.astype(float))
    return f, (dx, dW, dt)
''', why=WHY_KIT),
    "a4_cheat_staged_by_kit": mutant(
        "two_layer_staged_backward", {"a4_staged_backward"},
        source='''
def two_layer_staged_backward(cache):
    """Every gradient by the checks' numerical_gradients of the given forward pass."""
    from coursekit.checks.a4_staged import numerical_gradients

    params = {k: cache[k] for k in ("W1", "b1", "W2", "b2")}
    names = [k for k in cache if k not in ("X", "y", "W1", "b1", "W2", "b2", "reg")]
    return numerical_gradients(two_layer_staged_forward, cache["X"], cache["y"], params,
                               cache["reg"], names)
''', why=WHY_KIT),
    "a4_cheat_jacobians_by_kit": mutant(
        "matmul_jacobians", {"a4_jacobian_entries"},
        source='''
def matmul_jacobians(x, W):
    """Both Jacobians by the checks' numerical_jacobian."""
    from coursekit.checks.a4_graphs import numerical_jacobian

    return (numerical_jacobian(lambda v: v @ W, x.astype(float)),
            numerical_jacobian(lambda v: x @ v, W.astype(float)))
''', why=WHY_KIT),
    "a4_cheat_matmul_backward_by_kit": mutant(
        "matmul_backward", {"a4_jacobian_implicit"},
        source='''
def matmul_backward(dy, x, W):
    """dx and dW by the kit's vector-Jacobian products."""
    from coursekit.gradcheck import eval_numerical_gradient_array

    return (eval_numerical_gradient_array(lambda v: v @ W, x.astype(float), dy),
            eval_numerical_gradient_array(lambda v: x @ v, W.astype(float), dy))
''', why=WHY_KIT),
    "a4_cheat_affine_backward_by_hand": mutant(
        "affine_backward", {"a4_affine_backward"},
        source='''
def affine_backward(dout, cache):
    """dx, dW, db by centered differences of affine_forward (the exact route on the large
    layers of the notebook's training runs)."""
    x, W, b = cache
    if x.size * W.size > 4096:
        x_rows = x.reshape(x.shape[0], -1)
        return (dout @ W.T).reshape(x.shape), x_rows.T @ dout, dout.sum(axis=0)
    args, grads, h = [x, W, b], [], 1e-5
    for k in range(3):
        g = np.zeros(args[k].shape)
        for i in np.ndindex(args[k].shape):
            up, down = [a.astype(float) for a in args], [a.astype(float) for a in args]
            up[k][i] += h
            down[k][i] -= h
            g[i] = np.sum((affine_forward(*up)[0] - affine_forward(*down)[0]) * dout) / (2 * h)
        grads.append(g)
    return tuple(grads)
''', why=WHY_LOOP),
    "a4_cheat_two_layer_by_kit_net": mutant(
        "TwoLayerNet", {"a4_two_layer_grads"},
        ("        # backward: the same modules in reverse order\n",
         "        from coursekit.checks.a4_reference_net import loss_and_grads\n\n"
         "        _, grads = loss_and_grads(p, X, y)\n"
         "        grads[\"W1\"] = grads[\"W1\"] + 2 * self.reg * p[\"W1\"]\n"
         "        grads[\"W2\"] = grads[\"W2\"] + 2 * self.reg * p[\"W2\"]\n"
         "        return loss, grads\n"),
        why="the gradients from the backward pass of the net the learning-rate check trains",
    ),
    "a4_cheat_three_layer_by_hand": mutant(
        "ThreeLayerNet", {"a4_three_layer_grads"},
        ("        grads = {}\n        dh2,",
         "        if getattr(self, \"value_only\", False):\n"
         "            return loss, {}\n"
         "        if sum(v.size for v in p.values()) <= 200:  # not the notebook's large nets\n"
         "            self.value_only, grads, h = True, {}, 1e-5\n"
         "            for name, value in p.items():\n"
         "                grads[name] = np.zeros(value.shape)\n"
         "                for i in np.ndindex(value.shape):\n"
         "                    old = value[i]\n"
         "                    value[i] = old + h\n"
         "                    up = self.loss(X, y)[0]\n"
         "                    value[i] = old - h\n"
         "                    down = self.loss(X, y)[0]\n"
         "                    value[i] = old\n"
         "                    grads[name][i] = (up - down) / (2 * h)\n"
         "            self.value_only = False\n"
         "            return loss, grads\n"
         "        grads = {}\n        dh2,"),
        why=WHY_LOOP,
    ),
}

# ----- assignment 5: the engine's rules and the MLP's gradients -----------------------------------

A5 = {
    "a5_cheat_exp_rule_by_kit": mutant(
        "Value", {"a5_value_gradients", "a5_value_graphs", "a5_mlp_matches_vectorized"},
        ("self.grad += out.data * out.grad",
         "self.grad += float(eval_numerical_gradient(lambda v: float(np.exp(v[0])), "
         "np.array([self.data]))[0]) * out.grad"),
        why="the local gradient of exp by the kit's centered differences",
    ),
    "a5_cheat_mlp_loss_by_kit_net": mutant(
        "mlp_loss", {"a5_mlp_matches_vectorized"},
        ("    scores = [model([float(v) for v in x]) for x in X]\n",
         "    from coursekit.checks.a4_reference_net import loss_and_grads\n\n"
         "    params = {}\n"
         "    for k, layer in enumerate(model.layers, start=1):\n"
         "        params[f\"W{k}\"] = np.array([[w.data for w in n.w] for n in layer.neurons]).T\n"
         "        params[f\"b{k}\"] = np.array([n.b.data for n in layer.neurons])\n"
         "    value, grads = loss_and_grads(params, np.asarray(X, dtype=float), np.asarray(y))\n"
         "    value += reg * (np.sum(params[\"W1\"] ** 2) + np.sum(params[\"W2\"] ** 2))\n"
         "    for name in (\"W1\", \"W2\"):\n"
         "        grads[name] = grads[name] + 2 * reg * params[name]\n"
         "    out = Value(value)\n\n"
         "    def _backward():\n"
         "        for k, layer in enumerate(model.layers, start=1):\n"
         "            for j, n in enumerate(layer.neurons):\n"
         "                for i, w in enumerate(n.w):\n"
         "                    w.grad += grads[f\"W{k}\"][i, j] * out.grad\n"
         "                n.b.grad += grads[f\"b{k}\"][j] * out.grad\n\n"
         "    out._backward = _backward\n"
         "    return out\n"
         "    scores = [model([float(v) for v in x]) for x in X]\n"),
        why="one Value wrapping the loss and gradients of the kit's reference net",
    ),
}
