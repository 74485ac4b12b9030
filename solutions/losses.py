"""Classification losses: multiclass SVM (hinge) and softmax (cross-entropy), naive and vectorized.

Conventions (see the contract): losses are averaged over the N examples, regularization is
`reg * sum(W**2)` with gradient `2 * reg * W`, the SVM margin is Delta = 1 and counts only when
it is > 0, and the softmax is computed stably by shifting each row of scores by its maximum.
"""

import numpy as np

from solutions._checks import (
    check_finite_result,
    check_float_array,
    check_inner_dims,
    check_labels,
    check_reg,
    validated,
)


def _linear_inputs(W, X, y, reg, finite=True):
    """The input check of the linear-classifier losses: W (D, C), X (N, D), y, reg.

    With `finite=False` the pass over X and W is skipped: a NaN or inf in them reaches the loss,
    whose check then names the input to blame.
    """
    check_float_array("W", W, ndim=2, finite=finite)
    check_float_array("X", X, ndim=2, finite=finite)
    check_inner_dims("X", X, "W", W)
    check_labels(y, X.shape[0], W.shape[1])
    check_reg(reg)


def _linear_inputs_scanned_later(W, X, y, reg):
    """_linear_inputs for the vectorized losses: NaN and inf are found in the loss instead."""
    _linear_inputs(W, X, y, reg, finite=False)


def _finite_loss(result, W, X, y, reg):
    """A finite loss and dW, or the input to blame for NaN/inf (any in X or W reaches one)."""
    check_finite_result("loss", result[0], X=X, W=W)
    check_finite_result("dW", result[1], X=X, W=W)


def _score_inputs(scores, y):
    """The input check of the data losses on precomputed scores: scores (N, C), y."""
    check_float_array("scores", scores, ndim=2)
    check_labels(y, scores.shape[0], scores.shape[1])


# ---------------------------------------------------------------------------------------------
# Multiclass SVM: L_i = sum_{j != y_i} max(0, s_j - s_{y_i} + 1)
# ---------------------------------------------------------------------------------------------


@validated(_linear_inputs)
def svm_loss_naive(W, X, y, reg):
    """Multiclass SVM loss with explicit loops over examples and classes.

    Inputs: W (D, C) weights, X (N, D) examples, y (N,) labels in [0, C), reg >= 0.
    Returns (loss, dW): the scalar loss and its gradient with respect to W, shape (D, C).
    """
    N, C = X.shape[0], W.shape[1]
    loss = 0.0
    dW = np.zeros(W.shape, dtype=np.result_type(W, X))
    for i in range(N):
        s = X[i] @ W  # scores of example i, (C,)
        correct_class_score = s[y[i]]
        for j in range(C):
            if j == y[i]:
                continue
            margin = s[j] - correct_class_score + 1  # Delta = 1
            if margin > 0:  # a margin of exactly 0 contributes nothing
                loss += margin
                # d margin / d W[:, j] = x_i,  d margin / d W[:, y_i] = -x_i
                dW[:, j] += X[i]
                dW[:, y[i]] -= X[i]
    loss /= N
    dW /= N
    loss += reg * np.sum(W * W)
    dW += 2 * reg * W
    return float(loss), dW


@validated(_score_inputs)
def svm_loss(scores, y):
    """Multiclass SVM data loss on precomputed scores (no regularization).

    Inputs: scores (N, C), y (N,) labels in [0, C).
    Returns (loss, dscores): the loss averaged over N and its gradient, shape (N, C).
    """
    N = scores.shape[0]
    rows = np.arange(N)
    correct_class_scores = scores[rows, y][:, None]  # s_{y_i}, (N, 1)
    margins = np.maximum(0, scores - correct_class_scores + 1)  # (N, C)
    margins[rows, y] = 0  # the sum runs over j != y_i
    loss = margins.sum() / N
    # local gradient of the average: each positive margin adds +1/N to s_j and -1/N to s_{y_i}
    dscores = (margins > 0) / N
    dscores[rows, y] = -dscores.sum(axis=1)
    return float(loss), dscores


@validated(_linear_inputs_scanned_later, _finite_loss)
def svm_loss_vectorized(W, X, y, reg):
    """Multiclass SVM loss without loops over examples; same inputs and outputs as the naive one."""
    # s = X W, (N, C), as (W^T X^T)^T: the same product, stored column by column, which makes
    # the loss's sums along each row faster
    scores = (W.T @ X.T).T
    data_loss, dscores = svm_loss(scores, y)
    loss = data_loss + reg * np.vdot(W, W)  # vdot(W, W) = sum(W * W), with no temporary
    # s = X W  =>  dW = X^T dscores, written (dscores^T X)^T: the same product, faster in BLAS
    dW = (dscores.T @ X).T + 2 * reg * W
    return float(loss), dW


# ---------------------------------------------------------------------------------------------
# Softmax: L_i = -log(exp(s_{y_i}) / sum_j exp(s_j))
# ---------------------------------------------------------------------------------------------


@validated(_linear_inputs)
def softmax_loss_naive(W, X, y, reg):
    """Softmax (cross-entropy) loss with explicit loops over examples and classes.

    Inputs: W (D, C) weights, X (N, D) examples, y (N,) labels in [0, C), reg >= 0.
    Returns (loss, dW): the scalar loss and its gradient with respect to W, shape (D, C).
    """
    N, C = X.shape[0], W.shape[1]
    loss = 0.0
    dW = np.zeros(W.shape, dtype=np.result_type(W, X))
    for i in range(N):
        s = X[i] @ W  # scores of example i, (C,)
        s = s - np.max(s)  # shift for numerical stability (the probabilities do not change)
        sum_exp = 0.0
        for j in range(C):
            sum_exp += np.exp(s[j])
        loss += -(s[y[i]] - np.log(sum_exp))  # L_i = -log p_{y_i}
        for j in range(C):
            p_j = np.exp(s[j]) / sum_exp
            # dL_i/ds_j = p_j - 1[j == y_i],  ds_j/dW[:, j] = x_i
            dW[:, j] += (p_j - (j == y[i])) * X[i]
    loss /= N
    dW /= N
    loss += reg * np.sum(W * W)
    dW += 2 * reg * W
    return float(loss), dW


@validated(_score_inputs)
def softmax_loss(scores, y):
    """Softmax (cross-entropy) data loss on precomputed scores (no regularization).

    Inputs: scores (N, C), y (N,) labels in [0, C).
    Returns (loss, dscores): the loss averaged over N and its gradient, shape (N, C).
    """
    N = scores.shape[0]
    rows = np.arange(N)
    scores = np.asfortranarray(scores)  # stored column by column: faster maxima and sums per row
    shifted = scores - scores.max(axis=1, keepdims=True)  # stable: max shifted score is 0
    exp_scores = np.exp(shifted)
    sum_exp = exp_scores.sum(axis=1, keepdims=True)  # (N, 1)
    # L_i = -log p_{y_i} = log sum_j exp(s_j) - s_{y_i}
    loss = (np.log(sum_exp[:, 0]) - shifted[rows, y]).sum() / N
    # local gradient of the average: dL/ds_j = (p_j - 1[j == y_i]) / N, p_j = exp(s_j) / sum_exp
    dscores = exp_scores / (N * sum_exp)
    dscores[rows, y] -= 1 / N
    return float(loss), dscores


@validated(_linear_inputs_scanned_later, _finite_loss)
def softmax_loss_vectorized(W, X, y, reg):
    """Softmax loss without loops over examples; same inputs and outputs as the naive one."""
    # s = X W, (N, C), as (W^T X^T)^T: the same product, stored column by column, which makes
    # the loss's maxima and sums along each row faster
    scores = (W.T @ X.T).T
    data_loss, dscores = softmax_loss(scores, y)
    loss = data_loss + reg * np.vdot(W, W)  # vdot(W, W) = sum(W * W), with no temporary
    # s = X W  =>  dW = X^T dscores, written (dscores^T X)^T: the same product, faster in BLAS
    dW = (dscores.T @ X).T + 2 * reg * W
    return float(loss), dW
