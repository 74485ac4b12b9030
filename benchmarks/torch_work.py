"""The math benchmark's work done by PyTorch (CPU, float64, autograd): each function returns a
callable that computes the same loss and gradients as ours, or None without PyTorch."""

try:
    import torch
except ImportError:  # PyTorch is optional: bench_math leaves its columns out
    torch = None


def torch_linear(kind, X, y, W, reg):
    """The linear classifier's loss and dW (D, C) on X (N, D), y (N,), W (D, C), with reg."""
    if torch is None:
        return None
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    Wt = torch.from_numpy(W.copy()).requires_grad_(True)

    def run():
        """One forward and backward -> (loss, dW)."""
        Wt.grad = None
        loss = torch_data_loss(kind, Xt @ Wt, yt) + reg * (Wt * Wt).sum()
        loss.backward()
        return loss.item(), Wt.grad

    return run


def torch_data_loss(kind, s, yt):
    """The softmax or SVM data loss of scores s (N, C) and labels yt (N,), as a tensor."""
    if kind == "softmax":
        return torch.nn.functional.cross_entropy(s, yt)
    correct = s.gather(1, yt[:, None])
    margins = torch.clamp(s - correct + 1.0, min=0.0)
    return (margins.sum() - s.shape[0]) / s.shape[0]  # drop the j = y_i terms (each 1)


def torch_score_loss(kind, scores, y):
    """The data loss and dscores (N, C) of scores (N, C), y (N,)."""
    if torch is None:
        return None
    yt = torch.from_numpy(y)
    st = torch.from_numpy(scores.copy()).requires_grad_(True)

    def run():
        """One forward and backward -> (loss, dscores)."""
        st.grad = None
        loss = torch_data_loss(kind, st, yt)
        loss.backward()
        return loss.item(), st.grad

    return run


def torch_affine_backward(dout, x, W):
    """dx (N, D), dW (D, M), db (M,) of an affine layer from dout (N, M), x (N, D), W (D, M)."""
    if torch is None:
        return None
    doutt, xt, Wt = torch.from_numpy(dout), torch.from_numpy(x), torch.from_numpy(W)
    return lambda: (doutt @ Wt.T, xt.T @ doutt, doutt.sum(0))


def torch_net(X, y, net):
    """The ReLU net's loss and gradients with net's params, reg and layers, on X (N, D), y (N,)."""
    if torch is None:
        return None
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    P = {k: torch.from_numpy(v.copy()).requires_grad_(True) for k, v in net.params.items()}
    L = net.num_layers

    def run():
        """One forward and backward -> (loss, [gradient of each param])."""
        for t in P.values():
            t.grad = None
        h = Xt
        for k in range(1, L):
            h = torch.relu(h @ P[f"W{k}"] + P[f"b{k}"])
        s = h @ P[f"W{L}"] + P[f"b{L}"]
        reg = sum((P[f"W{k}"] ** 2).sum() for k in range(1, L + 1))
        loss = torch.nn.functional.cross_entropy(s, yt) + net.reg * reg
        loss.backward()
        return loss.item(), [t.grad for t in P.values()]

    return run
