# %% [markdown]
# # Lecture 4, part 2: Linear classifiers are not very powerful
#
# A linear classifier computes $s = Wx$: one score per class, each a weighted sum of the
# inputs. Two ways of looking at it show what it cannot do, and one old remedy (hand-made
# features) shows the idea that neural networks automate.
#
# **Learning goals**
# - *Visual viewpoint*: see the one template per class that a linear classifier learns.
# - *Geometric viewpoint*: see linear decision boundaries fail on the spiral and the circles.
# - *Feature transformation*: make the circles separable with polar coordinates; compute a color
#   histogram and a histogram of oriented gradients (HOG) in numpy.
# - Tell image features + linear classifier apart from a ConvNet trained end to end.
#
# To stay away from the assignments' code, the linear classifiers here are trained with
# scikit-learn's `LogisticRegression` (a linear softmax classifier, i.e. $s = Wx + b$ with the
# softmax loss and L2 regularization).

# %%
# %matplotlib inline
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_sample_image
from sklearn.linear_model import LogisticRegression

from coursekit import data, features, plots

SEED = 0

# %% [markdown]
# ## 1. Visual viewpoint: one template per class
#
# Row $c$ of the slide's $W$ (column `W[:, c]` in code) is dotted with the image, so it is a
# **template**: the score of class $c$ is high when the image looks like that template. With one
# template per class, a linear classifier can only learn *one* picture of each class.
# We train one on scikit-learn's 8x8 handwritten digits.

# %%
digits = data.load_digits_split(seed=SEED)
X_train, y_train = digits["X_train"], digits["y_train"]
X_val, y_val = digits["X_val"], digits["y_val"]
print("X_train:", X_train.shape, " (each row: 64 pixel intensities in [0, 1])")

linear = LogisticRegression(C=0.05, max_iter=2000)
linear.fit(X_train, y_train)
W_digits = linear.coef_.T          # (D, C) = (64, 10): code convention, scores = X @ W + b
print("W:", W_digits.shape, f" validation accuracy: {linear.score(X_val, y_val):.1%}")

# %%
plots.plot_templates(W_digits, (8, 8), labels=[f"class {c}" for c in range(10)],
                     title="Linear classifier on digits: each class's weights shown as an 8x8 image (red > 0, blue < 0)")
plt.show()

# %% [markdown]
# Each template is a blurry average digit: red pixels vote for the class, blue pixels against.
# A "1" written slanted, or a "7" with a crossbar, has to fit the same single template.

# %% [markdown]
# ## 2. Geometric viewpoint: linear decision boundaries
#
# Each class score is a linear function of the input, so the border between two classes is
# where two linear functions are equal: a straight line (a hyperplane in more dimensions).
# Data whose classes are not separated by lines defeats a linear classifier, however it is trained.

# %%
X_spiral, y_spiral = data.make_spiral(n_per_class=100, n_classes=3, seed=SEED)
X_circles, y_circles = data.make_circles(n=300, noise=0.1, factor=0.5, seed=SEED)

fig, axes = plt.subplots(1, 2, figsize=(11, 4.5))
datasets = [("spiral", X_spiral, y_spiral), ("circles", X_circles, y_circles)]
for ax, (name, X, y) in zip(axes, datasets, strict=True):
    clf = LogisticRegression(max_iter=2000).fit(X, y)
    plots.plot_decision_boundary(clf.predict, X, y, ax=ax,
                                 title=f"{name}: linear classifier, training accuracy {clf.score(X, y):.0%}")
fig.suptitle("Linear decision boundaries cannot follow the data")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## 3. Feature transformation: polar coordinates
#
# The circles are separated by their **radius**, not by a line. Describe each point by
# $f(x, y) = (r(x, y), \theta(x, y))$ instead of $(x, y)$, and a linear classifier on the new
# features succeeds: the border $r = \text{const}$ is a line in $(r, \theta)$ space and a circle
# back in the original space.

# %%
def polar_features(X):
    """(N, 2) points -> (N, 2) features: radius r and angle theta."""
    r = np.sqrt(X[:, 0] ** 2 + X[:, 1] ** 2)
    theta = np.arctan2(X[:, 1], X[:, 0])
    return np.stack([r, theta], axis=1)


F_circles = polar_features(X_circles)
polar_clf = LogisticRegression(max_iter=2000).fit(F_circles, y_circles)
print(f"linear classifier on (r, theta): training accuracy {polar_clf.score(F_circles, y_circles):.0%}")

# %%
fig, axes = plt.subplots(1, 2, figsize=(11, 4.5))
plots.plot_decision_boundary(polar_clf.predict, F_circles, y_circles, ax=axes[0],
                             title="Feature space: a straight line separates the classes")
axes[0].set_xlabel("radius r")
axes[0].set_ylabel("angle θ (radians)")
plots.plot_decision_boundary(lambda P: polar_clf.predict(polar_features(P)), X_circles, y_circles,
                             ax=axes[1], title="Back in the input space: the same classifier draws a circle")
fig.suptitle("Feature transformation f(x, y) = (r(x, y), θ(x, y))")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## 4. Image features: color histogram
#
# For images, the classic pipeline computed hand-designed features and fed them to a linear
# classifier. The simplest one ignores *where* the colors are and counts *which* colors appear:
# convert every pixel to its hue and histogram the hues (`coursekit.features.color_histogram`,
# about 20 lines of numpy).

# %%
image = load_sample_image("china.jpg")   # (427, 640, 3) RGB photo bundled with scikit-learn
hist, bin_edges = features.color_histogram(image, n_bins=12)
print("image:", image.shape, " color-histogram feature vector:", hist.shape)
plots.plot_color_histogram(image, hist, bin_edges, title="Color histogram: how much of each hue the image contains")
plt.show()

# %% [markdown]
# ## 5. Image features: histogram of oriented gradients (HOG)
#
# HOG keeps the *edges* and their layout. Compute the image gradient at every pixel, divide the
# image into 8x8-pixel regions, and within each region quantize the edge directions into 9 bins
# (each pixel votes with its gradient magnitude). The lecture's example: an image of 320x240
# pixels. We crop one from the photo and compute its feature vector.

# %%
crop = image[100:340, 160:480]            # 240 rows x 320 columns
hog = features.hog_features(crop, cell_size=8, n_bins=9)
n_rows, n_cols, n_bins = hog.shape
print(f"image {crop.shape[1]}x{crop.shape[0]} pixels -> {n_cols}x{n_rows} cells, {n_bins} numbers per cell")
print(f"HOG feature vector: {n_cols} * {n_rows} * {n_bins} = {hog.size:,} numbers")

# %%
plots.plot_hog(crop, hog, cell_size=8, title="HOG: in each 8x8 cell, one line per edge direction, longer = stronger")
plt.show()

# %% [markdown]
# ## 6. Image features vs ConvNets
#
# | | feature extraction | then | trained |
# | --- | --- | --- | --- |
# | **classic pipeline** | fixed, hand-designed (color histogram, HOG, bag of words) | linear classifier on the features | only the classifier |
# | **ConvNet** | learned layers | the last layer is a linear classifier | everything, end to end |
#
# The polar coordinates above worked because *we* knew the data were circles. A neural network
# learns its own feature transformation from data: the hidden layers play the role of
# $f(x, y) = (r, \theta)$ or of HOG, and they are trained together with the final linear
# classifier. That is where the rest of the lecture goes: `03_neural_networks.ipynb`.
