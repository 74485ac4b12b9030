# %% [markdown]
# # Lecture 4, part 8: Automatic differentiation
#
# In part 7 the modular API computed every gradient, but we still called the gates' `backward`
# methods **in an order we wrote by hand**, the reverse of the forward calls. Every framework you
# will use next (PyTorch, JAX, TensorFlow) finds that order by itself. This part shows how, with
# about forty lines of Python, one scalar at a time.
#
# **Learning goals**
# - Record the graph during the forward pass: every operation remembers its inputs and its
#   local backward rule.
# - Order the backward pass automatically with a topological sort of the graph.
# - Explain why a value used twice must *add* its gradients (`+=`, the copy gate).
# - Draw a graph with the values and gradients the engine computed.
# - Recognise the same machinery in PyTorch's autograd.

# %%
# %matplotlib inline
import math

import matplotlib.pyplot as plt

from coursekit import plots

# %% [markdown]
# ## 1. From hand-ordered backward calls to a graph that orders itself
#
# In part 7, `SigmoidNeuronGraph.backward` listed the gates in reverse by hand:
# `sig`, then `add1`, then `add0`, then `mul1` and `mul0`. Change the function and you must
# rewrite that list. The fix is to let each result remember **where it came from**:
#
# - `data`: its value, computed in the forward pass;
# - `grad`: $\partial L / \partial(\text{this value})$, filled in by the backward pass (0 until then);
# - `_prev`: the values it was computed from (its inputs in the graph);
# - `_backward`: a small function that applies the operation's **local gradient**: it reads the
#   upstream gradient `out.grad` and adds upstream × local into the inputs' `grad`.
#
# Each backward rule is written right next to its forward rule. Here are the add and mul gates
# of part 7, and the sigmoid gate with its local gradient $(1 - \sigma)\,\sigma$:

# %%
class Value:
    """A scalar that remembers how it was computed."""

    def __init__(self, data, _prev=(), _op=""):
        self.data = data
        self.grad = 0.0
        self._prev = _prev        # the inputs of the operation that made this value
        self._op = _op            # its name, for drawing
        self._backward = lambda: None   # a leaf (an input) has nothing to pass on

    def __add__(self, other):
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():          # add gate: distributes the upstream gradient
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        out = Value(self.data * other.data, (self, other), "×")

        def _backward():          # mul gate: each input gets the other input × upstream
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def sigmoid(self):
        s = 1.0 / (1.0 + math.exp(-self.data))
        out = Value(s, (self,), "σ")

        def _backward():          # sigmoid gate: local gradient (1 - σ) σ
            self.grad += (1.0 - s) * s * out.grad
        out._backward = _backward
        return out

    def __repr__(self):
        return f"Value(data={self.data:.4g}, grad={self.grad:.4g})"

# %% [markdown]
# The forward pass of $f = (x + y)\,z$ now builds the graph as a side effect. Nothing is
# differentiated yet: `f` just knows it is a product of `q` and `z`, and `q` knows it is a sum.

# %%
x, y, z = Value(-2.0), Value(5.0), Value(-4.0)
q = x + y
f = q * z
print(f"f = q * z = {f.data:g};  f was made by {f._op!r} from {f._prev}")
print(f"q = x + y = {q.data:g};  q was made by {q._op!r} from {q._prev}")

# %% [markdown]
# Backpropagation is now: set $\partial f / \partial f = 1$, then call the `_backward` of every
# node, **each node after all the nodes that use it**. Here we can still see the order:
# `f` first, then `q`.

# %%
f.grad = 1.0
f._backward()       # fills q.grad and z.grad
q._backward()       # fills x.grad and y.grad, using q.grad
print(f"df/dx = {x.grad:g},  df/dy = {y.grad:g},  df/dz = {z.grad:g},  df/dq = {q.grad:g}")

# %% [markdown]
# ## 2. Topological order
#
# For a big graph the order must be found automatically. A node may call its `_backward` only
# when its own `grad` is complete, i.e. when every node that *uses* it has already passed its
# gradient back. An ordering of the nodes in which every node comes **after all of its inputs**
# is a **topological order**; backward runs it **in reverse**.
#
# A depth-first search finds one: before placing a node, place all of its inputs. The `visited`
# set makes sure a node used many times is placed (and later backpropagated) only once.

# %%
def topological_order(root):
    """Every node root depends on, each after its inputs (root last)."""
    order, visited = [], set()

    def visit(node):
        if node not in visited:
            visited.add(node)
            for child in node._prev:
                visit(child)
            order.append(node)
    visit(root)
    return order


def backward(root):
    """Seed d(root)/d(root) = 1, then apply every local rule in reverse topological order."""
    root.grad = 1.0
    for node in reversed(topological_order(root)):
        node._backward()


names = {id(x): "x", id(y): "y", id(z): "z", id(q): "q", id(f): "f"}
print("topological order:", [names[id(v)] for v in topological_order(f)])

# %% [markdown]
# This `visit` calls itself once per level of the graph. Python stops recursion at about
# 1000 levels (`sys.getrecursionlimit()`), and a deep graph (a long chain, or a recurrent
# network unrolled over many steps) has far more. An iterative version, with an explicit stack
# instead of recursion, has no such limit: you write one in the assignment.
#
# Why does the order matter? Run the rules in the **forward** order instead and `q._backward`
# runs while `q.grad` is still 0: $x$ and $y$ get nothing.

# %%
x, y, z = Value(-2.0), Value(5.0), Value(-4.0)
f = (x + y) * z
f.grad = 1.0
for node in topological_order(f):         # wrong: not reversed
    node._backward()
print(f"forward order:  df/dx = {x.grad:g}, df/dy = {y.grad:g}   (wrong, should be -4 and -4)")

x, y, z = Value(-2.0), Value(5.0), Value(-4.0)
f = (x + y) * z
backward(f)
print(f"reverse order:  df/dx = {x.grad:g}, df/dy = {y.grad:g}, df/dz = {z.grad:g}")

# %% [markdown]
# ## 3. A value used twice: the copy gate adds, so `_backward` uses `+=`
#
# Take $g = xy + x$ at $x = 3$, $y = -4$. The value $x$ feeds two operations, so two rules send
# it a gradient: the mul gives $y = -4$, the add gives $1$. By the multivariate chain rule the
# total is their sum, $\partial g / \partial x = y + 1 = -3$. Watch `x.grad` grow as the rules run:

# %%
x, y = Value(3.0), Value(-4.0)
g = x * y + x
g.grad = 1.0
for node in reversed(topological_order(g)):
    before = x.grad
    node._backward()
    if x.grad != before:
        print(f"the {node._op!r} rule adds {x.grad - before:g} to x.grad: now {x.grad:g}")
print(f"dg/dx = {x.grad:g}")

h = 1e-6
numerical = ((3.0 + h) * -4.0 + (3.0 + h) - ((3.0 - h) * -4.0 + (3.0 - h))) / (2 * h)
print(f"centered difference: {numerical:.6f}")

# %% [markdown]
# Had the rules written `self.grad = ...` instead of `self.grad += ...`, the second rule would
# have **replaced** the first contribution and `x.grad` would be $1$ (or $-4$, depending on the
# order): wrong, with no error message. `+=` also means gradients keep adding up across two
# calls of `backward` on the same graph: set every `grad` back to 0 before the next backward
# pass (PyTorch's `zero_grad()` exists for this reason).
#
# ## 4. Two sigmoid neurons in a row, differentiated by the engine
#
# Part 7 backpropagated through one sigmoid neuron by hand. Now let one neuron feed another, a
# tiny network with one input $x$: the hidden neuron $h = \sigma(w x + b)$ and the output neuron
# $f = \sigma(v h + c)$. By hand that is eight backward lines; here the forward pass is the only
# thing we write, and a centered difference confirms one of the gradients.

# %%
x, w, b = Value(-1.0), Value(2.0), Value(1.0)
v, c = Value(3.0), Value(-0.5)
h = (w * x + b).sigmoid()        # hidden neuron
out = (v * h + c).sigmoid()      # output neuron
backward(out)
print(f"h = {h.data:.2f},  f = {out.data:.2f}")
for name, leaf in [("x", x), ("w", w), ("b", b), ("v", v), ("c", c)]:
    print(f"gradient at {name:>2}: {leaf.grad:6.3f}")


def f_of_w(w_value):
    """The same two neurons as plain floats, as a function of w."""
    hidden = 1.0 / (1.0 + math.exp(-(w_value * x.data + b.data)))
    return 1.0 / (1.0 + math.exp(-(v.data * hidden + c.data)))


eps = 1e-6
print(f"centered difference for w: {(f_of_w(w.data + eps) - f_of_w(w.data - eps)) / (2 * eps):6.3f}")

# %% [markdown]
# The graph the engine recorded, drawn straight from the `Value` objects: each node is placed
# one column right of its deepest input, and shows its value (green) and its gradient (red).

# %%
def graph_layout(root, names):
    """nodes, edges, values and grads of the graph under root, for plot_computational_graph."""
    order = topological_order(root)
    column = {}
    for v in order:                       # inputs come first: their columns are known
        column[id(v)] = 1 + max((column[id(c)] for c in v._prev), default=-1)
    height = {}                           # nodes per column, to center each column
    for v in order:
        height[column[id(v)]] = height.get(column[id(v)], 0) + 1
    rows = {}
    nodes, edges, values, grads = {}, [], {}, {}
    for v in order:
        key = names.get(id(v), f"n{len(nodes)}")
        col = column[id(v)]
        rows[col] = rows.get(col, 0) + 1
        nodes[key] = (col, 1.3 * ((height[col] + 1) / 2 - rows[col]), v._op or key)
        values[key], grads[key] = v.data, v.grad
        names[id(v)] = key
    for v in order:
        edges += [(names[id(c)], names[id(v)]) for c in v._prev]
    return nodes, edges, values, grads


neuron_names = {id(x): "x", id(w): "w", id(b): "b", id(v): "v", id(c): "c", id(h): "h"}
nodes, edges, values, grads = graph_layout(out, neuron_names)
fig, ax = plt.subplots(figsize=(12, 6))
plots.plot_computational_graph(nodes, edges, values=values, grads=grads, ax=ax, fmt="{:.2f}",
                               title="Two sigmoid neurons as recorded by the engine: "
                                     "values (green), gradients (red)")
plt.show()

# %% [markdown]
# ## 5. This is what PyTorch's autograd does
#
# A PyTorch tensor created with `requires_grad=True` plays the role of our `Value`: every
# operation on it returns a new tensor whose `grad_fn` records the operation, its inputs and its
# backward rule (`MulBackward0`, `SigmoidBackward0`, ... chained through `next_functions`, our
# `_prev`). `loss.backward()` seeds $\partial L/\partial L = 1$, walks that graph in reverse
# topological order and **accumulates** into every leaf's `.grad` (hence `optimizer.zero_grad()`
# before each step). The differences are of scale, not of kind: a node holds a whole tensor, so
# its rule is one vectorized backward (the matrix formulas of part 7, $\partial L/\partial W =
# x^T \partial L/\partial y$) instead of one Python call per number, and the graph walk runs in
# C++. For example, `w = torch.tensor(2.0, requires_grad=True); f = torch.sigmoid(w * x0 + ...);
# f.backward()` leaves $\partial f / \partial w$ in `w.grad`.
#
# That scale is the whole difference in speed: our engine makes one Python object per number.
# A 2-layer net of 16 hidden units on 100 points is already tens of thousands of `Value`s per
# step, a hundred times or more slower than the same net with numpy arrays. The assignment
# measures it.
#
# ## Summary
#
# - Record the graph in the forward pass: each result keeps its inputs and a closure with its
#   local backward rule (upstream gradient × local gradient).
# - `backward()`: seed the output's gradient with 1, then run the rules in **reverse topological
#   order**, so that every node's gradient is complete before it is passed on.
# - Gradients **accumulate** (`+=`): a value used in several places receives the sum of the
#   gradients of its uses.
# - PyTorch's autograd is this engine with tensors instead of scalars.
