# %% [markdown]
# # Lecture 4, part 6: Biological neurons
#
# The name *neural network* comes from a loose analogy with the brain. This part explains the
# analogy, turns it into code, and then lists why it should not be taken literally.
#
# **Learning goals**
# - Map the parts of a biological neuron to the parts of an artificial one.
# - Run the lecture's sigmoid "firing rate" neuron.
# - Know the lecture's cautions about the analogy.

# %%
# %matplotlib inline
import math

import matplotlib.pyplot as plt
import numpy as np

rng = np.random.default_rng(0)

# %% [markdown]
# ## 1. The analogy
#
# | biological neuron | artificial neuron |
# | --- | --- |
# | **dendrites** carry impulses from other neurons towards the cell body | the inputs $x_i$ |
# | **synapses** make each incoming signal stronger or weaker | the weights $w_i$ (learnable) |
# | the **cell body** adds up the incoming signals | $\sum_i w_i x_i + b$ |
# | the neuron **fires** (sends a spike along its **axon**) when the sum is large enough; we model only the *firing rate* | an activation function $f\left(\sum_i w_i x_i + b\right)$ |
# | the axon branches out to the dendrites of other neurons | the output feeds the next layer |
#
# Historically the activation was the **sigmoid** $\sigma(x) = 1 / (1 + e^{-x})$: it squashes the
# cell-body sum into a "firing rate" between 0 (silent) and 1 (firing as fast as possible).

# %% [markdown]
# ## 2. The neuron in code
#
# The lecture's neuron, as a class: one forward "tick" of a single neuron with a sigmoid firing
# rate.

# %%
class Neuron:
    def __init__(self, weights, bias):
        self.weights = weights
        self.bias = bias

    def neuron_tick(self, inputs):
        """assume inputs and weights are 1-D numpy arrays and bias is a number"""
        cell_body_sum = np.sum(inputs * self.weights) + self.bias
        firing_rate = 1.0 / (1.0 + math.exp(-cell_body_sum))  # sigmoid activation function
        return firing_rate


neuron = Neuron(weights=rng.standard_normal(3), bias=0.5)
inputs = rng.standard_normal(3)
print("weights:", np.round(neuron.weights, 3), " bias:", neuron.bias)
print("inputs: ", np.round(inputs, 3))
print(f"firing rate: {neuron.neuron_tick(inputs):.3f}")

# %% [markdown]
# The firing rate as a function of the cell-body sum: a smooth threshold. Every layer of a
# network is many such neurons computed at once, `f(X @ W + b)`.

# %%
cell_body_sums = np.linspace(-8, 8, 401)
firing_rates = [Neuron(np.ones(1), 0.0).neuron_tick(np.array([v])) for v in cell_body_sums]

fig, ax = plt.subplots(figsize=(6, 3.5))
ax.plot(cell_body_sums, firing_rates, lw=2)
ax.axhline(0.5, color="gray", lw=0.5, ls="--")
ax.axvline(0.0, color="gray", lw=0.5, ls="--")
ax.set_title("A sigmoid neuron: firing rate vs. cell-body sum")
ax.set_xlabel("cell-body sum  Σ w_i x_i + b")
ax.set_ylabel("firing rate  σ(sum)")
ax.grid(alpha=0.3)
plt.show()

# %% [markdown]
# A single neuron with a sigmoid is exactly a binary linear classifier (logistic regression):
# it says "class 1" when $\sum_i w_i x_i + b > 0$, i.e. when the firing rate is above 0.5.

# %%
points = rng.standard_normal((8, 3))
rates = np.array([neuron.neuron_tick(p) for p in points])
linear_side = points @ neuron.weights + neuron.bias > 0
print("firing rate > 0.5:", rates > 0.5)
print("w·x + b > 0:      ", linear_side)
print("the same decision:", np.array_equal(rates > 0.5, linear_side))

# %% [markdown]
# ## 3. Connectivity: regular layers, irregular brains
#
# Biological neurons are wired in complex, irregular patterns: a neuron may connect to far-away
# neurons, to neurons of its own group, and back to the neurons that feed it. Artificial
# networks are usually arranged in **regular layers**, every unit of one layer feeding every
# unit of the next. The regularity is for computation, not biology: a whole layer is one matrix
# multiply, `f(X @ W + b)`.
#
# Regular layers are not required. Xie et al. (2019), *Exploring Randomly Wired Neural Networks
# for Image Recognition*, generated their networks' wiring with random graph generators and got
# image classifiers competitive with hand-designed architectures on ImageNet. Any directed
# graph without cycles works: each neuron fires once all its inputs have fired. Below, 12 of our
# neurons wired at random, each to two or three randomly chosen earlier neurons or inputs.

# %%
n_inputs, n_neurons = 3, 12
wiring_rng = np.random.default_rng(1)
sources = []        # sources[k]: the indices of the signals neuron k reads (inputs first)
random_net = []
for k in range(n_neurons):
    available = n_inputs + k                      # the inputs and the earlier neurons only
    chosen = wiring_rng.choice(available, size=min(available, wiring_rng.integers(2, 4)), replace=False)
    sources.append(np.sort(chosen))
    random_net.append(Neuron(weights=wiring_rng.standard_normal(len(chosen)), bias=0.0))

signals = list(inputs)                            # the 3 inputs, then each neuron's firing rate
for k, (cell, reads) in enumerate(zip(random_net, sources, strict=True)):
    signals.append(cell.neuron_tick(np.array([signals[i] for i in reads])))
    print(f"neuron {k:2d} reads signals {reads.tolist()}: firing rate {signals[-1]:.3f}")

# %% [markdown]
# ## 4. Be very careful with your brain analogies
#
# The lecture's cautions. Biological neurons are far more complex than this model:
# - There are **many different types** of neurons.
# - **Dendrites** can perform complex non-linear computations, not just a sum.
# - **Synapses** are not a single weight but a complex non-linear dynamical system.
# - A **rate code** (only the firing rate, not the timing of the spikes) may not be adequate.
#
# So the analogy is a source of names and of early inspiration, not a description of the brain.
# Everything that matters for this course is the math: linear layers, activation functions and
# gradients. Computing those gradients is the last part: `07_backprop.ipynb`.
