"""Training as assignment 4 teaches it: every reference net starts near log C, the epoch loop
keeps its stated rules, and the regularization lesson holds on more than one draw of the data.
"""

import ast
import os

import numpy as np
import pytest
from assignment_harness import COURSE

from coursekit import capacity, data, regularization, tinynet
from coursekit.checks import a4_training
from solutions.nets import ThreeLayerNet, TwoLayerNet
from solutions.practice import train_epochs
from solutions.value_nets import MLP, mlp_loss

NETS = {"TwoLayerNet": TwoLayerNet, "ThreeLayerNet": ThreeLayerNet}
SANE = 0.15  # a first loss within 15% of log C: small scores, nearly uniform probabilities
# the lectures' nets start from scikit-learn's Glorot initialization: the smallest (3 units) has
# scores of up to about unit size at the start
SANE_LECTURE = 0.2
# the cell that shows what a bad weight scale does: its scales are the lesson, not a mistake
WEIGHT_SCALE_DEMO = "scales = {"


def _first_loss_ratio(loss, C):
    return abs(loss / np.log(C) - 1)


def _data_for(input_dim):
    if input_dim == 2:
        return data.make_spiral(n_per_class=100, n_classes=3, seed=0)
    split = data.load_digits_split(seed=0)
    return split["X_train"], split["y_train"]


@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh", "leaky_relu", "elu"])
@pytest.mark.parametrize("input_dim, hidden, C", [(2, 100, 3), (64, 100, 10)])
def test_reference_nets_at_their_default_scale_start_at_log_c(activation, input_dim, hidden, C):
    X, y = _data_for(input_dim)
    two = TwoLayerNet(input_dim, hidden, C, activation=activation, seed=0)
    three = ThreeLayerNet(input_dim, (hidden, hidden), C, activation=activation, seed=0)
    for net in (two, three):
        assert _first_loss_ratio(net.loss(X, y)[0], C) < 0.01


def test_lecture_and_autograd_nets_start_near_log_c():
    X, y = data.make_spiral(n_per_class=100, n_classes=3, seed=0)
    for hidden in (3, 20, 100):
        for seed in range(3):
            _, history = tinynet.train(X, y, hidden_size=hidden, reg=1e-5, n_steps=1, seed=seed)
            assert _first_loss_ratio(history["loss"][0], 3) < SANE_LECTURE
    X_c, y_c, _, _ = capacity.split(0)
    for settings in capacity.NETS.values():
        _, history = tinynet.train(X_c, y_c, n_steps=1, seed=0, **settings)
        assert _first_loss_ratio(history["loss"][0], 2) < SANE_LECTURE
    X_s, y_s = data.make_circles(40, noise=0.1, seed=0)
    assert _first_loss_ratio(mlp_loss(MLP(2, [8, 2]), X_s, y_s, 0.0).data, 2) < SANE


def _constructor_calls():
    """(cell text, net name, positional args, keyword args) of every net the a4 template builds."""
    with open(os.path.join(COURSE, "templates", "a4_backprop.nbt"), encoding="utf-8") as f:
        cells = f.read().split("\n%% ")
    for cell in cells:
        if not cell.startswith(("solution", "code")):
            continue
        body = "\n".join(line for line in cell.splitlines()[1:] if not line.startswith("#@"))
        for node in ast.walk(ast.parse(body)):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in NETS:
                yield cell, node.func.id, node.args, {k.arg: k.value for k in node.keywords}


def test_every_net_the_assignment_trains_starts_near_log_c():
    checked = 0
    for cell, name, args, kwargs in _constructor_calls():
        scale = kwargs.get("weight_scale")
        if scale is not None and not isinstance(scale, ast.Constant):
            assert WEIGHT_SCALE_DEMO in cell, f"{name} with a weight scale that is not a number"
            continue
        if not all(isinstance(a, (ast.Constant, ast.Tuple)) for a in args[:3]):
            continue  # built from a data set's shape (the first-loss cell): default scale
        input_dim, hidden, C = (ast.literal_eval(a) for a in args[:3])
        if input_dim not in (2, 64):
            continue  # a gradient check on random inputs (section 3), not a net that is trained
        X, y = _data_for(input_dim)
        net = NETS[name](input_dim, hidden, C, weight_scale=ast.literal_eval(scale or
                                                                           ast.Constant(1e-3)),
                         seed=0)
        assert _first_loss_ratio(net.loss(X, y)[0], C) < SANE, (name, ast.unparse(scale))
        checked += 1
    assert checked >= 4  # the tiny net, the learning-rate nets, the spiral, the digits


def test_the_regularization_lesson_starts_near_log_c():
    X, y, _, _ = regularization.split(0)
    net = TwoLayerNet(2, regularization.HIDDEN, 3, weight_scale=regularization.WEIGHT_SCALE,
                      seed=0)
    assert _first_loss_ratio(net.loss(X, y)[0], 3) < SANE


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(5))
def test_regularization_lesson_holds_validation_accuracy_rises_then_falls(seed):
    results = regularization.sweep(TwoLayerNet, seed=seed)
    val = [r["val"] for r in results]
    assert results[0]["reg"] == 0 and results[0]["train"] >= 0.95  # the large net fits the noise
    assert max(val[1:-1]) >= val[0] + 0.02, val  # some regularization helps ...
    assert val[-1] <= max(val) - 0.1, val  # ... too much underfits
    assert results[-1]["train"] < results[0]["train"] - 0.2


def test_noisy_spiral_split_is_seeded_and_refuses_a_negative_noise():
    first, again = (data.make_noisy_spiral_split(seed=3) for _ in range(2))
    assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))
    X, y, X_val, y_val = first
    assert X.shape == (36, 2) and X_val.shape == (300, 2) and y.dtype == np.int64
    assert not np.array_equal(X[:10], X_val[:10])
    with pytest.raises(ValueError, match="noise should be a number >= 0"):
        data.make_noisy_spiral_split(noise=-1)


def test_train_epochs_keeps_its_stated_rules_and_learns():
    a4_training.check_train_epochs(train_epochs)
    X, y = data.make_spiral(n_per_class=50, n_classes=3, seed=1)
    net = TwoLayerNet(2, 50, 3, weight_scale=0.1, seed=0)
    history = train_epochs(net, X, y, X, y, learning_rate=1.0, num_epochs=30, batch_size=30)
    assert history["loss"][-1] < 0.7 * history["loss"][0]
    assert np.array_equal(history["train_acc"], history["val_acc"])  # the same set twice


@pytest.mark.parametrize(
    "change, message",
    [({"batch_size": 0}, "batch_size should be a positive integer"),
     ({"learning_rate": -1.0}, "learning_rate should be a positive number"),
     ({"num_epochs": 2.5}, "num_epochs should be a positive integer"),
     ({"net": object()}, "net should have .params and .loss")],
)
def test_train_epochs_refuses_bad_settings_saying_what_it_expected(change, message):
    X, y = data.make_spiral(n_per_class=5, n_classes=3, seed=0)
    args = {"net": TwoLayerNet(2, 4, 3, seed=0), "X": X, "y": y, "X_val": X, "y_val": y,
            "learning_rate": 0.1, "num_epochs": 1, "batch_size": 5, **change}
    with pytest.raises((ValueError, TypeError), match=message):
        train_epochs(**args)
