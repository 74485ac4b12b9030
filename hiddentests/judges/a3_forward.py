"""Judges of assignment 3 (forward passes): parameters and scores against `solutions.nets`."""

import numpy as np

from hiddentests.judges._compare import compare, error_of
from hiddentests.probes import a3_forward as P
from solutions import nets


def _judge_init_weights(failures, outputs, key, call, i, scale):
    """Layer `i`'s W (fan-in, fan-out): weight_scale * standard normal samples from the seed."""
    W = outputs[f"{key}/params/W{i}"]
    if not np.all(np.isfinite(W)) or np.all(W == 0):
        failures.append(
            f"{call}: W{i} should be weight_scale * standard normal "
            f"samples, got {'all zeros' if np.all(W == 0) else 'NaN/inf'}."
        )
        return
    if W.size >= 500:
        std = W.std()
        if not 0.85 * scale <= std <= 1.15 * scale:
            failures.append(
                f"{call}: the entries of W{i} should have standard deviation "
                f"weight_scale = {scale:g}; got {std:.3g}. Multiply standard normal "
                f"samples by weight_scale."
            )
        # the mean against the samples' own spread: a wrong scale gets the message above only
        if abs(W.mean()) > 5 * std / np.sqrt(W.size):
            failures.append(
                f"{call}: the entries of W{i} should have mean 0; got {W.mean():.3g}."
            )
    if np.abs(W).max() > 8 * scale:
        failures.append(
            f"{call}: W{i} has entries as large as {np.abs(W).max():.3g}, "
            f"far beyond weight_scale = {scale:g}."
        )
    same = outputs.get(f"{key}/same_seed/W{i}")
    other = outputs.get(f"{key}/other_seed/W{i}")
    if same is None or same.shape != W.shape or not np.array_equal(same, W):
        failures.append(
            f"{call}: two nets built with the same seed should have the "
            f"same W{i}: draw from np.random.default_rng(seed)."
        )
    if other is not None and other.shape == W.shape and W.size > 1 and np.array_equal(other, W):
        failures.append(
            f"{call}: nets built with different seeds have the same W{i}: "
            f"the seed is not used."
        )


def _judge_init_layers(failures, outputs, key, call, dims, scale):
    """Every layer's W and b: shapes (fan-in, fan-out) and (fan-out,), b zero, W as drawn."""
    for i in range(1, len(dims)):
        W, b = outputs[f"{key}/params/W{i}"], outputs[f"{key}/params/b{i}"]
        if W.shape != (dims[i - 1], dims[i]) or b.shape != (dims[i],):
            failures.append(
                f"{call}: W{i} should have shape {(dims[i - 1], dims[i])} "
                f"(fan-in, fan-out) "
                f"and b{i} shape {(dims[i],)}; got {W.shape} and {b.shape}."
            )
            continue
        if np.any(b != 0):
            failures.append(f"{call}: b{i} should start at zero, got {b.ravel()[:5]}...")
        _judge_init_weights(failures, outputs, key, call, i, scale)


def _judge_init_settings(failures, outputs, key, call, kwargs):
    """`net.reg` and `net.activation` hold the constructor's values."""
    reg = float(outputs.get(f"{key}/reg", np.nan))
    if reg != kwargs.get("reg", 0.0):
        failures.append(f"{call}: net.reg should be {kwargs.get('reg', 0.0)!r}, got {reg!r}.")
    activation = str(outputs.get(f"{key}/activation", ""))
    if activation != kwargs.get("activation", "relu"):
        failures.append(
            f"{call}: net.activation should be "
            f"{kwargs.get('activation', 'relu')!r}, got {activation!r}."
        )


def _judge_init_case(failures, outputs, key, cls_name, args, kwargs):
    """One constructor call: it ran, `params` has the right keys, layers and settings."""
    call = f"{cls_name}{args}" + "".join(f", {n}={v!r}" for n, v in kwargs.items())
    err = error_of(outputs, key)
    if err is not None:
        failures.append(f"{call} raised {err}.")
        return
    dims = P.layer_dims(cls_name, args)
    names = P.param_names(len(dims) - 1)
    got_names = str(outputs.get(f"{key}/names", "")).split()
    if sorted(got_names) != sorted(names):
        failures.append(
            f"{call}: net.params should have the keys {sorted(names)}, got "
            f"{sorted(got_names)}."
        )
        return
    _judge_init_layers(failures, outputs, key, call, dims, kwargs.get("weight_scale", 1e-3))
    _judge_init_settings(failures, outputs, key, call, kwargs)
    if bool(outputs.get(f"{key}/global_rng_changed", False)):
        failures.append(f"{call} changed numpy's global random state (np.random.seed, "
                        f"np.random.randn, ...): draw from rng = np.random.default_rng(seed) only.")


def judge_init(cls_name):
    """The judge of `cls_name`'s constructor: parameters, their initialization and settings."""

    def judge(outputs):
        """Failures of the recorded constructor calls (empty: passed)."""
        failures = []
        for k, (args, kwargs) in enumerate(P.INIT_CASES[cls_name]):
            _judge_init_case(failures, outputs, f"case{k}", cls_name, args, kwargs)
        return failures

    judge.__name__ = f"judge_{cls_name}_init"
    return judge


def judge_scores(cls_name):
    """The judge of `cls_name.loss(X)`'s scores against the reference net's."""
    reference_cls = getattr(nets, cls_name)

    def judge(outputs):
        """Failures of the recorded score cases (empty: passed)."""
        failures = []
        for k, (label, dims, params, X, act) in enumerate(P.score_cases(cls_name)):
            key = f"case{k}"
            err = error_of(outputs, key)
            if err is not None:
                failures.append(f"{cls_name}.loss(X) raised {err} on the case {label}.")
                continue
            reference = P.build(reference_cls, dims, act)
            P.set_params(reference, params)
            compare(
                failures,
                f"scores of {cls_name}.loss(X)",
                outputs.get(f"{key}/scores"),
                reference.loss(X),
                label,
                sizes={"N": X.shape[0]},
            )
        return failures

    judge.__name__ = f"judge_{cls_name}_scores"
    return judge
