"""A two-layer ReLU net with softmax loss and L2 regularization, staged one intermediate per line.

`two_layer_staged_forward` names every intermediate value and keeps it in `cache` (a dict, in
the order computed, after the inputs); `two_layer_staged_backward` returns the gradient of the
loss with respect to each of them (`"d" + name`, with its shape) and to the parameters and X.
"""

import numpy as np

from solutions._checks import check_float_array, check_labels, check_reg, validated

INPUTS = ("X", "y", "W1", "b1", "W2", "b2", "reg")  # the cache starts with these, in this order


def _staged_inputs(X, y, params, reg):
    """The input check of two_layer_staged_forward."""
    check_float_array("X", X, ndim=2)
    for name in ("W1", "b1", "W2", "b2"):
        check_float_array(f"params[{name!r}]", params[name], ndim=1 if name[0] == "b" else 2)
    check_labels(y, X.shape[0], params["W2"].shape[1])
    check_reg(reg)


@validated(_staged_inputs)
def two_layer_staged_forward(X, y, params, reg):
    """Loss of the net affine - ReLU - affine - softmax, plus reg * (sum W1^2 + sum W2^2).

    Inputs: X (N, D), y (N,) integer labels in [0, C), params with W1 (D, H), b1 (H,),
    W2 (H, C), b2 (C,), reg a float >= 0.
    Returns (loss, cache): loss a float; cache a dict of the inputs and every intermediate.
    """
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    N = X.shape[0]
    a1 = X @ W1 + b1  # (N, H) pre-activation
    h1 = np.maximum(a1, 0.0)  # (N, H) activation (ReLU)
    scores = h1 @ W2 + b2  # (N, C)
    row_max = scores.max(axis=1, keepdims=True)  # (N, 1) largest score of each row
    shifted = scores - row_max  # (N, C) shifted scores, at most 0
    exps = np.exp(shifted)  # (N, C)
    sums = exps.sum(axis=1, keepdims=True)  # (N, 1) row sums
    log_sums = np.log(sums)  # (N, 1)
    logprobs = shifted - log_sums  # (N, C) log-probabilities
    data_loss = -logprobs[np.arange(N), y].mean()  # scalar: mean of -log P(correct class)
    reg_loss = reg * (np.sum(W1 * W1) + np.sum(W2 * W2))  # scalar
    loss = data_loss + reg_loss  # scalar
    cache = {"X": X, "y": y, "W1": W1, "b1": b1, "W2": W2, "b2": b2, "reg": reg,
             "a1": a1, "h1": h1, "scores": scores, "row_max": row_max, "shifted": shifted,
             "exps": exps, "sums": sums, "log_sums": log_sums, "logprobs": logprobs,
             "data_loss": data_loss, "reg_loss": reg_loss, "loss": loss}
    return loss, cache


def two_layer_staged_backward(cache):
    """Backward of two_layer_staged_forward, one line per forward line, in reverse order.

    Input: the cache of two_layer_staged_forward.
    Returns a dict with "d" + name for every intermediate (dloss, dreg_loss, ..., da1), each of
    its intermediate's shape (floats for the scalars), and dW1, db1, dW2, db2, dX.
    """
    X, y, W1, W2, reg = (cache[k] for k in ("X", "y", "W1", "W2", "reg"))
    a1, h1, scores = cache["a1"], cache["h1"], cache["scores"]
    shifted, exps, sums = cache["shifted"], cache["exps"], cache["sums"]
    N = X.shape[0]
    # backward pass: d<name> is the gradient of loss with respect to <name>
    dloss = 1.0
    ddata_loss = dloss  # loss = data_loss + reg_loss
    dreg_loss = dloss
    dW1 = 2 * reg * W1 * dreg_loss  # reg_loss = reg * (sum W1^2 + sum W2^2)
    dW2 = 2 * reg * W2 * dreg_loss
    dlogprobs = np.zeros_like(shifted)  # data_loss = -mean_i logprobs[i, y_i]
    dlogprobs[np.arange(N), y] = -ddata_loss / N
    dshifted = dlogprobs.copy()  # logprobs = shifted - log_sums
    dlog_sums = -dlogprobs.sum(axis=1, keepdims=True)  # log_sums is broadcast over the row
    dsums = dlog_sums / sums  # log_sums = log(sums)
    dexps = np.ones_like(exps) * dsums  # sums = sum_j exps
    dshifted += exps * dexps  # exps = exp(shifted); shifted was used twice
    dscores = dshifted.copy()  # shifted = scores - row_max
    drow_max = -dshifted.sum(axis=1, keepdims=True)
    dscores[np.arange(N), scores.argmax(axis=1)] += drow_max[:, 0]  # row_max = max_j scores
    dh1 = dscores @ W2.T  # scores = h1 W2 + b2
    dW2 += h1.T @ dscores
    db2 = dscores.sum(axis=0)
    da1 = dh1 * (a1 > 0)  # h1 = max(a1, 0)
    dX = da1 @ W1.T  # a1 = X W1 + b1
    dW1 += X.T @ da1
    db1 = da1.sum(axis=0)
    return {"dloss": dloss, "ddata_loss": ddata_loss, "dreg_loss": dreg_loss,
            "dlogprobs": dlogprobs, "dlog_sums": dlog_sums, "dsums": dsums, "dexps": dexps,
            "dshifted": dshifted, "drow_max": drow_max, "dscores": dscores, "dh1": dh1,
            "da1": da1, "dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2, "dX": dX}
