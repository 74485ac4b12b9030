"""Visible checks of assignment 4's training section: the tiny subset, the learning rates and
`train_epochs`.

`train_epochs` is checked rule by rule on a stand-in model that records every minibatch it is
given: its "gradients" are fixed functions of the minibatch (not the gradients of a loss), so
each step can be followed: which examples each minibatch holds, the update of every parameter,
the mean loss of each epoch and the accuracies after it.
"""

import functools

import numpy as np

from coursekit.checks.a4_reference_net import loss_and_grads
from coursekit.checks.harness import (
    CheckFailed,
    call,
    close,
    fresh_copy,
    mutated,
    passed,
    student_code,
    visible_check,
)
from coursekit.data import make_spiral

TINY_ACCURACY = 1.0  # a net that can learn memorizes the tiny subset
LR_STEPS = 300  # full-batch steps of the learning-rate experiment
LR_LOW_FRACTION = 0.9  # too low: the last loss is still above this fraction of the first
LR_GOOD_LOSS = 0.35  # good: the last loss is below this
LR_NAMES = {"too high": "lr_too_high", "too low": "lr_too_low", "good": "lr_good"}


def learning_rate_verdict(losses):
    """What a loss curve says of its learning rate: 'too high', 'too low', 'good', 'in between'."""
    losses = np.asarray(losses, dtype=np.float64)
    first, last = losses[0], losses[-1]
    if not np.all(np.isfinite(losses)) or last >= first:
        return "too high"
    if last > LR_LOW_FRACTION * first:
        return "too low"
    return "good" if last < LR_GOOD_LOSS else "in between"


def _lookup(ns, name, what):
    """The notebook's object of that name, or a clear 'not written yet' failure."""
    if name not in ns:
        raise CheckFailed(f"{name} is not written yet: write the cell that {what}, run it, then "
                          "run this cell again.")
    return ns[name]


@visible_check
def check_overfit_tiny(ns, X_tiny, y_tiny):
    """tiny_net classifies every example of the tiny subset right."""
    net = _lookup(ns, "tiny_net", "trains tiny_net")
    scores = call(net.loss, "tiny_net.loss", "the tiny subset", X_tiny)
    if np.shape(scores) != (len(y_tiny), int(y_tiny.max()) + 1):
        raise CheckFailed(f"tiny_net.loss(X_tiny) should return scores of shape "
                          f"{(len(y_tiny), int(y_tiny.max()) + 1)}, got {np.shape(scores)}.")
    right = int(np.sum(np.argmax(scores, axis=1) == y_tiny))
    reg = getattr(net, "reg", 0.0)
    if right < TINY_ACCURACY * len(y_tiny) and reg:
        raise CheckFailed(
            f"tiny_net classifies {right} of the {len(y_tiny)} tiny examples right, with "
            f"tiny_net.reg = {reg!r}: train it with no regularization. If you did not pass reg, "
            f"the default of reg in {type(net).__name__} should be 0.0, as in its signature."
        )
    if right < TINY_ACCURACY * len(y_tiny):
        raise CheckFailed(
            f"tiny_net classifies {right} of the {len(y_tiny)} tiny examples right; a net that "
            f"learns memorizes all of them. Use no regularization and more steps or a larger "
            f"learning rate; if the loss does not fall at all, check the gradients."
        )
    print(f"✓ tiny_net: all {len(y_tiny)} examples of the tiny subset right")


@functools.lru_cache(maxsize=64)
def learning_rate_curve(learning_rate):
    """The LR_STEPS losses of a correct net trained as in the notebook at this learning rate.

    The net is TwoLayerNet(2, 100, 3, weight_scale=0.1, seed=0) on the spiral of
    make_spiral(n_per_class=100, n_classes=3, seed=0), trained by full-batch gradient descent
    without regularization; the curve stops at the first loss that is not finite. A learning
    rate is judged on this curve, so a bug in the student's own net costs no points here.
    """
    X, y = make_spiral(n_per_class=100, n_classes=3, seed=0)
    rng = np.random.default_rng(0)  # drawn in TwoLayerNet's order: W1, then W2
    params = {"W1": 0.1 * rng.standard_normal((2, 100)), "b1": np.zeros(100)}
    params.update(W2=0.1 * rng.standard_normal((100, 3)), b2=np.zeros(3))
    losses = []
    with np.errstate(all="ignore"):  # a learning rate that is too high overflows
        for _ in range(LR_STEPS):
            loss, grads = loss_and_grads(params, X, y)
            losses.append(loss)
            if not np.isfinite(loss):
                break
            params = {name: value - learning_rate * grads[name] for name, value in params.items()}
    return tuple(losses)


def _learning_rate(ns, name):
    """The positive number the notebook set as `name`, or a clear failure."""
    value = _lookup(ns, name, f"sets {name}")
    if isinstance(value, bool) or not np.isscalar(value) or not np.isreal(value) or \
            not value > 0:
        raise CheckFailed(f"{name} should be one positive number, got {value!r}.")
    return float(value)


@visible_check
def check_learning_rates(ns):
    """Each learning rate makes a correct net's loss curve what its name says.

    The curve is `learning_rate_curve`'s, so a bug in the student's own net shows only as a
    note: the plot of `curves` then disagrees with a correct net's.
    """
    notes = []
    curves = ns.get("curves")
    for kind, name in LR_NAMES.items():
        lr = _learning_rate(ns, name)
        losses = learning_rate_curve(lr)
        verdict = learning_rate_verdict(losses)
        if verdict != kind:
            raise CheckFailed(
                f"{name} = {lr:g}: a correct net's loss goes from {losses[0]:.3g} to "
                f"{losses[-1]:.3g} in {len(losses)} steps, which is {verdict}, not {kind}. Too "
                f"high: the loss blows up or ends above its start; too low: it ends within "
                f"{1 - LR_LOW_FRACTION:.0%} of its start; good: it ends below {LR_GOOD_LOSS}."
            )
        own = curves.get(kind) if isinstance(curves, dict) else None
        own_verdict = learning_rate_verdict(own) if own is not None and len(own) else kind
        if own_verdict != kind:
            notes.append(f"note: your own net's curve for {kind!r} looks {own_verdict}; a "
                         f"correct net's does not. Check that TwoLayerNet passes its tests above.")
    print("✓ learning rates: " + ", ".join(f"{LR_NAMES[k]} = {ns[LR_NAMES[k]]:g} ({k})"
                                          for k in LR_NAMES))
    for note in notes:
        print(note)


class RecordingModel:
    """A stand-in model with `params` W (D, C) and b (C,) that records every training call.

    loss(X) returns the scores X W + b; loss(X, y) returns a loss and "gradients" that depend
    on the minibatch only through fixed formulas (they are not the gradients of the loss), and
    records the minibatch's rows (as indices into `X_all`), the params it saw and what it
    returned.
    """

    def __init__(self, X_all, num_classes, seed):
        rng = np.random.default_rng(seed)
        self.X_all = X_all
        self.params = {"W": 0.1 * rng.standard_normal((X_all.shape[1], num_classes)),
                       "b": np.zeros(num_classes)}
        self.rows = {row.tobytes(): i for i, row in enumerate(X_all)}
        self.calls = []  # (indices, params seen, loss, grads) of every training call

    def loss(self, X, y=None):
        """Scores (N, C) when y is None, else (loss, grads keyed like params); records the call."""
        W, b = self.params["W"], self.params["b"]
        scores = X @ W + b
        if y is None:
            return scores
        counts = np.bincount(y, minlength=W.shape[1]) / len(y)
        loss = float(np.mean(scores[np.arange(len(y)), y]) + np.mean(X[:, 0]) ** 2)
        grads = {"W": np.outer(X.mean(axis=0), counts - 0.5) + 0.1 * W, "b": counts - 0.2}
        indices = [self.rows.get(row.tobytes(), -1) for row in X]
        seen = {k: v.copy() for k, v in self.params.items()}
        self.calls.append((indices, seen, loss, {k: v.copy() for k, v in grads.items()}))
        return loss, grads


def train_epochs_case(seed=0):
    """(model, X, y, X_val, y_val, kwargs) of the visible case: 11 examples in batches of 4."""
    rng = np.random.default_rng(40 + seed)
    X, X_val = rng.standard_normal((11, 3)), rng.standard_normal((6, 3))
    y, y_val = rng.integers(0, 3, size=11), rng.integers(0, 3, size=6)
    kwargs = {"learning_rate": 0.5, "num_epochs": 3, "batch_size": 4, "seed": 7}
    return RecordingModel(X, 3, seed), X, y, X_val, y_val, kwargs


def _accuracy(params, X, y):
    """The fraction of rows of X that the linear model params (W, b) classifies as y."""
    return float(np.mean(np.argmax(X @ params["W"] + params["b"], axis=1) == y))


@visible_check
def check_train_epochs(train_epochs):
    """The minibatches, the updates, the epoch losses and the accuracies of one small case."""
    model, X, y, X_val, y_val, kw = train_epochs_case()
    case = "N = 11 in batches of 4, 3 epochs, seed 7"
    if not callable(train_epochs):
        raise CheckFailed("train_epochs is not a function: run the cell that defines it.")
    arrays = [X, y, X_val, y_val]
    copies = [fresh_copy(a) for a in arrays]
    with student_code("train_epochs", case):
        history = train_epochs(model, *copies, **kw)  # the model itself: it is trained in place
    if mutated(arrays, copies):
        raise CheckFailed("train_epochs modified X, y, X_val or y_val in place; index them "
                          "(X[batch]) instead.")
    E, N, B = kw["num_epochs"], len(y), kw["batch_size"]
    if not isinstance(history, dict) or not {"loss", "train_acc", "val_acc"} <= set(history):
        raise CheckFailed("train_epochs should return a dict with the keys 'loss', 'train_acc' "
                          f"and 'val_acc', got {type(history).__name__}"
                          + (f" with keys {sorted(history)}" if isinstance(history, dict) else ""))
    for key in ("loss", "train_acc", "val_acc"):
        if np.shape(history[key]) != (E,):
            raise CheckFailed(f"train_epochs: history[{key!r}] should have one entry per epoch, "
                              f"shape ({E},), got shape {np.shape(history[key])}.")
    per_epoch = -(-N // B)  # ceil(N / B) minibatches per epoch
    if len(model.calls) != E * per_epoch:
        raise CheckFailed(
            f"train_epochs called net.loss(X_batch, y_batch) {len(model.calls)} times; {E} epochs "
            f"of {N} examples in batches of {B} make {E * per_epoch} minibatches "
            f"({per_epoch} per epoch, the last one smaller)."
        )
    rng = np.random.default_rng(kw["seed"])
    for e in range(E):
        order = rng.permutation(N)
        calls = model.calls[e * per_epoch:(e + 1) * per_epoch]
        got = [i for c in calls for i in c[0]]
        if got != order.tolist():
            raise CheckFailed(
                f"train_epochs, epoch {e + 1}: the minibatches hold the examples {got}; expected "
                f"the order rng.permutation(N) = {order.tolist()}, cut into consecutive batches "
                f"of {B}, with one rng = np.random.default_rng(seed) made before the first epoch."
            )
        close("train_epochs", case, f"history['loss'][{e}] (the mean minibatch loss of epoch "
              f"{e + 1})", history["loss"][e], np.mean([c[2] for c in calls]))
    ends = [c[1] for c in model.calls[per_epoch::per_epoch]] + [model.params]
    after = [c[1] for c in model.calls[1:]] + [model.params]  # the params each update made
    for k, ((_, seen, _, grads), now) in enumerate(zip(model.calls, after, strict=True)):
        for name in seen:
            close("train_epochs", case, f"params[{name!r}] after update {k + 1}", now[name],
                  seen[name] - kw["learning_rate"] * grads[name])
    for e, params in enumerate(ends):
        close("train_epochs", case, f"history['train_acc'][{e}] (after epoch {e + 1})",
              history["train_acc"][e], _accuracy(params, X, y))
        close("train_epochs", case, f"history['val_acc'][{e}] (on X_val after epoch {e + 1})",
              history["val_acc"][e], _accuracy(params, X_val, y_val))
    passed("train_epochs", "minibatches, updates, losses and accuracies match", 1)
