"""Figures shared by the lectures, the assignments and the demo (matplotlib only).

Every function draws on `ax` (a new figure's axes when None), titles and labels what it draws,
and returns the axes.
"""

import numpy as np


def _axes(ax, figsize=(5, 4.5)):
    """The given axes, or the axes of a new figure."""
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=figsize)
    return ax


def plot_decision_boundary(predict, X, y, ax=None, title=None, resolution=200):
    """Decision regions of a 2-D classifier, with the data on top.

    Inputs:
    - predict: function mapping an (M, 2) array of points to (M,) integer labels.
    - X: (N, 2) data points; y: (N,) their labels (colors).
    - ax: matplotlib axes to draw on (a new figure when None); title: optional title.
    - resolution: grid points per axis used to evaluate `predict`.

    Returns the axes.
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"X should have shape (N, 2) (2-D points), got {X.shape}.")
    ax = _axes(ax)
    pad_x = 0.1 * (X[:, 0].max() - X[:, 0].min()) + 1e-3
    pad_y = 0.1 * (X[:, 1].max() - X[:, 1].min()) + 1e-3
    xx, yy = np.meshgrid(
        np.linspace(X[:, 0].min() - pad_x, X[:, 0].max() + pad_x, resolution),
        np.linspace(X[:, 1].min() - pad_y, X[:, 1].max() + pad_y, resolution),
    )
    grid = np.c_[xx.ravel(), yy.ravel()]
    Z = np.asarray(predict(grid)).reshape(xx.shape)
    classes = np.unique(np.r_[np.unique(y), np.unique(Z)])
    levels = np.r_[classes - 0.5, classes[-1] + 0.5]
    cmap = "Spectral" if len(classes) > 2 else "coolwarm"
    ax.contourf(xx, yy, Z, levels=levels, cmap=cmap, alpha=0.35)
    ax.scatter(X[:, 0], X[:, 1], c=y, cmap=cmap, vmin=classes[0], vmax=classes[-1], s=18,
               edgecolors="k", linewidths=0.4)
    ax.set_xlim(xx.min(), xx.max())
    ax.set_ylim(yy.min(), yy.max())
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    if title is not None:
        ax.set_title(title)
    return ax
