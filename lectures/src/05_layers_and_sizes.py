# %% [markdown]
# # Lecture 4, part 5: Setting the number of layers and their sizes
#
# How big should the hidden layer be? More neurons give the network more **capacity**: it can
# represent more complicated functions. That is a blessing (it can fit the data) and a danger (it
# can fit the noise too).
#
# **Learning goals**
# - See the decision boundary grow more complex as the hidden layer grows.
# - See a large net overfit on held-out data, and control it with the regularization strength
#   $\lambda$, not by making the network smaller.
# - Explore both with an interactive playground.
#
# All nets here are 2-layer nets $s = W_2\,\text{act}(W_1 x + b_1) + b_2$, trained with
# `coursekit.tinynet`, which hands the work to scikit-learn's `MLPClassifier`: a 2-layer net of
# the same shape, with the softmax loss plus $\lambda R(W)$ on the weights (not the biases),
# trained by Adam, a refinement of gradient descent, on the whole training set at every step
# (well under a second per net). You write the plain version, `W -= learning_rate * dW`, in
# assignment 4.

# %%
# %matplotlib inline
import matplotlib.pyplot as plt
import numpy as np

from coursekit import capacity, data, plots, tinynet
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
# More capacity can also fit the **noise** of the training data: the net *overfits*, right on
# the training points and wrong on new ones. A small network seems a safe way to avoid that, but
# small networks are harder to train with gradient descent: their loss has fewer, worse local
# minima, and the result depends on luck. The lecture's advice: **do not use the size of the
# network as a regularizer. Use stronger regularization instead**, i.e. a larger $\lambda$ in
# $L = \frac1N \sum_i L_i + \lambda R(W)$.
#
# Overfitting needs noise and few examples; the spiral above (300 points, little noise) has
# neither, and there a larger $\lambda$ could only smooth the boundary and cost accuracy. So we
# take noisy circles with only 60 training points, and judge every net on 2000 **held-out**
# points of the same distribution that it never saw (`coursekit.capacity` holds the setup).

# %%
seeds = range(5)                                     # five data sets, each with its own noise
runs = {seed: capacity.run(seed) for seed in seeds}  # name -> params, training and held-out accuracy
X_train, y_train, X_held_out, y_held_out = capacity.split(seed=SEED)
fig, axes = plt.subplots(1, 3, figsize=(15, 4.8))
for ax, (name, r) in zip(axes, runs[SEED].items(), strict=True):
    plots.plot_decision_boundary(lambda P, p=r["params"]: tinynet.predict(p, P), X_train, y_train, ax=ax,
                                 title=f"{name}\ntraining {r['train']:.0%}, held-out {r['held_out']:.0%}")
fig.suptitle(f"Noisy circles, {capacity.N_TRAIN} training points (shown); accuracy on "
             f"{capacity.N_HELD_OUT} held-out points in the titles")
fig.tight_layout()
plt.show()

# %% [markdown]
# One data set could be luck. The same three nets on five data sets (seeds 0 to 4), each with
# its own training points, held-out points and initialization, as training / held-out accuracy:

# %%
names = list(capacity.NETS)
print("seed  " + "".join(f"{name:>34}" for name in names))
for seed, results in runs.items():
    print(f"{seed:4d}  " + "".join(f"{results[n]['train']:>27.0%} / {results[n]['held_out']:.0%}"
                                   for n in names))
means = [np.mean([runs[seed][n]["held_out"] for seed in seeds]) for n in names]
print("mean  " + "".join(f"{'held-out ' + format(m, '.1%'):>34}" for m in means))

# %% [markdown]
# - The large net with almost no regularization gets nearly every training point right and far
#   fewer held-out points: it fits the noise.
# - The same large net with $\lambda = 3 \cdot 10^{-3}$ fits the training points less well and the
#   held-out points better, on every one of the five data sets: its boundary is smoother.
# - The small net cannot fit much noise, but it pays in another way: whether training
#   finds a good fence around the inner circle depends on its random start, and on average it
#   does worse on held-out data than the regularized large net.
#
# $\lambda$ is a hyperparameter: too large and the net cannot fit the data at all. Choose it on
# validation data, as in the assignments.
#
# ## 3. Playground
#
# In the spirit of ConvNetJS's *classify2d* demo and TensorFlow Playground: pick a data set, the
# number of hidden units, the activation function and $\lambda$. Every change retrains the net
# and redraws the boundary; **Train** retrains from a new random initialization. (When this
# notebook runs without a widget front end, e.g. as an HTML export, you see the figure for the
# default settings instead.)
#
# Things to try:
# - The circles with 1, 2, 3 and 8 hidden ReLU units. Each unit bends the boundary along one
#   straight line, and fencing in the inner circle takes at least three lines: 1 or 2 units stay
#   far from 100% whatever you do. 3 units can do it, but whether training finds the fence
#   depends on the random start: at seed 0 it does, then press **Train** a few times (at seeds 1
#   to 4 it gets stuck below 80%). With 8 units it works from almost any start. That is the
#   small-net luck of section 2.
# - The spiral with sigmoid vs ReLU.
# - 100 hidden units with $\lambda = 10^{-5}$ and then $\lambda = 10^{-1}$.

# %%
pg = show_playground(dataset="spiral", hidden_size=20, activation="relu", reg=1e-3, seed=SEED)

# %% [markdown]
# **Summary.** Bigger networks can represent more complicated functions and are easier to train
# well; control their overfitting with $\lambda$. Next: where the word *neuron* comes from
# (`06_biological_neurons.ipynb`).
