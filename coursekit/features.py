"""Hand-designed image features from the lecture: a hue histogram and oriented-gradient histograms.

Both are plain numpy so that a student can read every step. Images are arrays of shape
(H, W, 3) (RGB, values in [0, 255] or [0, 1]) or (H, W) (grayscale).
"""

import numpy as np

__all__ = ["rgb_to_hue", "color_histogram", "to_grayscale", "image_gradients", "hog_features"]


def _as_float_image(image, name="image"):
    """Return `image` as float64 in [0, 1] with a clear error for wrong shapes."""
    image = np.asarray(image)
    if image.ndim not in (2, 3) or (image.ndim == 3 and image.shape[2] != 3):
        raise ValueError(
            f"{name} must have shape (H, W) or (H, W, 3); got shape {image.shape}. "
            "Drop an alpha channel with image[..., :3]."
        )
    image = image.astype(np.float64)
    if image.max(initial=0.0) > 1.0:
        image = image / 255.0
    return image


def rgb_to_hue(image):
    """Hue of every pixel, in degrees [0, 360).

    Input: image (H, W, 3) RGB. Output: hue (H, W) and saturation (H, W) in [0, 1]
    (saturation = (max - min) / max, 0 for black pixels). Gray pixels have hue 0 and
    saturation 0.
    """
    image = _as_float_image(image)
    if image.ndim != 3:
        raise ValueError(f"rgb_to_hue needs a color image (H, W, 3); got shape {image.shape}")
    r, g, b = image[..., 0], image[..., 1], image[..., 2]
    c_max = image.max(axis=2)
    c_min = image.min(axis=2)
    delta = c_max - c_min
    safe = np.where(delta > 0, delta, 1.0)
    # The hue is the angle around the color hexagon; which sector depends on the largest channel.
    hue = np.where(
        c_max == r, ((g - b) / safe) % 6.0,
        np.where(c_max == g, (b - r) / safe + 2.0, (r - g) / safe + 4.0),
    )
    hue = np.where(delta > 0, 60.0 * hue, 0.0) % 360.0
    saturation = np.where(c_max > 0, delta / np.where(c_max > 0, c_max, 1.0), 0.0)
    return hue, saturation


def color_histogram(image, n_bins=12, min_saturation=0.2):
    """Hue histogram of an image: the fraction of colorful pixels whose hue falls in each bin.

    Input: image (H, W, 3). Output: (hist, bin_edges) with hist (n_bins,) summing to 1
    (all zeros if no pixel is colorful) and bin_edges (n_bins + 1,) in degrees. Pixels with
    saturation below `min_saturation` (grays) have no meaningful hue and are not counted.
    """
    hue, saturation = rgb_to_hue(image)
    colorful = saturation >= min_saturation
    counts, bin_edges = np.histogram(hue[colorful], bins=n_bins, range=(0.0, 360.0))
    total = counts.sum()
    hist = counts / total if total > 0 else counts.astype(np.float64)
    return hist, bin_edges


def to_grayscale(image):
    """Luminance (H, W) in [0, 1] of an RGB (H, W, 3) or grayscale (H, W) image."""
    image = _as_float_image(image)
    if image.ndim == 2:
        return image
    return image @ np.array([0.299, 0.587, 0.114])


def image_gradients(gray):
    """Centered-difference gradients of a grayscale image.

    Input: gray (H, W). Output: (magnitude, orientation), each (H, W); orientation is the
    unsigned direction of the gradient in degrees [0, 180) (a gradient and its reverse count the
    same), measured in pixel coordinates: 0 points along the columns (to the right) and 90 along
    the rows (downwards, as the image is drawn). The edge itself runs perpendicular to it.
    Border pixels use one-sided differences of zero (no gradient).
    """
    gray = np.asarray(gray, dtype=np.float64)
    if gray.ndim != 2:
        raise ValueError(f"image_gradients needs a grayscale image (H, W); got shape {gray.shape}")
    gx = np.zeros_like(gray)
    gy = np.zeros_like(gray)
    gx[:, 1:-1] = gray[:, 2:] - gray[:, :-2]  # filter [-1, 0, 1] along columns
    gy[1:-1, :] = gray[2:, :] - gray[:-2, :]  # filter [-1, 0, 1]^T along rows
    magnitude = np.hypot(gx, gy)
    orientation = np.degrees(np.arctan2(gy, gx)) % 180.0
    return magnitude, orientation


def hog_features(image, cell_size=8, n_bins=9):
    """Histogram of oriented gradients, as in the lecture: 8x8-pixel cells, 9 direction bins.

    Input: image (H, W, 3) or (H, W). Output: hog (H // cell_size, W // cell_size, n_bins);
    entry [i, j, k] sums the gradient magnitudes of the pixels in cell (i, j) whose edge
    direction falls in bin k (bins of 180 / n_bins degrees). Pixels beyond the last full cell
    are ignored. Flatten it with hog.ravel() to get the feature vector.
    (A simplified HOG: no interpolation between bins and no block normalization.)
    """
    gray = to_grayscale(image)
    H, W = gray.shape
    n_rows, n_cols = H // cell_size, W // cell_size
    if n_rows == 0 or n_cols == 0:
        raise ValueError(
            f"image of shape {gray.shape} is smaller than one {cell_size}x{cell_size} cell; "
            "use a larger image or a smaller cell_size"
        )
    magnitude, orientation = image_gradients(gray)
    magnitude = magnitude[: n_rows * cell_size, : n_cols * cell_size]
    orientation = orientation[: n_rows * cell_size, : n_cols * cell_size]
    bin_index = np.minimum((orientation / (180.0 / n_bins)).astype(int), n_bins - 1)
    # Cell (i, j) of every pixel, then one weighted count per (cell, bin).
    rows = np.arange(n_rows * cell_size)[:, None] // cell_size
    cols = np.arange(n_cols * cell_size)[None, :] // cell_size
    flat = (rows * n_cols + cols) * n_bins + bin_index
    hog = np.bincount(flat.ravel(), weights=magnitude.ravel(), minlength=n_rows * n_cols * n_bins)
    return hog.reshape(n_rows, n_cols, n_bins)
