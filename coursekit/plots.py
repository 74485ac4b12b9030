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


# ---------------------------------------------------------------------------------------------
# Figures for the lectures (every figure titled, every axis labeled).
# ---------------------------------------------------------------------------------------------


def plot_activations(activations, x=None, title="Activation functions"):
    """A grid with one panel per activation function f(x).

    activations: dict name -> f where f(x) takes and returns an array of x's shape;
    x: 1-D points to plot (default 501 points in [-5, 5]). Returns the array of axes used.
    """
    import matplotlib.pyplot as plt

    x = np.linspace(-5, 5, 501) if x is None else np.asarray(x, dtype=np.float64)
    n = len(activations)
    n_cols = 3
    n_rows = int(np.ceil(n / n_cols))
    fig, axes = plt.subplots(n_rows, n_cols, figsize=(4 * n_cols, 3 * n_rows), squeeze=False)
    for ax, (name, f) in zip(axes.ravel(), activations.items(), strict=False):
        ax.plot(x, f(x), color="tab:blue", lw=2)
        ax.axhline(0, color="gray", lw=0.6)
        ax.axvline(0, color="gray", lw=0.6)
        ax.set_title(name)
        ax.set_xlabel("x")
        ax.set_ylabel("f(x)")
        ax.grid(alpha=0.3)
    for ax in axes.ravel()[n:]:
        ax.remove()
    fig.suptitle(title)
    fig.tight_layout()
    return axes.ravel()[:n]


def plot_network_diagram(layer_sizes, title=None, ax=None, layer_names=None):
    """Draw a fully-connected net: one column of circles per layer, every pair of adjacent
    layers fully connected. layer_sizes: e.g. (3, 4, 4, 1). Returns the Axes."""
    sizes = list(layer_sizes)
    ax = _axes(ax, figsize=(1.8 * len(sizes) + 1, 3.2))
    top = max(sizes)
    # layer i at x = i, its units centered vertically
    centers = [[(i, (top - 1) / 2 + (n - 1) / 2 - k) for k in range(n)]
               for i, n in enumerate(sizes)]
    for left, right in zip(centers[:-1], centers[1:], strict=False):
        for x0, y0 in left:
            for x1, y1 in right:
                ax.plot([x0, x1], [y0, y1], color="gray", lw=0.8, zorder=1)
    colors = ["tab:red"] + ["tab:blue"] * (len(sizes) - 2) + ["tab:green"]
    for layer, color in zip(centers, colors, strict=False):
        xs, ys = zip(*layer, strict=False)
        ax.scatter(xs, ys, s=600, color="white", edgecolors=color, linewidths=2, zorder=2)
    if layer_names is None:
        hidden = [f"hidden layer {i}" for i in range(1, len(sizes) - 1)]
        layer_names = ["input layer", *hidden, "output layer"]
    ax.set_xticks(range(len(sizes)))
    ax.set_xticklabels([f"{name}\n({n} units)"
                        for name, n in zip(layer_names, sizes, strict=False)])
    ax.set_yticks([])
    ax.set_xlim(-0.5, len(sizes) - 0.5)
    ax.set_ylim(-0.8, top - 0.2)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    n_layers = len(sizes) - 1
    if title is None:
        plural = "s" if n_layers > 2 else ""
        title = f"A {n_layers}-layer net ({n_layers - 1} hidden layer{plural})"
    ax.set_title(title)
    ax.set_xlabel("layer (data flows left to right)")
    ax.set_ylabel("units (neurons)")
    return ax


def plot_color_histogram(image, hist, bin_edges, title="Color histogram (hue)"):
    """The image next to its hue histogram, each bar drawn in its hue.

    hist, bin_edges: from coursekit.features.color_histogram. Returns (ax_image, ax_histogram).
    """
    import matplotlib.pyplot as plt
    from matplotlib.colors import hsv_to_rgb

    fig, (ax_img, ax_hist) = plt.subplots(1, 2, figsize=(10, 3.5),
                                          gridspec_kw={"width_ratios": [1.2, 1]})
    ax_img.imshow(image)
    ax_img.set_title("image")
    ax_img.set_xlabel("pixel column")
    ax_img.set_ylabel("pixel row")
    centers = (bin_edges[:-1] + bin_edges[1:]) / 2
    ones = np.ones_like(centers)
    colors = hsv_to_rgb(np.stack([centers / 360.0, ones, ones], axis=1))
    ax_hist.bar(centers, hist, width=np.diff(bin_edges) * 0.9, color=colors, edgecolor="black")
    ax_hist.set_title("hue histogram")
    ax_hist.set_xlabel("hue (degrees)")
    ax_hist.set_ylabel("fraction of colorful pixels")
    fig.suptitle(title)
    fig.tight_layout()
    return ax_img, ax_hist


def plot_hog(image, hog, cell_size=8, title="Histogram of oriented gradients"):
    """The image next to its HOG: in every cell, one line per direction bin, as long as the bin
    is heavy. hog: (n_rows, n_cols, n_bins) from coursekit.features.hog_features.
    Returns (ax_image, ax_hog)."""
    import matplotlib.pyplot as plt
    from matplotlib.collections import LineCollection

    n_rows, n_cols, n_bins = hog.shape
    fig, (ax_img, ax_hog) = plt.subplots(1, 2, figsize=(11, 4))
    ax_img.imshow(image, cmap="gray" if np.ndim(image) == 2 else None)
    ax_img.set_title("image")
    ax_img.set_xlabel("pixel column")
    ax_img.set_ylabel("pixel row")
    # Orientations are measured in pixel coordinates (column to the right, row downwards), and
    # the HOG panel's y axis points down like the image's. A bin's gradient direction is
    # (cos t, sin t) in (column, row); draw the edge itself, perpendicular to it, in the same
    # coordinates so that an edge running from top left to bottom right is drawn that way too.
    angles = np.deg2rad((np.arange(n_bins) + 0.5) * 180.0 / n_bins + 90.0)
    scale = hog / max(hog.max(), 1e-12) * cell_size / 2
    segments = []
    for i in range(n_rows):
        for j in range(n_cols):
            cy, cx = (i + 0.5) * cell_size, (j + 0.5) * cell_size
            for k in range(n_bins):
                r = scale[i, j, k]
                if r > 0.05 * cell_size / 2:
                    dx, dy = r * np.cos(angles[k]), r * np.sin(angles[k])  # (column, row)
                    segments.append([(cx - dx, cy - dy), (cx + dx, cy + dy)])
    ax_hog.add_collection(LineCollection(segments, colors="white", linewidths=1.0))
    ax_hog.set_facecolor("black")
    ax_hog.set_xlim(0, n_cols * cell_size)
    ax_hog.set_ylim(n_rows * cell_size, 0)
    ax_hog.set_aspect("equal")
    ax_hog.set_title(f"HOG: {n_rows} x {n_cols} cells x {n_bins} bins")
    ax_hog.set_xlabel("pixel column")
    ax_hog.set_ylabel("pixel row")
    fig.suptitle(title)
    fig.tight_layout()
    return ax_img, ax_hog


def plot_computational_graph(nodes, edges, values=None, grads=None, title="Computational graph",
                             ax=None, fmt="{:.3g}"):
    """Draw a small computational graph with forward values (green) and gradients (red).

    nodes: dict name -> (x, y, label); edges: list of (src, dst); values / grads: dicts
    name -> number, written on the wire leaving each node (value above, gradient below), formatted
    with `fmt`. Returns the Axes.
    """
    values = values or {}
    grads = grads or {}
    xs = [p[0] for p in nodes.values()]
    ys = [p[1] for p in nodes.values()]
    ax = _axes(ax, figsize=(1.9 * (max(xs) - min(xs) + 2), 1.0 * (max(ys) - min(ys) + 2) + 0.8))
    for src, dst in edges:
        (x0, y0, _), (x1, y1, _) = nodes[src], nodes[dst]
        ax.annotate("", xy=(x1, y1), xytext=(x0, y0),
                    arrowprops={"arrowstyle": "-|>", "color": "black",
                                "shrinkA": 16, "shrinkB": 16})
    for name, (x, y, label) in nodes.items():
        ax.text(x, y, label, ha="center", va="center", fontsize=12,
                bbox={"boxstyle": "circle", "facecolor": "white", "edgecolor": "black"})
        out_edges = [dst for src, dst in edges if src == name]
        if out_edges:
            x1, y1, _ = nodes[out_edges[0]]
            tx, ty = x + 0.4 * (x1 - x), y + 0.4 * (y1 - y)
        else:
            tx, ty = x + 0.55, y
        if name in values:
            ax.text(tx, ty + 0.1, fmt.format(values[name]), color="green", ha="center",
                    va="bottom", fontsize=11)
        if name in grads:
            ax.text(tx, ty - 0.1, fmt.format(grads[name]), color="red", ha="center",
                    va="top", fontsize=11)
    ax.set_xlim(min(xs) - 0.6, max(xs) + 1.0)
    ax.set_ylim(min(ys) - 0.7, max(ys) + 0.7)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title)
    ax.set_xlabel("forward pass: left to right (values, green)  |  "
                  "backward pass: right to left (gradients, red)")
    ax.set_ylabel("inputs / operations")
    return ax


def plot_templates(W, image_shape, labels=None, title=None, fig=None):
    """The columns of a linear classifier's weights shown as images: one template per class.

    Inputs:
    - W: (D, C) weights with D = prod(image_shape) (a trailing bias row, D + 1, is dropped).
    - image_shape: shape of one image, e.g. (8, 8).
    - labels: optional C class names; title: optional figure title.

    Returns the figure. Each template uses its own color scale (blue negative, red positive).
    """
    import matplotlib.pyplot as plt

    W = np.asarray(W, dtype=float)
    D = int(np.prod(image_shape))
    if W.ndim != 2 or W.shape[0] not in (D, D + 1):
        raise ValueError(
            f"W should have shape ({D}, C) (or ({D + 1}, C) with a bias row) for images of "
            f"shape {tuple(image_shape)}, got {W.shape}."
        )
    C = W.shape[1]
    labels = [str(c) for c in range(C)] if labels is None else list(labels)
    if fig is None:
        fig = plt.figure(figsize=(1.3 * C, 1.8))
    axes = fig.subplots(1, C)
    for c, ax in enumerate(np.atleast_1d(axes)):
        template = W[:D, c].reshape(image_shape)
        limit = np.abs(template).max() or 1.0
        ax.imshow(template, cmap="bwr", vmin=-limit, vmax=limit)
        ax.set_title(labels[c])
        ax.set_xticks([])
        ax.set_yticks([])
    if title is not None:
        fig.suptitle(title)
    return fig


def plot_loss_curve(losses, ax=None, title=None, xlabel="iteration"):
    """A training loss curve (loss against iteration), on a log scale when it spans decades."""
    losses = np.asarray(losses, dtype=float)
    ax = _axes(ax, figsize=(5, 3.5))
    ax.plot(np.arange(len(losses)), losses)
    finite = losses[np.isfinite(losses)]
    if finite.size and finite.min() > 0 and finite.max() / finite.min() > 100:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("loss")
    ax.set_title(title if title is not None else "training loss")
    return ax


def plot_function_and_derivative(x, out, dx, name, ax=None):
    """An activation f(x) and its derivative f'(x) on the same axes (x sorted, 1-D)."""
    x, out, dx = (np.asarray(a, dtype=float).ravel() for a in (x, out, dx))
    ax = _axes(ax, figsize=(4, 3))
    ax.plot(x, out, label=f"{name}(x)")
    ax.plot(x, dx, "--", label=f"d {name} / dx")
    ax.axhline(0, color="k", lw=0.5)
    ax.axvline(0, color="k", lw=0.5)
    ax.set_xlabel("x")
    ax.set_title(name)
    ax.legend(loc="best", fontsize=8)
    return ax
