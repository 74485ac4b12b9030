"""coursekit.plots.plot_decision_boundary: regions, points, title and axis labels.

Cost: under a second (Agg backend).
"""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from coursekit.data import make_spiral  # noqa: E402
from coursekit.plots import plot_decision_boundary  # noqa: E402


def test_decision_boundary_draws_regions_points_title_and_labels():
    X, y = make_spiral(n_per_class=20, seed=0)
    calls = []

    def predict(P):
        calls.append(P.shape)
        return (P[:, 0] > 0).astype(int) + (P[:, 1] > 0).astype(int)

    fig, ax = plt.subplots()
    returned = plot_decision_boundary(predict, X, y, ax=ax, title="three regions", resolution=50)
    assert returned is ax
    assert calls == [(2500, 2)]
    assert ax.get_title() == "three regions"
    assert ax.get_xlabel() == "x1" and ax.get_ylabel() == "x2"
    assert len(ax.collections) >= 2  # filled contour + scatter
    x_lo, x_hi = ax.get_xlim()
    assert x_lo < X[:, 0].min() and x_hi > X[:, 0].max()
    plt.close(fig)


def test_decision_boundary_makes_its_own_axes_when_none_given():
    X = np.array([[0.0, 0.0], [1.0, 1.0]])
    ax = plot_decision_boundary(lambda P: np.zeros(len(P), dtype=int), X, np.array([0, 0]))
    assert ax.get_xlabel() == "x1"
    plt.close(ax.figure)
