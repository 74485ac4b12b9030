"""Student-safe data sets: the notes' spiral, 2-D toy sets and the digits split.

Cost: about a second (loading scikit-learn's digits).
"""

import numpy as np
import pytest

from coursekit import data


def notes_spiral(N, K, seed):
    """The CS231n notes' loop, verbatim except for the seeded generator."""
    rng = np.random.default_rng(seed)
    D = 2
    X = np.zeros((N * K, D))
    y = np.zeros(N * K, dtype="uint8")
    for j in range(K):
        ix = range(N * j, N * (j + 1))
        r = np.linspace(0.0, 1, N)
        t = np.linspace(j * 4, (j + 1) * 4, N) + rng.standard_normal(N) * 0.2
        X[ix] = np.c_[r * np.sin(t), r * np.cos(t)]
        y[ix] = j
    return X, y


@pytest.mark.parametrize("N, K, seed", [(100, 3, 0), (7, 5, 3)])
def test_make_spiral_is_the_notes_spiral(N, K, seed):
    X, y = data.make_spiral(n_per_class=N, n_classes=K, seed=seed)
    X_ref, y_ref = notes_spiral(N, K, seed)
    assert X.shape == (N * K, 2) and X.dtype == np.float64
    assert y.shape == (N * K,) and y.dtype == np.int64
    np.testing.assert_array_equal(X, X_ref)
    np.testing.assert_array_equal(y, y_ref)


def test_make_spiral_defaults_and_seeds():
    X, y = data.make_spiral()
    assert X.shape == (300, 2)
    np.testing.assert_array_equal(np.bincount(y), [100, 100, 100])
    np.testing.assert_array_equal(data.make_spiral(seed=0)[0], X)
    assert not np.array_equal(data.make_spiral(seed=1)[0], X)


@pytest.mark.parametrize("make", [data.make_circles, data.make_moons, data.make_xor])
def test_toy_sets_are_2d_float_with_two_balanced_classes(make):
    X, y = make(n=101, seed=0)
    assert X.shape == (101, 2) and X.dtype == np.float64
    assert y.shape == (101,) and y.dtype == np.int64
    assert set(np.unique(y)) == {0, 1}
    assert np.abs(np.mean(y) - 0.5) < 0.15
    np.testing.assert_array_equal(make(n=101, seed=0)[0], X)


def test_make_circles_puts_class_1_on_the_inner_circle():
    X, y = data.make_circles(n=200, noise=0.0, factor=0.3, seed=0)
    r = np.linalg.norm(X, axis=1)
    np.testing.assert_allclose(r[y == 0], 1.0)
    np.testing.assert_allclose(r[y == 1], 0.3)


def test_make_xor_labels_differ_in_sign_quadrants():
    X, y = data.make_xor(n=200, noise=0.0, seed=0)
    np.testing.assert_array_equal(y, (X[:, 0] * X[:, 1] < 0).astype(int))


def test_bad_sizes_are_rejected():
    with pytest.raises(ValueError, match="n_per_class should be an integer >= 1"):
        data.make_spiral(n_per_class=0)
    with pytest.raises(ValueError, match=r"factor.*\(0, 1\)"):
        data.make_circles(factor=1.5)


def test_digits_split_sizes_scaling_and_stratification():
    d = data.load_digits_split(seed=0)
    assert sorted(d) == ["X_test", "X_train", "X_val", "y_test", "y_train", "y_val"]
    assert d["X_train"].shape == (1197, 64)
    assert d["X_val"].shape == (300, 64) and d["X_test"].shape == (300, 64)
    for part in ("train", "val", "test"):
        X, y = d[f"X_{part}"], d[f"y_{part}"]
        assert X.dtype == np.float64 and y.dtype == np.int64
        assert X.min() >= 0.0 and X.max() <= 1.0
        assert len(y) == len(X)
    counts = np.bincount(d["y_test"], minlength=10)
    assert counts.min() >= 29 and counts.max() <= 31  # stratified: about 30 of each digit
    total = sum(np.sum(d[f"X_{p}"]) for p in ("train", "val", "test"))
    from sklearn.datasets import load_digits
    assert total == pytest.approx(load_digits().data.sum() / 16.0)  # a partition of the data


def test_digits_split_is_fixed_by_the_seed():
    a, b = data.load_digits_split(seed=0), data.load_digits_split(seed=0)
    c = data.load_digits_split(seed=1)
    np.testing.assert_array_equal(a["X_test"], b["X_test"])
    assert not np.array_equal(a["X_test"], c["X_test"])


def test_digits_images_are_8x8_in_unit_range():
    images, labels = data.load_digits_images()
    assert images.shape == (1797, 8, 8) and labels.shape == (1797,)
    assert images.min() == 0.0 and images.max() == 1.0


def test_solutions_data_reexports_the_same_functions():
    from solutions import data as solutions_data

    assert solutions_data.make_spiral is data.make_spiral
    assert solutions_data.load_digits_split is data.load_digits_split
