"""Small data sets for the lectures and assignments: 2-D toy problems and scikit-learn's digits.

Every generator takes an explicit `seed` (numpy's `default_rng`), returns `X` as float64 of
shape (N, 2) and `y` as int64 of shape (N,), and needs nothing but numpy (the digits also
need scikit-learn, whose copy of the data ships with it: no download).
"""

import numpy as np


def _check_count(name, value, minimum=1):
    """`value` as an int; ValueError unless it is an integer >= `minimum`."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} should be an integer >= {minimum}, got {value!r}.")
    return int(value)


def make_spiral(n_per_class=100, n_classes=3, seed=0):
    """The spiral data set of the CS231n notes ("Putting it together: a minimal neural network").

    Class j's points lie on an arm with radius r = linspace(0, 1, N) and angle
    t = linspace(4j, 4(j+1), N) + 0.2 * standard normal noise; X = r * [sin t, cos t].
    Not linearly separable: a linear classifier reaches about 50% training accuracy.

    Returns (X, y): X (n_per_class * n_classes, 2) float64, y (n_per_class * n_classes,) int64.
    """
    N = _check_count("n_per_class", n_per_class)
    K = _check_count("n_classes", n_classes)
    rng = np.random.default_rng(seed)
    X = np.zeros((N * K, 2))
    y = np.zeros(N * K, dtype=np.int64)
    for j in range(K):
        ix = slice(N * j, N * (j + 1))
        r = np.linspace(0.0, 1, N)  # radius
        t = np.linspace(j * 4, (j + 1) * 4, N) + rng.standard_normal(N) * 0.2  # angle
        X[ix] = np.c_[r * np.sin(t), r * np.cos(t)]
        y[ix] = j
    return X, y


def make_noisy_spiral_split(n_train_per_class=12, n_val_per_class=100, noise=0.1, seed=0):
    """A small, noisy spiral with a validation set: where a large unregularized net overfits.

    Both sets are spirals of `make_spiral` (3 classes) with Gaussian noise of standard deviation
    `noise` added to every coordinate, then scaled by 2.5 so that each coordinate has a standard
    deviation close to 1. The training set is drawn from `seed`, the validation set from
    `seed + 10_000` (the same distribution, other points).

    Returns (X_train, y_train, X_val, y_val): X_train (3 n_train_per_class, 2) float64, y_train
    int64, X_val (3 n_val_per_class, 2), y_val.
    """
    if isinstance(noise, bool) or not isinstance(noise, (int, float)) or not noise >= 0:
        raise ValueError(f"noise should be a number >= 0, got {noise!r}.")
    sets = []
    for n, s in ((n_train_per_class, seed), (n_val_per_class, seed + 10_000)):
        X, y = make_spiral(n_per_class=n, n_classes=3, seed=s)
        X = X + noise * np.random.default_rng([s, 1]).standard_normal(X.shape)
        sets += [2.5 * X, y]
    return tuple(sets)


def make_circles(n=200, noise=0.1, factor=0.5, seed=0):
    """Two concentric circles: class 0 on the outer circle (radius 1), class 1 on the inner one.

    Gaussian noise of standard deviation `noise` is added to every coordinate.
    Returns (X, y): X (n, 2) float64, y (n,) int64.
    """
    n = _check_count("n", n, minimum=2)
    if not 0 < factor < 1:
        raise ValueError(f"factor (inner radius / outer radius) should be in (0, 1), got {factor}.")
    rng = np.random.default_rng(seed)
    n_outer = n // 2
    n_inner = n - n_outer
    t_outer = np.linspace(0, 2 * np.pi, n_outer, endpoint=False)
    t_inner = np.linspace(0, 2 * np.pi, n_inner, endpoint=False)
    X = np.vstack([
        np.c_[np.cos(t_outer), np.sin(t_outer)],
        factor * np.c_[np.cos(t_inner), np.sin(t_inner)],
    ])
    X = X + noise * rng.standard_normal(X.shape)
    y = np.r_[np.zeros(n_outer, dtype=np.int64), np.ones(n_inner, dtype=np.int64)]
    return X, y


def make_moons(n=200, noise=0.1, seed=0):
    """Two interleaving half circles ("moons"), class 0 on top and class 1 below.

    Returns (X, y): X (n, 2) float64, y (n,) int64.
    """
    n = _check_count("n", n, minimum=2)
    rng = np.random.default_rng(seed)
    n_top = n // 2
    n_bottom = n - n_top
    t_top = np.linspace(0, np.pi, n_top)
    t_bottom = np.linspace(0, np.pi, n_bottom)
    X = np.vstack([
        np.c_[np.cos(t_top), np.sin(t_top)],
        np.c_[1 - np.cos(t_bottom), 0.5 - np.sin(t_bottom)],
    ])
    X = X + noise * rng.standard_normal(X.shape)
    y = np.r_[np.zeros(n_top, dtype=np.int64), np.ones(n_bottom, dtype=np.int64)]
    return X, y


def make_xor(n=200, noise=0.0, seed=0):
    """XOR: points uniform in [-1, 1]^2, label 1 when x1 and x2 have different signs.

    The labels come from the clean points; `noise` (standard deviation) then jitters them.
    Returns (X, y): X (n, 2) float64, y (n,) int64.
    """
    n = _check_count("n", n)
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, size=(n, 2))
    y = ((X[:, 0] > 0) != (X[:, 1] > 0)).astype(np.int64)
    X = X + noise * rng.standard_normal(X.shape)
    return X, y


def load_digits_split(seed=0, n_val=300, n_test=300):
    """scikit-learn's bundled 8x8 digits (1797 images, 10 classes), split and scaled to [0, 1].

    Features are the 64 pixel intensities divided by 16 (float64). The split is stratified by
    class and fixed by `seed`: by default 1197 training, 300 validation and 300 test examples.

    Returns a dict with X_train (N_train, 64), y_train (N_train,), X_val, y_val, X_test, y_test
    (labels int64).
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    X = digits.data.astype(np.float64) / 16.0
    y = digits.target.astype(np.int64)
    X_rest, X_test, y_rest, y_test = train_test_split(
        X, y, test_size=n_test, stratify=y, random_state=seed
    )
    X_train, X_val, y_train, y_val = train_test_split(
        X_rest, y_rest, test_size=n_val, stratify=y_rest, random_state=seed
    )
    return {
        "X_train": X_train,
        "y_train": y_train,
        "X_val": X_val,
        "y_val": y_val,
        "X_test": X_test,
        "y_test": y_test,
    }


def load_digits_images():
    """All 1797 digit images as (N, 8, 8) float64 in [0, 1] with their (N,) int64 labels."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    return digits.images.astype(np.float64) / 16.0, digits.target.astype(np.int64)
