"""Probes of assignment 3 (forward passes): the nets' parameters and scores.

Initialization is probed statistically (shapes, zero biases, standard deviation close to
weight_scale, reproducible from `seed`), never against one particular random stream: any
`weight_scale * standard normal` drawn from `seed` is right. Cases without weight_scale, reg or
activation probe the signature's defaults (1e-3, 0.0, "relu"). Scores are probed with
parameters set explicitly (`net.params[name] = array`), so they do not depend on the
initialization; cases cover N = 1, C = 2, odd sizes and three activations.
"""

import numpy as np

from coursekit.checks import a3_forward as checks
from hiddentests.probes._record import Recorder, probe_factory, student

INIT_CASES = {  # name -> [(positional args, keyword args)]
    "TwoLayerNet": [
        ((1, 1, 2), {"seed": 0}),
        ((7, 13, 5), {"weight_scale": 0.05, "reg": 0.3, "seed": 1}),
        ((64, 100, 10), {"weight_scale": 1e-3, "reg": 0.0, "activation": "tanh", "seed": 2}),
        ((30, 40, 20), {"seed": 3}),  # the defaults, on layers large enough to measure the scale
    ],
    "ThreeLayerNet": [
        ((1, (1, 1), 2), {"seed": 0}),
        ((7, (13, 9), 5), {"weight_scale": 0.05, "reg": 0.3, "seed": 1}),
        (
            (64, (100, 50), 10),
            {"weight_scale": 1e-3, "reg": 0.0, "activation": "sigmoid", "seed": 2},
        ),
        ((30, (40, 20), 25), {"seed": 3}),  # the defaults, on layers large enough to measure
    ],
}


def layer_dims(cls_name, args):
    """[D, H1, (H2,) C] of a constructor call."""
    D, H, C = args
    return [D, *np.atleast_1d(H).tolist(), C]


def param_names(n_layers):
    """The parameter names of a net of `n_layers` layers: W1, b1, W2, b2, ..."""
    return [f"{p}{k}" for k in range(1, n_layers + 1) for p in ("W", "b")]


def score_cases(cls_name):
    """[(label, dims, params, X, activation)] with explicit parameters; deterministic."""
    three = cls_name == "ThreeLayerNet"
    shapes = [
        (1, 3, (4, 3), 2, "relu"),
        (5, 4, (7, 5), 3, "relu"),
        (9, 6, (11, 3), 2, "relu"),
        (4, 3, (5, 4), 4, "tanh"),
        (6, 2, (3, 5), 3, "sigmoid"),
    ]
    cases = []
    for k, (N, D, Hs, C, act) in enumerate(shapes):
        rng = np.random.default_rng(5000 + 10 * k + three)
        dims = [D, *(Hs if three else Hs[:1]), C]
        params = {}
        for i in range(1, len(dims)):
            params[f"W{i}"] = rng.standard_normal((dims[i - 1], dims[i])) / np.sqrt(dims[i - 1])
            params[f"b{i}"] = 0.5 * rng.standard_normal(dims[i])
        X = rng.standard_normal((N, D))
        cases.append((f"N={N}, dims={dims}, activation={act}", dims, params, X, act))
    for label, (params, X) in checks.visible_net_cases(cls_name).items():
        dims = [params["W1"].shape[0]] + [
            params[f"W{i}"].shape[1] for i in range(1, len(params) // 2 + 1)
        ]
        cases.append((f"visible case: {label}", dims, params, X, "relu"))
    return cases


def build(cls, dims, activation="relu", reg=0.0):
    """cls(...) for the layer sizes dims, from the contract's constructor."""
    if len(dims) == 3:
        return cls(
            dims[0], dims[1], dims[2], weight_scale=1e-3, reg=reg, activation=activation, seed=0
        )
    return cls(
        dims[0],
        tuple(dims[1:-1]),
        dims[-1],
        weight_scale=1e-3,
        reg=reg,
        activation=activation,
        seed=0,
    )


def set_params(net, params):
    """Overwrite the net's parameters in its own params dict."""
    for name, value in params.items():
        net.params[name] = value.copy()


@probe_factory
def probe_init(cls_name):
    """The probe of `cls_name`'s constructor."""

    def probe(ns):
        """Record the parameters and settings of nets built by every constructor case."""
        rec = Recorder()
        cls = student(ns, cls_name)
        for k, (args, kwargs) in enumerate(INIT_CASES[cls_name]):
            key = f"case{k}"
            nets = []
            before = np.random.get_state()[1].copy()  # numpy's global stream: left alone?
            for seed_shift, tag in ((0, "a"), (0, "b"), (100, "c")):
                kw = dict(kwargs, seed=kwargs["seed"] + seed_shift)
                net = rec.call(f"{key}/{tag}", cls, *args, **kw)
                nets.append(net)
            rec.out[f"{key}/global_rng_changed"] = np.array(
                not np.array_equal(before, np.random.get_state()[1]))
            if any(f"{key}/{tag}/error" in rec.out for tag in "abc"):
                err = next(
                    rec.out[f"{key}/{tag}/error"]
                    for tag in "abc"
                    if f"{key}/{tag}/error" in rec.out
                )
                rec.error(key, str(err))
                continue
            net_a, net_b, net_c = nets
            params = getattr(net_a, "params", None)
            if not isinstance(params, dict):
                rec.error(
                    key, f"AttributeError: net.params should be a dict, got {type(params).__name__}"
                )
                continue
            rec.out[f"{key}/names"] = np.array(" ".join(sorted(map(str, params))))
            for name, value in params.items():
                if not rec.value(key, f"params/{name}", value):
                    break
                other_b = getattr(net_b, "params", {}).get(name)
                other_c = getattr(net_c, "params", {}).get(name)
                rec.value(key, f"same_seed/{name}", other_b if other_b is not None else np.nan)
                rec.value(key, f"other_seed/{name}", other_c if other_c is not None else np.nan)
            rec.out[f"{key}/reg"] = np.array(
                float(getattr(net_a, "reg", np.nan))
                if isinstance(getattr(net_a, "reg", None), (int, float))
                else np.nan
            )
            rec.out[f"{key}/activation"] = np.array(str(getattr(net_a, "activation", "")))
        return rec.out

    probe.__name__ = f"probe_{cls_name}_init"
    return probe


@probe_factory
def probe_scores(cls_name):
    """The probe of `cls_name.loss(X)`'s scores."""

    def probe(ns):
        """Record the scores of nets with parameters set explicitly."""
        rec = Recorder()
        cls = student(ns, cls_name)
        for k, (_, dims, params, X, act) in enumerate(score_cases(cls_name)):
            key = f"case{k}"
            net = rec.call(f"{key}/init", build, cls, dims, act)
            if f"{key}/init/error" in rec.out:
                rec.error(key, f"{rec.out.pop(f'{key}/init/error')} (in the constructor)")
                continue
            try:
                set_params(net, params)
            except Exception as exc:
                rec.error(key, f"{type(exc).__name__}: cannot set net.params ({exc})")
                continue
            scores = rec.call(key, net.loss, X)
            if f"{key}/error" not in rec.out:
                rec.value(key, "scores", scores)
        return rec.out

    probe.__name__ = f"probe_{cls_name}_scores"
    return probe
