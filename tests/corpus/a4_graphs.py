"""Assignment 4 corpus, section 1: the staged graphs and the staged two-layer net (mistakes, and
correct backward passes written otherwise). Merged into corpus.a4_backprop."""

import inspect

from corpus import mutant, variant
from solutions import graphs


def _graph(name, forward, backward, doc="Written otherwise."):
    """A whole graph function: the given forward lines, then the student's backward lines."""
    args = ", ".join(inspect.signature(getattr(graphs, name)).parameters)
    return f'\ndef {name}({args}):\n    """{doc}"""\n{forward}{backward}'


FAN_OUT = "    u = a * b\n    v = np.tanh(u)\n    w = v + a\n    f = w * b\n"
MAX_MIN = "    p = x * y\n    m = max(p, z)\n    n = min(y, z)\n    f = m * n\n"
DIV_EXP_LOG = ("    e = np.exp(x)\n    s = 1.0 + e\n    num = np.log(s)\n    t = x - y\n"
               "    den = 1.0 + t * t\n    f = num / den\n")
VECTOR = "    a = x @ W\n    h = np.maximum(a, 0.0)\n    r = h - t\n    f = np.sum(r * r)\n"

MUTANTS = {
    # ----- fan-out: a and b are each used twice
    "a4_fan_out_overwrites_da": mutant(
        "fan_out_graph", {"a4_graph_fan_out"},
        ("    da += b * du", "    da = b * du"),
        why="= instead of += where a is used a second time",
    ),
    "a4_fan_out_tanh_gradient_without_square": mutant(
        "fan_out_graph", {"a4_graph_fan_out"},
        ("du = (1.0 - v * v) * dv", "du = (1.0 - v) * dv"),
        why="tanh' taken as 1 - tanh",
    ),
    "a4_fan_out_mul_gate_not_swapped": mutant(
        "fan_out_graph", {"a4_graph_fan_out"},
        ("    da += b * du", "    da += a * du"), ("    db += a * du", "    db += b * du"),
        why="the mul gate multiplies by the input itself instead of the other input",
    ),
    "a4_fan_out_edited_forward": mutant(
        "fan_out_graph", {"a4_graph_fan_out"},
        source=_graph("fan_out_graph", "    u = a * b\n    v = np.tanh(u)\n    f = v * b\n",
                      "    du = b\n    da = b * (1.0 - v * v) * du\n"
                      "    db = v + a * (1.0 - v * v) * b\n    return f, (da, db)\n",
                      "The given forward pass shortened (w = v + a left out), its backward "
                      "to match."),
        why="the given forward pass edited: gradients of another function",
    ),
    "a4_fan_out_hard_coded": mutant(
        "fan_out_graph", {"a4_graph_fan_out"},
        source=_graph("fan_out_graph", FAN_OUT, "    return f, (-0.1577, -0.5826)\n"),
        why="the example's numbers typed in",
    ),
    # ----- max and min gates
    "a4_max_min_max_to_both": mutant(
        "max_min_graph", {"a4_graph_max_min"},
        ("dp = dm if p > z else 0.0", "dp = dm"), ("dz += 0.0 if p > z else dm", "dz += dm"),
        why="the max gate treated like an add gate",
    ),
    "a4_max_min_min_to_the_larger": mutant(
        "max_min_graph", {"a4_graph_max_min"},
        ("dy = dn if y < z else 0.0", "dy = dn if y > z else 0.0"),
        ("dz = 0.0 if y < z else dn", "dz = 0.0 if y > z else dn"),
        why="the min gate routes like a max gate",
    ),
    "a4_max_min_overwrites_dz": mutant(
        "max_min_graph", {"a4_graph_max_min"},
        ("dz += 0.0 if p > z else dm", "dz = 0.0 if p > z else dm"),
        why="z feeds two gates; the second gradient replaces the first",
    ),
    "a4_max_min_overwrites_dy": mutant(
        "max_min_graph", {"a4_graph_max_min"},
        ("    dy += x * dp", "    dy = x * dp"),
        why="y feeds two gates; the second gradient replaces the first",
    ),
    # ----- division, exp and log
    "a4_div_exp_log_division_sign": mutant(
        "div_exp_log_graph", {"a4_graph_div_exp_log"},
        ("dden = -num / (den * den)", "dden = num / (den * den)"),
        why="d(1/den) taken as +1/den^2",
    ),
    "a4_div_exp_log_division_without_square": mutant(
        "div_exp_log_graph", {"a4_graph_div_exp_log"},
        ("dden = -num / (den * den)", "dden = -num / den"),
        why="d(num/den)/dden taken as -num/den",
    ),
    "a4_div_exp_log_log_without_upstream": mutant(
        "div_exp_log_graph", {"a4_graph_div_exp_log"},
        ("ds = dnum / s", "ds = 1.0 / s"),
        why="the local gradient of log without the gradient from above",
    ),
    "a4_div_exp_log_overwrites_dx": mutant(
        "div_exp_log_graph", {"a4_graph_div_exp_log"},
        ("    dx += e * de", "    dx = e * de"),
        why="x is used twice; only the exp path is kept",
    ),
    # ----- a graph on vectors
    "a4_vector_relu_times_activation": mutant(
        "vector_graph", {"a4_graph_vector"},
        ("da = dh * (a > 0)", "da = dh * h"),
        why="multiplies by the ReLU's output instead of its 0/1 local gradient",
    ),
    "a4_vector_dW_transposed": mutant(
        "vector_graph", {"a4_graph_vector"},
        ("dW = np.outer(x, da)", "dW = np.outer(da, x)"),
        why="dW of shape (K, D) instead of W's (D, K)",
    ),
    "a4_vector_square_without_2": mutant(
        "vector_graph", {"a4_graph_vector"},
        ("dr = 2.0 * r", "dr = r"),
        why="d(r^2)/dr taken as r",
    ),
    # ----- the staged two-layer net
    "a4_staged_forgets_one_over_N": mutant(
        "two_layer_staged_backward", {"a4_staged_backward"},
        ("dlogprobs[np.arange(N), y] = -ddata_loss / N",
         "dlogprobs[np.arange(N), y] = -ddata_loss"),
        why="the mean over the examples forgotten",
    ),
    "a4_staged_log_without_upstream": mutant(
        "two_layer_staged_backward", {"a4_staged_backward"},
        ("dsums = dlog_sums / sums", "dsums = 1.0 / sums"),
        why="the local gradient of log without the gradient from above",
    ),
    "a4_staged_shifted_overwritten": mutant(
        "two_layer_staged_backward", {"a4_staged_backward"},
        ("dshifted += exps * dexps", "dshifted = exps * dexps"),
        why="shifted feeds two lines; the gradient through logprobs is lost",
    ),
    "a4_staged_relu_times_activation": mutant(
        "two_layer_staged_backward", {"a4_staged_backward"},
        ("da1 = dh1 * (a1 > 0)", "da1 = dh1 * h1"),
        why="multiplies by the ReLU's output instead of its 0/1 local gradient",
    ),
    "a4_staged_log_sums_summed_over_examples": mutant(
        "two_layer_staged_backward", {"a4_staged_backward"},
        ("dlog_sums = -dlogprobs.sum(axis=1, keepdims=True)",
         "dlog_sums = -dlogprobs.sum(axis=0, keepdims=True)"),
        why="sums the broadcast gradient over the wrong axis",
    ),
    "a4_vector_dt_sign": mutant(
        "vector_graph", {"a4_graph_vector"},
        ("dt = -dr", "dt = dr"),
        why="r = h - t: the sign of t's gradient lost",
    ),
}

STAGED_HEAD = """
def two_layer_staged_backward(cache):
    \"\"\"Written otherwise.\"\"\"
    X, y, W1, W2, reg = (cache[k] for k in ("X", "y", "W1", "W2", "reg"))
    a1, h1, scores = cache["a1"], cache["h1"], cache["scores"]
    shifted, exps, sums = cache["shifted"], cache["exps"], cache["sums"]
    N = X.shape[0]
"""
STAGED_RETURN = """
    names = ["loss", "data_loss", "reg_loss", "logprobs", "log_sums", "sums", "exps", "shifted",
             "row_max", "scores", "h1", "a1", "W1", "b1", "W2", "b2", "X"]
    return {"d" + n: value for n, value in zip(names, [
        dloss, ddata_loss, dreg_loss, dlogprobs, dlog_sums, dsums, dexps, dshifted, drow_max,
        dscores, dh1, da1, dW1, db1, dW2, db2, dX], strict=True)}
"""

VARIANTS = {
    "a4_staged_one_hot_and_zero_row_max": variant("two_layer_staged_backward", STAGED_HEAD + """
    dloss = ddata_loss = dreg_loss = 1.0
    one_hot = np.eye(exps.shape[1])[y]
    dlogprobs = -one_hot / N
    dlog_sums = one_hot.sum(axis=1, keepdims=True) / N
    dsums = dlog_sums / sums
    dexps = np.broadcast_to(dsums, exps.shape).copy()
    dshifted = dlogprobs + exps * dexps
    drow_max = np.zeros((N, 1))  # the shift cancels: its gradient is 0 (up to rounding)
    dscores = dshifted
    dh1 = dscores @ W2.T
    dW2 = h1.T @ dscores + 2 * reg * W2
    db2 = dscores.sum(axis=0)
    da1 = np.where(a1 > 0, dh1, 0.0)
    dW1 = X.T @ da1 + 2 * reg * W1
    db1 = da1.sum(axis=0)
    dX = da1 @ W1.T
""" + STAGED_RETURN),
    "a4_staged_loops_per_example": variant("two_layer_staged_backward", STAGED_HEAD + """
    dloss, ddata_loss, dreg_loss = 1.0, 1.0, 1.0
    C = exps.shape[1]
    dlogprobs, dshifted = np.zeros((N, C)), np.zeros((N, C))
    dlog_sums, dsums, drow_max = np.zeros((N, 1)), np.zeros((N, 1)), np.zeros((N, 1))
    dexps, dscores = np.zeros((N, C)), np.zeros((N, C))
    for i in range(N):
        dlogprobs[i, y[i]] = -1.0 / N
        dlog_sums[i, 0] = -np.sum(dlogprobs[i])
        dsums[i, 0] = dlog_sums[i, 0] / sums[i, 0]
        dexps[i, :] = dsums[i, 0]
        dshifted[i] = dlogprobs[i] + exps[i] * dexps[i]
        drow_max[i, 0] = -np.sum(dshifted[i])
        dscores[i] = dshifted[i]
        dscores[i, np.argmax(scores[i])] += drow_max[i, 0]
    dh1 = np.einsum("nc,hc->nh", dscores, W2)
    dW2 = np.einsum("nh,nc->hc", h1, dscores) + 2 * reg * W2
    db2 = np.einsum("nc->c", dscores)
    da1 = dh1 * (a1 > 0).astype(float)
    dW1 = np.einsum("nd,nh->dh", X, da1) + 2 * reg * W1
    db1 = np.einsum("nh->h", da1)
    dX = np.einsum("nh,dh->nd", da1, W1)
""" + STAGED_RETURN),
    "a4_fan_out_closed_form": variant("fan_out_graph", _graph("fan_out_graph", FAN_OUT, '''
    sech2 = 1.0 / np.cosh(a * b) ** 2
    da = b * (1.0 + b * sech2)
    db = np.tanh(a * b) + a + a * b * sech2
    return f, (da, db)
''', "Derivatives of the whole expression.")),
    "a4_fan_out_lists_accumulated": variant("fan_out_graph", _graph("fan_out_graph", FAN_OUT, '''
    grads = {"a": 0.0, "b": 0.0}
    dw = b
    grads["b"] += w
    grads["a"] += dw
    du = dw * (1 - np.tanh(u) ** 2)
    grads["a"] += du * b
    grads["b"] += du * a
    return f, [grads["a"], grads["b"]]
''', "Gradients collected in a dict, returned as a list.")),
    "a4_max_min_masks": variant("max_min_graph", _graph("max_min_graph", MAX_MIN, '''
    dm, dn = n, m
    dp = dm * float(p >= z)
    dy = dn * float(y <= z) + x * dp
    dz = dm * float(z > p) + dn * float(z < y)
    dx = y * dp
    return f, (dx, dy, dz)
''', "0/1 masks (ties are never tested).")),
    "a4_max_min_np_arrays": variant("max_min_graph", _graph("max_min_graph", MAX_MIN, '''
    grads = np.zeros(3)
    if p > z:
        grads[0] += y * n
        grads[1] += x * n
    else:
        grads[2] += n
    if y < z:
        grads[1] += m
    else:
        grads[2] += m
    return f, tuple(grads)
''', "One branch per gate, gradients in an array.")),
    "a4_div_exp_log_quotient_rule": variant("div_exp_log_graph", _graph(
        "div_exp_log_graph", DIV_EXP_LOG, '''
    sig = 1.0 / (1.0 + np.exp(-x))
    dx = (sig * den - num * 2.0 * t) / den**2
    dy = num * 2.0 * t / den**2
    return f, (dx, dy)
''', "The quotient rule; softplus' is the sigmoid.")),
    "a4_div_exp_log_logs": variant("div_exp_log_graph", _graph(
        "div_exp_log_graph", DIV_EXP_LOG, '''
    dlog_f_dnum = 1.0 / num
    dlog_f_dden = -1.0 / den
    dx = f * (dlog_f_dnum * e / s + dlog_f_dden * 2 * t)
    dy = f * dlog_f_dden * (-2 * t)
    return f, (float(dx), float(dy))
''', "Through log f = log num - log den (num > 0).")),
    "a4_vector_einsum": variant("vector_graph", _graph("vector_graph", VECTOR, '''
    dh = 2 * r
    da = np.where(a > 0, dh, 0.0)
    return f, (np.einsum("dk,k->d", W, da), np.einsum("d,k->dk", x, da), -2 * r)
''', "einsum and np.where.")),
    "a4_vector_loops": variant("vector_graph", _graph("vector_graph", VECTOR, '''
    D, K = W.shape
    dx, dW, dt = np.zeros(D), np.zeros((D, K)), np.zeros(K)
    for k in range(K):
        dt[k] = -2 * r[k]
        da_k = 2 * r[k] if a[k] > 0 else 0.0
        for d in range(D):
            dx[d] += W[d, k] * da_k
            dW[d, k] = x[d] * da_k
    return f, (dx, dW, dt)
''', "Loops over every entry.")),
}
