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
    """How the messages name the layer sizes of cls_name's constructor."""
    return "(D, H, C)" if cls_name == "TwoLayerNet" else "(D, (H1, H2), C)"


def _params(net, cls_name, names):
    """net.params, or CheckFailed when it is not a dict with exactly the keys `names`."""
    params = getattr(net, "params", None)
    if not isinstance(params, dict) or sorted(params) != sorted(names):
        raise CheckFailed(
            f"{cls_name}: net.params should be a dict with the keys {names}, got "
            f"{sorted(params) if isinstance(params, dict) else type(params).__name__}."
        )
    return params


def _check_layer(cls_name, hidden, k, dims, W, b):
    """W{k} of shape (fan-in, fan-out) with spread about 0.01, b{k} zeros."""
    W, b = np.asarray(W), np.asarray(b)
    if W.shape != (dims[k - 1], dims[k]):
        raise CheckFailed(
            f"{cls_name}{_dims_text(cls_name)} = {cls_name}(20, {hidden}, 4): W{k} "
            f"should have shape {(dims[k - 1], dims[k])} (fan-in, fan-out: rows "
            f"are examples, h = x W), got {W.shape}."
        )
    if b.shape != (dims[k],) or np.any(b != 0):
        raise CheckFailed(
            f"{cls_name}: b{k} should be zeros of shape {(dims[k],)}, got shape {b.shape}"
            + (" with nonzero entries" if b.shape == (dims[k],) else "") + "."
        )
    if not 0.5 * 0.01 < W.std() < 1.5 * 0.01:
        raise CheckFailed(
            f"{cls_name}: with weight_scale=0.01 the entries of W{k} should have "
            f"standard deviation about 0.01, got {W.std():.3g}. Use "
            f"weight_scale * rng.standard_normal(shape)."
        )


def _check_seed(cls, cls_name, hidden, names, params):
    """The same seed gives the same weights, another seed others."""
    again = construct(cls, cls_name, 20, hidden, 4, weight_scale=0.01, reg=0.25, seed=0)
    if not all(np.array_equal(_params(again, cls_name, names)[n], params[n]) for n in names):
        raise CheckFailed(
            f"{cls_name}: two nets built with seed=0 differ. Draw the weights "
            f"from rng = np.random.default_rng(seed)."
        )
    other = construct(cls, cls_name, 20, hidden, 4, weight_scale=0.01, reg=0.25, seed=1)
    if np.array_equal(_params(other, cls_name, names)["W1"], params["W1"]):
        raise CheckFailed(
            f"{cls_name}: nets built with seed=0 and seed=1 have the same W1: the seed is not "
            f"used. Draw the weights from rng = np.random.default_rng(seed)."
        )


def _check_attributes(cls, cls_name, hidden, net):
    """net.reg and net.activation hold the values given to the constructor."""
    tanh = construct(cls, cls_name, 20, hidden, 4, reg=0.5, activation="tanh", seed=0)
    got = [getattr(net, "reg", None),
           (getattr(tanh, "reg", None), getattr(tanh, "activation", None))]
    if got != [0.25, (0.5, "tanh")]:
        raise CheckFailed(
            f"{cls_name}: net.reg and net.activation should hold the constructor's values: "
            f"reg 0.25 for reg=0.25, and (0.5, 'tanh') for reg=0.5, activation='tanh'; got "
            f"reg {got[0]!r} and {got[1]}."
        )


# the defaults of the given signature: the tests, the grader and later cells build nets
# without these arguments
DEFAULTS = {"weight_scale": 1e-3, "reg": 0.0, "activation": "relu"}


def _check_defaults(cls, cls_name, hidden, names):
    """A net built without weight_scale, reg and activation has the signature's defaults."""
    built = f"{cls_name}(20, {hidden}, 4, seed=0)"
    net = construct(cls, cls_name, 20, hidden, 4, seed=0)
    std = float(np.std(np.asarray(_params(net, cls_name, names)["W1"])))
    got = {"reg": getattr(net, "reg", None), "activation": getattr(net, "activation", None)}
    for name in ("reg", "activation"):
        if got[name] != DEFAULTS[name]:
            raise CheckFailed(
                f"{cls_name}: the default of {name} should be {DEFAULTS[name]!r}, as in the "
                f"given signature; {built} has net.{name} = {got[name]!r}. Keep the "
                f"signature's defaults: the tests and the grader build nets without them."
            )
    if not 0.5 * DEFAULTS["weight_scale"] < std < 1.5 * DEFAULTS["weight_scale"]:
        raise CheckFailed(
            f"{cls_name}: the default of weight_scale should be 1e-3, as in the given "
            f"signature; {built} has W1 of standard deviation {std:.3g}. Keep the "
            f"signature's defaults: the tests and the grader build nets without them."
        )


@visible_check
def check_net_init(cls, cls_name):
    """Constructor: params keys and shapes, zero biases, weight scale, seed, reg, activation."""
    hidden = 30 if cls_name == "TwoLayerNet" else (30, 20)
    dims = [20, *np.atleast_1d(hidden).tolist(), 4]
    names = [f"{p}{k}" for k in range(1, len(dims)) for p in ("W", "b")]
    before = np.random.get_state()
    net = construct(cls, cls_name, 20, hidden, 4, weight_scale=0.01, reg=0.25, seed=0)
    after = np.random.get_state()
    if not (np.array_equal(before[1], after[1]) and before[2:] == after[2:]):
        raise CheckFailed(
            f"{cls_name}: building a net changed numpy's global random state (np.random.seed, "
            f"np.random.randn, ...). Draw from rng = np.random.default_rng(seed) only."
        )
    params = _params(net, cls_name, names)
    for k in range(1, len(dims)):
        _check_layer(cls_name, hidden, k, dims, params[f"W{k}"], params[f"b{k}"])
    _check_seed(cls, cls_name, hidden, names, params)
    _check_attributes(cls, cls_name, hidden, net)
    _check_defaults(cls, cls_name, hidden, names)
    passed(cls_name, "params, shapes, scale, seed, reg, activation and the defaults are right", 5)


def _tanh_scores(params, X):
    """The scores of the net with tanh between the layers (the expected values)."""
    h = X
    for k in range(1, len(params) // 2):
        h = np.tanh(h @ params[f"W{k}"] + params[f"b{k}"])
    k = len(params) // 2
    return h @ params[f"W{k}"] + params[f"b{k}"]


@visible_check
def check_net_scores(cls, cls_name):
    """loss(X) with y=None returns the scores: the small net worked out by hand (ReLU), the
    same net with tanh, and shapes."""
    ((params, X),) = visible_net_cases(cls_name).values()
    hidden = 3 if cls_name == "TwoLayerNet" else (3, 2)
    for activation, expected in (("relu", NET_SCORES[cls_name]),
                                 ("tanh", _tanh_scores(params, X))):
        net = construct(cls, cls_name, 2, hidden, 2, activation=activation, seed=0)
        for name, value in params.items():
            net.params[name] = value.copy()
        scores = call(net.loss, f"{cls_name}.loss", f"by hand, {activation}", X)
        close(
            f"{cls_name}.loss(X)",
            f"the small net worked out by hand (checks.NET_PARAMS), activation={activation!r}"
            + (" (use ACTIVATIONS[self.activation])" if activation != "relu" else ""),
            "scores",
            scores,
            expected,
        )
    hidden = 7 if cls_name == "TwoLayerNet" else (7, 5)
    net = construct(cls, cls_name, 6, hidden, 3, weight_scale=0.1, seed=1)
    scores = call(net.loss, f"{cls_name}.loss", "shape", np.ones((1, 6)))
    if np.shape(scores) != (1, 3):
        raise CheckFailed(
            f"{cls_name}.loss(X) for X of shape (1, 6) and C = 3 classes should "
            f"return scores of shape (1, 3), got {np.shape(scores)}."
        )
    passed(f"{cls_name}.loss(X)", "scores match", 3)


# =============================================================================================
# Assignment 4: backpropagation
