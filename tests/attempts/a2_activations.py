"""Attempts at assignment 2 (activations): bugs students write, and correct unusual forms."""

from attempts import bug, correct

SIGMOID_BUGGY_FORWARD = '''
def sigmoid_forward(x):
    out = 1 / (1 + np.exp(x))
    return out, out
'''

NOT_YET = []  # exercises without attempts

ATTEMPTS = [
    # ----- sigmoid_forward
    bug("a2_sigmoid_forward", "sign of the exponent flipped", SIGMOID_BUGGY_FORWARD,
        says="out:", names="sigmoid_forward"),
    bug("a2_sigmoid_forward", "returns out without the cache", '''
def sigmoid_forward(x):
    return 1 / (1 + np.exp(-x))
''', says="should return a tuple (out, cache)", names="sigmoid_forward"),
    bug("a2_sigmoid_forward", "negates x in place", '''
def sigmoid_forward(x):
    x *= -1
    out = 1 / (1 + np.exp(x))
    return out, out
''', says="modified its argument #1 in place", names="sigmoid_forward"),
    bug("a2_sigmoid_forward", "cell left as the stub", '''
def sigmoid_forward(x):
    raise NotImplementedError("Replace this line with your code, then run the test cell below.")
''', says="is not written yet", names="sigmoid_forward", lines=2),
    correct("a2_sigmoid_forward", "through tanh", '''
def sigmoid_forward(x):
    out = 0.5 * (1 + np.tanh(x / 2))
    return out, out
'''),
    correct("a2_sigmoid_forward", "float32 intermediates, the textbook formula", '''
def sigmoid_forward(x):
    out = (1 / (1 + np.exp(-x.astype(np.float32)))).astype(np.float64)
    return out, out
'''),
    # ----- sigmoid_backward
    bug("a2_sigmoid_backward", "forgets dout", '''
def sigmoid_backward(dout, cache):
    return cache * (1 - cache)
''', says="dx:", names="sigmoid_backward"),
    bug("a2_sigmoid_backward", "sign flipped", '''
def sigmoid_backward(dout, cache):
    return -dout * cache * (1 - cache)
''', says="the sign is flipped", names="sigmoid_backward"),
    bug("a2_sigmoid_backward", "takes the cached output for x", '''
def sigmoid_backward(dout, cache):
    s = 1 / (1 + np.exp(-cache))
    return dout * s * (1 - s)
''', says="dx:", names="sigmoid_backward"),
    bug("a2_sigmoid_backward", "a correct backward behind a wrong forward",
        SIGMOID_BUGGY_FORWARD + '''
def sigmoid_backward(dout, cache):
    return dout * cache * (1 - cache)
''', says="sigmoid_forward fails its own test above: fix it first", names="sigmoid_forward",
        lines=1),
    correct("a2_sigmoid_backward", "expanded product", '''
def sigmoid_backward(dout, cache):
    return dout * cache - dout * cache**2
'''),
    correct("a2_sigmoid_backward", "float32 intermediates", '''
def sigmoid_backward(dout, cache):
    s = cache.astype(np.float32)
    return (dout.astype(np.float32) * s * (1 - s)).astype(np.float64)
'''),
    # ----- tanh_forward
    bug("a2_tanh_forward", "from exponentials: inf / inf at |x| = 1000", '''
def tanh_forward(x):
    out = (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x))
    return out, out
''', says="not finite", names="tanh_forward"),
    bug("a2_tanh_forward", "2 sigma(x) - 1 instead of 2 sigma(2x) - 1", '''
def tanh_forward(x):
    out = 2 / (1 + np.exp(-x)) - 1
    return out, out
''', says="out:", names="tanh_forward"),
    bug("a2_tanh_forward", "cache first", '''
def tanh_forward(x):
    out = np.tanh(x)
    return x, out
''', says="out:", names="tanh_forward"),
    correct("a2_tanh_forward", "2 sigma(2x) - 1", '''
def tanh_forward(x):
    out = 2 / (1 + np.exp(-2 * x)) - 1
    return out, out
'''),
    correct("a2_tanh_forward", "float32 result", '''
def tanh_forward(x):
    out = np.tanh(x.astype(np.float32))
    return out, out
'''),
    # ----- tanh_backward
    bug("a2_tanh_backward", "1 - tanh instead of 1 - tanh**2", '''
def tanh_backward(dout, cache):
    return dout * (1 - cache)
''', says="dx:", names="tanh_backward"),
    bug("a2_tanh_backward", "forgets dout", '''
def tanh_backward(dout, cache):
    return 1 - cache**2
''', says="dx:", names="tanh_backward"),
    bug("a2_tanh_backward", "a correct backward behind a wrong forward", '''
def tanh_forward(x):
    out = 2 / (1 + np.exp(-x)) - 1
    return out, out

def tanh_backward(dout, cache):
    return dout * (1 - cache**2)
''', says="tanh_forward fails its own test above", names="tanh_forward", lines=1),
    correct("a2_tanh_backward", "behind a forward that overflows only at |x| = 1000", '''
def tanh_forward(x):
    out = (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x))
    return out, out

def tanh_backward(dout, cache):
    return dout * (1 - cache) * (1 + cache)
'''),
    correct("a2_tanh_backward", "factored", '''
def tanh_backward(dout, cache):
    return dout * (1 - cache) * (1 + cache)
'''),
    correct("a2_tanh_backward", "textbook backward behind a float32 forward", '''
def tanh_forward(x):
    out = np.tanh(x.astype(np.float32))
    return out, out

def tanh_backward(dout, cache):
    return dout * (1 - cache**2)
'''),
    # ----- relu_forward
    bug("a2_relu_forward", "zeroes x in place", '''
def relu_forward(x):
    x[x < 0] = 0
    return x, x
''', says="modified its argument #1 in place", names="relu_forward"),
    bug("a2_relu_forward", "np.max instead of np.maximum", '''
def relu_forward(x):
    out = np.max(x, 0)
    return out, x
''', says="wrong shape", names="relu_forward"),
    bug("a2_relu_forward", "the mask instead of the values", '''
def relu_forward(x):
    out = (x > 0).astype(float)
    return out, x
''', says="out:", names="relu_forward"),
    correct("a2_relu_forward", "multiply by the mask", '''
def relu_forward(x):
    return x * (x > 0), x
'''),
    correct("a2_relu_forward", "np.where and np.clip", '''
def relu_forward(x):
    out = np.where(x > 0, x, 0.0)
    return np.clip(out, 0, None), x
'''),
    # ----- relu_backward
    bug("a2_relu_backward", "lets the gradient through at x = 0", '''
def relu_backward(dout, cache):
    return dout * (cache >= 0)
''', says="ReLU'(0) = 0", names="relu_backward"),
    bug("a2_relu_backward", "forgets dout", '''
def relu_backward(dout, cache):
    return (cache > 0).astype(float)
''', says="dx:", names="relu_backward"),
    bug("a2_relu_backward", "zeroes dout in place", '''
def relu_backward(dout, cache):
    dout[cache <= 0] = 0
    return dout
''', says="modified its argument #1 in place", names="relu_backward"),
    correct("a2_relu_backward", "np.where", '''
def relu_backward(dout, cache):
    return np.where(cache > 0, dout, 0.0)
'''),
    correct("a2_relu_backward", "a copy zeroed in place", '''
def relu_backward(dout, cache):
    dx = dout.copy()
    dx[cache <= 0] = 0
    return dx
'''),
    # ----- leaky_relu_forward
    bug("a2_leaky_relu_forward", "slope 0.1 whatever alpha is", '''
def leaky_relu_forward(x, alpha=0.1):
    out = np.where(x > 0, x, 0.1 * x)
    return out, (x, alpha)
''', says="alpha=0.3", names="leaky_relu_forward"),
    bug("a2_leaky_relu_forward", "alpha instead of alpha * x", '''
def leaky_relu_forward(x, alpha=0.1):
    out = np.where(x > 0, x, alpha)
    return out, (x, alpha)
''', says="out:", names="leaky_relu_forward"),
    bug("a2_leaky_relu_forward", "no cache", '''
def leaky_relu_forward(x, alpha=0.1):
    return np.maximum(alpha * x, x)
''', says="should return a tuple (out, cache)", names="leaky_relu_forward"),
    bug("a2_leaky_relu_forward", "PyTorch's default alpha=0.01", '''
def leaky_relu_forward(x, alpha=0.01):
    return np.maximum(alpha * x, x), (x, alpha)
''', says="the default of alpha should be 0.1", names="leaky_relu_forward", lines=3),
    correct("a2_leaky_relu_forward", "max(alpha x, x)", '''
def leaky_relu_forward(x, alpha=0.1):
    return np.maximum(alpha * x, x), (x, alpha)
'''),
    correct("a2_leaky_relu_forward", "a copy scaled in place", '''
def leaky_relu_forward(x, alpha=0.1):
    out = x.copy()
    out[out < 0] *= alpha
    return out, (x, alpha)
'''),
    # ----- leaky_relu_backward
    bug("a2_leaky_relu_backward", "alpha hard-coded to 0.1", '''
def leaky_relu_backward(dout, cache):
    x, alpha = cache
    return dout * np.where(x > 0, 1.0, 0.1)
''', says="with the alpha passed to the forward", names="leaky_relu_backward"),
    bug("a2_leaky_relu_backward", "slope 1 at x = 0", '''
def leaky_relu_backward(dout, cache):
    x, alpha = cache
    return dout * np.where(x >= 0, 1.0, alpha)
''', says="leaky ReLU'(0) = alpha", names="leaky_relu_backward"),
    bug("a2_leaky_relu_backward", "forgets dout", '''
def leaky_relu_backward(dout, cache):
    x, alpha = cache
    return np.where(x > 0, 1.0, alpha)
''', says="dx:", names="leaky_relu_backward"),
    correct("a2_leaky_relu_backward", "a copy scaled in place", '''
def leaky_relu_backward(dout, cache):
    x, alpha = cache
    dx = dout.copy()
    dx[x <= 0] *= alpha
    return dx
'''),
    correct("a2_leaky_relu_backward", "mask arithmetic", '''
def leaky_relu_backward(dout, cache):
    x, alpha = cache
    positive = (x > 0).astype(dout.dtype)
    return dout * (positive + alpha * (1 - positive))
'''),
    # ----- elu_forward
    bug("a2_elu_forward", "forgets alpha", '''
def elu_forward(x, alpha=1.0):
    out = np.where(x >= 0, x, np.exp(np.minimum(x, 0)) - 1)
    return out, (x, alpha)
''', says="alpha=0.3", names="elu_forward"),
    bug("a2_elu_forward", "the default alpha changed to 0.1", '''
def elu_forward(x, alpha=0.1):
    out = np.where(x >= 0, x, alpha * np.expm1(np.minimum(x, 0)))
    return out, (x, alpha)
''', says="the default of alpha should be 1.0", names="elu_forward", lines=3),
    bug("a2_elu_forward", "forgets the - 1", '''
def elu_forward(x, alpha=1.0):
    out = np.where(x >= 0, x, alpha * np.exp(np.minimum(x, 0)))
    return out, (x, alpha)
''', says="out:", names="elu_forward"),
    bug("a2_elu_forward", "rewrites x in place", '''
def elu_forward(x, alpha=1.0):
    neg = x < 0
    x[neg] = alpha * (np.exp(x[neg]) - 1)
    return x, (x, alpha)
''', says="modified its argument #1 in place", names="elu_forward"),
    correct("a2_elu_forward", "np.where with exp (the unused branch's overflow is harmless)", '''
def elu_forward(x, alpha=1.0):
    out = np.where(x >= 0, x, alpha * (np.exp(x) - 1))
    return out, (x, alpha)
'''),
    correct("a2_elu_forward", "max and min pieces", '''
def elu_forward(x, alpha=1.0):
    out = np.maximum(x, 0) + alpha * np.expm1(np.minimum(x, 0))
    return out, (x, alpha)
'''),
    # ----- elu_backward
    bug("a2_elu_backward", "slope alpha at x = 0", '''
def elu_backward(dout, cache):
    x, alpha = cache
    return dout * np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0)))
''', says="ELU'(0) = 1", names="elu_backward"),
    bug("a2_elu_backward", "alpha left out", '''
def elu_backward(dout, cache):
    x, alpha = cache
    return dout * np.where(x >= 0, 1.0, np.exp(np.minimum(x, 0)))
''', says="with the alpha passed to the forward", names="elu_backward"),
    bug("a2_elu_backward", "forgets dout", '''
def elu_backward(dout, cache):
    x, alpha = cache
    return np.where(x >= 0, 1.0, alpha * np.exp(np.minimum(x, 0)))
''', says="dx:", names="elu_backward"),
    correct("a2_elu_backward", "from the output: ELU'(x) = out + alpha for x < 0", '''
def elu_forward(x, alpha=1.0):
    out = np.where(x >= 0, x, alpha * np.expm1(np.minimum(x, 0)))
    return out, (x, out, alpha)

def elu_backward(dout, cache):
    x, out, alpha = cache
    return dout * np.where(x >= 0, 1.0, out + alpha)
'''),
    correct("a2_elu_backward", "exp of log", '''
def elu_backward(dout, cache):
    x, alpha = cache
    local = np.where(x >= 0, 1.0, np.exp(np.log(alpha) + np.minimum(x, 0)))
    return dout * local
'''),
    # ----- maxout_forward
    bug("a2_maxout_forward", "forgets the biases", '''
def maxout_forward(x, W1, b1, W2, b2):
    s1, s2 = x @ W1, x @ W2
    return np.maximum(s1, s2), (x, W1, W2, s1 >= s2)
''', says="out:", names="maxout_forward"),
    bug("a2_maxout_forward", "np.max of two arrays", '''
def maxout_forward(x, W1, b1, W2, b2):
    s1, s2 = x @ W1 + b1, x @ W2 + b2
    out = np.max(s1, s2)
    return out, (x, W1, W2, s1 >= s2)
''', says="your code, in maxout_forward", names="maxout_forward", lines=4),
    bug("a2_maxout_forward", "W transposed", '''
def maxout_forward(x, W1, b1, W2, b2):
    s1, s2 = x @ W1.T + b1, x @ W2.T + b2
    return np.maximum(s1, s2), (x, W1, W2, s1 >= s2)
''', says="matrix product of mismatched shapes", names="maxout_forward", lines=5),
    correct("a2_maxout_forward", "np.where on the pieces", '''
def maxout_forward(x, W1, b1, W2, b2):
    s1 = np.einsum("nd,dm->nm", x, W1) + b1
    s2 = np.einsum("nd,dm->nm", x, W2) + b2
    first = s1 >= s2
    return np.where(first, s1, s2), (x, W1, W2, first)
'''),
    correct("a2_maxout_forward", "stacked pieces", '''
def maxout_forward(x, W1, b1, W2, b2):
    pieces = np.stack([x @ W1 + b1, x @ W2 + b2])
    first = pieces[0] >= pieces[1]
    return pieces.max(axis=0), (x, W1, W2, first)
'''),
    # ----- maxout_backward
    bug("a2_maxout_backward", "ties go to the second piece", '''
def maxout_forward(x, W1, b1, W2, b2):
    s1, s2 = x @ W1 + b1, x @ W2 + b2
    first = s1 > s2
    return np.where(first, s1, s2), (x, W1, W2, first)

def maxout_backward(dout, cache):
    x, W1, W2, first = cache
    ds1, ds2 = dout * first, dout * ~first
    return ds1 @ W1.T + ds2 @ W2.T, x.T @ ds1, ds1.sum(axis=0), x.T @ ds2, ds2.sum(axis=0)
''', says="ties send the gradient to the first piece", names="maxout_backward"),
    bug("a2_maxout_backward", "dx only through the first piece", '''
def maxout_backward(dout, cache):
    x, W1, W2, first = cache
    ds1, ds2 = dout * first, dout * ~first
    return ds1 @ W1.T, x.T @ ds1, ds1.sum(axis=0), x.T @ ds2, ds2.sum(axis=0)
''', says="dx", names="maxout_backward"),
    bug("a2_maxout_backward", "biases summed over the wrong axis", '''
def maxout_backward(dout, cache):
    x, W1, W2, first = cache
    ds1, ds2 = dout * first, dout * ~first
    return ds1 @ W1.T + ds2 @ W2.T, x.T @ ds1, ds1.sum(axis=1), x.T @ ds2, ds2.sum(axis=1)
''', says="db1", names="maxout_backward"),
    correct("a2_maxout_backward", "np.where and einsum", '''
def maxout_backward(dout, cache):
    x, W1, W2, first = cache
    ds1 = np.where(first, dout, 0.0)
    ds2 = np.where(first, 0.0, dout)
    dx = np.einsum("nm,dm->nd", ds1, W1) + np.einsum("nm,dm->nd", ds2, W2)
    return dx, x.T @ ds1, ds1.sum(axis=0), x.T @ ds2, ds2.sum(axis=0)
'''),
    correct("a2_maxout_backward", "float32 intermediates", '''
def maxout_backward(dout, cache):
    x, W1, W2, first = cache
    d = dout.astype(np.float32)
    ds1, ds2 = d * first, d * ~first
    dx = ds1 @ W1.T.astype(np.float32) + ds2 @ W2.T.astype(np.float32)
    grads = dx, x.T @ ds1, ds1.sum(axis=0), x.T @ ds2, ds2.sum(axis=0)
    return tuple(g.astype(np.float64) for g in grads)
'''),
]
