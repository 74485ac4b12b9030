# %% [markdown]
# # Lecture 4, part 5: Setting the number of layers and their sizes
#
# How big should the hidden layer be? More neurons give the network more **capacity**: it can
# represent more complicated functions. That is a blessing (it can fit the data) and a danger (it
# can fit the noise too).
#
# **Learning goals**
# - See the decision boundary grow more complex as the hidden layer grows.
# - Control overfitting with the regularization strength $\lambda$, not by making the network smaller.
# - Explore both with an interactive playground.
#
# All nets here are 2-layer nets $s = W_2\,\text{act}(W_1 x + b_1) + b_2$ trained by
# `coursekit.tinynet` (the lecture's 20-line training loop with a squared-error loss, biases and
# $\lambda R(W)$; a second or less per net).

# %%
import matplotlib.pyplot as plt
import numpy as np

from coursekit import data, plots, tinynet
from coursekit.playground import show_playground

SEED = 0
X, y = data.make_spiral(n_per_class=100, n_classes=3, seed=SEED)
print("spiral data:", X.shape, "labels:", np.bincount(y))

# %% [markdown]
# ## 1. More neurons = more capacity
#
# The same data, the same training, three hidden-layer sizes. Each hidden ReLU unit contributes
# one "bend" to the boundary, so with 3 units the net can only cut the plane coarsely, and with
# 20 it follows the spiral arms.

# %%
hidden_sizes = [3, 6, 20]
fig, axes = plt.subplots(1, 3, figsize=(15, 4.5))
for ax, H in zip(axes, hidden_sizes, strict=True):
    params, history = tinynet.train(X, y, hidden_size=H, activation="relu", reg=1e-3, seed=SEED)
    plots.plot_decision_boundary(lambda P, p=params: tinynet.predict(p, P), X, y, ax=ax,
                                 title=f"{H} hidden neurons: training accuracy {history['accuracy']:.0%}")
fig.suptitle("More hidden neurons = more capacity (2-layer ReLU nets on the spiral)")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## 2. Regularize, don't shrink the network
#
# A small network seems a safe way to avoid overfitting, but small networks are harder to train
# with gradient descent: their loss has fewer, worse local minima, and the result depends on luck.
# Larger networks reach good solutions reliably. The lecture's advice: **do not use the size of
# the network as a regularizer. Use stronger regularization instead**, i.e. a larger $\lambda$ in
# $L = \frac1N \sum_i L_i + \lambda R(W)$.
#
# Below, one network size (50 hidden units) and three regularization strengths.

# %%
regs = [1e-4, 1e-2, 3e-2]
fig, axes = plt.subplots(1, 3, figsize=(15, 4.5))
for ax, reg in zip(axes, regs, strict=True):
    params, history = tinynet.train(X, y, hidden_size=50, activation="relu", reg=reg, seed=SEED)
    weight_size = np.sum(params["W1"] ** 2) + np.sum(params["W2"] ** 2)
    plots.plot_decision_boundary(lambda P, p=params: tinynet.predict(p, P), X, y, ax=ax,
                                 title=f"λ = {reg:g}: accuracy {history['accuracy']:.0%}, R(W) = {weight_size:.1f}")
fig.suptitle("Same 50-unit net, stronger regularization = smoother decision boundary")
fig.tight_layout()
plt.show()

# %% [markdown]
# As $\lambda$ grows, the weights shrink ($R(W) = \sum W^2$ falls) and the boundary becomes
# smoother. Too much, and the net can no longer fit the spiral: $\lambda$ is a hyperparameter to
# choose on validation data, as in the assignments.
#
# ## 3. Playground
#
# In the spirit of ConvNetJS's *classify2d* demo and TensorFlow Playground: pick a data set, the
# number of hidden units, the activation function and $\lambda$. Every change retrains the net
# and redraws the boundary; **Train** retrains from a new random initialization. (When this
# notebook runs without a widget front end, e.g. as an HTML export, you see the figure for the
# default settings instead.)
#
# Things to try: the circles with 1, 2 and 3 hidden units; the spiral with sigmoid vs ReLU;
# 100 hidden units with $\lambda = 10^{-5}$ and then $\lambda = 10^{-1}$.

# %%
pg = show_playground(dataset="spiral", hidden_size=20, activation="relu", reg=1e-3, seed=SEED)

# %% [markdown]
# **Summary.** Bigger networks can represent more complicated functions and are easier to train
# well; control their overfitting with $\lambda$. Next: where the word *neuron* comes from
# (`06_biological_neurons.ipynb`).
