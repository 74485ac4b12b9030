# %% [markdown]
# # Lecture 4, part 7: How to compute gradients
#
# Gradient descent needs $\nabla_W L$ for every weight matrix. **Backpropagation** computes all of
# them with one backward sweep over a *computational graph*, using nothing but the chain rule
# applied to small pieces.
#
# **Learning goals**
# - Explain why we do not derive $\nabla_W L$ on paper.
# - Backpropagate by hand through $f = (x + y)z$ and through a sigmoid neuron, with the lecture's numbers.
# - Recognise the patterns in gradient flow: add distributes, mul swaps, copy adds, max routes.
# - Write backprop as flat code and as modular forward/backward gates.
# - Backpropagate through vectors and matrices without ever building a Jacobian.
# - Check an analytic gradient against a numerical one, and avoid the pitfalls of doing so.

# %%
# %matplotlib inline
import math

import matplotlib.pyplot as plt
import numpy as np

from coursekit import plots
from coursekit.gradcheck import (
    check_gradient,
    eval_numerical_gradient,
    eval_numerical_gradient_array,
    rel_error,
)

rng = np.random.default_rng(0)

# %% [markdown]
# ## 1. Why not derive $\nabla_W L$ on paper?
#
# Take the linear SVM with regularization, $s = Wx$:
# $$L = \frac1N \sum_{i=1}^N \sum_{j \ne y_i} \max\!\big(0,\; W_{j,:}\cdot x_i - W_{y_i,:}\cdot x_i + 1\big) + \lambda \sum_k W_k^2 .$$
# Deriving $\nabla_W L$ by hand is possible but:
# - it is **tedious**: lots of matrix calculus and lots of paper;
# - it is **not modular**: change the loss (SVM to softmax) and you start again;
# - it is **not feasible** for very complex models (a 3-layer net, a ConvNet).
#
# Better idea: write the function as a **computational graph** of simple operations, and let each
# operation know only its own local derivative. For the linear classifier the graph is
# $x, W \to (\ast) \to s \to \text{hinge loss} \to + \leftarrow R(W) \to L$.

# %% [markdown]
# ## 2. A simple example: $f(x, y, z) = (x + y)\,z$
#
# The lecture's numbers: $x = -2$, $y = 5$, $z = -4$. Name the intermediate result $q = x + y$,
# so $f = qz$. **Forward pass**: compute the values from left to right.

# %%
x, y, z = -2.0, 5.0, -4.0

q = x + y        # q = 3
f = q * z        # f = -12
print(f"forward:  q = x + y = {q:g},   f = q * z = {f:g}")

# %% [markdown]
# **Backward pass**: from right to left, compute $\partial f / \partial(\cdot)$ for every node.
# The local derivatives are $\partial q/\partial x = 1$, $\partial q/\partial y = 1$,
# $\partial f/\partial q = z$, $\partial f/\partial z = q$. The **chain rule** multiplies the
# *upstream gradient* by the *local gradient* to get the *downstream gradient*:
# $$\frac{\partial f}{\partial x} = \underbrace{\frac{\partial f}{\partial q}}_{\text{upstream}} \; \underbrace{\frac{\partial q}{\partial x}}_{\text{local}} .$$

# %%
df_df = 1.0                  # the gradient of f with respect to itself
df_dz = q * df_df            # local gradient of f = q*z w.r.t. z is q
df_dq = z * df_df            # ... w.r.t. q is z
df_dx = 1.0 * df_dq          # local gradient of q = x + y w.r.t. x is 1
df_dy = 1.0 * df_dq          # ... w.r.t. y is 1
print(f"backward: df/dz = {df_dz:g},  df/dq = {df_dq:g},  df/dx = {df_dx:g},  df/dy = {df_dy:g}")

# %%
plots.plot_computational_graph(
    nodes={"x": (0, 1, "x"), "y": (0, 0, "y"), "z": (0, -1, "z"), "q": (1, 0.5, "+"), "f": (2, 0, "×")},
    edges=[("x", "q"), ("y", "q"), ("q", "f"), ("z", "f")],
    values={"x": x, "y": y, "z": z, "q": q, "f": f},
    grads={"x": df_dx, "y": df_dy, "z": df_dz, "q": df_dq, "f": df_df},
    title="f = (x + y) z: forward values (green) and gradients (red)",
)
plt.show()

# %% [markdown]
# Each node only needs its local gradient. Take any gate with inputs $a$, $b$ and output
# $o = g(a, b)$ (new letters: $x$, $y$, $z$ above were the inputs of the example). It receives
# the upstream gradient $\partial L / \partial o$ from above, multiplies it by its local gradients
# $\partial o / \partial a$ and $\partial o / \partial b$, and passes the results down. No node
# needs to know the whole function.
#
# ## 3. Another example: a sigmoid neuron
#
# $$f(w, x) = \frac{1}{1 + e^{-(w_0 x_0 + w_1 x_1 + w_2)}}$$
# with the lecture's values $w_0 = 2$, $x_0 = -1$, $w_1 = -3$, $x_1 = -2$, $w_2 = -3$.
# Written as a graph of elementary gates, the local derivatives we need are
# $\frac{d}{dx} e^x = e^x$, $\frac{d}{dx} ax = a$, $\frac{d}{dx} \frac1x = -\frac{1}{x^2}$,
# $\frac{d}{dx}(c + x) = 1$. **Forward pass**, one gate per line:

# %%
w0, x0, w1, x1, w2 = 2.0, -1.0, -3.0, -2.0, -3.0

a0 = w0 * x0          # -2
a1 = w1 * x1          #  6
a2 = a0 + a1          #  4
a3 = a2 + w2          #  1   (the neuron's input w.x + b)
a4 = -1.0 * a3        # -1
a5 = math.exp(a4)     #  0.37
a6 = 1.0 + a5         #  1.37
f_neuron = 1.0 / a6   #  0.73
# Each value travels on the wire leaving the gate that computed it; name the wires that way.
wire_names = {"w0": "w0", "x0": "x0", "w1": "w1", "x1": "x1", "w2": "w2",
              "a0": "w0*x0", "a1": "w1*x1", "a2": "sum", "a3": "+w2", "a4": "*-1",
              "a5": "exp", "a6": "+1", "f": "1/x"}
values = {"w0": w0, "x0": x0, "w1": w1, "x1": x1, "w2": w2, "a0": a0, "a1": a1, "a2": a2,
          "a3": a3, "a4": a4, "a5": a5, "a6": a6, "f": f_neuron}
print("value on the wire leaving each gate:")
for node in ["a0", "a1", "a2", "a3", "a4", "a5", "a6", "f"]:
    print(f"{wire_names[node]:>6}: {values[node]:6.2f}")

# %% [markdown]
# **Backward pass**, in reverse order: `g_a6` is $\partial f / \partial a_6$, the gradient on the
# wire that carries $a_6$ (it leaves the +1 gate and enters the 1/x gate). At every gate, the
# gradient on its output wire (upstream) times the gate's local gradient gives the gradient on
# its input wire.

# %%
g_f = 1.0
g_a6 = (-1.0 / a6**2) * g_f      # a6 enters the 1/x gate: local gradient -1/x^2
g_a5 = 1.0 * g_a6                # a5 enters the +1 gate: local gradient 1
g_a4 = math.exp(a4) * g_a5       # a4 enters the exp gate: local gradient e^x
g_a3 = -1.0 * g_a4               # a3 enters the *-1 gate: local gradient -1
g_w2 = 1.0 * g_a3                # add gate: local gradient 1 for both inputs
g_a2 = 1.0 * g_a3
g_a0 = 1.0 * g_a2
g_a1 = 1.0 * g_a2
g_w0, g_x0 = x0 * g_a0, w0 * g_a0    # mul gate: each input gets the other input times upstream
g_w1, g_x1 = x1 * g_a1, w1 * g_a1
grads = {"w0": g_w0, "x0": g_x0, "w1": g_w1, "x1": g_x1, "w2": g_w2, "a0": g_a0, "a1": g_a1,
         "a2": g_a2, "a3": g_a3, "a4": g_a4, "a5": g_a5, "a6": g_a6, "f": g_f}
print("each wire (named by the gate it leaves, or the input): value and gradient df/d(wire)")
for node in ["f", "a6", "a5", "a4", "a3", "a2", "a1", "a0", "w2", "x1", "w1", "x0", "w0"]:
    print(f"{wire_names[node]:>6}: value {values[node]:6.2f}   gradient {grads[node]:6.2f}")

# %% [markdown]
# The figure writes the same two numbers on every wire: the value above it (green), the
# gradient below it (red).

# %%
neuron_nodes = {
    "w0": (0, 5, "w0"), "x0": (0, 3.5, "x0"), "w1": (0, 2, "w1"), "x1": (0, 0.5, "x1"), "w2": (0, -1, "w2"),
    "a0": (1, 4.25, "×"), "a1": (1, 1.25, "×"), "a2": (2, 2.75, "+"), "a3": (3, 1, "+"),
    "a4": (4, 1, "×-1"), "a5": (5, 1, "exp"), "a6": (6, 1, "+1"), "f": (7, 1, "1/x"),
}
neuron_edges = [("w0", "a0"), ("x0", "a0"), ("w1", "a1"), ("x1", "a1"), ("a0", "a2"), ("a1", "a2"),
                ("a2", "a3"), ("w2", "a3"), ("a3", "a4"), ("a4", "a5"), ("a5", "a6"), ("a6", "f")]
fig, ax = plt.subplots(figsize=(16, 6))
plots.plot_computational_graph(
    neuron_nodes, neuron_edges, ax=ax, fmt="{:.2f}", values=values, grads=grads,
    title="The sigmoid neuron as a computational graph: values (green), gradients (red)",
)
plt.show()

# %% [markdown]
# ### The sigmoid gate
#
# The last four gates together compute the sigmoid $\sigma(x) = 1/(1 + e^{-x})$, whose derivative
# has a neat form:
# $$\frac{d\sigma(x)}{dx} = \frac{e^{-x}}{(1 + e^{-x})^2} = \big(1 - \sigma(x)\big)\,\sigma(x).$$
# So we may treat them as **one sigmoid gate**: its local gradient needs only its output.
# The computational graph is not unique; choose gates whose local gradients are easy.

# %%
sigma = f_neuron
local = (1 - sigma) * sigma
print(f"sigmoid gate: (1 - {sigma:.2f}) * {sigma:.2f} = {local:.2f}")
print(f"four separate gates gave {g_a3:.2f}: the same number ({math.isclose(local, g_a3)})")

# %% [markdown]
# ## 4. Patterns in gradient flow
#
# | gate | forward | backward |
# | --- | --- | --- |
# | **add** | $o = x + y$ | *gradient distributor*: both inputs get the upstream gradient |
# | **mul** | $o = xy$ | *swap multiplier*: $x$ gets $y \times$ upstream, $y$ gets $x \times$ upstream |
# | **copy** | $x$ used twice | *gradient adder*: the gradients of the two uses add up |
# | **max** | $o = \max(x, y)$ | *gradient router*: the larger input gets the upstream gradient, the other 0 |
#
# With numbers: $f = 2\,(xy + \max(z, w))$ at $x = 3$, $y = -4$, $z = 2$, $w = -1$.

# %%
x, y, z, w = 3.0, -4.0, 2.0, -1.0
m = x * y              # mul gate
r = max(z, w)          # max gate
c = m + r              # add gate
f2 = 2.0 * c
print(f"forward: x*y = {m:g}, max(z, w) = {r:g}, sum = {c:g}, f = 2 * sum = {f2:g}")

g_c = 2.0                                  # upstream gradient at the sum
g_m, g_r = g_c, g_c                        # add: distributes
g_x, g_y = y * g_m, x * g_m                # mul: swaps
g_z, g_w = (g_r, 0.0) if z > w else (0.0, g_r)   # max: routes to the larger input
print(f"add distributes: d/d(x*y) = {g_m:g}, d/dmax = {g_r:g}")
print(f"mul swaps:       df/dx = y * {g_m:g} = {g_x:g},   df/dy = x * {g_m:g} = {g_y:g}")
print(f"max routes:      df/dz = {g_z:g},   df/dw = {g_w:g}")

# %% [markdown]
# The **copy gate**: a value used in two places receives the sum of both gradients (the
# multivariate chain rule). Example: $g = xy + x$ at the same $x = 3$, $y = -4$; the first use
# contributes $y$, the second contributes $1$.

# %%
x_copy1, x_copy2 = x, x          # copy gate: forward sends the same value twice
g = x_copy1 * y + x_copy2
g_x_copy1 = y * 1.0              # gradient through the mul
g_x_copy2 = 1.0                  # gradient through the add
g_x_total = g_x_copy1 + g_x_copy2
print(f"g = {g:g};  dg/dx = {g_x_copy1:g} + {g_x_copy2:g} = {g_x_total:g}")

# %% [markdown]
# ### What the mul gate implies for the inputs
#
# The mul gate hands each input the *other* input times the upstream gradient. For a layer
# $s = xW$ that means $\partial L / \partial W = x^T \, \partial L / \partial s$: the gradient on the
# weights scales with the inputs, and takes its signs from them.
# - Multiply the data by 255 (raw pixel values) and the weight gradient is 255 times larger: the
#   learning rate would have to shrink by as much.
# - If every input is positive (raw pixels, sigmoid outputs), each column of
#   $\partial L / \partial W$ has the sign of one number, the upstream gradient of that score: on
#   one example, all weights of a unit move up together or down together, and the updates
#   zig-zag (lecture 3 shows the path).
#
# Both are why inputs are **normalized** before training: subtract each feature's mean (zero
# centered) and divide by its standard deviation.

# %%
pixels = rng.uniform(0, 255, size=(1, 4))             # one example, raw pixel values, all > 0
W_layer = 0.01 * rng.standard_normal((4, 3))
ds = np.array([[0.5, -0.2, 0.1]])                     # upstream gradient of the 3 scores
normalized = (pixels - 127.5) / 73.6                  # zero-centered, unit-scale pixels
for name, x_in in [("raw pixels", pixels), ("pixels / 255", pixels / 255), ("normalized", normalized)]:
    dW_layer = x_in.T @ ds                            # mul gate: dL/dW = x^T dL/ds
    print(f"{name:>12}: largest |dW| = {np.abs(dW_layer).max():7.3f}; signs of dW, one row per input:")
    print(np.sign(dW_layer).astype(int))

# %% [markdown]
# ## 5. Backprop implementation
#
# ### Flat code
# The forward pass computes the output; the backward pass computes the gradients in **reverse
# order**, one line per forward line. Here is the whole sigmoid neuron with a sigmoid gate at the end.

# %%
def f_flat(w0, x0, w1, x1, w2):
    # forward pass: compute output
    s0 = w0 * x0
    s1 = w1 * x1
    s2 = s0 + s1
    s3 = s2 + w2
    L = 1.0 / (1.0 + math.exp(-s3))   # sigmoid
    # backward pass: compute grads
    grad_L = 1.0
    grad_s3 = grad_L * (1 - L) * L     # sigmoid gate
    grad_w2 = grad_s3                  # add gate
    grad_s2 = grad_s3
    grad_s0 = grad_s2                  # add gate
    grad_s1 = grad_s2
    grad_w1 = grad_s1 * x1             # mul gate
    grad_x1 = grad_s1 * w1
    grad_w0 = grad_s0 * x0             # mul gate
    grad_x0 = grad_s0 * w0
    return L, (grad_w0, grad_x0, grad_w1, grad_x1, grad_w2)


L, grads_flat = f_flat(w0, x0, w1, x1, w2)
print(f"L = {L:.2f}; gradients (w0, x0, w1, x1, w2) =", [round(g, 2) for g in grads_flat])

# %% [markdown]
# ### Modular API
# Real frameworks split this into **gates** (layers), each with a `forward` that computes its
# output and remembers what its backward needs, and a `backward` that turns the upstream gradient
# into gradients for its inputs. A graph runs the gates forward in order and backward in reverse.
# (The assignments use the same idea with functions: `forward(...) -> (out, cache)` and
# `backward(dout, cache) -> gradients`.)

# %%
class MultiplyGate:
    def forward(self, x, y):
        self.x, self.y = x, y           # remember the inputs for backward
        return x * y

    def backward(self, dout):
        return self.y * dout, self.x * dout  # [dout/dx * dL/dout, dout/dy * dL/dout]


class AddGate:
    def forward(self, x, y):
        return x + y

    def backward(self, dout):
        return dout, dout


class SigmoidGate:
    def forward(self, x):
        self.out = 1.0 / (1.0 + math.exp(-x))
        return self.out

    def backward(self, dout):
        return ((1.0 - self.out) * self.out * dout,)


class SigmoidNeuronGraph:
    """f(w, x) = sigmoid(w0*x0 + w1*x1 + w2) as a list of gates."""

    def __init__(self):
        self.mul0, self.mul1 = MultiplyGate(), MultiplyGate()
        self.add0, self.add1 = AddGate(), AddGate()
        self.sig = SigmoidGate()

    def forward(self, w0, x0, w1, x1, w2):
        return self.sig.forward(self.add1.forward(self.add0.forward(self.mul0.forward(w0, x0),
                                                                    self.mul1.forward(w1, x1)), w2))

    def backward(self, dL=1.0):
        (ds3,) = self.sig.backward(dL)          # reverse order of the forward pass
        ds2, dw2 = self.add1.backward(ds3)
        ds0, ds1 = self.add0.backward(ds2)
        dw1, dx1 = self.mul1.backward(ds1)
        dw0, dx0 = self.mul0.backward(ds0)
        return dw0, dx0, dw1, dx1, dw2


graph = SigmoidNeuronGraph()
out = graph.forward(w0, x0, w1, x1, w2)
grads_modular = graph.backward()
print(f"output {out:.2f}; gradients (w0, x0, w1, x1, w2) =", [round(g, 2) for g in grads_modular])
print("same as the flat code:", np.allclose(grads_modular, grads_flat))

# %% [markdown]
# ## 6. Backprop with vectors: Jacobians
#
# When $x \in \mathbb{R}^D$ and $y \in \mathbb{R}^M$, the local derivative $\partial y / \partial x$
# is an $M \times D$ **Jacobian** matrix, and backprop computes
# $\frac{\partial L}{\partial x} = \left(\frac{\partial y}{\partial x}\right)^{T} \frac{\partial L}{\partial y}$.
# The loss $L$ is still a scalar, so **$\partial L/\partial x$ always has the shape of $x$**.
#
# Example: the elementwise ReLU $y = \max(0, x)$ with 4 inputs, using the lecture's numbers.

# %%
x_vec = np.array([1.0, -2.0, 3.0, -1.0])
dL_dy = np.array([4.0, -1.0, 5.0, 9.0])          # upstream gradient
y_vec = np.maximum(0, x_vec)

J = np.diag((x_vec > 0).astype(float))            # dy_i/dx_j: 1 on the diagonal where x_i > 0
dL_dx_jacobian = J.T @ dL_dy
dL_dx_mask = np.where(x_vec > 0, dL_dy, 0.0)      # the same without forming J
print("y = max(0, x) =", y_vec)
print("Jacobian dy/dx =\n", J)
print("dL/dx with the Jacobian:", dL_dx_jacobian, "  without it:", dL_dx_mask)

# %% [markdown]
# The ReLU Jacobian is **sparse**: off-diagonal entries are always zero, and the diagonal is 0 or
# 1. Never form it explicitly; use implicit multiplication (keep the upstream gradient where
# $x > 0$, zero it elsewhere). For a 4096-dimensional layer the explicit Jacobian would already
# have $4096^2$ entries. And for a matrix multiply $y = xW$ with a minibatch:

# %%
bytes_per_float = np.dtype(np.float32).itemsize      # 4 bytes, single precision
D_relu = 4096
print(f"ReLU on 4096 numbers: Jacobian {D_relu} x {D_relu} = {D_relu**2:,} entries "
      f"= {D_relu**2 * bytes_per_float / 2**20:.0f} MB")

N, D, M = 64, 4096, 4096
jacobian_entries = (N * M) * (N * D)                   # every output number vs every input number
jacobian_gb = jacobian_entries * bytes_per_float / 2**30
print(f"y = x W with x: ({N}, {D}), W: ({D}, {M}): dy/dx has ({N}*{M}) x ({N}*{D}) = "
      f"{jacobian_entries:,} entries")
print(f"in float32 that is {jacobian_gb:.0f} GB for ONE Jacobian")

# %% [markdown]
# ## 7. Backprop with matrices: $y = xW$
#
# In the row convention, $x$ is `(N, D)`, $W$ is `(D, M)` and $y = xW$ is `(N, M)`. Element by
# element, $y_{n,m} = \sum_d x_{n,d} W_{d,m}$, so $\partial y_{n,m} / \partial x_{n,d} = W_{d,m}$ and
# $$\frac{\partial L}{\partial x_{n,d}} = \sum_m \frac{\partial L}{\partial y_{n,m}} W_{d,m},
# \qquad \frac{\partial L}{\partial W_{d,m}} = \sum_n x_{n,d}\, \frac{\partial L}{\partial y_{n,m}} .$$
# In matrix form: $\frac{\partial L}{\partial x} = \frac{\partial L}{\partial y} W^T$ (`(N, M) @ (M, D)`)
# and $\frac{\partial L}{\partial W} = x^T \frac{\partial L}{\partial y}$ (`(D, N) @ (N, M)`).
# *Tip*: the shapes leave only one way to multiply the matrices. The worked example uses the
# lecture's `x`, `W` and upstream gradient $\partial L/\partial y$:

# %%
x_mat = np.array([[2.0, 1.0, -3.0],
                  [-3.0, 4.0, 2.0]])                 # (N, D) = (2, 3)
W_mat = np.array([[3.0, 2.0, 1.0, -1.0],
                  [2.0, 1.0, 3.0, 2.0],
                  [3.0, 2.0, 1.0, -2.0]])            # (D, M) = (3, 4)
dL_dy_mat = np.array([[2.0, 3.0, -3.0, 9.0],
                      [-8.0, 1.0, 4.0, 6.0]])        # (N, M) = (2, 4), given by the layer above
y_mat = x_mat @ W_mat
print("y = x W =\n", y_mat)

# %% [markdown]
# One entry by hand: $\partial L / \partial x_{1,1}$ (the first row and column; index `[0, 0]`)
# is row 1 of $W$ dotted with row 1 of $\partial L/\partial y$.

# %%
terms = " + ".join(f"({W_mat[0, m]:g})({dL_dy_mat[0, m]:g})" for m in range(4))
print(f"dL/dx[0, 0] = {terms} = {W_mat[0] @ dL_dy_mat[0]:g}")

# %% [markdown]
# Every entry with plain loops over the sums, then the matrix formulas:

# %%
N_mat, D_mat = x_mat.shape
M_mat = W_mat.shape[1]
dL_dx_loops = np.zeros_like(x_mat)
for n in range(N_mat):
    for d in range(D_mat):
        for m in range(M_mat):
            dL_dx_loops[n, d] += dL_dy_mat[n, m] * W_mat[d, m]
dL_dW_loops = np.zeros_like(W_mat)
for d in range(D_mat):
    for m in range(M_mat):
        for n in range(N_mat):
            dL_dW_loops[d, m] += x_mat[n, d] * dL_dy_mat[n, m]

dL_dx = dL_dy_mat @ W_mat.T       # dL/dx = dL/dy W^T   (N, D)
dL_dW = x_mat.T @ dL_dy_mat       # dL/dW = x^T dL/dy   (D, M)
print("dL/dx =\n", dL_dx, "\n  equals the loops:", np.array_equal(dL_dx, dL_dx_loops), " shape", dL_dx.shape, "= x's shape")
print("dL/dW =\n", dL_dW, "\n  equals the loops:", np.array_equal(dL_dW, dL_dW_loops), " shape", dL_dW.shape, "= W's shape")

# %% [markdown]
# ## 8. Checking gradients numerically
#
# An analytic gradient is exact and fast, but easy to get wrong. The numerical gradient
# $\frac{f(x + h) - f(x - h)}{2h}$ is slow and approximate, but hard to get wrong. In practice:
# **always use the analytic gradient, and check it with the numerical one** (a *gradient check*).
# `coursekit.gradcheck` has the checkers the assignments use.
#
# First the matrix multiply: the numerical vector-Jacobian product of $y = xW$ with our
# $\partial L/\partial y$ should equal the formulas.

# %%
dx_num = eval_numerical_gradient_array(lambda x_: x_ @ W_mat, x_mat.copy(), dL_dy_mat)
dW_num = eval_numerical_gradient_array(lambda W_: x_mat @ W_, W_mat.copy(), dL_dy_mat)
print(f"dL/dx: relative error {rel_error(dL_dx, dx_num):.1e}")
print(f"dL/dW: relative error {rel_error(dL_dW, dW_num):.1e}")

# %% [markdown]
# Then the sigmoid neuron: check its hand-derived gradient with respect to the weights
# $(w_0, w_1, w_2)$.

# %%
x_in = np.array([x0, x1])


def neuron_output(weights):
    return 1.0 / (1.0 + np.exp(-(weights[0] * x_in[0] + weights[1] * x_in[1] + weights[2])))


weights = np.array([w0, w1, w2])
analytic = np.array([grads_flat[0], grads_flat[2], grads_flat[4]])   # (dw0, dw1, dw2)
report = check_gradient(neuron_output, weights, analytic, name="dw")
print(report)

# %% [markdown]
# And what a check says when a gradient is wrong, e.g. with the sign of the $w_2$ entry flipped:

# %%
print(check_gradient(neuron_output, weights, analytic * np.array([1, 1, -1]), name="dw"))

# %% [markdown]
# ## 9. Gradient checks in practice: the pitfalls
#
# A gradient check compares two numbers that both carry errors, so *how* you compare matters.
# The checker above (`check_gradient`) handles each pitfall below; knowing them tells you what
# its report means, and lets you check gradients without it.
#
# **Use the relative error.** $\frac{|a - n|}{\max(|a|, |n|)}$ (`rel_error` uses $|a| + |n|$):
# an absolute difference of $10^{-4}$ is fine on a gradient of size 1 and a 100% error on a
# gradient of size $10^{-4}$. Rules of thumb: above $10^{-2}$ the gradient is probably wrong;
# $10^{-2}$ to $10^{-4}$ is uncomfortable; below $10^{-4}$ is fine for functions with kinks but
# too high without; below $10^{-7}$ is good. Errors grow with depth: $10^{-2}$ may be fine for a
# 10-layer net.

# %%
for size in [1.0, 1e-4]:
    analytic_g, numeric_g = size, size + 1e-4            # the same absolute difference
    print(f"gradient {size:g}: |a - n| = 1e-4, relative error {rel_error(analytic_g, numeric_g):.1e}")

# %% [markdown]
# **Choose $h$ with care, and use float64.** The centered difference has a truncation error
# that shrinks like $h^2$ and a rounding error that grows like $\epsilon / h$ ($\epsilon$ is the
# float precision): $h = 10^{-5}$ is a good step in float64. In float32 ($\epsilon \approx 10^{-7}$
# instead of $2 \cdot 10^{-16}$) no step is good: the best relative error is a few $10^{-5}$, and
# $h = 10^{-5}$ gives about $10^{-3}$. The checker works in float64, and for float32 inputs it takes a
# larger step, relaxes its tolerance and says so in its report.

# %%
sigmoid_f = lambda v: 1.0 / (1.0 + np.exp(-v))
v0 = 0.7
exact = sigmoid_f(v0) * (1 - sigmoid_f(v0))
print("     h    float64 rel. error    float32 rel. error")
for h_step in [1e-1, 1e-3, 1e-5, 1e-7, 1e-9]:
    errors = []
    for dtype in (np.float64, np.float32):
        v, h_t = dtype(v0), dtype(h_step)
        numeric = (sigmoid_f(v + h_t) - sigmoid_f(v - h_t)) / (2 * h_t)
        errors.append(rel_error(numeric, exact))
    print(f"{h_step:6.0e}    {errors[0]:18.1e}    {errors[1]:18.1e}")

# %% [markdown]
# **Kinks.** ReLU at 0, a hinge margin at 0, a max with a tie are not differentiable. When
# $x - h$ and $x + h$ fall on two sides of a kink, the centered difference averages the two
# slopes and disagrees with any analytic value, although nothing is wrong. With many examples
# some unit will sit within $h$ of its kink: check on **few data points** (fewer kinks) and
# know which entries straddle one. Below, $f(x) = \sum_i 3\max(0, x_i)$ with two entries at or
# within $h$ of 0: `rel_error` alone calls them errors; the checker re-examines every failing
# entry with a smaller step, recognizes the one-sided slopes of a kink, and reports them as
# kinks instead of judging them.

# %%
x_kink = np.array([1.5, -0.7, 1e-7, 0.0, 2.0])
relu_sum = lambda v: np.sum(3.0 * np.maximum(0.0, v))
analytic_kink = 3.0 * (x_kink > 0)                     # ReLU'(0) = 0 by convention
numeric_kink = eval_numerical_gradient(relu_sum, x_kink.copy())
print("analytic:", analytic_kink, " numerical:", np.round(numeric_kink, 3))
print(f"rel_error alone: {rel_error(analytic_kink, numeric_kink):.2f}")
print(check_gradient(relu_sum, x_kink.copy(), analytic_kink, name="dx"))

# %% [markdown]
# **Regularization can hide a wrong data gradient.** The loss is data loss + $\lambda R(W)$; with
# a large $\lambda$ the gradient is mostly $2\lambda W$, which is easy to get right, and a wrong
# data gradient disappears in the relative error. So **check with $\lambda = 0$ first**, then
# with the regularization. Below, the gradient of a mean squared error
# $\frac1N \sum_i \lVert x_i W - t_i \rVert^2 + \lambda R(W)$ that forgot to divide by $N$.

# %%
X_gc = rng.standard_normal((5, 4))
T_gc = rng.standard_normal((5, 3))                     # targets t_i
W_gc = 0.01 * rng.standard_normal((4, 3))


def squared_error_reg(W_, reg):
    return np.mean(np.sum((X_gc @ W_ - T_gc) ** 2, axis=1)) + reg * np.sum(W_**2)


def squared_error_grad_forgot_N(W_, reg):
    return 2 * X_gc.T @ (X_gc @ W_ - T_gc) + 2 * reg * W_   # bug: no 1/N on the data term


for reg_gc in [0.0, 1e5]:
    def loss_at(W_, reg=reg_gc):
        return squared_error_reg(W_, reg)

    buggy = squared_error_grad_forgot_N(W_gc, reg_gc)
    numeric_gc = eval_numerical_gradient(loss_at, W_gc.copy())
    print(f"reg = {reg_gc:g}: rel_error {rel_error(buggy, numeric_gc):.1e}")
    print(check_gradient(loss_at, W_gc.copy(), buggy, name="dW", reg_term=2 * reg_gc * W_gc))

# %% [markdown]
# With $\lambda = 10^5$ the relative error is below the "probably wrong" line of $10^{-2}$; with $\lambda = 0$ the bug is
# obvious. The checker uses a much stricter tolerance than the rules of thumb (it works in
# float64 and knows the rounding noise of each entry), so it flags both, and `reg_term` lets
# its hint look past the regularization.

# %% [markdown]
# ## Summary
#
# - Neural nets are big: writing the formula of $\nabla_W L$ for all parameters by hand is impractical.
# - **Backpropagation** = recursive application of the chain rule along a computational graph, to
#   compute the gradients of all inputs/parameters/intermediates.
# - Implementations keep a graph structure whose nodes implement `forward()` (compute the
#   result of an operation, save the intermediates needed for the gradient) and `backward()`
#   (apply the chain rule: upstream gradient × local gradient).
# - With vectors and matrices the local gradients are Jacobians, but we never build them:
#   $\frac{\partial L}{\partial x} = \frac{\partial L}{\partial y} W^T$, $\frac{\partial L}{\partial W} = x^T \frac{\partial L}{\partial y}$.
# - Check analytic gradients with numerical ones: relative errors, $h = 10^{-5}$ in float64, few
#   data points, kinks in mind, and $\lambda = 0$ first.
#
# Now on to the assignments: you will write these forward and backward functions for affine
# layers, activations and losses, and check them exactly like this.
