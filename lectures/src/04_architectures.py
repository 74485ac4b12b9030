# %% [markdown]
# # Lecture 4, part 4: Architectures
#
# Neural networks are organized in **layers**. The most common kind is the *fully-connected*
# layer: every unit of one layer is connected to every unit of the next, and units within a
# layer share no connections. Networks built from such layers are called **fully-connected
# networks** or **multi-layer perceptrons (MLP)**.
#
# **Learning goals**
# - Name networks by their layers of weights: a "2-layer net" is a "1-hidden-layer net"; a stack
#   of fully-connected layers is a fully-connected network, or multi-layer perceptron (MLP).
# - Count the neurons, weights and biases of a fully-connected net.
# - Run the lecture's forward pass of a 3-layer sigmoid network, with column and row conventions.
# - Run the lecture's 20-line numpy training of a 2-layer network and read its loss curve.

# %%
# %matplotlib inline
import matplotlib.pyplot as plt
import numpy as np

from coursekit import plots

rng = np.random.default_rng(0)

# %% [markdown]
# ## 1. Fully-connected layers and how nets are named
#
# We count the layers that have weights, not the input layer. A "2-layer neural net" therefore
# has one hidden layer, and a "3-layer neural net" has two hidden layers.

# %%
fig, axes = plt.subplots(1, 2, figsize=(12, 4))
plots.plot_network_diagram([3, 5, 2], ax=axes[0], title='"2-layer net" = "1-hidden-layer net"')
plots.plot_network_diagram([4, 5, 5, 2], ax=axes[1], title='"3-layer net" = "2-hidden-layer net"')
fig.suptitle("Fully-connected layers: every unit feeds every unit of the next layer")
fig.tight_layout()
plt.show()

# %% [markdown]
# **Counting parameters.** Between layers of sizes $n_\text{in}$ and $n_\text{out}$ a
# fully-connected layer has an $n_\text{in} \times n_\text{out}$ weight matrix and $n_\text{out}$
# biases. The neurons are the units of the hidden and output layers (inputs are not neurons).

# %%
def count_parameters(layer_sizes):
    """Neurons, weights and biases of a fully-connected net with these layer sizes."""
    neurons = sum(layer_sizes[1:])
    weights = sum(n_in * n_out for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:], strict=False))
    biases = sum(layer_sizes[1:])
    return neurons, weights, biases


for sizes in ([3, 5, 2], [4, 5, 5, 2]):
    neurons, weights, biases = count_parameters(sizes)
    print(f"layers {sizes}: {neurons} neurons, {weights} weights + {biases} biases "
          f"= {weights + biases} learnable parameters")

# %% [markdown]
# ## 2. The forward pass of a 3-layer sigmoid network
#
# The slide's code computes one example (a column `x`) through two hidden layers of sigmoid
# units and an output layer. We run it on the 3-layer net drawn above: 4 inputs, two hidden
# layers of 5 units and 2 outputs, with the weights in the slide's convention, one row per unit:
# `W1` is `(5, 4)`, `W2` is `(5, 5)`, `W3` is `(2, 5)`.

# %%
f = lambda x: 1.0 / (1.0 + np.exp(-x))        # activation function (use sigmoid)

W1_col, b1_col = rng.standard_normal((5, 4)), rng.standard_normal((5, 1))
W2_col, b2_col = rng.standard_normal((5, 5)), rng.standard_normal((5, 1))
W3_col, b3_col = rng.standard_normal((2, 5)), rng.standard_normal((2, 1))

x = rng.standard_normal((4, 1))               # random input vector of four numbers (4x1)
h1 = f(np.dot(W1_col, x) + b1_col)            # calculate first hidden layer activations (5x1)
h2 = f(np.dot(W2_col, h1) + b2_col)           # calculate second hidden layer activations (5x1)
out = np.dot(W3_col, h2) + b3_col             # output neurons (2x1)
print("h1:", h1.shape, " h2:", h2.shape, " out:", out.shape, " out =", out.ravel())

# %% [markdown]
# **The same computation on a batch, in the row convention.** Store `W1 = W1_col.T` etc., put
# examples in the rows of `X`, and every layer becomes `f(X @ W + b)`. A whole batch goes
# through in three matrix multiplications; the first row reproduces the slide's column.

# %%
X = np.vstack([x.T, rng.standard_normal((9, 4))])   # (10, 4): the slide's x is row 0
W1, b1 = W1_col.T, b1_col.ravel()                    # (4, 5), (5,)
W2, b2 = W2_col.T, b2_col.ravel()                    # (5, 5), (5,)
W3, b3 = W3_col.T, b3_col.ravel()                    # (5, 2), (2,)

H1 = f(X @ W1 + b1)        # (10, 5)
H2 = f(H1 @ W2 + b2)       # (10, 5)
OUT = H2 @ W3 + b3         # (10, 2)
print("OUT:", OUT.shape, " row 0 equals the slide's out:", np.allclose(OUT[0], out.ravel()))

# %% [markdown]
# ## 3. A full 2-layer network trained in about 20 lines of numpy
#
# This is the lecture's complete program: random data, a sigmoid hidden layer, a squared-error
# (L2) loss, the backward pass written out by hand, and plain gradient descent. We keep its
# variable names and shapes (rows are examples already), use our seeded generator for `randn`,
# and record the loss instead of printing it. The slide runs 2000 iterations; 500 are enough to
# see the curve and keep this cell to a few seconds.

# %%
randn = rng.standard_normal

N, D_in, H, D_out = 64, 1000, 100, 10
x, y = randn((N, D_in)), randn((N, D_out))
w1, w2 = randn((D_in, H)), randn((H, D_out))

losses = []
for _t in range(500):
    h = 1 / (1 + np.exp(-x.dot(w1)))                 # forward: hidden layer (N, H)
    y_pred = h.dot(w2)                               # forward: predictions (N, D_out)
    loss = np.square(y_pred - y).sum()               # L2 loss
    losses.append(loss)

    grad_y_pred = 2.0 * (y_pred - y)                 # backward: dloss/dy_pred
    grad_w2 = h.T.dot(grad_y_pred)                   # dloss/dw2
    grad_h = grad_y_pred.dot(w2.T)                   # dloss/dh
    grad_w1 = x.T.dot(grad_h * h * (1 - h))          # through the sigmoid: local gradient h(1-h)

    w1 -= 1e-4 * grad_w1                             # gradient descent
    w2 -= 1e-4 * grad_w2

for t in (0, 1, 10, 100, 250, 499):
    print(f"iteration {t:4d}: loss {losses[t]:10.2f}")

# %%
plots.plot_loss_curve(losses, title="The 20-line 2-layer net: L2 loss (sum of squared errors)",
                      xlabel="iteration")
plt.show()

# %% [markdown]
# The loss falls by orders of magnitude: the network memorizes the 64 random targets. Every
# line of the backward pass is *(upstream gradient) × (local gradient)*; part 7
# (`07_backprop.ipynb`) shows where each of those lines comes from. Next:
# how many layers and units to use (`05_layers_and_sizes.ipynb`).
