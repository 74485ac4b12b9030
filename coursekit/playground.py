"""An interactive 2-layer-net playground for the lecture, in the spirit of ConvNetJS's classify2d
and TensorFlow Playground: pick a data set, the hidden size, the activation and the
regularization strength, and watch the decision boundary change.

In JupyterLab / Notebook (a front end that renders ipywidgets) `show_playground()` displays the
controls; changing any control retrains the net (`coursekit.tinynet`: scikit-learn's
MLPClassifier on the softmax loss plus λ R(W), about a second) and redraws the figure. Where no
widget front end is present (nbconvert, a plain Python script, an HTML export), it draws
`static_playground_figure()` for the chosen settings instead.
"""

import os
import sys

from coursekit import data, plots, tinynet

__all__ = [
    "DATASETS",
    "ACTIVATION_CHOICES",
    "load_dataset",
    "train_and_draw",
    "static_playground_figure",
    "has_widget_frontend",
    "Playground",
    "show_playground",
]

DATASETS = {
    "spiral": lambda seed: data.make_spiral(n_per_class=100, n_classes=3, seed=seed),
    "circles": lambda seed: data.make_circles(n=300, noise=0.1, factor=0.5, seed=seed),
    "moons": lambda seed: data.make_moons(n=300, noise=0.15, seed=seed),
    "xor": lambda seed: data.make_xor(n=300, noise=0.05, seed=seed),
}
ACTIVATION_CHOICES = ("relu", "tanh", "sigmoid")  # the activations scikit-learn's nets offer
N_STEPS = tinynet.N_STEPS  # full-batch steps per training: about a second for 300 points


def load_dataset(name, seed=0):
    """(X (N, 2), y (N,)) of one of the playground's data sets."""
    if name not in DATASETS:
        raise ValueError(f"dataset must be one of {sorted(DATASETS)}; got {name!r}")
    return DATASETS[name](seed)


def train_and_draw(dataset="spiral", hidden_size=20, activation="relu", reg=1e-3, seed=0, fig=None):
    """Train the tiny net with these settings and draw its decision boundary and loss curve.

    Returns (fig, history) where history is tinynet.train's history dict.
    """
    import matplotlib.pyplot as plt

    X, y = load_dataset(dataset, seed=seed)
    params, history = tinynet.train(X, y, hidden_size=int(hidden_size), activation=activation,
                                    reg=float(reg), n_steps=N_STEPS, seed=seed)
    if fig is None:
        fig = plt.figure(figsize=(10, 4.2))
    fig.clear()
    ax_boundary, ax_loss = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.15, 1]})
    plots.plot_decision_boundary(
        lambda P: tinynet.predict(params, P, activation), X, y, ax=ax_boundary,
        title=f"{dataset}: {int(hidden_size)} {activation} units, λ = {float(reg):.0e}\n"
              f"training accuracy {history['accuracy']:.0%}",
    )
    plots.plot_loss_curve(history["loss"], ax=ax_loss, xlabel="full-batch Adam step",
                          title="training loss: softmax + λ R(W)")
    fig.suptitle("2-layer net playground")
    fig.tight_layout()
    return fig, history


def static_playground_figure(dataset="spiral", hidden_size=20, activation="relu", reg=1e-3, seed=0):
    """The playground's figure for one setting, without widgets. Returns the Figure."""
    fig, _ = train_and_draw(dataset, hidden_size, activation, reg, seed)
    return fig


def has_widget_frontend():
    """True when this code runs in a Jupyter kernel whose front end can render ipywidgets.

    Kernels started by a Jupyter server (JupyterLab, Notebook, which set JPY_SESSION_NAME), by
    VS Code or in Colab have one; nbconvert/nbclient execution and plain Python do not.
    Set the environment variable COURSEKIT_WIDGETS=1 or 0 to force the answer.
    """
    forced = os.environ.get("COURSEKIT_WIDGETS")
    if forced is not None:
        return forced.strip().lower() not in ("0", "false", "no", "")
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None or getattr(shell, "kernel", None) is None:
        return False  # plain Python or terminal IPython
    if "google.colab" in sys.modules:
        return True
    return bool(os.environ.get("JPY_SESSION_NAME") or os.environ.get("VSCODE_PID")
                or "__vsc_ipynb_file__" in shell.user_ns)


class Playground:
    """The widgets: dataset and activation dropdowns, hidden-units and λ sliders, a Train button.

    Changing any control retrains and redraws; Train retrains with the next random seed.
    `controls` maps names to the widgets, `widget` is the box to display.
    """

    def __init__(self, dataset="spiral", hidden_size=20, activation="relu", reg=1e-3, seed=0):
        """The controls, the figure and their wiring (needs ipywidgets)."""
        import ipywidgets as widgets

        self.seed = seed
        style = {"description_width": "initial"}
        self.controls = {
            "dataset": widgets.Dropdown(options=sorted(DATASETS), value=dataset,
                                        description="dataset", style=style),
            "activation": widgets.Dropdown(options=list(ACTIVATION_CHOICES), value=activation,
                                           description="activation", style=style),
            "hidden_size": widgets.IntSlider(value=hidden_size, min=1, max=100, step=1,
                                             description="hidden units", continuous_update=False,
                                             style=style),
            "reg": widgets.FloatLogSlider(value=reg, base=10, min=-5, max=0, step=0.25,
                                          description="regularization λ", readout_format=".0e",
                                          continuous_update=False, style=style),
        }
        self.train_button = widgets.Button(description="Train", button_style="primary",
                                           tooltip="retrain from a new random initialization")
        self.status = widgets.Label(value="")
        self.output = widgets.Output()
        self.redraw_count = 0
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        self.train_button.on_click(self._on_train)
        self.widget = widgets.VBox([
            widgets.HBox([self.controls["dataset"], self.controls["activation"]]),
            widgets.HBox([self.controls["hidden_size"], self.controls["reg"]]),
            widgets.HBox([self.train_button, self.status]),
            self.output,
        ])
        self.redraw()

    def settings(self):
        """The current settings as keyword arguments of train_and_draw."""
        return {name: control.value for name, control in self.controls.items()}

    def redraw(self):
        """Retrain with the current settings and replace the figure."""
        import matplotlib.pyplot as plt
        from IPython.display import display

        self.status.value = "training..."
        fig, history = train_and_draw(**self.settings(), seed=self.seed)
        with self.output:
            self.output.clear_output(wait=True)
            display(fig)
        plt.close(fig)
        self.redraw_count += 1
        self.status.value = (f"trained (seed {self.seed}): training accuracy "
                             f"{history['accuracy']:.0%}, final loss {history['loss'][-1]:.3f}")

    def _on_change(self, change):
        """A control changed: train again and redraw."""
        self.redraw()

    def _on_train(self, button):
        """The button: train from a new seed and redraw."""
        self.seed += 1
        self.redraw()


def show_playground(dataset="spiral", hidden_size=20, activation="relu", reg=1e-3, seed=0):
    """Display the interactive playground, or its static figure when widgets cannot be shown.

    Returns the Playground (widget mode) or None (static mode).
    """
    import matplotlib.pyplot as plt
    from IPython.display import display

    if has_widget_frontend():
        pg = Playground(dataset, hidden_size, activation, reg, seed)
        display(pg.widget)
        return pg
    print("No widget front end here: this is the playground's figure for the default settings. "
          "Open the notebook in JupyterLab to change them.")
    fig = static_playground_figure(dataset, hidden_size, activation, reg, seed)
    display(fig)
    plt.close(fig)
    return None
