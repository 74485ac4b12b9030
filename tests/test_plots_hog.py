"""coursekit.plots.plot_hog draws every edge with the slant it has in the image.

The strokes are compared with the image as a viewer sees them: both panels are measured in
screen coordinates (pixels, y up), so a flipped axis or a mirrored angle cannot hide.
Cost: under a second (Agg backend).
"""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from coursekit.features import hog_features  # noqa: E402
from coursekit.plots import plot_hog  # noqa: E402

SIZE = 48
rows, cols = np.mgrid[0:SIZE, 0:SIZE]
# Bright where column > row: the border runs from the top-left corner to the bottom-right one,
# a "\" on the screen. Bright where column + row > SIZE: a "/".
EDGES = {
    "backslash": (cols > rows).astype(float),
    "slash": (cols + rows > SIZE).astype(float),
    "vertical": (cols >= SIZE // 2).astype(float),
    "horizontal": (rows >= SIZE // 2).astype(float),
}


def _screen_slope(ax, p, q):
    """Slope on the screen (y up) of the segment from data point p to data point q."""
    (x0, y0), (x1, y1) = ax.transData.transform([p, q])
    return (y1 - y0) / (x1 - x0) if x1 != x0 else np.inf


def _strongest_stroke_slope(ax_hog):
    """Screen slope of the longest stroke drawn in the HOG panel."""
    (collection,) = ax_hog.collections
    segments = collection.get_segments()
    longest = max(segments, key=lambda s: np.hypot(*(s[1] - s[0])))
    return _screen_slope(ax_hog, longest[0], longest[1])


def _image_edge_slope(ax_img, image):
    """Screen slope of the edge in the image panel: the line through the border pixels."""
    border = np.argwhere(np.abs(np.diff(image, axis=1)) > 0)  # (row, column) pairs
    if len(border) < 2:  # a horizontal edge has no change along a row
        return 0.0
    r0, c0 = border[0]
    r1, c1 = border[-1]
    if c0 == c1:
        return np.inf
    # imshow draws pixel (row, column) at data point (x = column, y = row)
    return _screen_slope(ax_img, (c0, r0), (c1, r1))


@pytest.mark.parametrize("name", sorted(EDGES))
def test_hog_strokes_have_the_slant_of_the_image_edge(name):
    image = EDGES[name]
    hog = hog_features(image, cell_size=8, n_bins=9)
    ax_img, ax_hog = plot_hog(image, hog, cell_size=8, title=name)
    ax_img.figure.canvas.draw()
    edge = _image_edge_slope(ax_img, image)
    stroke = _strongest_stroke_slope(ax_hog)
    plt.close(ax_img.figure)
    if np.isinf(edge):
        assert abs(stroke) > 3, f"{name}: vertical edge drawn with slope {stroke:.2f}"
    elif edge == 0:
        assert abs(stroke) < 1 / 3, f"{name}: horizontal edge drawn with slope {stroke:.2f}"
    else:
        assert np.sign(stroke) == np.sign(edge), (
            f"{name}: the image's edge has screen slope {edge:+.2f} but HOG draws {stroke:+.2f}")
        # bins are 20 degrees wide: the stroke is within one bin of the edge's 45 degrees
        assert 0.5 < abs(stroke) < 2.0, f"{name}: stroke slope {stroke:.2f}, expected about 1"


def test_hog_bins_a_top_left_to_bottom_right_edge_at_130_degrees():
    """The image bright where column > row has its gradient towards the top right, which in
    pixel coordinates (rows down) is 135 degrees: the 120-140 degree bin (index 6)."""
    hog = hog_features(EDGES["backslash"], cell_size=8, n_bins=9)
    totals = hog.sum(axis=(0, 1))
    assert totals.argmax() == 6, totals
