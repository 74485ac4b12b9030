"""Visible checks of assignment 4 (backpropagation): the affine layer, the nets' losses and
gradients, the trained nets (the staged graphs and Jacobians: `a4_graphs`).
"""

import numpy as np

from coursekit.checks import a1_linear, a2_activations
from coursekit.checks.a1_linear import small_problem
from coursekit.checks.a3_forward import construct, visible_net_cases
from coursekit.checks.harness import (
    CheckFailed,
    blaming,
    call,
    close,
    forward_pair,
    gradient,
    layer_objective,
    lookup,
    passed,
    unpack,
    visible_check,
)


def visible_affine_cases():
    """{label: (x, W, b, dout)} of the visible affine tests."""
    rng = np.random.default_rng(11)
    return {
        "x (2, 3) worked out by hand": (
            np.array([[1.0, 0.0, -1.0], [2.0, 1.0, 0.5]]),
            np.array([[1.0, 2.0], [0.0, 1.0], [-1.0, 0.5]]),
            np.array([0.5, -0.5]),
            np.array([[1.0, 0.0], [0.0, 2.0]]),
        ),
        "x (4, 2, 3) flattened to (4, 6)": (
            rng.standard_normal((4, 2, 3)),
            rng.standard_normal((6, 5)),
            rng.standard_normal(5),
            rng.standard_normal((4, 5)),
        ),
    }


@visible_check
def check_affine_forward(affine_forward):
    """Visible test: affine_forward on flat and image-shaped inputs."""
    (x, W, b, _), (x3, W3, b3, _) = visible_affine_cases().values()
    out, _ = forward_pair(affine_forward, "affine_forward", "by hand", x, W, b)
    # x W = [[2, 1.5], [1.5, 5.25]], plus b
    close(
        "affine_forward",
        "x (2, 3), W (3, 2), b (2,)",
        "out",
        out,
        np.array([[2.5, 1.0], [2.0, 4.75]]),
    )
    out, _ = forward_pair(
        affine_forward, "affine_forward", "x of shape (4, 2, 3), W (6, 5)", x3, W3, b3,
        hint="x holds 4 examples of 2 * 3 = 6 numbers: flatten each example first, "
        "x.reshape(x.shape[0], -1)",
    )
    if np.shape(out) != (4, 5):
        raise CheckFailed(
            f"affine_forward: x of shape (4, 2, 3) is 4 examples of 6 numbers; "
            f"with W (6, 5) out should have shape (4, 5), got {np.shape(out)}. "
            f"Flatten each example: x.reshape(x.shape[0], -1)."
        )
    passed("affine_forward", "out matches", 2)


@visible_check
def check_affine_backward(affine_forward, affine_backward):
    """dx, dW, db: a case worked out by hand, and numerical gradients for a 3-D x."""
    with blaming("affine_backward", ("affine_forward", check_affine_forward, (affine_forward,),
                                     "its own test above")):
        _check_affine_backward(affine_forward, affine_backward)


def _check_affine_backward(affine_forward, affine_backward):
    """affine_backward's dx, dW, db against numerical gradients."""
    (x, W, b, dout), (x3, W3, b3, dout3) = visible_affine_cases().values()
    _, cache = forward_pair(affine_forward, "affine_forward", "by hand", x, W, b)
    grads = unpack(
        call(affine_backward, "affine_backward", "by hand", dout, cache,
             derived={"affine_forward": affine_forward}),
        "affine_backward",
        ("dx", "dW", "db"),
    )
    # worked out entry by entry from out[n, m] = sum_d x[n, d] W[d, m] + b[m]
    expected = (
        np.array([[1.0, 0.0, -1.0], [4.0, 2.0, 1.0]]),
        np.array([[1.0, 4.0], [0.0, 2.0], [-1.0, 1.0]]),
        np.array([1.0, 2.0]),
    )
    for name, got, exp in zip(("dx", "dW", "db"), grads, expected, strict=True):
        close("affine_backward", "x (2, 3) worked out by hand", name, got, exp, sizes={"N": 2})
    _, cache = forward_pair(affine_forward, "affine_forward", "3-D x", x3, W3, b3)
    grads = unpack(
        call(affine_backward, "affine_backward", "3-D x", dout3, cache,
             derived={"affine_forward": affine_forward}),
        "affine_backward",
        ("dx", "dW", "db"),
    )
    args = [x3, W3, b3]
    for a, (name, got) in enumerate(zip(("dx", "dW", "db"), grads, strict=True)):

        f = layer_objective(affine_forward, args, a)
        gradient("affine_backward", "x of shape (4, 2, 3)", f, args[a], got, name, dout=dout3)
    passed("affine_backward", "dx (with x's shape), dW, db match", 2)


NET_Y = np.array([0, 1])
NET_REG = 0.1
# loss and grads of the small net above with labels NET_Y and reg = 0.1
NET_LOSS = {"TwoLayerNet": 1.6414147955814284, "ThreeLayerNet": 2.2938194090974133}
NET_GRADS = {
    "TwoLayerNet": {
        "W1": [
            [0.09128068942973441, -0.09128068942973439, 0.1],
            [0.4148529014965622, 0.18514709850343783, -0.2],
        ],
        "b1": [0.0457459545132691, -0.04574595451326913, 0.0],
        "W2": [
            [0.12098649242285874, 0.07901350757714128],
            [0.14644518932346232, 0.05355481067653764],
            [-0.2, 0.4],
        ],
        "b2": [0.0457459545132691, -0.04574595451326913],
    },
    "ThreeLayerNet": {
        "W1": [
            [-0.17506501215236675, -0.1374891646412722, 0.1],
            [0.6243107344193508, 0.16261487759677493, -0.2],
        ],
        "b1": [0.3741546710622802, -0.06235911184371332, 0.0],
        "W2": [
            [0.2735564566863348, -0.01225940944772235],
            [0.7864530821028577, 0.06892448631619044],
            [-0.2, 0.4],
        ],
        "b2": [0.3741546710622802, -0.06235911184371332],
        "W3": [
            [0.4369906412641877, -0.23699064126418753],
            [0.3496792049988766, -0.04967920499887651],
        ],
        "b3": [0.12471822368742676, -0.1247182236874267],
    },
}


def visible_net_loss_cases(cls_name):
    """{label: (params, X, y, reg)} of the visible loss/gradient tests."""
    ((params, X),) = visible_net_cases(cls_name).values()
    W, X2, y2 = small_problem(seed=4, N=6, D=3, C=3)
    rng = np.random.default_rng(4)
    dims = [3, 5, 3] if cls_name == "TwoLayerNet" else [3, 5, 4, 3]
    random_params = {}
    for k in range(1, len(dims)):
        random_params[f"W{k}"] = rng.standard_normal((dims[k - 1], dims[k])) / np.sqrt(dims[k - 1])
        random_params[f"b{k}"] = 0.1 + 0.1 * rng.random(dims[k])
    return {
        "the small net worked out by hand, reg=0.1": (params, X, NET_Y.copy(), NET_REG),
        "random net, reg=0.05": (random_params, X2, y2, 0.05),
    }


LARGE_SCORES = ("the small net with 1000 added to every score (the last bias): the softmax "
                "must shift each row by its maximum, and the loss and gradients stay the same")


def with_large_scores(params):
    """A copy of `params` with 1000 added to the last layer's bias: every score grows by 1000,
    which changes neither the softmax loss nor any gradient."""
    last = f"b{len(params) // 2}"
    return {**params, last: params[last] + 1000.0}


def _net_for(cls, cls_name, params, reg):
    """A net of the student's class with the case's sizes and parameters."""
    dims = [params["W1"].shape[0]] + [
        params[f"W{k}"].shape[1] for k in range(1, len(params) // 2 + 1)
    ]
    hidden = dims[1] if len(dims) == 3 else tuple(dims[1:-1])
    net = construct(cls, cls_name, dims[0], hidden, dims[-1], reg=reg, seed=0)
    for name, value in params.items():
        net.params[name] = value.copy()
    return net


def _modules(cls, cls_name, with_gradients):
    """The checks of the notebook's functions the net's loss calls, for `blaming`."""
    ns = getattr(getattr(cls, "loss", None), "__globals__", {})
    above, a1, a2 = "its own test above", "the test of assignment 1", "the test of assignment 2"
    modules = [
        ("affine_forward", above, check_affine_forward, ()),
        ("relu_forward", a2, a2_activations.check_activation_forward, ("relu",)),
        ("softmax_loss", a1, a1_linear.check_softmax_loss_value, ()),
    ]
    if with_gradients:
        modules += [
            ("affine_backward", above, lambda f: check_affine_backward(
                ns.get("affine_forward"), f), ()),
            ("relu_backward", a2, lambda f: a2_activations.check_activation_backward(
                ns.get("relu_forward"), f, "relu"), ()),
            ("softmax_loss", a1, a1_linear.check_softmax_loss_dscores, ()),
        ]
    return [(name, check, (ns[name], *extra), where)
            for name, where, check, extra in modules if callable(ns.get(name))]


@visible_check
def check_net_loss(cls, cls_name):
    """loss(X, y): the small net by hand, log C at zero weights, the regularization term."""
    with blaming(f"{cls_name}.loss", *_modules(cls, cls_name, with_gradients=False)):
        _check_net_loss(cls, cls_name)


def _check_net_loss(cls, cls_name):
    """A net's scores and loss on the visible cases."""
    (params, X, y, reg), _ = visible_net_loss_cases(cls_name).values()
    net = _net_for(cls, cls_name, params, reg)
    result = unpack(
        call(net.loss, f"{cls_name}.loss", "by hand", X, y), f"{cls_name}.loss", ("loss", "grads")
    )
    reg_loss = reg * sum(np.sum(v**2) for n, v in params.items() if n.startswith("W"))
    close(
        f"{cls_name}.loss(X, y)",
        "the small net, reg=0.1",
        "loss",
        result[0],
        NET_LOSS[cls_name],
        reg_term=reg_loss,
        sizes={"N": 2, "C": 2},
    )
    net = _net_for(cls, cls_name, with_large_scores(params), reg)
    result = unpack(call(net.loss, f"{cls_name}.loss", "large scores", X, y),
                    f"{cls_name}.loss", ("loss", "grads"))
    close(f"{cls_name}.loss(X, y)", LARGE_SCORES, "loss", result[0], NET_LOSS[cls_name],
          reg_term=reg_loss, sizes={"N": 2, "C": 2})
    zeros = {n: np.zeros_like(v) for n, v in params.items()}
    net = _net_for(cls, cls_name, zeros, reg)
    loss, _ = unpack(
        call(net.loss, f"{cls_name}.loss", "zeros", X, y), f"{cls_name}.loss", ("loss", "grads")
    )
    close(
        f"{cls_name}.loss(X, y)",
        "all parameters 0: the loss is log C = log 2",
        "loss",
        loss,
        np.log(2),
    )
    passed(f"{cls_name}.loss(X, y)", "loss matches (by hand, large scores, zero weights)", 3)


@visible_check
def check_net_grads(cls, cls_name):
    """grads of loss(X, y): the small net by hand, ReLU'(0) = 0, numerical gradients."""
    loss_check = (f"{cls_name}.loss", check_net_loss, (cls, cls_name), "the loss test above")
    with blaming(f"{cls_name}.loss", *_modules(cls, cls_name, with_gradients=True), loss_check):
        _check_net_grads(cls, cls_name)


def _check_net_grads(cls, cls_name):
    """A net's gradients against numerical gradients of its own loss."""
    cases = visible_net_loss_cases(cls_name)
    (params, X, y, reg), (rparams, rX, ry, rreg) = cases.values()
    net = _net_for(cls, cls_name, params, reg)
    _, grads = unpack(call(net.loss, f"{cls_name}.loss", "by hand", X, y, derived={}),
                      f"{cls_name}.loss", ("loss", "grads"))
    if not isinstance(grads, dict) or sorted(grads) != sorted(params):
        raise CheckFailed(
            f"{cls_name}.loss(X, y) should return grads as a dict keyed like "
            f"params {sorted(params)}, got "
            f"{sorted(grads) if isinstance(grads, dict) else type(grads).__name__}."
        )
    for name in params:
        reg_term = 2 * reg * params[name] if name.startswith("W") else None
        close(
            f"{cls_name}.loss(X, y)",
            "the small net, reg=0.1",
            f"grads['{name}']",
            grads[name],
            np.array(NET_GRADS[cls_name][name]),
            reg_term=reg_term,
            sizes={"N": 2},
        )
    net = _net_for(cls, cls_name, rparams, rreg)
    _, grads = unpack(call(net.loss, f"{cls_name}.loss", "random", rX, ry, derived={}),
                      f"{cls_name}.loss", ("loss", "grads"))
    for name in rparams:

        def f(v, name=name):
            """The net's loss (a float) with params[name] set to v and the others fresh."""
            for other, value in rparams.items():
                net.params[other] = value.copy()
            net.params[name] = v
            return net.loss(rX, ry)[0]

        gradient(
            f"{cls_name}.loss(X, y)",
            "random net, reg=0.05",
            f,
            rparams[name],
            np.asarray(grads[name]),
            f"grads['{name}']",
            reg_term=2 * rreg * rparams[name] if name.startswith("W") else None,
            made_by=f"{cls_name}.loss",
        )
    net = _net_for(cls, cls_name, with_large_scores(params), reg)
    _, big = unpack(call(net.loss, f"{cls_name}.loss", "large scores", X, y, derived={}),
                    f"{cls_name}.loss", ("loss", "grads"))
    for name in params:
        close(f"{cls_name}.loss(X, y)", LARGE_SCORES, f"grads['{name}']", big[name],
              np.array(NET_GRADS[cls_name][name]), sizes={"N": 2})
    _check_relu_kink(cls, cls_name)
    passed(f"{cls_name}.loss(X, y)", "every gradient matches (by hand, large scores, "
           "ReLU'(0) = 0, numerically)", 4)


def relu_kink_case(cls_name):
    """(params, X, y, reg) of a net whose hidden unit 2 of the first layer sits exactly on the
    ReLU kink: X W1 + b1 = [[2, 0]]."""
    params = {"W1": np.array([[1.0, -1.0], [0.5, 0.5]]), "b1": np.zeros(2),
              "W2": np.array([[1.0, -1.0], [2.0, 1.0]]), "b2": np.zeros(2)}
    if cls_name == "ThreeLayerNet":
        params.update(W3=np.array([[1.0, -1.0], [2.0, 1.0]]), b3=np.zeros(2))
    return params, np.array([[1.0, 2.0]]), np.array([0]), 0.0


def _check_relu_kink(cls, cls_name):
    """A hidden unit whose pre-activation is exactly 0 passes no gradient (ReLU'(0) = 0)."""
    params, X, y, reg = relu_kink_case(cls_name)
    net = _net_for(cls, cls_name, params, reg)
    _, grads = unpack(call(net.loss, f"{cls_name}.loss", "kink", X, y, derived={}),
                      f"{cls_name}.loss", ("loss", "grads"))
    case = ("X = [[1, 2]], reg=0: hidden unit 2 has pre-activation exactly 0, and ReLU'(0) = 0 "
            "passes no gradient to its weights")
    close(f"{cls_name}.loss(X, y)", case, "grads['W1'][:, 1]", np.asarray(grads["W1"])[:, 1],
          np.zeros(2))
    close(f"{cls_name}.loss(X, y)", case, "grads['b1'][1]", np.asarray(grads["b1"])[1], 0.0)


@visible_check
def check_trained(ns, name, X, y, threshold, what):
    """The trained net called `name` in ns classifies at least `threshold` of (X, y) correctly."""
    (net,) = lookup(ns, (name,))
    scores = call(net.loss, f"{name}.loss", what, X)
    if np.shape(scores) != (len(y), int(y.max()) + 1):
        raise CheckFailed(
            f"{name}.loss(X) should return scores of shape "
            f"{(len(y), int(y.max()) + 1)}, got {np.shape(scores)}."
        )
    accuracy = float(np.mean(np.argmax(scores, axis=1) == y))
    if not accuracy >= threshold:
        raise CheckFailed(
            f"{name} classifies {accuracy:.1%} of {what} correctly; at least "
            f"{threshold:.0%} is required. Check the gradients first, then tune the "
            f"hidden size, learning rate, regularization and number of steps."
        )
    print(f"✓ {name}: accuracy on {what} {accuracy:.1%} (at least {threshold:.0%} required)")
