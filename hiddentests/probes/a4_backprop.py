"""Probes of assignment 4 (backpropagation): staged graphs, the affine layer, the nets' losses
and gradients, and the trained nets.

A staged graph is called on fresh random inputs shaped like its examples (`graph_cases`).
The nets are built with the student's constructor and then given explicit parameters
(`net.params[name] = array`); the inputs keep every hidden pre-activation at least KINK_GAP
away from 0, so centered differences never straddle a ReLU kink. Large-magnitude cases
(scores ~ +-1000, moderate spread) require the softmax to shift the scores. The student's own
loss values at W +- h e_i are recorded for sampled entries of every parameter.
"""

import numpy as np

from coursekit.checks import a4_backprop as checks
from coursekit.checks import a4_graphs as graph_checks
from coursekit.checks import a4_staged as staged_checks
from coursekit.checks.harness import KINK_GAP
from coursekit.data import load_digits_split, make_spiral
from hiddentests.probes._record import Recorder, probe_factory, sample_indices, student

NUM_ENTRIES = 6

# ----- staged computational graphs -------------------------------------------------------------

GRAPH_SEEDS = tuple(range(8000, 8008))  # fresh inputs per graph (the visible checks use others)


def graph_cases(shapes):
    """[(label, inputs)] of a staged graph whose inputs have these shapes; deterministic."""
    cases = []
    for seed in GRAPH_SEEDS:
        inputs = graph_checks.graph_inputs(shapes, seed)
        cases.append((f"random inputs (seed {seed})", inputs))
    return cases


@probe_factory
def probe_graph(name, shapes):
    """Probe of a staged graph `name(*inputs) -> (out, grads)` on inputs of these shapes."""

    def probe(ns):
        """Record the student's out and gradients on every case."""
        rec = Recorder()
        fn = student(ns, name)
        for k, (_, inputs) in enumerate(graph_cases(shapes)):
            key = f"case{k}"
            result = rec.call(key, fn, *inputs, derived={}, name=name)
            if f"{key}/error" in rec.out:
                continue
            if not (isinstance(result, (tuple, list)) and len(result) == 2):
                rec.error(key, f"TypeError: {name} should return (out, grads)")
                continue
            out, grads = result
            if not (isinstance(grads, (tuple, list)) and len(grads) == len(shapes)):
                rec.error(key, f"TypeError: {name} should return grads as a tuple of "
                               f"{len(shapes)} gradients, one per input")
                continue
            rec.value(key, "out", out)
            for i, g in enumerate(grads):
                rec.value(key, f"grad{i}", g)
        return rec.out

    probe.__name__ = f"probe_{name}"
    return probe


# ----- the staged two-layer net ----------------------------------------------------------------

STAGED_SHAPES = [  # (seed, N, D, H, C, reg)
    (8100, 1, 3, 4, 2, 0.0),
    (8101, 5, 4, 6, 3, 0.1),
    (8102, 8, 2, 5, 4, 0.05),
    (8103, 6, 5, 3, 3, 1.0),
]


def staged_cases():
    """[(label, X, y, params, reg)] with every pre-activation at least KINK_GAP from 0."""
    return [(f"N={N}, D={D}, H={H}, C={C}, reg={reg}",
             *staged_checks.staged_case(seed, N, D, H, C, reg, gap=KINK_GAP))
            for seed, N, D, H, C, reg in STAGED_SHAPES]


def probe_staged(ns):
    """The student's backward pass of the staged net on the cache of the given forward pass."""
    rec = Recorder()
    forward = student(ns, "two_layer_staged_forward")
    backward = student(ns, "two_layer_staged_backward")
    for k, (_, X, y, params, reg) in enumerate(staged_cases()):
        key = f"case{k}"
        result = rec.call(f"{key}/fwd", forward, X, y, params, reg)
        if f"{key}/fwd/error" in rec.out:
            rec.error(key, f"{rec.out.pop(f'{key}/fwd/error')} (in two_layer_staged_forward)")
            continue
        if not (isinstance(result, (tuple, list)) and len(result) == 2
                and isinstance(result[1], dict)):
            rec.error(key, "TypeError: two_layer_staged_forward should return (loss, cache)")
            continue
        grads = rec.call(key, backward, result[1], derived={"two_layer_staged_forward": forward},
                         name="two_layer_staged_backward")
        if f"{key}/error" in rec.out:
            continue
        if not isinstance(grads, dict):
            rec.error(key, f"TypeError: two_layer_staged_backward should return a dict, "
                           f"got {type(grads).__name__}")
            continue
        for name, value in grads.items():
            if isinstance(name, str) and name.isidentifier():
                rec.value(key, f"grads/{name}", value)
    return rec.out


# ----- Jacobians of y = x W ---------------------------------------------------------------------

JACOBIAN_SHAPES = [(2, 3, 4), (1, 2, 1), (3, 2, 5), (4, 1, 3)]  # (N, D, M)
BYTES_CASES = [(2, 3, 4, 8), (128, 4096, 4096, 4), (1, 1, 1, 8), (64, 3072, 100, 4), (7, 5, 3, 2)]


def jacobian_cases():
    """[(label, x, W, dy)] of the matrix product's cases."""
    return [(f"x ({N}, {D}), W ({D}, {M})", *graph_checks.matmul_case(N, D, M, seed=8200 + k))
            for k, (N, D, M) in enumerate(JACOBIAN_SHAPES)]


@probe_factory
def probe_function(fn_name, outputs):
    """Probe of fn_name on the cases of its exercise, recording the returned tuple as `outputs`."""
    cases = {"matmul_jacobians": lambda: [(x, W) for _, x, W, _ in jacobian_cases()],
             "matmul_backward": lambda: [(dy, x, W) for _, x, W, dy in jacobian_cases()],
             "jacobian_bytes": lambda: BYTES_CASES}[fn_name]

    def probe(ns):
        """Record the student's returned tuple on every case."""
        rec = Recorder()
        fn = student(ns, fn_name)
        for k, args in enumerate(cases()):
            result = rec.call(f"case{k}", fn, *args, name=fn_name,
                              derived=None if fn_name == "jacobian_bytes" else {})
            if f"case{k}/error" not in rec.out:
                rec.values(f"case{k}", result, outputs)
        return rec.out

    probe.__name__ = f"probe_{fn_name}"
    return probe


# ----- affine layer ------------------------------------------------------------------------------


def affine_cases():
    """[(label, x, W, b, dout)]; x may have more than two dimensions (it is flattened)."""
    cases = []
    for k, x_shape in enumerate([(1, 3), (4, 5), (7, 2, 3), (2, 3, 2, 2), (3, 1)]):
        rng = np.random.default_rng(6000 + k)
        D, M = int(np.prod(x_shape[1:])), 2 + k
        cases.append(
            (
                f"x of shape {x_shape}, W ({D}, {M})",
                rng.standard_normal(x_shape),
                rng.standard_normal((D, M)),
                rng.standard_normal(M),
                rng.standard_normal((x_shape[0], M)),
            )
        )
    for label, args in checks.visible_affine_cases().items():
        cases.append((f"visible case: {label}", *args))
    return cases


AFFINE_ARGS = ("x", "W", "b")
AFFINE_GRADS = ("dx", "dW", "db")


def probe_affine_forward(ns):
    """The student's affine_forward on every affine case: out."""
    rec = Recorder()
    fn = student(ns, "affine_forward")
    for k, (_, x, W, b, _dout) in enumerate(affine_cases()):
        key = f"case{k}"
        result = rec.call(key, fn, x, W, b)
        if f"{key}/error" in rec.out:
            continue
        if isinstance(result, (tuple, list)) and len(result) == 2:
            rec.value(key, "out", result[0])
        else:
            rec.error(key, "TypeError: affine_forward should return (out, cache)")
    return rec.out


def probe_affine_backward(ns):
    """The student's affine_backward on every affine case, and numerical gradients."""
    rec = Recorder()
    forward, backward = student(ns, "affine_forward"), student(ns, "affine_backward")
    for k, (_, x, W, b, dout) in enumerate(affine_cases()):
        key = f"case{k}"
        names = ("affine_forward", AFFINE_ARGS, AFFINE_GRADS)
        rec.layer_backward(key, forward, backward, (x, W, b), dout, names, NUM_ENTRIES, seed=10 * k)
    return rec.out


# ----- the nets ----------------------------------------------------------------------------------


def _pre_activations(params, X, n_layers):
    """Hidden pre-activations of a ReLU net (to keep the probe's inputs away from kinks)."""
    h, pre = X, []
    for k in range(1, n_layers):
        a = h @ params[f"W{k}"] + params[f"b{k}"]
        pre.append(a)
        h = np.maximum(a, 0)
    return pre


def net_cases(cls_name):
    """[(label, dims, params, X, y, reg, exact)]; deterministic. `exact` cases (large scores,
    a unit on the ReLU kink) are judged against the reference alone, without centered
    differences."""
    three = cls_name == "ThreeLayerNet"
    shapes = [
        (1, 3, (4, 3), 2, 0.0),
        (5, 4, (6, 5), 3, 0.1),
        (9, 5, (7, 4), 4, 0.05),
        (6, 2, (3, 3), 2, 1.0),
    ]
    cases = []
    for k, (N, D, Hs, C, reg) in enumerate(shapes):
        rng = np.random.default_rng(7000 + 10 * k + three)
        dims = [D, *(Hs if three else Hs[:1]), C]
        while True:
            params = {}
            for i in range(1, len(dims)):
                params[f"W{i}"] = rng.standard_normal((dims[i - 1], dims[i])) / np.sqrt(dims[i - 1])
                params[f"b{i}"] = 0.3 * rng.standard_normal(dims[i])
            X = rng.standard_normal((N, D))
            if all(
                np.all(np.abs(a) > KINK_GAP) for a in _pre_activations(params, X, len(dims) - 1)
            ):
                break
        y = rng.integers(0, C, size=N)
        cases.append((f"N={N}, dims={dims}, reg={reg}", dims, params, X, y, reg, False))
    # large-magnitude scores (s ~ +-1000 + O(1)): the softmax must shift by the row maximum
    label, dims, params, X, y, reg, _ = cases[1]
    last = len(dims) - 1
    for offset in (1000.0, -1000.0):
        big = dict(params)
        big[f"b{last}"] = params[f"b{last}"] + offset
        cases.append((f"large scores (s ~ {offset:+.0f}), " + label, dims, big, X, y, reg, True))
    for label, (params, X, y, reg) in checks.visible_net_loss_cases(cls_name).items():
        dims = [params["W1"].shape[0]] + [
            params[f"W{i}"].shape[1] for i in range(1, len(params) // 2 + 1)
        ]
        cases.append((f"visible case: {label}", dims, params, X, y, reg, False))
    params, X, y, reg = checks.relu_kink_case(cls_name)  # exact: no centered differences
    dims = [2] * (len(params) // 2 + 1)
    cases.append(("visible case: a hidden unit exactly on the ReLU kink", dims, params, X, y,
                  reg, True))
    return cases


def build_net(rec, key, cls, dims, reg):
    """The student's net for dims with reg, or None (and an error recorded)."""
    if len(dims) == 3:
        args = (dims[0], dims[1], dims[2])
    else:
        args = (dims[0], tuple(dims[1:-1]), dims[-1])
    net = rec.call(f"{key}/init", cls, *args, weight_scale=1e-3, reg=reg, activation="relu", seed=0)
    if f"{key}/init/error" in rec.out:
        rec.error(key, f"{rec.out.pop(f'{key}/init/error')} (in the constructor)")
        return None
    if not isinstance(getattr(net, "params", None), dict):
        rec.error(key, "AttributeError: net.params should be a dict of arrays")
        return None
    return net


def _record_gradients(rec, key, k, grads, net, params, X, y, numerical):
    """Record the student's grads of case `k` and, when `numerical`, centered differences of
    their loss at NUM_ENTRIES sampled entries of each parameter (the others kept fresh)."""
    for name in params:
        if name not in grads:
            rec.error(key, f"KeyError: grads has no entry {name!r} "
                           "(it should be keyed like params)")
            return
        rec.value(key, f"grads/{name}", grads[name])
    if not numerical or f"{key}/error" in rec.out:
        return
    for j, name in enumerate(params):

        def objective(v, name=name):
            """The loss (a float) with params[name] set to v and the others fresh."""
            for other, value in params.items():
                net.params[other] = value.copy()
            net.params[name] = v
            return net.loss(X.copy(), y.copy())[0]

        rec.numerical(f"{key}/{name}", objective, params[name],
                      sample_indices(params[name].size, NUM_ENTRIES, seed=10 * k + j))


@probe_factory
def probe_net(cls_name, with_gradients):
    """Probe of a net's loss (or its gradients, and numerical ones) on every net case."""
    def probe(ns):
        """Record the student's loss (or gradients, and numerical ones) on every case."""
        rec = Recorder()
        cls = student(ns, cls_name)
        for k, (_, dims, params, X, y, reg, large) in enumerate(net_cases(cls_name)):
            key = f"case{k}"
            net = build_net(rec, key, cls, dims, reg) if cls is not None else None
            if cls is None:
                rec.error(key, f"NameError: {cls_name} is not defined (run its cell first)")
            if net is None:
                continue
            for name, value in params.items():
                net.params[name] = value.copy()
            result = rec.call(key, net.loss, X, y, derived={} if with_gradients else None,
                              name=f"{cls_name}.loss")
            if f"{key}/error" in rec.out:
                continue
            if not (
                isinstance(result, (tuple, list))
                and len(result) == 2
                and isinstance(result[1], dict)
            ):
                rec.error(
                    key,
                    f"TypeError: {cls_name}.loss(X, y) should return (loss, grads) "
                    f"with grads a dict, got {type(result).__name__}",
                )
                continue
            loss, grads = result
            if not with_gradients:
                rec.value(key, "loss", loss)
                continue
            _record_gradients(rec, key, k, grads, net, params, X, y, numerical=not large)
        return rec.out

    probe.__name__ = f"probe_{cls_name}_{'grads' if with_gradients else 'loss'}"
    return probe


# ----- trained nets ------------------------------------------------------------------------------

TRAINED = {  # data set -> (the trained net's name, what it is judged on, accuracy required)
    "spiral": ("spiral_net", "the spiral (training set)", 0.98),
    "digits": ("digits_net", "the digits test set", 0.97),
}


def trained_data(data):
    """(X, y) a trained net of TRAINED[data] is judged on."""
    if data == "spiral":
        return make_spiral(n_per_class=100, n_classes=3, seed=0)
    split = load_digits_split(seed=0)
    return split["X_test"], split["y_test"]


@probe_factory
def probe_trained(data):
    """Probe of a trained net: its scores on the data it is judged on."""

    def probe(ns):
        """Record the student's trained net's scores on the data it is judged on."""
        rec = Recorder()
        name = TRAINED[data][0]
        net = ns.get(name)
        if net is None or not hasattr(net, "loss"):
            rec.error(
                "net",
                f"NotImplementedError: no trained net called {name} (its training "
                f"cell still raises NotImplementedError, or was not run)",
            )
            return rec.out
        X, _ = trained_data(data)
        scores = rec.call("net", net.loss, X)
        if "net/error" not in rec.out:
            rec.value("net", "scores", scores)
        return rec.out

    probe.__name__ = f"probe_trained_{data}"
    return probe
