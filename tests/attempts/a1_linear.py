"""Attempts at assignment 1 (linear classifiers): the scores, the SVM and softmax losses."""

from attempts import bug, changed, correct

NOT_YET = []  # exercises without attempts

# ------------------------------------------------------------------ correct student code

SVM_NAIVE = '''
def svm_loss_naive(W, X, y, reg):
    N, C = X.shape[0], W.shape[1]
    loss = 0.0
    dW = np.zeros_like(W)
    for i in range(N):
        s = X[i] @ W
        for j in range(C):
            if j == y[i]:
                continue
            margin = s[j] - s[y[i]] + 1
            if margin > 0:
                loss += margin
                dW[:, j] += X[i]
                dW[:, y[i]] -= X[i]
    loss /= N
    dW /= N
    loss += reg * np.sum(W * W)
    dW += 2 * reg * W
    return loss, dW
'''

SVM_SCORES = '''
def svm_loss(scores, y):
    N = scores.shape[0]
    rows = np.arange(N)
    margins = np.maximum(0, scores - scores[rows, y][:, None] + 1)
    margins[rows, y] = 0
    loss = margins.sum() / N
    counts = (margins > 0).astype(float)
    counts[rows, y] = -counts.sum(axis=1)
    return loss, counts / N
'''

SOFTMAX_NAIVE = '''
def softmax_loss_naive(W, X, y, reg):
    N, C = X.shape[0], W.shape[1]
    loss = 0.0
    dW = np.zeros_like(W)
    for i in range(N):
        s = X[i] @ W
        s = s - np.max(s)
        p = np.exp(s) / np.sum(np.exp(s))
        loss += -np.log(p[y[i]])
        for j in range(C):
            dW[:, j] += (p[j] - (j == y[i])) * X[i]
    loss /= N
    dW /= N
    loss += reg * np.sum(W * W)
    dW += 2 * reg * W
    return loss, dW
'''

SOFTMAX_SCORES = '''
def softmax_loss(scores, y):
    N = scores.shape[0]
    shifted = scores - scores.max(axis=1, keepdims=True)
    probs = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    loss = -np.log(probs[np.arange(N), y]).mean()
    dscores = probs.copy()
    dscores[np.arange(N), y] -= 1
    return loss, dscores / N
'''

VECTORIZED = '''
def {kind}_loss_vectorized(W, X, y, reg):
    scores = linear_scores(X, W)
    data_loss, dscores = {kind}_loss(scores, y)
    loss = data_loss + reg * np.sum(W ** 2)
    dW = X.T @ dscores + 2 * reg * W
    return loss, dW
'''
SVM_VECTORIZED = VECTORIZED.format(kind="svm")
SOFTMAX_VECTORIZED = VECTORIZED.format(kind="softmax")


ATTEMPTS = [
    # ----- linear_scores
    bug("a1_linear_scores", "W @ X instead of X @ W", '''
def linear_scores(X, W, b=None):
    scores = W @ X
    return scores if b is None else scores + b
''', says="scores: wrong shape", names="linear_scores"),
    bug("a1_linear_scores", "b required (no default)", '''
def linear_scores(X, W, b):
    return X @ W + b
''', says="raised TypeError", names="linear_scores", lines=5),
    bug("a1_linear_scores", "b added with `if b:`", '''
def linear_scores(X, W, b=None):
    scores = X @ W
    if b:
        scores = scores + b
    return scores
''', says="raised ValueError", names="linear_scores", lines=5),
    bug("a1_linear_scores", "b added down the columns (b[:, None])", '''
def linear_scores(X, W, b=None):
    scores = X @ W
    if b is not None:
        scores = scores + b[:, None]
    return scores
''', says="scores:", names="linear_scores"),
    correct("a1_linear_scores", "einsum, a zero bias when b is None", '''
def linear_scores(X, W, b=None):
    if b is None:
        b = np.zeros(W.shape[1])
    return np.einsum("nd,dc->nc", X, W) + b
'''),
    correct("a1_linear_scores", "float32 product, bias added in place into its own buffer", '''
def linear_scores(X, W, b=None):
    scores = (X.astype(np.float32) @ W.astype(np.float32)).astype(np.float64)
    if b is not None:
        scores += b
    return scores
'''),
    # ----- svm_loss_naive: the loss
    bug("a1_svm_loss_naive_value", "not averaged over N", changed(SVM_NAIVE, "    loss /= N\n", ""),
        says="divide by N (= 3)", names="svm_loss_naive"),
    bug("a1_svm_loss_naive_value", "counts j = y_i too (no continue)",
        changed(SVM_NAIVE, "            if j == y[i]:\n                continue\n", ""),
        says="loss", names="svm_loss_naive"),
    bug("a1_svm_loss_naive_value", "regularization with a factor 1/2",
        changed(SVM_NAIVE, "loss += reg * np.sum", "loss += 0.5 * reg * np.sum"),
        says="factor 2", names="svm_loss_naive"),
    bug("a1_svm_loss_naive_value", "cell left as the stub", '''
def svm_loss_naive(W, X, y, reg):
    raise NotImplementedError("Replace this line with your code, then run the test cell below.")
''', says="is not written yet", names="svm_loss_naive", lines=2),
    correct("a1_svm_loss_naive_value", "max(0, .) over all classes, minus the 1 of j = y_i", '''
def svm_loss_naive(W, X, y, reg):
    N = X.shape[0]
    scores = X @ W
    margins = np.maximum(0, scores - scores[np.arange(N), y][:, None] + 1)
    loss = (margins.sum() - N) / N + reg * np.sum(W * W)
    positive = (margins > 0).astype(float)
    positive[np.arange(N), y] = 0
    positive[np.arange(N), y] = -positive.sum(axis=1)
    return loss, X.T @ positive / N + 2 * reg * W
'''),
    correct("a1_svm_loss_naive_value", "float32 scores", changed(
        SVM_NAIVE, "s = X[i] @ W", "s = X[i].astype(np.float32) @ W.astype(np.float32)")),
    # ----- svm_loss_naive: dW
    bug("a1_svm_loss_naive_dW", "a margin of exactly 0 counted",
        changed(SVM_NAIVE, "if margin > 0:", "if margin >= 0:"),
        says="only margins > 0 count", names="svm_loss_naive"),
    bug("a1_svm_loss_naive_dW", "dW not averaged over N", changed(SVM_NAIVE, "    dW /= N\n", ""),
        says="divide by N (= 3)", names="svm_loss_naive"),
    bug("a1_svm_loss_naive_dW", "reg * W instead of 2 reg W",
        changed(SVM_NAIVE, "dW += 2 * reg * W", "dW += reg * W"),
        says="factor 2", names="svm_loss_naive"),
    bug("a1_svm_loss_naive_dW", "forgets the -x_i of column y_i",
        changed(SVM_NAIVE, "                dW[:, y[i]] -= X[i]\n", ""),
        says="dW", names="svm_loss_naive"),
    bug("a1_svm_loss_naive_dW", "adds the regularization into W in place", changed(
        SVM_NAIVE, "    dW += 2 * reg * W\n", "    W *= 2 * reg\n    dW += W\n"),
        says="modified its argument #1 in place", names="svm_loss_naive"),
    correct("a1_svm_loss_naive_dW", "np.outer into its own buffer, float32 scores", changed(
        changed(SVM_NAIVE, "s = X[i] @ W", "s = X[i].astype(np.float32) @ W.astype(np.float32)"),
        "                dW[:, j] += X[i]\n                dW[:, y[i]] -= X[i]\n",
        "                e = np.zeros(C)\n                e[j], e[y[i]] = 1, -1\n"
        "                dW += np.outer(X[i], e)\n")),
    correct("a1_svm_loss_naive_dW", "the regularization gradient first, in place", changed(
        changed(SVM_NAIVE, "    dW = np.zeros_like(W)\n", "    dW = 2 * reg * N * W\n"),
        "    dW += 2 * reg * W\n", "")),
    # ----- svm_loss (scores)
    bug("a1_svm_loss_value", "sums over j = y_i too (margins[rows, y] left at 1)",
        changed(SVM_SCORES, "    margins[rows, y] = 0\n", ""),
        says="loss", names="svm_loss"),
    bug("a1_svm_loss_value", "subtracts the correct score in place", changed(
        SVM_SCORES, "    margins = np.maximum(0, scores - scores[rows, y][:, None] + 1)\n",
        "    scores -= scores[rows, y][:, None].copy()\n    margins = np.maximum(0, scores + 1)\n"),
        says="modified its argument #1 in place", names="svm_loss"),
    bug("a1_svm_loss_value", "sum instead of mean", changed(SVM_SCORES, "margins.sum() / N",
                                                            "margins.sum()"),
        says="divide by N (= 3)", names="svm_loss"),
    correct("a1_svm_loss_value", "np.where and a mask of the correct class", '''
def svm_loss(scores, y):
    N, C = scores.shape
    correct = np.arange(C) == y[:, None]
    margins = scores - scores[correct][:, None] + 1
    positive = (margins > 0) & ~correct
    loss = np.where(positive, margins, 0.0).sum() / N
    counts = positive.astype(float)
    counts[correct] = -counts.sum(axis=1)
    return loss, counts / N
'''),
    correct("a1_svm_loss_value", "float32 margins", changed(
        SVM_SCORES, "scores - scores[rows, y][:, None] + 1",
        "scores.astype(np.float32) - scores[rows, y][:, None].astype(np.float32) + 1")),
    bug("a1_svm_loss_dscores", "a margin of exactly 0 counted", changed(changed(
        SVM_SCORES, "    counts = (margins > 0).astype(float)\n",
        "    counts = (scores - scores[rows, y][:, None] + 1 >= 0).astype(float)\n"),
        "    counts[rows, y] = -counts.sum(axis=1)\n",
        "    counts[rows, y] = 0\n    counts[rows, y] = -counts.sum(axis=1)\n"),
        says="only margins > 0 count", names="svm_loss"),
    bug("a1_svm_loss_dscores", "forgets the -count at y_i",
        changed(SVM_SCORES, "    counts[rows, y] = -counts.sum(axis=1)\n", ""),
        says="dscores", names="svm_loss"),
    bug("a1_svm_loss_dscores", "dscores not divided by N", changed(SVM_SCORES, "counts / N",
                                                                   "counts"),
        says="divide by N (= 3)", names="svm_loss"),
    correct("a1_svm_loss_dscores", "np.where and a mask of the correct class", '''
def svm_loss(scores, y):
    N, C = scores.shape
    correct = np.arange(C) == y[:, None]
    margins = scores - scores[correct][:, None] + 1
    positive = (margins > 0) & ~correct
    loss = np.where(positive, margins, 0.0).sum() / N
    dscores = np.where(positive, 1.0, 0.0) - correct * positive.sum(axis=1, keepdims=True)
    return loss, dscores / N
'''),
    correct("a1_svm_loss_dscores", "float32 margins", changed(
        SVM_SCORES, "scores - scores[rows, y][:, None] + 1",
        "scores.astype(np.float32) - scores[rows, y][:, None].astype(np.float32) + 1")),
    # ----- svm_loss_vectorized
    bug("a1_svm_loss_vectorized_value", "regularization forgotten",
        changed(SVM_VECTORIZED, "data_loss + reg * np.sum(W ** 2)", "data_loss"),
        says="regularization", names="svm_loss_vectorized"),
    bug("a1_svm_loss_vectorized_value", "regularization of |W| instead of W**2",
        changed(SVM_VECTORIZED, "np.sum(W ** 2)", "np.sum(np.abs(W))"),
        says="loss", names="svm_loss_vectorized"),
    bug("a1_svm_loss_vectorized_value", "a correct function behind a wrong svm_loss",
        changed(SVM_SCORES, "margins.sum() / N", "margins.sum()") + SVM_VECTORIZED,
        says="svm_loss fails its own test above: fix it first", names="svm_loss", lines=1),
    correct("a1_svm_loss_vectorized_value", "from the contract's pieces", SVM_VECTORIZED),
    correct("a1_svm_loss_vectorized_value", "vdot for the regularization, float32 scores",
            changed(changed(SVM_VECTORIZED, "np.sum(W ** 2)", "np.vdot(W, W)"),
                    "linear_scores(X, W)", "(X.astype(np.float32) @ W.astype(np.float32))")),
    bug("a1_svm_loss_vectorized_dW", "dscores @ X.T instead of X.T @ dscores",
        changed(SVM_VECTORIZED, "X.T @ dscores", "(dscores.T @ X)"),
        says="dW", names="svm_loss_vectorized"),
    bug("a1_svm_loss_vectorized_dW", "regularization gradient forgotten",
        changed(SVM_VECTORIZED, "X.T @ dscores + 2 * reg * W", "X.T @ dscores"),
        says="regularization", names="svm_loss_vectorized"),
    bug("a1_svm_loss_vectorized_dW", "X.T @ dscores divided by N again",
        changed(SVM_VECTORIZED, "X.T @ dscores", "X.T @ dscores / X.shape[0]"),
        says="divided by N (= 3) once too often", names="svm_loss_vectorized"),
    correct("a1_svm_loss_vectorized_dW", "einsum", changed(
        SVM_VECTORIZED, "X.T @ dscores", "np.einsum('nd,nc->dc', X, dscores)")),
    correct("a1_svm_loss_vectorized_dW", "(dscores.T X).T in float32", changed(
        SVM_VECTORIZED, "X.T @ dscores",
        "(dscores.T.astype(np.float32) @ X.astype(np.float32)).T")),
    # ----- softmax_loss_naive
    bug("a1_softmax_loss_naive_value", "no shift by the row maximum",
        changed(SOFTMAX_NAIVE, "        s = s - np.max(s)\n", ""),
        says="shifted by its own maximum", names="softmax_loss_naive"),
    bug("a1_softmax_loss_naive_value", "log of the score instead of the probability",
        changed(SOFTMAX_NAIVE, "-np.log(p[y[i]])", "-s[y[i]]"),
        says="loss", names="softmax_loss_naive"),
    bug("a1_softmax_loss_naive_value", "log10", changed(SOFTMAX_NAIVE, "np.log(", "np.log10("),
        says="loss", names="softmax_loss_naive"),
    correct("a1_softmax_loss_naive_value", "log-sum-exp", changed(
        SOFTMAX_NAIVE, "        loss += -np.log(p[y[i]])\n",
        "        loss += np.log(np.sum(np.exp(s))) - s[y[i]]\n")),
    correct("a1_softmax_loss_naive_value", "float32 scores", changed(
        SOFTMAX_NAIVE, "s = X[i] @ W", "s = X[i].astype(np.float32) @ W.astype(np.float32)")),
    bug("a1_softmax_loss_naive_dW", "forgets the -1 at the correct class",
        changed(SOFTMAX_NAIVE, "(p[j] - (j == y[i]))", "p[j]"),
        says="dW", names="softmax_loss_naive"),
    bug("a1_softmax_loss_naive_dW", "sign flipped", changed(SOFTMAX_NAIVE, "(p[j] - (j == y[i]))",
                                                            "((j == y[i]) - p[j])"),
        says="apart from the regularization term, got ≈ -1 × expected: the sign is flipped",
        names="softmax_loss_naive"),
    bug("a1_softmax_loss_naive_dW", "reg * W instead of 2 reg W",
        changed(SOFTMAX_NAIVE, "dW += 2 * reg * W", "dW += reg * W"),
        says="factor 2", names="softmax_loss_naive"),
    correct("a1_softmax_loss_naive_dW", "probabilities as exp(s - logsumexp), outer product",
            changed(changed(SOFTMAX_NAIVE, "p = np.exp(s) / np.sum(np.exp(s))",
                            "p = np.exp(s - np.log(np.sum(np.exp(s))))"),
                    "        for j in range(C):\n"
                    "            dW[:, j] += (p[j] - (j == y[i])) * X[i]\n",
                    "        p[y[i]] -= 1\n        dW += np.outer(X[i], p)\n")),
    correct("a1_softmax_loss_naive_dW", "float32 probabilities", changed(
        SOFTMAX_NAIVE, "p = np.exp(s) / np.sum(np.exp(s))",
        "p = np.exp(s.astype(np.float32)) / np.sum(np.exp(s.astype(np.float32)))")),
    # ----- softmax_loss (scores)
    bug("a1_softmax_loss_value", "no shift by the row maximum", changed(
        SOFTMAX_SCORES, "scores - scores.max(axis=1, keepdims=True)", "scores"),
        says="shifted by its own maximum", names="softmax_loss"),
    bug("a1_softmax_loss_value", "shift by the global maximum (one row's)", changed(
        SOFTMAX_SCORES, "scores.max(axis=1, keepdims=True)", "scores.max()"),
        says="loss", names="softmax_loss"),
    bug("a1_softmax_loss_value", "shifts the scores in place", changed(
        SOFTMAX_SCORES, "    shifted = scores - scores.max(axis=1, keepdims=True)\n",
        "    scores -= scores.max(axis=1, keepdims=True)\n    shifted = scores\n"),
        says="modified its argument #1 in place", names="softmax_loss"),
    bug("a1_softmax_loss_value", "sum instead of mean", changed(
        SOFTMAX_SCORES, "np.log(probs[np.arange(N), y]).mean()",
        "np.log(probs[np.arange(N), y]).sum()"),
        says="divide by N (= 3)", names="softmax_loss"),
    correct("a1_softmax_loss_value", "log-sum-exp, probabilities as exp(log p)", '''
def softmax_loss(scores, y):
    N = scores.shape[0]
    m = scores.max(axis=1, keepdims=True)
    log_probs = scores - m - np.log(np.exp(scores - m).sum(axis=1, keepdims=True))
    loss = -log_probs[np.arange(N), y].sum() / N
    dscores = np.exp(log_probs)
    dscores[np.arange(N), y] -= 1
    return loss, dscores / N
'''),
    correct("a1_softmax_loss_value", "float32 exponentials", changed(
        SOFTMAX_SCORES, "np.exp(shifted)", "np.exp(shifted.astype(np.float32))")),
    bug("a1_softmax_loss_dscores", "forgets the -1 at the correct class", changed(
        SOFTMAX_SCORES, "    dscores[np.arange(N), y] -= 1\n", ""),
        says="dscores", names="softmax_loss"),
    bug("a1_softmax_loss_dscores", "dscores not divided by N", changed(
        SOFTMAX_SCORES, "dscores / N", "dscores"), says="divide by N (= 3)", names="softmax_loss"),
    bug("a1_softmax_loss_dscores", "subtracts 1 from the whole row", changed(
        SOFTMAX_SCORES, "dscores[np.arange(N), y] -= 1", "dscores[np.arange(N)] -= 1"),
        says="dscores", names="softmax_loss"),
    correct("a1_softmax_loss_dscores", "one-hot matrix with np.eye and einsum", '''
def softmax_loss(scores, y):
    N, C = scores.shape
    shifted = scores - scores.max(axis=1, keepdims=True)
    probs = np.exp(shifted)
    probs /= np.einsum("nc->n", probs)[:, None]
    one_hot = np.eye(C)[y]
    loss = -np.einsum("nc,nc->", one_hot, np.log(probs)) / N
    return loss, (probs - one_hot) / N
'''),
    correct("a1_softmax_loss_dscores", "float32 exponentials", changed(
        SOFTMAX_SCORES, "np.exp(shifted)", "np.exp(shifted.astype(np.float32))")),
    # ----- softmax_loss_vectorized
    bug("a1_softmax_loss_vectorized_value", "regularization forgotten",
        changed(SOFTMAX_VECTORIZED, "data_loss + reg * np.sum(W ** 2)", "data_loss"),
        says="regularization", names="softmax_loss_vectorized"),
    bug("a1_softmax_loss_vectorized_value", "regularization of the biases' row only", changed(
        SOFTMAX_VECTORIZED, "np.sum(W ** 2)", "np.sum(W[-1] ** 2)"),
        says="loss", names="softmax_loss_vectorized"),
    bug("a1_softmax_loss_vectorized_value", "a correct function behind a wrong softmax_loss",
        changed(SOFTMAX_SCORES, "scores - scores.max(axis=1, keepdims=True)", "scores")
        + SOFTMAX_VECTORIZED,
        says="softmax_loss fails its own test above: fix it first", names="softmax_loss",
        lines=1),
    correct("a1_softmax_loss_vectorized_value", "from the contract's pieces", SOFTMAX_VECTORIZED),
    correct("a1_softmax_loss_vectorized_value", "its own log-sum-exp in float32", '''
def softmax_loss_vectorized(W, X, y, reg):
    N = X.shape[0]
    s = (X @ W).astype(np.float32)
    s = s - s.max(axis=1, keepdims=True)
    log_probs = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
    loss = -log_probs[np.arange(N), y].mean() + reg * np.sum(W * W)
    dscores = np.exp(log_probs)
    dscores[np.arange(N), y] -= 1
    return loss, X.T @ dscores / N + 2 * reg * W
'''),
    bug("a1_softmax_loss_vectorized_dW", "dW transposed",
        changed(SOFTMAX_VECTORIZED, "X.T @ dscores", "(dscores.T @ X)"),
        says="dW", names="softmax_loss_vectorized"),
    bug("a1_softmax_loss_vectorized_dW", "regularization gradient forgotten",
        changed(SOFTMAX_VECTORIZED, "X.T @ dscores + 2 * reg * W", "X.T @ dscores"),
        says="regularization", names="softmax_loss_vectorized"),
    bug("a1_softmax_loss_vectorized_dW", "reg * W instead of 2 reg W",
        changed(SOFTMAX_VECTORIZED, "2 * reg * W", "reg * W"),
        says="factor 2", names="softmax_loss_vectorized"),
    correct("a1_softmax_loss_vectorized_dW", "einsum", changed(
        SOFTMAX_VECTORIZED, "X.T @ dscores", "np.einsum('nd,nc->dc', X, dscores)")),
    correct("a1_softmax_loss_vectorized_dW", "its own log-sum-exp in float32", '''
def softmax_loss_vectorized(W, X, y, reg):
    N = X.shape[0]
    s = (X @ W).astype(np.float32)
    s = s - s.max(axis=1, keepdims=True)
    log_probs = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
    loss = -log_probs[np.arange(N), y].mean() + reg * np.sum(W * W)
    dscores = np.exp(log_probs)
    dscores[np.arange(N), y] -= 1
    return loss, X.T @ dscores / N + 2 * reg * W
'''),
]
