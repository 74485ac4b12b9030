"""Training case studies: the spiral of the CS231n notes and the 8x8 digits, and the demo.

Slow: about 6 s of training plus about 6 s for the demo run as a subprocess.
"""

import subprocess
import sys

import pytest

from solutions import demo
from solutions.data import load_digits_split, make_spiral
from solutions.train import accuracy

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def spiral():
    return make_spiral(n_per_class=100, n_classes=3, seed=0)


def test_linear_softmax_classifier_reaches_about_half_on_the_spiral(spiral):
    # the notes report 49% training accuracy: a linear boundary cannot follow the arms
    X, y = spiral
    model = demo.spiral_linear(X, y)
    assert 0.45 <= accuracy(model, X, y) <= 0.56


def test_two_layer_relu_net_fits_the_spiral(spiral):
    X, y = spiral
    model = demo.spiral_net(X, y)
    assert model.params["W1"].shape == (2, 100)
    assert accuracy(model, X, y) >= 0.98


@pytest.mark.parametrize("split_seed", [0, 1, 2, 5])  # 5 was the hardest split seen
def test_two_layer_net_classifies_digits_on_any_split(split_seed):
    digits = load_digits_split(seed=split_seed)
    model, history = demo.digits_net(digits)
    assert history["loss"][-1] < history["loss"][0]
    assert history["val_acc"][-1] >= 0.95
    assert accuracy(model, digits["X_test"], digits["y_test"]) >= 0.97


def test_demo_prints_the_table_and_saves_the_figure(tmp_path):
    result = subprocess.run([sys.executable, "-m", "solutions.demo"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "linear softmax" in result.stdout and "digits" in result.stdout
    figure = tmp_path / "demo_output" / "spiral_boundaries.png"
    assert figure.is_file() and figure.stat().st_size > 10_000
