"""Jacobians of the matrix product y = x W, built entry by entry, and why nobody builds them.

Entries of y (N, M), x (N, D) and W (D, M) are numbered in row-major order (`a.ravel()`), so
the Jacobian of y with respect to x is the (N*M, N*D) matrix J[r, c] = d y.flat[r] / d x.flat[c]
and the gradient of a loss is J^T g with g = dL/dy flattened.
"""

import numpy as np


def matmul_jacobians(x, W):
    """The full Jacobians of y = x W, one entry at a time.

    Inputs: x (N, D), W (D, M) float arrays.
    Returns (Jx, JW): Jx (N*M, N*D) with Jx[r, c] = d y.flat[r] / d x.flat[c], and
    JW (N*M, D*M) with JW[r, c] = d y.flat[r] / d W.flat[c].
    """
    N, D = x.shape
    M = W.shape[1]
    Jx = np.zeros((N * M, N * D))
    JW = np.zeros((N * M, D * M))
    for n in range(N):
        for m in range(M):
            r = n * M + m  # y[n, m] = sum_d x[n, d] W[d, m]
            for d in range(D):
                Jx[r, n * D + d] = W[d, m]  # only row n of x reaches y[n, m]
                JW[r, d * M + m] = x[n, d]  # only column m of W reaches y[n, m]
    return Jx, JW


def matmul_backward(dy, x, W):
    """Gradients of a loss through y = x W without building a Jacobian.

    Inputs: dy (N, M) = dL/dy, x (N, D), W (D, M).
    Returns (dx, dW) of the shapes of x and W.
    """
    dx = dy @ W.T  # dL/dx[n, d] = sum_m dy[n, m] W[d, m]
    dW = x.T @ dy  # dL/dW[d, m] = sum_n x[n, d] dy[n, m]
    return dx, dW


def jacobian_bytes(N, D, M, itemsize):
    """Memory taken by the two Jacobians of y = x W for x (N, D) and W (D, M).

    Inputs: the sizes N, D, M and the bytes per number (8 for float64, 4 for float32), ints.
    Returns (bytes of dy/dx, bytes of dy/dW), ints.
    """
    bytes_x = (N * M) * (N * D) * itemsize  # every entry of y against every entry of x
    bytes_W = (N * M) * (D * M) * itemsize
    return bytes_x, bytes_W
