# %% [markdown]
# # Lecture 4, part 1: Where we are
#
# *Neural Networks and Backpropagation* starts from what we already have: a **linear score
# function**, a **loss** that says how unhappy we are with the scores, and **gradient descent**
# to make the loss smaller. This notebook recaps the three pieces and runs them on a toy problem.
#
# **Learning goals**
# - Read the slide's score function $s = f(x; W) = Wx$ and translate it to the code's row convention `s = X @ W`.
# - Compute the multiclass SVM loss and the softmax loss of one example by hand (with a loop).
# - Write the full loss as data loss + regularization, $L = \frac{1}{N}\sum_i L_i + \lambda R(W)$.
# - Run the vanilla gradient-descent loop and read its loss curve.

# %%
# %matplotlib inline
import matplotlib.pyplot as plt
import numpy as np

from coursekit import plots
from coursekit.gradcheck import eval_numerical_gradient

rng = np.random.default_rng(0)  # every random number in this notebook comes from this seed

# %% [markdown]
# ## 1. The linear score function, and the two conventions
#
# The slides write one example $x$ as a **column** of $D$ numbers and the weights as a $C \times D$
# matrix, so that $s = Wx$ is a column of $C$ class scores.
#
# In code we stack $N$ examples as the **rows** of a matrix `X` of shape `(N, D)`, and store the
# weights as `W` of shape `(D, C)`. The scores of all examples at once are the rows of
# `s = X @ W`, shape `(N, C)`. The two are the same numbers: `W` in code is the slide's $W$
# transposed, and row $i$ of `X @ W` is the slide's $W x_i$ written as a row.
# We use the row convention (`X @ W`) everywhere in the code of this module.

# %%
D, C = 4, 3                          # 4 input numbers, 3 classes
W_slide = rng.standard_normal((C, D))  # the slide's W: (C, D)
x = rng.standard_normal(D)             # one example, the slide's column x

s_slide = W_slide @ x                  # s = Wx            -> (C,)
W = W_slide.T                          # code's W: (D, C)
X = x[None, :]                         # a batch of one example: (1, D)
s = X @ W                              # s = X @ W         -> (1, C)

print("slide  s = W x   :", np.round(s_slide, 4))
print("code   s = X @ W :", np.round(s[0], 4))
print("same numbers     :", np.allclose(s_slide, s[0]))

# %% [markdown]
# ## 2. Two losses on the lecture's three images
#
# The running example of the previous lecture: three training images (a cat, a car, a frog)
# and the scores a linear classifier gave them for the classes *cat, car, frog*.
# Each column of the slide's table is one image; in code each **row** is one image.

# %%
classes = ["cat", "car", "frog"]
scores = np.array([
    [3.2, 5.1, -1.7],   # image of a cat
    [1.3, 4.9, 2.0],    # image of a car
    [2.2, 2.5, -3.1],   # image of a frog
])
y = np.array([0, 1, 2])  # correct class of each image

# %% [markdown]
# **Multiclass SVM loss.** For example $i$ with scores $s$ and correct class $y_i$,
# $$L_i = \sum_{j \ne y_i} \max(0,\; s_j - s_{y_i} + 1).$$
# Every wrong class whose score comes within a margin of 1 of the correct score adds to the loss.
# Written as a plain loop, one example at a time:

# %%
def svm_loss_i(s, y_i):
    """Hinge loss of one example: s (C,) scores, y_i its correct class."""
    L_i = 0.0
    for j in range(len(s)):
        if j == y_i:
            continue
        L_i += max(0.0, s[j] - s[y_i] + 1.0)
    return L_i


svm_losses = [svm_loss_i(scores[i], y[i]) for i in range(len(y))]
for name, L_i in zip(classes, svm_losses, strict=True):
    print(f"SVM loss of the {name} image: {L_i:.1f}")
print(f"data loss L = mean of the L_i = {np.mean(svm_losses):.2f}")

# %% [markdown]
# **Softmax loss.** Interpret the scores as unnormalized log-probabilities:
# $P(Y = k \mid x) = e^{s_k} / \sum_j e^{s_j}$, and pay the negative log-probability of the
# correct class, $L_i = -\log P(Y = y_i \mid x_i)$. Subtracting the largest score first does not
# change the probabilities and keeps `exp` from overflowing.

# %%
def softmax_loss_i(s, y_i):
    """Cross-entropy loss of one example: s (C,) scores, y_i its correct class."""
    shifted = s - np.max(s)                      # same probabilities, no overflow
    probs = np.exp(shifted) / np.sum(np.exp(shifted))
    return -np.log(probs[y_i]), probs


L_cat, probs_cat = softmax_loss_i(scores[0], y[0])
print("scores of the cat image      :", scores[0])
print("unnormalized probabilities   :", np.round(np.exp(scores[0]), 2))
print("probabilities (sum to 1)     :", np.round(probs_cat, 2))
print(f"softmax loss -log P(cat) = {L_cat:.2f}")

# %% [markdown]
# ## 3. Data loss + regularization
#
# The full loss averages the per-example losses and adds a penalty on the weights,
# $$L(W) = \underbrace{\frac{1}{N}\sum_{i=1}^N L_i\big(f(x_i, W), y_i\big)}_{\text{data loss}} + \underbrace{\lambda R(W)}_{\text{regularization}}, \qquad R(W) = \sum_k \sum_l W_{k,l}^2 .$$
# The data loss makes the model fit the training data; the regularization prefers simpler
# (smaller) weights so that it also works on new data. $\lambda$ (`reg` in code) sets the balance.
#
# A toy problem: three Gaussian clouds in 2-D. We fold the bias into the weights with the
# *bias trick* (append a constant 1 to every input), so one matrix `W` of shape `(3, 3)` holds it all.

# %%
N_per_class = 30
centers = np.array([[0.0, 1.5], [-1.5, -1.0], [1.5, -1.0]])
y_toy = np.repeat(np.arange(3), N_per_class)
X_toy = centers[y_toy] + 0.7 * rng.standard_normal((len(y_toy), 2))
X_toy_b = np.hstack([X_toy, np.ones((len(y_toy), 1))])  # bias trick: (N, 2 + 1)
print("X_toy_b:", X_toy_b.shape, " y_toy:", y_toy.shape)

# %% [markdown]
# **The bias and the regularization.** With the bias trick the last row of `W` holds the biases,
# so $R(W) = \sum W^2$ below penalizes them too. That is harmless here. From the neural networks
# on (lectures 3-5, assignments 3 and 4) the biases are kept apart from the weights and are
# **not** regularized: a bias multiplies no input, so it cannot make the scores depend strongly
# on any one input dimension, which is what the penalty is there to prevent. Not regularizing
# the biases is the common choice; in practice it rarely makes a difference.

# %%
reg = 1e-2


def full_loss(W):
    """Softmax data loss (a loop over the examples) + reg * sum(W**2)."""
    s = X_toy_b @ W                                            # scores (N, C)
    data_loss = np.mean([softmax_loss_i(s[i], y_toy[i])[0] for i in range(len(y_toy))])
    return data_loss + reg * np.sum(W**2)


W0 = 0.01 * rng.standard_normal((3, 3))
print(f"loss at small random weights: {full_loss(W0):.3f}   (about log C = {np.log(3):.3f}: all classes equally likely)")

# %% [markdown]
# ## 4. The vanilla gradient-descent loop
#
# ```python
# while True:
#     weights_grad = evaluate_gradient(loss_fun, data, weights)
#     weights += - step_size * weights_grad  # perform parameter update
# ```
# For now we evaluate the gradient **numerically** (nudge each weight by $\pm h$ and watch the
# loss): slow and approximate, but easy to write. The rest of this lecture is about computing it
# exactly and fast with backpropagation.

# %%
step_size = 0.5
W = W0.copy()
loss_history = []
for _step in range(80):
    weights_grad = eval_numerical_gradient(full_loss, W)   # dL/dW, shape (3, 3)
    W += -step_size * weights_grad                          # the parameter update
    loss_history.append(full_loss(W))
print(f"loss after {len(loss_history)} steps: {loss_history[-1]:.3f}")

# %%
plots.plot_loss_curve(loss_history, title="Gradient descent on the toy problem: loss L(W)",
                      xlabel="gradient-descent step")
plt.show()

# %% [markdown]
# The loss falls quickly and then flattens. The learned classifier cuts the plane into three
# regions with straight boundaries: that is all a linear classifier can do.

# %%
def predict_toy(P):
    P_b = np.hstack([P, np.ones((len(P), 1))])
    return np.argmax(P_b @ W, axis=1)


accuracy = np.mean(predict_toy(X_toy) == y_toy)
plots.plot_decision_boundary(predict_toy, X_toy, y_toy,
                             title=f"Linear softmax classifier, training accuracy {accuracy:.0%}")
plt.show()

# %% [markdown]
# **Summary.** Scores $s = Wx$ (code: `X @ W`), a loss $L = \frac1N\sum_i L_i + \lambda R(W)$,
# and the loop `W -= step_size * dW`. Next: why a linear score function is not enough
# (`02_linear_limits.ipynb`).
