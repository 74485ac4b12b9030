"""Assignment 4 corpus, section 1.6: the Jacobians of y = x W (mistakes, and correct code written
otherwise). Merged into corpus.a4_backprop."""

from corpus import mutant, variant

MUTANTS = {
    # ----- matmul_jacobians
    "a4_jacobian_x_column_major": mutant(
        "matmul_jacobians", {"a4_jacobian_entries"},
        ("Jx[r, n * D + d] = W[d, m]", "Jx[r, d * N + n] = W[d, m]"),
        why="numbers the entries of x column by column",
    ),
    "a4_jacobian_W_wrong_factor": mutant(
        "matmul_jacobians", {"a4_jacobian_entries"},
        ("JW[r, d * M + m] = x[n, d]", "JW[r, d * M + m] = W[d, m]"),
        why="dy/dW filled with W instead of the other factor, x",
    ),
    "a4_jacobian_every_row_of_x": mutant(
        "matmul_jacobians", {"a4_jacobian_entries"},
        ("                Jx[r, n * D + d] = W[d, m]  # only row n of x reaches y[n, m]",
         "                for n2 in range(N):\n"
         "                    Jx[r, n2 * D + d] = W[d, m]"),
        why="every row of x taken to reach y[n, m]",
    ),
    "a4_jacobian_transposed": mutant(
        "matmul_jacobians", {"a4_jacobian_entries"},
        ("    return Jx, JW", "    return Jx.T, JW.T"),
        why="rows numbered by the input instead of the output",
    ),
    # ----- matmul_backward
    "a4_matmul_backward_dW_transposed": mutant(
        "matmul_backward", {"a4_jacobian_implicit"},
        ("dW = x.T @ dy", "dW = dy.T @ x"),
        why="dW of shape (M, D)",
    ),
    "a4_matmul_backward_no_transpose": mutant(
        "matmul_backward", {"a4_jacobian_implicit"},
        ("dx = dy @ W.T", "dx = dy @ W"),
        why="forgets the transpose (raises unless D = M)",
    ),
    "a4_matmul_backward_dW_averaged": mutant(
        "matmul_backward", {"a4_jacobian_implicit"},
        ("dW = x.T @ dy", "dW = x.T @ dy / x.shape[0]"),
        why="divides by N: dy already holds the loss's own averaging",
    ),
    # ----- jacobian_bytes
    "a4_jacobian_bytes_entries_only": mutant(
        "jacobian_bytes", {"a4_jacobian_size"},
        ("bytes_x = (N * M) * (N * D) * itemsize", "bytes_x = (N * M) * (N * D)"),
        ("bytes_W = (N * M) * (D * M) * itemsize", "bytes_W = (N * M) * (D * M)"),
        why="counts numbers, not bytes",
    ),
    "a4_jacobian_bytes_one_example": mutant(
        "jacobian_bytes", {"a4_jacobian_size"},
        ("bytes_x = (N * M) * (N * D) * itemsize", "bytes_x = M * D * itemsize"),
        ("bytes_W = (N * M) * (D * M) * itemsize", "bytes_W = M * (D * M) * itemsize"),
        why="the Jacobian of a single example",
    ),
    "a4_jacobian_bytes_size_of_W": mutant(
        "jacobian_bytes", {"a4_jacobian_size"},
        ("bytes_W = (N * M) * (D * M) * itemsize", "bytes_W = D * M * itemsize"),
        why="the size of W instead of the size of dy/dW",
    ),
}

VARIANTS = {
    "a4_jacobian_kron": variant("matmul_jacobians", '''
def matmul_jacobians(x, W):
    """Kronecker products: y = x W is block-diagonal in x, and x times the identity in W."""
    N = x.shape[0]
    M = W.shape[1]
    return np.kron(np.eye(N), W.T), np.kron(x, np.eye(M))
'''),
    "a4_jacobian_column_by_column": variant("matmul_jacobians", '''
def matmul_jacobians(x, W):
    """y is linear in x (and in W): column c of J is y of the c-th unit input."""
    Jx = np.zeros((x.shape[0] * W.shape[1], x.size))
    JW = np.zeros((x.shape[0] * W.shape[1], W.size))
    for c in range(x.size):
        unit = np.zeros(x.size)
        unit[c] = 1.0
        Jx[:, c] = (unit.reshape(x.shape) @ W).ravel()
    for c in range(W.size):
        unit = np.zeros(W.size)
        unit[c] = 1.0
        JW[:, c] = (x @ unit.reshape(W.shape)).ravel()
    return Jx, JW
'''),
    "a4_matmul_backward_einsum": variant("matmul_backward", '''
def matmul_backward(dy, x, W):
    """einsum."""
    return np.einsum("nm,dm->nd", dy, W), np.einsum("nd,nm->dm", x, dy)
'''),
    "a4_matmul_backward_through_J": variant("matmul_backward", '''
def matmul_backward(dy, x, W):
    """J^T g with the Jacobians written as Kronecker products (fine for small layers)."""
    N, M = dy.shape
    dx = (np.kron(np.eye(N), W.T).T @ dy.ravel()).reshape(x.shape)
    dW = (np.kron(x, np.eye(M)).T @ dy.ravel()).reshape(W.shape)
    return dx, dW
'''),
    "a4_jacobian_bytes_prod": variant("jacobian_bytes", '''
def jacobian_bytes(N, D, M, itemsize):
    """Shapes first, then their products."""
    shape_x, shape_W = (N * M, N * D), (N * M, D * M)
    return int(np.prod(shape_x, dtype=np.int64)) * itemsize, shape_W[0] * shape_W[1] * itemsize
'''),
    "a4_jacobian_bytes_floats": variant("jacobian_bytes", '''
def jacobian_bytes(N, D, M, itemsize):
    """Floats are exact here (below 2**53)."""
    outputs = float(N) * M
    return outputs * N * D * itemsize, outputs * D * M * itemsize
'''),
}
