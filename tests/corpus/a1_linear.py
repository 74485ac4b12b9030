"""Assignment 1 corpus: mistakes students make with linear classifiers, and correct variants."""

from corpus import cheats, mutant, variant

SVM_NAIVE = {"a1_svm_loss_naive_value", "a1_svm_loss_naive_dW"}
SVM = {"a1_svm_loss_value", "a1_svm_loss_dscores"}
SVM_VEC = {"a1_svm_loss_vectorized_value", "a1_svm_loss_vectorized_dW"}
SM_NAIVE = {"a1_softmax_loss_naive_value", "a1_softmax_loss_naive_dW"}
SM = {"a1_softmax_loss_value", "a1_softmax_loss_dscores"}
SM_VEC = {"a1_softmax_loss_vectorized_value", "a1_softmax_loss_vectorized_dW"}

MUTANTS = {
    **cheats.A1,
    "a1_linear_scores_ignores_bias": mutant(
        "linear_scores",
        {"a1_linear_scores"},
        source='''
def linear_scores(X, W, b=None):
    """Class scores s = X W (+ b)."""
    return X @ W
''',
        why="forgets to add b",
    ),
    "a1_svm_naive_no_average": mutant(
        "svm_loss_naive",
        SVM_NAIVE,
        ("    loss /= N\n    dW /= N\n", ""),
        why="sums over examples instead of averaging (missing / N)",
    ),
    "a1_svm_naive_reg_grad_without_2": mutant(
        "svm_loss_naive",
        {"a1_svm_loss_naive_dW"},
        ("    dW += 2 * reg * W", "    dW += reg * W"),
        why="gradient of reg * sum(W**2) taken as reg * W",
    ),
    "a1_svm_naive_counts_correct_class": mutant(
        "svm_loss_naive",
        {"a1_svm_loss_naive_value"},
        ("            if j == y[i]:\n                continue\n", ""),
        why="the sum runs over j == y_i too (adds 1 per example; the gradient terms cancel)",
    ),
    "a1_svm_naive_gradient_sign": mutant(
        "svm_loss_naive",
        {"a1_svm_loss_naive_dW"},
        ("                dW[:, y[i]] -= X[i]", "                dW[:, y[i]] += X[i]"),
        why="wrong sign of the correct-class gradient",
    ),
    "a1_svm_loss_correct_class_not_zeroed": mutant(
        "svm_loss",
        SVM | SVM_VEC,
        ("    margins[rows, y] = 0  # the sum runs over j != y_i\n", ""),
        why="vectorized margins keep the j == y_i entries (each is 1)",
    ),
    "a1_svm_loss_dscores_not_averaged": mutant(
        "svm_loss",
        {"a1_svm_loss_dscores", "a1_svm_loss_vectorized_dW"},
        ("    dscores = (margins > 0) / N", "    dscores = (margins > 0).astype(float)"),
        why="averages the loss but not its gradient",
    ),
    "a1_svm_loss_counts_nonnegative_margins": mutant(
        "svm_loss",
        {"a1_svm_loss_dscores", "a1_svm_loss_vectorized_dW"},
        ("    dscores = (margins > 0) / N", "    dscores = (margins >= 0) / N"),
        why="counts margins >= 0, which includes the zeroed correct-class entries",
    ),
    "a1_svm_loss_counts_margin_zero": mutant(
        "svm_loss",
        {"a1_svm_loss_dscores", "a1_svm_loss_vectorized_dW"},
        ("    dscores = (margins > 0) / N\n",
         "    dscores = (scores - correct_class_scores + 1 >= 0) / N\n"
         "    dscores[rows, y] = 0\n"),
        why="counts a margin of exactly 0 (the notebook says only margins > 0 count); right "
            "everywhere else",
    ),
    "a1_svm_naive_counts_margin_zero": mutant(
        "svm_loss_naive",
        {"a1_svm_loss_naive_dW"},
        ("            if margin > 0:", "            if margin >= 0:"),
        why="counts a margin of exactly 0 in the gradient (it adds 0 to the loss either way)",
    ),
    "a1_svm_vectorized_no_reg_gradient": mutant(
        "svm_loss_vectorized",
        {"a1_svm_loss_vectorized_dW"},
        ("    dW = (dscores.T @ X).T + 2 * reg * W", "    dW = (dscores.T @ X).T"),
        why="regularization in the loss but not in its gradient",
    ),
    "a1_softmax_naive_no_shift": mutant(
        "softmax_loss_naive",
        SM_NAIVE,
        (
            "        s = s - np.max(s)  # shift for numerical stability "
            "(the probabilities do not change)\n",
            "",
        ),
        why="no max-shift: exp overflows on large scores (inf/nan)",
    ),
    "a1_softmax_naive_gradient_without_indicator": mutant(
        "softmax_loss_naive",
        {"a1_softmax_loss_naive_dW"},
        ("(p_j - (j == y[i]))", "p_j"),
        why="dL/ds_j = p_j, forgetting -1 for the correct class",
    ),
    "a1_softmax_loss_shifts_in_place": mutant(
        "softmax_loss",
        SM,
        (
            "    scores = np.asfortranarray(scores)  # stored column by column: faster maxima and "
            "sums per row\n    shifted = scores - scores.max(axis=1, keepdims=True)",
            "    scores -= scores.max(axis=1, keepdims=True)\n    shifted = scores",
        ),
        why="shifts the caller's scores in place (impure)",
    ),
    "a1_softmax_loss_log10": mutant(
        "softmax_loss",
        {
            "a1_softmax_loss_value",
            "a1_softmax_loss_vectorized_value",
            "a1_softmax_loss_dscores",
            "a1_softmax_loss_vectorized_dW",
        },
        ("np.log(sum_exp[:, 0])", "np.log10(sum_exp[:, 0])"),
        why="log base 10 of the normalizer in the loss (its gradient is no longer p - 1[y])",
    ),
    "a1_softmax_loss_dscores_not_averaged": mutant(
        "softmax_loss",
        {"a1_softmax_loss_dscores", "a1_softmax_loss_vectorized_dW"},
        ("    dscores = exp_scores / (N * sum_exp)", "    dscores = exp_scores / sum_exp"),
        ("    dscores[rows, y] -= 1 / N", "    dscores[rows, y] -= 1"),
        why="averages the loss but not its gradient",
    ),
    "a1_softmax_vectorized_dW_transposed": mutant(
        "softmax_loss_vectorized",
        {"a1_softmax_loss_vectorized_dW"},
        ("    dW = (dscores.T @ X).T + 2 * reg * W", "    dW = (dscores.T @ X) + 2 * reg * W.T"),
        why="dW with shape (C, D): transposed",
    ),
    "a1_softmax_vectorized_half_reg": mutant(
        "softmax_loss_vectorized",
        SM_VEC,
        (
            "    loss = data_loss + reg * np.vdot(W, W)",
            "    loss = data_loss + 0.5 * reg * np.vdot(W, W)",
        ),
        ("    dW = (dscores.T @ X).T + 2 * reg * W", "    dW = (dscores.T @ X).T + reg * W"),
        why="the 0.5 * reg * sum(W**2) convention of other courses",
    ),
    "a1_softmax_vectorized_unshifted_exp": mutant(
        "softmax_loss_vectorized",
        SM_VEC,
        source='''
def softmax_loss_vectorized(W, X, y, reg):
    """Softmax loss in one go, exponentiating the raw scores."""
    N = X.shape[0]
    exp_scores = np.exp(X @ W)
    P = exp_scores / exp_scores.sum(axis=1, keepdims=True)
    loss = -np.mean(np.log(P[np.arange(N), y])) + reg * np.sum(W * W)
    P[np.arange(N), y] -= 1
    return loss, X.T @ P / N + 2 * reg * W
''',
        why="exp of scores ~ +-1000: inf / inf and 0 / 0 give nan",
    ),
}

VARIANTS = {
    "a1_softmax_loss_log_of_probabilities": variant(
        "softmax_loss",
        '''
def softmax_loss(scores, y):
    """Softmax data loss with a one-hot matrix: log of the probabilities."""
    N, C = scores.shape
    Y = np.eye(C)[y]
    z = scores - scores.max(axis=1)[:, None]
    P = np.exp(z) / np.exp(z).sum(axis=1)[:, None]
    loss = -np.sum(Y * np.log(P)) / N
    return loss, (P - Y) / N
''',
        why="shifted, then the log of the probabilities (fine unless a probability underflows)",
    ),
    "a1_linear_scores_dot": variant(
        "linear_scores",
        '''
def linear_scores(X, W, b=None):
    """Class scores s = X W (+ b)."""
    return np.dot(X, W) + (0.0 if b is None else b[np.newaxis, :])
''',
        why="np.dot and an explicit broadcast",
    ),
    "a1_svm_naive_row_vectorized": variant(
        "svm_loss_naive",
        '''
def svm_loss_naive(W, X, y, reg):
    """SVM loss, one example at a time with numpy inside the loop."""
    N = X.shape[0]
    loss = 0.0
    dW = np.zeros_like(W)
    for i in range(N):
        s = X[i].dot(W)
        margins = np.maximum(0.0, s - s[y[i]] + 1.0)
        margins[y[i]] = 0.0
        loss += margins.sum()
        positive = (margins > 0).astype(float)
        positive[y[i]] = -positive.sum()
        dW += np.outer(X[i], positive)
    return loss / N + reg * (W ** 2).sum(), dW / N + 2.0 * reg * W
''',
        why="numpy per example, np.outer for the gradient, returns numpy floats",
    ),
    "a1_svm_loss_where_masks": variant(
        "svm_loss",
        '''
def svm_loss(scores, y):
    """SVM data loss with boolean masks."""
    N, C = scores.shape
    correct = np.zeros((N, C), dtype=bool)
    correct[np.arange(N), y] = True
    correct_scores = scores[correct].reshape(N, 1)
    margins = np.where(correct, 0.0, scores - correct_scores + 1.0)
    active = margins > 0
    loss = np.sum(margins[active]) / N
    dscores = active.astype(np.float64)
    dscores[correct] = -active.sum(axis=1)
    return loss, dscores / N
''',
        why="boolean masks and np.where instead of fancy indexing",
    ),
    "a1_softmax_naive_logsumexp": variant(
        "softmax_loss_naive",
        '''
def softmax_loss_naive(W, X, y, reg):
    """Softmax loss with loops, log-sum-exp per example."""
    N, C = X.shape[0], W.shape[1]
    loss = 0.0
    dW = np.zeros_like(W)
    for i in range(N):
        s = X[i] @ W
        m = max(s)
        lse = m + np.log(sum(np.exp(s[j] - m) for j in range(C)))
        loss += lse - s[y[i]]
        for j in range(C):
            p = np.exp(s[j] - lse)
            dW[:, j] += (p - (1.0 if j == y[i] else 0.0)) * X[i]
    loss = loss / N + reg * np.sum(W ** 2)
    dW = dW / N + 2 * reg * W
    return loss, dW
''',
        why="log-sum-exp form, probabilities as exp(s - lse)",
    ),
    "a1_softmax_loss_onehot_einsum": variant(
        "softmax_loss",
        '''
def softmax_loss(scores, y):
    """Softmax data loss with a one-hot matrix and einsum."""
    N, C = scores.shape
    Y = np.eye(C)[y]
    z = scores - scores.max(axis=1)[:, None]
    log_P = z - np.log(np.exp(z).sum(axis=1))[:, None]
    loss = -np.einsum("nc,nc->", Y, log_P) / N
    return loss, (np.exp(log_P) - Y) / N
''',
        why="one-hot matrix, einsum over log-probabilities",
    ),
    "a1_softmax_vectorized_einsum": variant(
        "softmax_loss_vectorized",
        '''
def softmax_loss_vectorized(W, X, y, reg):
    """Softmax loss without calling the other functions."""
    N = X.shape[0]
    s = np.einsum("nd,dc->nc", X, W)
    s = s - s.max(axis=1, keepdims=True)
    log_p = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
    loss = -np.mean(log_p[np.arange(N), y]) + reg * np.sum(W * W)
    dscores = np.exp(log_p)
    dscores[np.arange(N), y] -= 1.0
    dW = np.einsum("nd,nc->dc", X, dscores) / N + 2 * reg * W
    return loss, dW
''',
        why="einsum for both products, standalone",
    ),
}
