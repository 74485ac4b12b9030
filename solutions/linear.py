"""Linear score function s = X W + b: the first layer of every classifier in the module."""

from solutions._checks import (
    check_bias,
    check_finite_result,
    check_float_array,
    check_inner_dims,
    validated,
)


def _linear_inputs(X, W, b=None):
    """The input check of linear_scores (NaN and inf are found in the scores instead)."""
    check_float_array("X", X, ndim=2, finite=False)
    check_float_array("W", W, ndim=2, finite=False)
    check_inner_dims("X", X, "W", W)
    if b is not None:
        check_bias("b", b, W.shape[1])


def _finite_scores(scores, X, W, b=None):
    """Finite scores, or the input to blame for NaN/inf."""
    check_finite_result("scores", scores, X=X, W=W)


@validated(_linear_inputs, _finite_scores)
def linear_scores(X, W, b=None):
    """Class scores of a linear classifier, s = X @ W (+ b).

    Inputs:
    - X: (N, D) float array, one example per row.
    - W: (D, C) float weights.
    - b: optional (C,) float biases.

    Returns:
    - scores: (N, C) array, scores[i, j] = s_j of example i.
    """
    scores = X @ W if b is None else X @ W + b
    return scores
