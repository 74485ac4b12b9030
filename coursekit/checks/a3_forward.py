"""Visible checks of assignment 3 (forward passes): the nets' constructors and scores.
"""

import numpy as np

from coursekit.checks.harness import (
    CheckFailed,
    call,
    close,
    passed,
    student_code,
    visible_check,
)

# A net small enough to run by hand: X = [[1, 1], [-1, 0.6]], D = 2, H1 = 3, (H2 = 2,) C = 2.
# Two layers:  X W1 + b1 = [[3, 0.5, -1], [0.2, 2.1, -1.6]], ReLU -> [[3, 0.5, 0], [0.2, 2.1, 0]],
#              then W2, b2 -> scores [[3.1, 0.4], [0.3, 2.0]].
# Three layers: ReLU of those -> W3, b3 -> scores [[6.4, -1.7], [1.6, 2.7]].
# No pre-activation is 0, so no gradient here depends on the convention at the ReLU kink.
NET_X = np.array([[1.0, 1.0], [-1.0, 0.6]])
NET_PARAMS = {
    "W1": np.array([[1.0, -1.0, 0.5], [2.0, 1.0, -1.0]]),
    "b1": np.array([0.0, 0.5, -0.5]),
    "W2": np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 2.0]]),
    "b2": np.array([0.1, -0.1]),
    "W3": np.array([[2.0, -1.0], [0.5, 1.0]]),
    "b3": np.array([0.0, 1.0]),
}
NET_SCORES = {
    "TwoLayerNet": np.array([[3.1, 0.4], [0.3, 2.0]]),
    "ThreeLayerNet": np.array([[6.4, -1.7], [1.6, 2.7]]),
}


def visible_net_cases(cls_name):
    """{label: (params, X)} of the visible scores tests (ReLU)."""
    names = ["W1", "b1", "W2", "b2"] + (["W3", "b3"] if cls_name == "ThreeLayerNet" else [])
    params = {n: NET_PARAMS[n].copy() for n in names}
    return {"the small net worked out by hand": (params, NET_X.copy())}


def construct(cls, cls_name, *args, **kwargs):
    """cls(*args, **kwargs), or CheckFailed when the class is not defined."""
    if not callable(cls):
        raise CheckFailed(f"{cls_name} is not defined; run the cell that defines the class.")
    with student_code(f"the constructor of {cls_name}", "building the net"):
        return cls(*args, **kwargs)


def _dims_text(cls_name):
    return "(D, H, C)" if cls_name == "TwoLayerNet" else "(D, (H1, H2), C)"


@visible_check
def check_net_init(cls, cls_name):
    """Constructor: params keys and shapes, zero biases, weight scale, seed, reg, activation."""
    hidden = 30 if cls_name == "TwoLayerNet" else (30, 20)
    dims = [20, *np.atleast_1d(hidden).tolist(), 4]
    net = construct(cls, cls_name, 20, hidden, 4, weight_scale=0.01, reg=0.25, seed=0)
    params = getattr(net, "params", None)
    names = [f"{p}{k}" for k in range(1, len(dims)) for p in ("W", "b")]
    if not isinstance(params, dict) or sorted(params) != sorted(names):
        raise CheckFailed(
            f"{cls_name}: net.params should be a dict with the keys {names}, got "
            f"{sorted(params) if isinstance(params, dict) else type(params).__name__}."
        )
    for k in range(1, len(dims)):
        W, b = np.asarray(params[f"W{k}"]), np.asarray(params[f"b{k}"])
        if W.shape != (dims[k - 1], dims[k]):
            raise CheckFailed(
                f"{cls_name}{_dims_text(cls_name)} = {cls_name}(20, {hidden}, 4): W{k} "
                f"should have shape {(dims[k - 1], dims[k])} (fan-in, fan-out: rows "
                f"are examples, h = x W), got {W.shape}."
            )
        if b.shape != (dims[k],) or np.any(b != 0):
            raise CheckFailed(
                f"{cls_name}: b{k} should be zeros of shape {(dims[k],)}, got "
                f"shape {b.shape}"
                + (" with nonzero entries" if b.shape == (dims[k],) else "")
                + "."
            )
        if not 0.5 * 0.01 < W.std() < 1.5 * 0.01:
            raise CheckFailed(
                f"{cls_name}: with weight_scale=0.01 the entries of W{k} should have "
                f"standard deviation about 0.01, got {W.std():.3g}. Use "
                f"weight_scale * rng.standard_normal(shape)."
            )
    again = construct(cls, cls_name, 20, hidden, 4, weight_scale=0.01, reg=0.25, seed=0)
    if not all(np.array_equal(again.params[n], params[n]) for n in names):
        raise CheckFailed(
            f"{cls_name}: two nets built with seed=0 differ. Draw the weights "
            f"from rng = np.random.default_rng(seed)."
        )
    if getattr(net, "reg", None) != 0.25 or getattr(net, "activation", None) != "relu":
        raise CheckFailed(
            f"{cls_name}: net.reg and net.activation should hold the constructor's "
            f"values (0.25 and the default 'relu'), got {getattr(net, 'reg', None)!r} "
            f"and {getattr(net, 'activation', None)!r}."
        )
    passed(cls_name, "params, shapes, scale, seed, reg and activation are right", 1)


@visible_check
def check_net_scores(cls, cls_name):
    """loss(X) with y=None returns the scores: the small net worked out by hand, and shapes."""
    ((params, X),) = visible_net_cases(cls_name).values()
    hidden = 3 if cls_name == "TwoLayerNet" else (3, 2)
    net = construct(cls, cls_name, 2, hidden, 2, seed=0)
    for name, value in params.items():
        net.params[name] = value
    scores = call(net.loss, f"{cls_name}.loss", "by hand", X)
    close(
        f"{cls_name}.loss(X)",
        "the small net worked out by hand (see coursekit/checks/a3_forward.py)",
        "scores",
        scores,
        NET_SCORES[cls_name],
    )
    hidden = 7 if cls_name == "TwoLayerNet" else (7, 5)
    net = construct(cls, cls_name, 6, hidden, 3, weight_scale=0.1, seed=1)
    scores = call(net.loss, f"{cls_name}.loss", "shape", np.ones((1, 6)))
    if np.shape(scores) != (1, 3):
        raise CheckFailed(
            f"{cls_name}.loss(X) for X of shape (1, 6) and C = 3 classes should "
            f"return scores of shape (1, 3), got {np.shape(scores)}."
        )
    passed(f"{cls_name}.loss(X)", "scores match", 2)


# =============================================================================================
# Assignment 4: backpropagation
