"""Assignment 2 corpus: mistakes students make with activations, and correct variants."""

from corpus import cheats, mutant, variant

MUTANTS = {
    **cheats.A2,
    "a2_sigmoid_caches_x": mutant(
        "sigmoid_forward",
        {"a2_sigmoid_backward"},
        source='''
def sigmoid_forward(x):
    """Sigmoid that caches its input; the backward expects the output."""
    out = 1 / (1 + np.exp(-x))
    cache = x
    return out, cache
''',
        why="cache = x while the backward computes out * (1 - out) from the cache",
    ),
    "a2_sigmoid_forward_flips_input_in_place": mutant(
        "sigmoid_forward",
        {"a2_sigmoid_forward", "a2_sigmoid_backward"},
        source='''
def sigmoid_forward(x):
    """Sigmoid that negates its argument in place."""
    x *= -1
    out = 1 / (1 + np.exp(x))
    return out, out
''',
        why="modifies the caller's array (impure)",
    ),
    "a2_tanh_forward_overflows": mutant(
        "tanh_forward",
        {"a2_tanh_forward"},
        source='''
def tanh_forward(x):
    """tanh from its definition with exponentials."""
    out = (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x))
    return out, out
''',
        why="inf / inf = nan for |x| = 1000",
    ),
    "a2_tanh_backward_not_squared": mutant(
        "tanh_backward",
        {"a2_tanh_backward"},
        ("    dx = dout * (1 - out**2)", "    dx = dout * (1 - out)"),
        why="1 - tanh instead of 1 - tanh^2",
    ),
    "a2_relu_forward_in_place": mutant(
        "relu_forward",
        {"a2_relu_forward", "a2_relu_backward"},
        source='''
def relu_forward(x):
    """ReLU that zeroes the negative entries of its input."""
    x[x < 0] = 0
    return x, x
''',
        why="zeroes the caller's array in place",
    ),
    "a2_relu_backward_forgets_dout": mutant(
        "relu_backward",
        {"a2_relu_backward"},
        ("    dx = dout * (x > 0)", "    dx = (x > 0).astype(float)"),
        why="returns the local gradient, not dout times it",
    ),
    "a2_leaky_relu_backward_hardcoded_alpha": mutant(
        "leaky_relu_backward",
        {"a2_leaky_relu_backward"},
        ("np.where(x > 0, 1.0, alpha)", "np.where(x > 0, 1.0, 0.1)"),
        why="uses the default 0.1 instead of the cached alpha",
    ),
    "a2_leaky_relu_forward_ignores_alpha": mutant(
        "leaky_relu_forward",
        {"a2_leaky_relu_forward", "a2_leaky_relu_backward"},
        ("    out = np.where(x > 0, x, alpha * x)", "    out = np.where(x > 0, x, 0.01 * x)"),
        why="slope 0.01 whatever alpha is",
    ),
    "a2_leaky_relu_default_alpha_pytorch": mutant(
        "leaky_relu_forward",
        {"a2_leaky_relu_forward", "a2_leaky_relu_backward"},
        ("def leaky_relu_forward(x, alpha=0.1):", "def leaky_relu_forward(x, alpha=0.01):"),
        why="PyTorch's default slope 0.01 instead of the lecture's alpha=0.1",
    ),
    "a2_elu_forward_without_alpha": mutant(
        "elu_forward",
        {"a2_elu_forward", "a2_elu_backward"},
        ("alpha * np.expm1(np.minimum(x, 0))", "np.expm1(np.minimum(x, 0))"),
        why="forgets the factor alpha",
    ),
    "a2_elu_backward_forward_formula": mutant(
        "elu_backward",
        {"a2_elu_backward"},
        ("alpha * np.exp(np.minimum(x, 0))", "alpha * np.expm1(np.minimum(x, 0))"),
        why="local gradient alpha (e^x - 1) (the forward formula) instead of alpha e^x",
    ),
    "a2_maxout_backward_db_wrong_axis": mutant(
        "maxout_backward",
        {"a2_maxout_backward"},
        ("    db1 = ds1.sum(axis=0)", "    db1 = ds1.sum(axis=1)"),
        why="sums the bias gradient over units instead of examples",
    ),
    "a2_maxout_backward_to_both_pieces": mutant(
        "maxout_backward",
        {"a2_maxout_backward"},
        ("    ds1 = dout * first\n    ds2 = dout * ~first", "    ds1 = dout\n    ds2 = dout"),
        why="sends the gradient to both pieces instead of the winner",
    ),
    "a2_relu_backward_passes_at_zero": mutant(
        "relu_backward",
        {"a2_relu_backward"},
        source=
        '''
def relu_backward(dout, cache):
    """ReLU gate with np.where and x >= 0 (differs only at the kink x = 0)."""
    return np.where(cache >= 0, dout, 0.0)
''',
        why="ReLU'(0) = 1 instead of the stated ReLU'(0) = 0",
    ),
    "a2_maxout_ties_to_second_piece": mutant(
        "maxout_forward",
        {"a2_maxout_backward"},
        source=
        '''
def maxout_forward(x, W1, b1, W2, b2):
    """Maxout with ties sent to the second piece (only differs on exact ties)."""
    s1 = x.dot(W1) + b1
    s2 = x.dot(W2) + b2
    first = s1 > s2
    return np.maximum(s1, s2), (x, W1, W2, first)
''',
        why="ties send the gradient to the second piece, not the stated first",
    ),
}

VARIANTS = {
    "a2_sigmoid_plain_formula": variant(
        "sigmoid_forward",
        '''
def sigmoid_forward(x):
    """The textbook formula: overflows (with a warning) for x = -1000 but returns 0 there."""
    out = 1.0 / (1.0 + np.exp(-x))
    return out, out
''',
        why="numpy warns about overflow; the value is still right",
    ),
    "a2_sigmoid_via_tanh": variant(
        "sigmoid_forward",
        '''
def sigmoid_forward(x):
    """sigma(x) = (1 + tanh(x / 2)) / 2."""
    out = 0.5 * (1.0 + np.tanh(0.5 * x))
    return out, out
''',
    ),
    "a2_relu_forward_caches_out": variant(
        "relu_forward",
        '''
def relu_forward(x):
    """ReLU caching its output (out > 0 exactly where x > 0)."""
    out = x * (x > 0)
    return out, out
''',
    ),
    "a2_leaky_relu_maximum": variant(
        "leaky_relu_forward",
        '''
def leaky_relu_forward(x, alpha=0.1):
    """max(alpha x, x) literally."""
    return np.maximum(alpha * x, x), (x, alpha)
''',
    ),
    "a2_elu_backward_from_output": variant(
        "elu_backward",
        '''
def elu_backward(dout, cache):
    """ELU'(x) = out + alpha for x < 0, from the output recomputed with expm1."""
    x, alpha = cache
    out = alpha * np.expm1(np.minimum(x, 0.0))
    return dout * np.where(x >= 0, 1.0, out + alpha)
''',
    ),
}
