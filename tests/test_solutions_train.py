"""Reference training loop: the pure SGD step, history, learning-rate decay, predict/accuracy.

Cost: under a second (tiny problems, a few epochs).
"""

import numpy as np
import pytest

from solutions.nets import LinearClassifier, TwoLayerNet
from solutions.train import accuracy, predict, sgd_step, train


def tiny_problem(N=20, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((N, 3))
    y = (X[:, 0] > 0).astype(np.int64)
    return X, y


def test_sgd_step_returns_new_params_and_leaves_its_inputs_alone():
    params = {"W": np.array([[1.0, 2.0]]), "b": np.array([0.5, -0.5])}
    grads = {"W": np.array([[10.0, -10.0]]), "b": np.array([1.0, 1.0])}
    before = {k: v.copy() for k, v in params.items()}
    grads_before = {k: v.copy() for k, v in grads.items()}
    new = sgd_step(params, grads, 0.1)
    assert new is not params
    np.testing.assert_allclose(new["W"], [[0.0, 3.0]])
    np.testing.assert_allclose(new["b"], [0.4, -0.6])
    for k in params:
        np.testing.assert_array_equal(params[k], before[k])
        np.testing.assert_array_equal(grads[k], grads_before[k])
        assert not np.shares_memory(new[k], params[k])


def test_sgd_step_names_a_missing_gradient():
    with pytest.raises(KeyError, match=r"\['b'\]"):
        sgd_step({"W": np.zeros(2), "b": np.zeros(2)}, {"W": np.zeros(2)}, 0.1)


def test_sgd_step_names_a_gradient_of_the_wrong_shape():
    with pytest.raises(ValueError, match=r"grads\['W'\].*\(2, 3\).*\(3, 2\)"):
        sgd_step({"W": np.zeros((3, 2))}, {"W": np.zeros((2, 3))}, 0.1)


def test_train_history_has_one_entry_per_epoch_and_per_iteration():
    X, y = tiny_problem(N=20)
    model = TwoLayerNet(3, 8, 2, weight_scale=0.1, seed=0)
    history = train(model, X, y, X[:10], y[:10], learning_rate=0.5, learning_rate_decay=0.5,
                    num_epochs=3, batch_size=6, seed=0)
    for key in ("loss", "train_acc", "val_acc", "learning_rate"):
        assert history[key].shape == (3,), key
    assert history["loss_iter"].shape == (3 * 4,)  # ceil(20 / 6) = 4 minibatches per epoch
    assert np.all((history["train_acc"] >= 0) & (history["train_acc"] <= 1))
    np.testing.assert_allclose(history["loss"][0], history["loss_iter"][:4].mean())


def test_learning_rate_decays_once_per_epoch():
    X, y = tiny_problem()
    model = LinearClassifier(3, 2, seed=0)
    history = train(model, X, y, X, y, learning_rate=0.8, learning_rate_decay=0.9,
                    num_epochs=4, batch_size=5, seed=0)
    np.testing.assert_allclose(history["learning_rate"], 0.8 * 0.9 ** np.arange(4))


def test_train_updates_model_params_and_lowers_the_loss():
    X, y = tiny_problem(N=40, seed=1)
    model = LinearClassifier(3, 2, weight_scale=0.01, seed=0)
    W0 = model.params["W"].copy()
    history = train(model, X, y, X, y, learning_rate=1.0, learning_rate_decay=1.0,
                    num_epochs=20, batch_size=10, seed=0)
    assert not np.array_equal(model.params["W"], W0)
    assert history["loss"][-1] < 0.5 * history["loss"][0]
    assert history["train_acc"][-1] == accuracy(model, X, y) >= 0.9


def test_train_is_deterministic_given_the_seeds_and_leaves_the_data_alone():
    X, y = tiny_problem()
    X0, y0 = X.copy(), y.copy()
    runs = []
    for _ in range(2):
        model = TwoLayerNet(3, 5, 2, weight_scale=0.1, seed=3)
        runs.append(train(model, X, y, X, y, learning_rate=0.3, num_epochs=2, batch_size=7, seed=4))
    np.testing.assert_array_equal(runs[0]["loss_iter"], runs[1]["loss_iter"])
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(y, y0)


def test_train_shows_progress_and_verbose_lines(capsys):
    X, y = tiny_problem()
    model = LinearClassifier(3, 2, seed=0)
    train(model, X, y, X, y, num_epochs=2, batch_size=10, verbose=True, progress=True)
    captured = capsys.readouterr()
    assert "epoch 2/2" in captured.out and "val acc" in captured.out
    assert "training" in captured.err  # the tqdm bar


def test_train_rejects_bad_hyperparameters():
    X, y = tiny_problem()
    model = LinearClassifier(3, 2, seed=0)
    with pytest.raises(ValueError, match="batch_size should be a positive integer"):
        train(model, X, y, X, y, batch_size=0)
    with pytest.raises(ValueError, match="learning_rate should be a positive number"):
        train(model, X, y, X, y, learning_rate=-1.0)


def test_predict_is_the_argmax_of_the_scores_and_accuracy_the_match_rate():
    model = LinearClassifier(2, 3, seed=0)
    model.params["W"] = np.array([[1.0, 0.0, -1.0], [0.0, 1.0, 0.0]])
    X = np.array([[2.0, 0.0], [0.0, 2.0], [-2.0, 0.0], [1.0, 3.0]])
    np.testing.assert_array_equal(predict(model, X), [0, 1, 2, 1])
    assert accuracy(model, X, np.array([0, 1, 2, 0])) == 0.75
