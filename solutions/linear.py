"""Linear score function s = X W + b: the first layer of every classifier in the module."""

import numpy as np

from solutions._checks import check_bias, check_finite_result, check_float_array, check_inner_dims


def linear_scores(X, W, b=None):
    """Class scores of a linear classifier, s = X @ W (+ b).

    Inputs:
    - X: (N, D) float array, one example per row.
    - W: (D, C) float weights.
    - b: optional (C,) float biases.

    Returns:
    - scores: (N, C) array, scores[i, j] = s_j of example i.
    """
    check_float_array("X", X, ndim=2, finite=False)
    check_float_array("W", W, ndim=2, finite=False)
    check_inner_dims("X", X, "W", W)
    if b is not None:
        check_bias("b", b, W.shape[1])
    with np.errstate(invalid="ignore", over="ignore"):  # NaN/inf are reported just below
        scores = X @ W if b is None else X @ W + b
    check_finite_result("scores", scores, X=X, W=W)
    return scores
