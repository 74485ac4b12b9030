"""Training by minibatch stochastic gradient descent, with per-epoch learning-rate decay.

A model is anything with a `params` dict of arrays and `loss(X, y=None)` returning scores
(y is None) or `(loss, grads)` with grads keyed like params: the nets and LinearClassifier.
"""

import numpy as np

from solutions._checks import check_float_array, check_labels, check_positive


def sgd_step(params, grads, learning_rate):
    """One vanilla SGD update, W <- W - learning_rate * dW for every parameter.

    Returns a NEW dict of new arrays; `params` and `grads` are not modified.
    """
    missing = sorted(set(params) - set(grads))
    if missing:
        raise KeyError(
            f"grads has no entry for parameter(s) {missing}; expected the keys of params "
            f"{sorted(params)}, got {sorted(grads)}."
        )
    new_params = {}
    for name, value in params.items():
        if np.shape(grads[name]) != np.shape(value):
            raise ValueError(
                f"grads[{name!r}] has shape {np.shape(grads[name])} but params[{name!r}] has "
                f"shape {np.shape(value)}; each gradient must have its parameter's shape."
            )
        new_params[name] = value - learning_rate * grads[name]
    return new_params


def predict(model, X):
    """Predicted labels (N,) of `model` for X: the index of the highest score of each row."""
    scores = model.loss(X)
    return np.argmax(scores, axis=1)


def accuracy(model, X, y):
    """Fraction of examples of X whose predicted label equals y."""
    y_pred = predict(model, X)
    check_labels(y, X.shape[0], np.iinfo(np.int64).max)
    return float(np.mean(y_pred == y))


def train(
    model,
    X,
    y,
    X_val,
    y_val,
    learning_rate=1e-3,
    learning_rate_decay=0.95,
    num_epochs=10,
    batch_size=200,
    seed=0,
    verbose=False,
    progress=False,
):
    """Train `model` with minibatch SGD; `model.params` holds the trained parameters afterwards.

    Each epoch visits the N training examples once in a random order (from
    `numpy.random.default_rng(seed)`), in minibatches of `batch_size` (the last may be smaller),
    then evaluates, then multiplies the learning rate by `learning_rate_decay`.

    Inputs: X (N, D), y (N,), X_val (N_val, D), y_val (N_val,).

    Returns a history dict:
    - "loss": (num_epochs,) mean minibatch loss of each epoch
    - "train_acc", "val_acc": (num_epochs,) accuracies at the end of each epoch
    - "learning_rate": (num_epochs,) learning rate used during each epoch
    - "loss_iter": (num_iterations,) loss of every minibatch
    """
    _check_training_inputs(X, y, X_val, y_val, learning_rate, learning_rate_decay, num_epochs,
                           batch_size)
    rng = np.random.default_rng(seed)
    history = {"loss": [], "train_acc": [], "val_acc": [], "learning_rate": [], "loss_iter": []}
    epochs = range(num_epochs)
    if progress:
        from tqdm.auto import tqdm

        epochs = tqdm(epochs, desc="training", unit="epoch")
    lr = learning_rate
    for epoch in epochs:
        epoch_losses = _sgd_epoch(model, X, y, rng.permutation(X.shape[0]), batch_size, lr)
        _record_epoch(history, model, X, y, X_val, y_val, epoch_losses, lr)
        if progress:
            epochs.set_postfix(loss=history["loss"][-1], val_acc=history["val_acc"][-1])
        if verbose:
            print(
                f"epoch {epoch + 1}/{num_epochs}: loss {history['loss'][-1]:.4f}, "
                f"train acc {history['train_acc'][-1]:.3f}, val acc {history['val_acc'][-1]:.3f}, "
                f"lr {lr:.3g}"
            )
        lr *= learning_rate_decay
    return {name: np.asarray(values) for name, values in history.items()}


def _check_training_inputs(X, y, X_val, y_val, learning_rate, learning_rate_decay, num_epochs,
                           batch_size):
    """The input check of `train`: X (N, D), y (N,), X_val (N_val, D), y_val (N_val,), settings."""
    check_float_array("X", X, min_ndim=2)
    check_labels(y, X.shape[0], np.iinfo(np.int64).max)
    check_float_array("X_val", X_val, min_ndim=2)
    check_labels(y_val, X_val.shape[0], np.iinfo(np.int64).max, name="y_val")
    check_positive("learning_rate", learning_rate)
    check_positive("learning_rate_decay", learning_rate_decay)
    check_positive("num_epochs", num_epochs, integer=True)
    check_positive("batch_size", batch_size, integer=True)


def _sgd_epoch(model, X, y, order, batch_size, learning_rate):
    """One SGD step per minibatch of `batch_size` rows of X (N, D), y (N,), in the order `order`
    (N,); returns the loss of each minibatch."""
    losses = []
    for start in range(0, len(order), batch_size):
        batch = order[start : start + batch_size]
        loss, grads = model.loss(X[batch], y[batch])
        model.params = sgd_step(model.params, grads, learning_rate)
        losses.append(loss)
    return losses


def _record_epoch(history, model, X, y, X_val, y_val, epoch_losses, learning_rate):
    """Append an epoch's losses, its mean, both accuracies and its learning rate to `history`."""
    history["loss_iter"].extend(epoch_losses)
    history["loss"].append(float(np.mean(epoch_losses)))
    history["train_acc"].append(accuracy(model, X, y))
    history["val_acc"].append(accuracy(model, X_val, y_val))
    history["learning_rate"].append(learning_rate)
