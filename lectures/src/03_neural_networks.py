# %% [markdown]
# # Lecture 4, part 3: Neural networks, without the brain stuff
#
# A neural network is a stack of linear functions with a non-linear function in between. That is
# all; the brain comes later (`06_biological_neurons.ipynb`).
#
# **Learning goals**
# - Write a 2-layer and a 3-layer network and give every vector and matrix its shape.
# - Add biases and map the slide's column shapes to the code's row shapes.
# - Show numerically why the activation function matters: without it, $W_2 W_1 x$ is one linear map.
# - Know six activation functions, their shapes, and why ReLU is the default.

# %%
# %matplotlib inline
import matplotlib.pyplot as plt
import numpy as np

from coursekit import data, plots, tinynet

rng = np.random.default_rng(0)

# %% [markdown]
# ## 1. From a linear score function to a 2-layer net
#
# | | slide (one example as a column) |
# | --- | --- |
# | linear score function | $f = Wx$ |
# | 2-layer neural network | $f = W_2 \max(0, W_1 x)$ |
#
# with $x \in \mathbb{R}^D$, $W_1 \in \mathbb{R}^{H \times D}$, $W_2 \in \mathbb{R}^{C \times H}$.
# The lecture's example is CIFAR-10: $D = 3072$ pixel values ($32 \times 32 \times 3$), $H = 100$
# hidden units, $C = 10$ class scores. The $\max(0, \cdot)$ is applied elementwise.

# %%
D, H, C = 32 * 32 * 3, 100, 10

x = rng.standard_normal(D)                     # slide: x in R^D
W1_slide = 0.01 * rng.standard_normal((H, D))   # W1 in R^{H x D}
W2_slide = 0.01 * rng.standard_normal((C, H))   # W2 in R^{C x H}

h = np.maximum(0, W1_slide @ x)                # hidden layer, R^H
s = W2_slide @ h                               # class scores, R^C
print(f"x: {x.shape} -> h = max(0, W1 x): {h.shape} -> s = W2 h: {s.shape}")

# %% [markdown]
# **The same net in code.** Rows are examples: a batch `X` of shape `(N, D)`, `W1` of shape
# `(D, H)` (the slide's $W_1$ transposed), `W2` of shape `(H, C)`. Each layer is
# `next = act(previous @ W + b)`; the learnable **bias** vectors `b1` `(H,)` and `b2` `(C,)` shift
# every unit's input, $f = W_2 \max(0, W_1 x + b_1) + b_2$ on the slide.

# %%
N = 5
X = rng.standard_normal((N, D))
W1, b1 = W1_slide.T, np.zeros(H)              # (D, H), (H,)
W2, b2 = W2_slide.T, np.zeros(C)              # (H, C), (C,)

hidden = np.maximum(0, X @ W1 + b1)           # (N, H)
scores = hidden @ W2 + b2                     # (N, C)
print("X", X.shape, "@ W1", W1.shape, "-> hidden", hidden.shape, "@ W2", W2.shape, "-> scores", scores.shape)

# one example through both conventions gives the same scores
s_row = np.maximum(0, x[None, :] @ W1 + b1) @ W2 + b2
print("row convention matches the slide:", np.allclose(s_row[0], s))

# %% [markdown]
# **A 3-layer net** just adds one more hidden layer:
# $f = W_3 \max(0, W_2 \max(0, W_1 x))$, with $W_1 \in \mathbb{R}^{H_1 \times D}$,
# $W_2 \in \mathbb{R}^{H_2 \times H_1}$, $W_3 \in \mathbb{R}^{C \times H_2}$.

# %%
H1, H2 = 100, 50
W1_3 = 0.01 * rng.standard_normal((D, H1))
W2_3 = 0.01 * rng.standard_normal((H1, H2))
W3_3 = 0.01 * rng.standard_normal((H2, C))
h1 = np.maximum(0, X @ W1_3)                  # (N, H1)
h2 = np.maximum(0, h1 @ W2_3)                 # (N, H2)
s3 = h2 @ W3_3                                # (N, C)
for name, a in [("X", X), ("h1", h1), ("h2", h2), ("scores", s3)]:
    print(f"{name:>7}: {a.shape}")

# %% [markdown]
# ## 2. Many templates instead of one
#
# The linear classifier of part 2 had one template per class. The first layer of a 2-layer net
# has $H$ templates (the columns of `W1`), and the second layer scores each class by a weighted
# combination of how well they match. We train a small net on the digits and look at its
# 20 first-layer templates. `coursekit.tinynet` trains it with scikit-learn's `MLPClassifier`,
# a 2-layer net of the same shape with the loss of lecture 1 (softmax plus $\lambda R(W)$ on the
# weights), trained by Adam, a refinement of gradient descent. You write the plain version,
# `W -= learning_rate * dW`, in assignment 4.

# %%
digits = data.load_digits_split(seed=0)
params, history = tinynet.train(digits["X_train"], digits["y_train"], hidden_size=20,
                                activation="relu", reg=1e-4, n_steps=300, seed=0)
val_acc = np.mean(tinynet.predict(params, digits["X_val"]) == digits["y_val"])
print("W1:", params["W1"].shape, f" validation accuracy: {val_acc:.1%}")
plots.plot_templates(params["W1"], (8, 8), labels=[f"unit {k}" for k in range(20)],
                     title="First layer of a 2-layer net on digits: 20 learned templates (columns of W1)",
                     fig=plt.figure(figsize=(16, 1.9)))
plt.show()

# %% [markdown]
# ## 3. Why the activation function matters
#
# Remove the $\max(0, \cdot)$ and the 2-layer net becomes $W_2 W_1 x$. But $W_2 W_1$ is just
# another matrix $W = W_2 W_1 \in \mathbb{R}^{C \times D}$: **the two layers collapse into one
# linear classifier**, however many layers we stack. In code, `(X @ W1) @ W2 == X @ (W1 @ W2)`.

# %%
W1_small = rng.standard_normal((2, 50))     # D = 2 -> H = 50
W2_small = rng.standard_normal((50, 3))     # H = 50 -> C = 3
X_spiral, y_spiral = data.make_spiral(n_per_class=100, n_classes=3, seed=0)

two_linear_layers = (X_spiral @ W1_small) @ W2_small
W_collapsed = W1_small @ W2_small           # one (2, 3) matrix
one_linear_layer = X_spiral @ W_collapsed
print("W1 @ W2 has shape", W_collapsed.shape, "and rank", np.linalg.matrix_rank(W_collapsed))
print("max |two layers - one layer| =", np.abs(two_linear_layers - one_linear_layer).max())

with_relu = np.maximum(0, X_spiral @ W1_small) @ W2_small
residual = with_relu - X_spiral @ np.linalg.lstsq(X_spiral, with_relu, rcond=None)[0]
print("with a ReLU in between, the best single linear map misses by", np.round(np.abs(residual).max(), 2))

# %% [markdown]
# ## 4. Six activation functions
#
# | name | $f(x)$ |
# | --- | --- |
# | sigmoid | $\sigma(x) = 1 / (1 + e^{-x})$ |
# | tanh | $\tanh(x)$ |
# | ReLU | $\max(0, x)$ |
# | leaky ReLU | $\max(0.1x, x)$ |
# | maxout | $\max(w_1^T x + b_1, w_2^T x + b_2)$ |
# | ELU | $x$ if $x \ge 0$ else $\alpha(e^x - 1)$ |
#
# Maxout has its own weights; for the plot we take two lines in one dimension,
# $\max(-0.5x - 1,\; x - 1)$. Backpropagation also needs each function's derivative $f'(x)$:
# working those out, kinks included, is assignment 2. Here, look at the shapes: where is each
# function flat, where does it grow, what range do its outputs cover?

# %%
six_activations = {
    "sigmoid": tinynet.ACTIVATIONS["sigmoid"],
    "tanh": tinynet.ACTIVATIONS["tanh"],
    "ReLU": tinynet.ACTIVATIONS["relu"],
    "leaky ReLU (α = 0.1)": lambda x: np.maximum(0.1 * x, x),
    "maxout (two pieces)": lambda x: np.maximum(-0.5 * x - 1.0, x - 1.0),
    "ELU (α = 1)": lambda x: np.where(x >= 0, x, np.expm1(np.minimum(x, 0.0))),
}
plots.plot_activations(six_activations, title="Six activation functions f(x)")
plt.show()

# %% [markdown]
# ## 5. Activation functions in practice
#
# Backpropagation multiplies the gradient by the local gradient $f'(x)$ of every activation it
# passes through. That one fact explains most of the practical advice (CS231n's notes on
# activation functions).
#
# ### Sigmoid: three problems
# 1. **Saturated neurons kill gradients.** $\sigma'(x)$ is never larger than 0.25 and almost 0
#    once $|x|$ is a few units: the unit *saturates*, and whatever gradient arrives from above is
#    multiplied by almost 0, so the weights below it barely learn.
# 2. **Its outputs are not zero-centered** (always between 0 and 1). See below: the gradients on
#    the next layer's weights then all share one sign, and the updates zig-zag.
# 3. $\exp()$ is a bit expensive to compute (a minor point).

#
# The local gradient is the function's slope, and a slope can be measured without any formula:
# move $x$ by a tiny $h$ both ways and divide the change of $f$ by $2h$.

# %%
sigmoid, relu = tinynet.ACTIVATIONS["sigmoid"], tinynet.ACTIVATIONS["relu"]


def slope(f, x, h=1e-5):
    """The slope of f at x, measured: (f(x + h) - f(x - h)) / 2h."""
    return (f(x + h) - f(x - h)) / (2 * h)


for x_val in [0.0, 2.0, 5.0, 10.0]:
    relu_slope = f"{slope(relu, x_val):.0f}" if x_val > 0 else "- (its kink)"
    print(f"x = {x_val:4.1f}:  slope of sigmoid = {slope(sigmoid, x_val):.5f}   "
          f"slope of ReLU = {relu_slope}")
print(f"the sigmoid factors of 10 layers multiply to at most 0.25**10 = {0.25 ** 10:.1e}")

# %% [markdown]
# That product is not the whole gradient: on its way down through layer $k$,
# $h_k = \sigma(h_{k-1} W_k)$, the gradient is multiplied by the slopes $\sigma'$ and by the
# weights $W_k$. The same factors, in the other order, decide how far a small change at the
# bottom of the net moves its top (the chain rule read forwards), so we can measure them
# without a backward pass: nudge the input of a 10-layer sigmoid net of width 100 by a tiny
# random $\delta$ and compare the change at the top with $\delta$, for three weight sizes.
# Small weights: the change reaching the top is a millionth of the nudge, and so is the gradient
# reaching the bottom. Large weights make up for the small $\sigma'$, but only because many units
# (about half of them here) are now saturated (outputs within 0.01 of 0 or 1, where the slope is below
# 0.01), and a saturated unit's own weights get almost no gradient.

# %%
X_deep = rng.standard_normal((200, 100))
delta = 1e-6 * rng.standard_normal(X_deep.shape)    # a tiny nudge of the input


def deep_sigmoid_net(X, Ws):
    """Every layer's output h_k = sigmoid(h_{k-1} W_k) of the deep net, h_0 = X."""
    hs = [X]
    for W in Ws:
        hs.append(sigmoid(hs[-1] @ W))
    return hs


for weight_std in [0.1, 0.4, 1.0]:
    Ws = [weight_std * rng.standard_normal((100, 100)) for _ in range(10)]
    hs = deep_sigmoid_net(X_deep, Ws)
    top_moved = deep_sigmoid_net(X_deep + delta, Ws)[-1] - hs[-1]
    saturated = np.mean([np.mean((h < 0.01) | (h > 0.99)) for h in hs[1:]])
    print(f"weights N(0, {weight_std}^2): |change at the top| / |nudge at the bottom| = "
          f"{np.linalg.norm(top_moved) / np.linalg.norm(delta):.1e}; saturated units: {saturated:.0%}")

# **Not zero-centered means zig-zag updates.** A neuron computes $a = \sum_i w_i x_i + b$, so
# $\frac{\partial L}{\partial w_i} = x_i \frac{\partial L}{\partial a}$. When every input $x_i$
# is positive (e.g. the outputs of a sigmoid layer), every entry of the gradient on $w$ has the
# sign of the one number $\partial L / \partial a$: on each example, all weights go up together
# or down together. To reach weights where one must grow and the other shrink, gradient descent
# has to zig-zag. Below, one linear neuron with two weights learns the target $w^* = (1, -1)$ by
# gradient descent, one example at a time, on positive inputs and on the same inputs centered.

# %%
X_positive = rng.uniform(0, 1, size=(200, 2))       # like sigmoid outputs: all positive
X_centered = X_positive - X_positive.mean(axis=0)   # zero-centered inputs
w_target = np.array([1.0, -1.0])

fig, ax = plt.subplots(figsize=(6, 5))
for name, inputs in [("positive inputs", X_positive), ("zero-centered inputs", X_centered)]:
    w, path, same_sign = np.zeros(2), [np.zeros(2)], 0
    for i in np.random.default_rng(1).integers(0, len(inputs), size=40):
        dL_da = inputs[i] @ w - inputs[i] @ w_target     # squared error (a - y)^2 / 2
        dw = inputs[i] * dL_da                           # dL/dw_i = x_i dL/da
        same_sign += np.sign(dw[0]) == np.sign(dw[1])
        w = w - 1.0 * dw
        path.append(w)
    path = np.array(path)
    ax.plot(path[:, 0], path[:, 1], "o-", ms=3, label=f"{name}: both entries of dw share a sign in {same_sign} of 40 steps")
ax.plot(*w_target, "k*", ms=15, label="target w* = (1, -1)")
ax.set_title("Gradient descent path of a neuron's two weights")
ax.set_xlabel("w_1")
ax.set_ylabel("w_2")
ax.legend(fontsize=8, loc="lower left")
plt.show()

# %% [markdown]
# With positive inputs every step goes up-right or down-left, never towards $w^*$ directly.
# Summed over a minibatch the signs can differ, so this matters less in practice, but it is why
# **zero-centered** activations (tanh) and **zero-centered, normalized inputs** (subtract the
# mean of every input feature, divide by its standard deviation) train better.
#
# ### tanh, ReLU and its variants
# - **tanh** squashes to $[-1, 1]$: zero-centered, but it still saturates.
# - **ReLU** $\max(0, x)$: does not saturate for $x > 0$, costs one comparison, and in practice
#   nets with ReLU converge much faster than with sigmoid/tanh (about 6x in Krizhevsky et al.'s
#   ImageNet net). Not zero-centered, and it has its own problem: **dead ReLUs**.
# - A ReLU unit whose input is negative for *every* training example outputs 0 and has local
#   gradient 0 on every example: its weights never get a gradient again, and it never recovers.
#   Units die from a bad initialization or from a too-large update (a large learning rate);
#   sometimes a large fraction of a network is dead.
# - To avoid or limit dead units: a **smaller learning rate**, careful **initialization** (some
#   people start the ReLU biases at a small positive value such as 0.01), and activations whose
#   gradient is never 0 for $x < 0$: **leaky ReLU** ($\max(0.1x, x)$), **PReLU** (the slope is
#   learned), **ELU**, **maxout** (which never dies, at twice the parameters). Monitor the
#   fraction of dead units.
#
# Below, 50 ReLU units on the spiral data, and the same units after one random update of
# growing size, as a large learning rate would make: count the units that are dead for all 300
# examples.

# %%
leaky_relu = six_activations["leaky ReLU (α = 0.1)"]
W1_units, b1_units = rng.standard_normal((2, 50)), np.zeros(50)
update_rng = np.random.default_rng(1)
dW, db = update_rng.standard_normal((2, 50)), update_rng.standard_normal(50)
for step in [0.0, 1.0, 3.0]:
    pre = X_spiral @ (W1_units + step * dW) + (b1_units + step * db)   # (300, 50)
    dead = np.all(pre <= 0, axis=0)                  # flat part of ReLU for every example
    out_leaky = leaky_relu(pre)
    leaky_flat = np.all(out_leaky == out_leaky[0], axis=0)   # same output for every example
    print(f"update of size {step:3.1f}: {dead.sum():2d} of 50 ReLU units dead; "
          f"leaky ReLU units whose output no longer follows their input: {leaky_flat.sum()}")

# %% [markdown]
# **In practice** (CS231n): use ReLU, be careful with the learning rate and possibly monitor the
# fraction of dead units; if that concerns you, try leaky ReLU or maxout. Do not use sigmoid in
# hidden layers. Try tanh, but expect it to work worse than ReLU or maxout.

# %% [markdown]
# **Summary.** A neural network is linear layers with non-linearities in between:
# $f = W_2 \max(0, W_1 x + b_1) + b_2$. Without the non-linearity it is still a linear classifier.
# Use ReLU unless you have a reason not to. Next: how layers are arranged
# (`04_architectures.ipynb`).
