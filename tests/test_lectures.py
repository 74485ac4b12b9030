"""The lecture notebooks: clean in git, student-safe, and they run top to bottom as a student would.

Fast tests (well under a second each, the playground ones ~1 s): notebooks match their sources,
carry no outputs, never import instructor-only code, hand out no exercise's gradient; the helpers
behind them (features, tinynet, playground) do what the lectures say.
Slow tests (one real kernel per notebook, ~3-20 s each, ~50 s for all eight here): every
notebook runs from a fresh kernel in the lectures/ folder with `solutions` and `hiddentests`
unimportable, with no error and no stderr output, in under 60 s; every figure it renders has a
title and labeled axes (checked by a hook on matplotlib's renderer inside the kernel); and the
lecture's numbers appear in the computed outputs.
"""

import ast
import json
import os
import re
import subprocess
import sys
import time

import nbformat
import numpy as np
import pytest
from student_env import INSTRUCTOR_PACKAGES, REPO_ROOT, STUDENT_PACKAGES, student_env

LECTURES = REPO_ROOT / "lectures"
NOTEBOOKS = sorted(LECTURES.glob("[0-9][0-9]_*.ipynb"))
TIME_LIMIT_S = 60

# Numbers from the lecture that must come out of the notebooks' computations (outputs only).
LECTURE_NUMBERS = {
    "01_where_we_are": ["SVM loss of the cat image: 2.9", "SVM loss of the frog image: 12.9",
                        "mean of the L_i = 5.27", "-log P(cat) = 2.04"],
    "02_linear_limits": ["40 * 30 * 9 = 10,800 numbers"],
    "04_architectures": ["layers [3, 5, 2]: 7 neurons, 25 weights + 7 biases = 32 learnable",
                         "layers [4, 5, 5, 2]: 12 neurons, 55 weights + 12 biases = 67 learnable"],
    "07_backprop": ["f = q * z = -12", "df/dz = 3,  df/dq = -4,  df/dx = -4,  df/dy = -4",
                    "1/x:   0.73", "   w0: value   2.00   gradient  -0.20",
                    "   x0: value  -1.00   gradient   0.39",
                    "   w1: value  -3.00   gradient  -0.39",
                    "   x1: value  -2.00   gradient  -0.59",
                    "   w2: value  -3.00   gradient   0.20",
                    # the gradient on the wire leaving the exp gate, as in the figure and slide
                    "   exp: value   0.37   gradient  -0.53",
                    "   *-1: value  -1.00   gradient  -0.20",
                    "2 kinks",
                    "(1 - 0.73) * 0.73 = 0.20", "df/dx = y * 2 = -8", "df/dy = x * 2 = 6",
                    "256 GB for ONE Jacobian",
                    "dL/dx[0, 0] = (3)(2) + (2)(3) + (1)(-3) + (-1)(9) = 0"],
    "08_autograd": ["df/dx = -4,  df/dy = -4,  df/dz = 3,  df/dq = -4",
                    "topological order: ['x', 'y', 'q', 'z', 'f']",
                    "forward order:  df/dx = 0, df/dy = 0",
                    "the '×' rule adds -4 to x.grad: now -3", "dg/dx = -3",
                    "h = 0.27,  f = 0.58", "gradient at  x:  0.288", "gradient at  w: -0.144",
                    "gradient at  b:  0.144", "gradient at  v:  0.066", "gradient at  c:  0.244",
                    "centered difference for w: -0.144"],
}

# Runs first in the kernel: checks every figure when it is rendered (inline display, savefig).
FIGURE_HOOK = r'''
import sys as _sys
from matplotlib.backend_bases import FigureCanvasBase as _FigureCanvasBase

_checked_figures = []


def _figure_problems(fig):
    """Every figure needs a title and every plotted axes labeled x and y axes.

    An image panel with no ticks (e.g. one template of a grid) has no axis to label: it needs
    only a title (its own or the figure's).
    """
    problems = []
    suptitle = fig._suptitle.get_text() if fig._suptitle is not None else ""
    axes = [ax for ax in fig.axes if ax.get_visible() and ax.get_label() != "<colorbar>"]
    if not axes:
        problems.append("figure has no axes")
    for i, ax in enumerate(axes):
        name = f"axes {i} ({ax.get_title() or 'untitled'!r})"
        if not ax.axison:
            problems.append(f"{name}: axis turned off")
            continue
        if not (ax.get_title() or ax.get_title(loc="left") or suptitle):
            problems.append(f"{name}: no title")
        image_panel = bool(ax.images) and not ax.get_xticks().size and not ax.get_yticks().size
        if image_panel:
            continue
        if not ax.get_xlabel():
            problems.append(f"{name}: no x label")
        if not ax.get_ylabel():
            problems.append(f"{name}: no y label")
    return problems


_original_print_figure = _FigureCanvasBase.print_figure


def _checked_print_figure(self, *args, **kwargs):
    problems = _figure_problems(self.figure)
    _checked_figures.append(problems)
    if problems:
        print("FIGURE CHECK FAILED: " + "; ".join(problems), file=_sys.stderr)
    return _original_print_figure(self, *args, **kwargs)


_FigureCanvasBase.print_figure = _checked_print_figure
'''
FIGURE_REPORT = "import json as _json\nprint('FIGURES ' + _json.dumps(_checked_figures))"


def _code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def _imported_modules(source):
    """Names of the modules a cell imports (magics and shell lines skipped)."""
    lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    names = []
    for node in ast.walk(ast.parse("\n".join(lines))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
            if node.module == "autograder":  # from autograder import gradcheck
                names += [f"autograder.{alias.name}" for alias in node.names]
    return names


# ----------------------------------------------------------------------------- fast tests


def test_there_are_eight_lectures_in_order():
    assert [p.name[:2] for p in NOTEBOOKS] == ["01", "02", "03", "04", "05", "06", "07", "08"]


def test_notebooks_are_built_from_their_sources():
    result = subprocess.run([sys.executable, str(LECTURES / "_build.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_notebook_has_no_outputs_and_no_execution_counts(path):
    nb = nbformat.read(path, as_version=4)
    dirty = [i for i, c in enumerate(_code_cells(nb)) if c.outputs or c.execution_count is not None]
    assert not dirty, f"{path.name}: code cells {dirty} have outputs or execution counts"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_lecture_never_imports_instructor_only_code(path):
    nb = nbformat.read(path, as_version=4)
    for cell in _code_cells(nb):
        for name in _imported_modules(cell.source):
            top = name.partition(".")[0]
            assert top not in INSTRUCTOR_PACKAGES, f"{path.name} imports {name}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_lecture_has_title_goals_and_prose_before_code(path):
    nb = nbformat.read(path, as_version=4)
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# "), "title cell first"
    assert "Learning goals" in first.source
    assert nb.cells[1].cell_type == "code", "the imports follow the title"
    # after the imports, code comes in short runs, each introduced by prose
    kinds = "".join("m" if c.cell_type == "markdown" else "c" for c in nb.cells[2:])
    assert kinds.startswith("m"), "prose before the first code cell after the imports"
    assert "cccc" not in kinds, f"{path.name}: more than three code cells in a row without prose"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_lecture_draws_its_figures_inline_whatever_the_backend(path):
    """MPLBACKEND=Agg in the environment would hide every figure unless the notebook asks for
    inline figures itself (the slow run below sets MPLBACKEND=Agg to prove it)."""
    nb = nbformat.read(path, as_version=4)
    first_code = _code_cells(nb)[0].source.splitlines()
    assert first_code[0] == "%matplotlib inline", f"{path.name} starts with {first_code[0]!r}"


def test_the_student_package_reaches_the_lectures_folder_through_a_relative_symlink():
    links = sorted(p.name for p in LECTURES.iterdir() if p.is_symlink())
    assert links == list(STUDENT_PACKAGES)
    for package in STUDENT_PACKAGES:
        assert os.readlink(LECTURES / package) == f"../{package}"


def test_hog_of_a_320x240_image_has_the_lectures_10800_numbers():
    from coursekit.features import hog_features

    image = np.random.default_rng(0).uniform(size=(240, 320, 3))
    assert hog_features(image).shape == (30, 40, 9)
    assert hog_features(image).size == 10_800


def test_hog_puts_a_vertical_edge_in_the_horizontal_gradient_bin():
    from coursekit.features import hog_features

    image = np.zeros((16, 16))
    image[:, 8:] = 1.0  # dark left, bright right: gradient points along +x (0 degrees)
    hog = hog_features(image)
    assert hog[:, :, 0].sum() > 0
    assert np.allclose(hog[:, :, 1:], 0.0)


def test_color_histogram_of_a_red_and_blue_image():
    from coursekit.features import color_histogram

    image = np.zeros((4, 4, 3))
    image[:, :2, 0] = 1.0   # red: hue 0
    image[:, 2:, 2] = 1.0   # blue: hue 240
    hist, edges = color_histogram(image, n_bins=12)
    assert np.isclose(hist.sum(), 1.0)
    assert np.isclose(hist[0], 0.5) and np.isclose(hist[8], 0.5)  # bins of 30 degrees


def test_tinynet_fits_the_spiral_and_leaves_its_inputs_alone():
    from coursekit import data, tinynet

    X, y = data.make_spiral(seed=0)
    X_before, y_before = X.copy(), y.copy()
    params, history = tinynet.train(X, y, hidden_size=50, reg=1e-4, seed=0)
    assert history["accuracy"] > 0.9
    assert np.mean(tinynet.predict(params, X) == y) == history["accuracy"]
    assert len(history["loss"]) == tinynet.N_STEPS
    assert history["loss"][-1] < 0.5 * history["loss"][0]
    assert np.array_equal(X, X_before) and np.array_equal(y, y_before)


def test_tinynet_training_is_reproducible_from_its_seed():
    from coursekit import data, tinynet

    X, y = data.make_moons(n=100, noise=0.1, seed=0)
    first, history = tinynet.train(X, y, hidden_size=10, activation="tanh", n_steps=50, seed=3)
    again, history_again = tinynet.train(X, y, hidden_size=10, activation="tanh", n_steps=50,
                                         seed=3)
    other, _ = tinynet.train(X, y, hidden_size=10, activation="tanh", n_steps=50, seed=4)
    assert all(np.array_equal(first[k], again[k]) for k in first)
    assert history == history_again
    assert not np.array_equal(first["W1"], other["W1"])


def _softmax_loss(params, X, y, reg, activation):
    """The lecture's loss written independently: softmax data loss + reg * sum of W squared."""
    h = {"relu": lambda a: np.maximum(0, a), "tanh": np.tanh,
         "sigmoid": lambda a: 1 / (1 + np.exp(-a))}[activation](X @ params["W1"] + params["b1"])
    s = h @ params["W2"] + params["b2"]
    shifted = s - s.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    return -np.mean(log_probs[np.arange(len(y)), y]) + reg * (
        np.sum(params["W1"] ** 2) + np.sum(params["W2"] ** 2))


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid"])
@pytest.mark.parametrize("n_classes", [2, 3])
def test_tinynet_minimizes_the_lectures_softmax_loss_with_reg_times_the_squared_weights(
        activation, n_classes):
    """What lectures 3 and 5 say: the loss is softmax + reg R(W) on the weights (not the biases)
    of the net that `scores` computes (scikit-learn's alpha = 2 reg N is the same penalty), and
    the first step starts near log C."""
    from coursekit import data, tinynet

    X, y = data.make_spiral(n_per_class=30, n_classes=n_classes, seed=1)
    reg = 0.01
    params, history = tinynet.train(X, y, hidden_size=7, activation=activation, reg=reg,
                                    n_steps=200, seed=2)
    assert params["W1"].shape == (2, 7) and params["b1"].shape == (7,)
    assert params["W2"].shape == (7, n_classes) and params["b2"].shape == (n_classes,)
    # the loss of the trained net, written independently, is the last one recorded (before the
    # last small step) to well within the penalty's share (0.04 to 0.12 here): a penalty off by
    # a factor of 2, or one on the biases, would show
    final = _softmax_loss(params, X, y, reg, activation)
    assert abs(final - history["loss"][-1]) < 0.005
    assert abs(history["loss"][0] - np.log(n_classes)) < 0.3 * np.log(n_classes)
    # a larger reg shrinks the weights, not the biases' share of the fit
    strong, _ = tinynet.train(X, y, hidden_size=7, activation=activation, reg=1.0, n_steps=200,
                              seed=2)
    assert np.sum(strong["W1"] ** 2) < 0.5 * np.sum(params["W1"] ** 2)


def test_tinynet_offers_only_what_scikit_learn_trains_and_says_what_it_expects():
    from coursekit import data, tinynet

    assert sorted(tinynet.ACTIVATIONS) == ["relu", "sigmoid", "tanh"]
    X, y = data.make_spiral(n_per_class=10, seed=0)
    with pytest.raises(ValueError, match="activation must be one of"):
        tinynet.train(X, y, activation="elu")
    with pytest.raises(ValueError, match="labels 0..C-1"):
        tinynet.train(X, y + 1)


# What the assignments ask a student to derive, as code would write it. Nothing a student
# receives outside the checkers (coursekit's checks, gradcheck and numerical) states these.
_ONE = r"1(?:\.0*)?"
HANDED_OUT = {
    "tanh' from its output (1 - out**2)":
        rf"\b{_ONE}\s*-\s*(?:np\.)?(?:tanh\([^()]*\)|[A-Za-z_]\w*)\s*\*\*\s*2\b",
    "ELU' for x < 0 (out + alpha, alpha * exp(x))":
        r"\b(?:out|h|y)\s*\+\s*(?:1(?:\.0*)?|alpha)\b|\balpha\s*\*\s*np\.exp\(",
    "a table of slopes (np.where(x > 0, 1, alpha))": rf"np\.where\([^,()]+,\s*{_ONE}\s*,",
    "the softmax loss's gradient (probabilities minus one-hot)":
        r"\b(?:probs|probabilities|softmax|p_?)\s*-\s*\w*one_?hot"
        r"|\[\s*[\w.()]*\s*,\s*y\w*\s*\]\s*-=\s*1",
    "the SVM loss's gradient (margins counted into dW)": r"dW\[:,\s*[\w\[\]]+\]\s*[+-]=\s*X\[",
}
# Lectures 7 and 8 derive the sigmoid and ReLU gates' local gradients, as the lecture does (and
# lecture 4 runs the slide's 20-line program): these two are refused in the kit and in
# lecture 3, the lecture on activation functions.
ACTIVATION_GATES = {
    "sigmoid' from its output (out * (1 - out))":
        rf"\b(\w+)\s*\*\s*\(\s*{_ONE}\s*-\s*\1\s*\)|\(\s*{_ONE}\s*-\s*(\w+)\s*\)\s*\*\s*\2\b",
    "ReLU' as an array ((x > 0).astype)": r"\(\s*\w+\s*>\s*0\s*\)\s*\.astype",
}
CHECKERS = ("checks", "gradcheck.py", "numerical.py")


def _kit_sources():
    """{path: text} of every coursekit module a student receives that is not a checker."""
    kit = REPO_ROOT / "coursekit"
    return {p: p.read_text(encoding="utf-8") for p in sorted(kit.rglob("*.py"))
            if p.relative_to(kit).parts[0] not in CHECKERS}


def _lecture_code(path):
    return "\n".join(c.source for c in _code_cells(nbformat.read(path, as_version=4)))


def _handed_out(text, patterns):
    return [(what, m.group(0)) for what, rx in patterns.items() for m in re.finditer(rx, text)]


def test_the_formula_check_finds_what_the_kit_used_to_hand_out():
    """The patterns below are not vacuous: they find the backward pass and derivative table
    that coursekit.tinynet shipped, each one."""
    old_tinynet = (
        '"sigmoid": (_sigmoid, lambda x, out: out * (1.0 - out)),\n'
        '"tanh": (np.tanh, lambda x, out: 1.0 - out**2),\n'
        '"relu": (f, lambda x, out: (x > 0).astype(np.float64)),\n'
        '"elu": (_elu, lambda x, out: np.where(x >= 0, 1.0, out + 1.0)),\n'
        'ds[rows, y] -= 1.0\n'
    )
    found = {what for what, _ in _handed_out(old_tinynet, HANDED_OUT | ACTIVATION_GATES)}
    svm = "the SVM loss's gradient (margins counted into dW)"
    assert found == (set(HANDED_OUT) - {svm}) | set(ACTIVATION_GATES)
    assert _handed_out("dscores = probs - one_hot\ndW[:, j] += X[i]", HANDED_OUT)
    assert not _handed_out("r = np.sqrt(x**2 + y**2)\nh = np.maximum(0, a)\ns = 1 - p", HANDED_OUT)


@pytest.mark.parametrize("path", sorted(_kit_sources()), ids=lambda p: p.name)
def test_the_kit_states_no_derivative_or_loss_gradient_in_code(path):
    found = _handed_out(path.read_text(encoding="utf-8"), HANDED_OUT | ACTIVATION_GATES)
    assert not found, f"{path.name} hands out what a student derives: {found}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_lecture_code_states_no_derivative_an_assignment_asks_for(path):
    patterns = HANDED_OUT | (ACTIVATION_GATES if path.stem == "03_neural_networks" else {})
    found = _handed_out(_lecture_code(path), patterns)
    assert not found, f"{path.name} hands out what a student derives: {found}"


def test_no_kit_module_outside_the_checkers_defines_a_gradient_or_derivative():
    """No function or table of the kit's non-checker modules is named for a gradient, a
    derivative or a backward pass (features' image gradients for HOG and plots' drawing of
    an f' a student computed are about images and figures, not losses)."""
    allowed = {"image_gradients", "plot_function_and_derivative"}
    named = r"grad|deriv|backward|jacobian"
    for path, text in _kit_sources().items():
        tree = ast.parse(text)
        names = [node.name for node in ast.walk(tree)
                 if isinstance(node, (ast.FunctionDef, ast.ClassDef))]
        names += [t.id for node in tree.body if isinstance(node, ast.Assign)  # module tables
                  for t in node.targets if isinstance(t, ast.Name)]
        for name in names:
            assert name in allowed or not re.search(named, name, re.I), (path.name, name)


def test_tinynet_is_forward_only():
    """tinynet's activations are single forward functions f(x), and it offers nothing that
    returns a gradient."""
    import inspect

    from coursekit import tinynet

    assert not [n for n in dir(tinynet) if re.search(r"grad|deriv|backward", n, re.I)]
    x = np.linspace(-3, 3, 13)
    expected = {"relu": np.maximum(0, x), "tanh": np.tanh(x), "sigmoid": 1 / (1 + np.exp(-x))}
    for name, f in tinynet.ACTIVATIONS.items():
        required = [p for p in inspect.signature(f).parameters.values()
                    if p.default is p.empty and p.kind is not p.VAR_KEYWORD]
        assert len(required) == 1, name
        assert np.allclose(f(x), expected[name]), name


def test_playground_is_static_without_a_widget_front_end(monkeypatch):
    from coursekit import playground

    monkeypatch.delenv("COURSEKIT_WIDGETS", raising=False)
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    assert playground.has_widget_frontend() is False  # plain Python, not a kernel
    monkeypatch.setenv("COURSEKIT_WIDGETS", "1")
    assert playground.has_widget_frontend() is True


def test_changing_a_playground_control_retrains_and_redraws():
    import matplotlib

    matplotlib.use("Agg")
    from coursekit.playground import Playground

    pg = Playground(dataset="circles", hidden_size=3, activation="tanh", reg=1e-3)
    assert pg.redraw_count == 1
    assert {c.description for c in pg.controls.values()} == {
        "dataset", "activation", "hidden units", "regularization λ"}
    pg.controls["hidden_size"].value = 8
    assert pg.redraw_count == 2 and "training accuracy" in pg.status.value
    pg.controls["dataset"].value = "xor"
    assert pg.redraw_count == 3
    pg.train_button.click()
    assert pg.redraw_count == 4 and pg.seed == 1


def test_a_playground_retraining_takes_about_a_second_at_most():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from coursekit.playground import train_and_draw

    # The largest setting (100 ReLU units). CPU time, not wall time: on a machine shared with
    # other jobs the wall time says more about them than about the playground.
    start = time.process_time()
    fig, _ = train_and_draw("spiral", hidden_size=100, activation="relu", reg=1e-3)
    elapsed = time.process_time() - start
    plt.close(fig)
    assert elapsed < 3.0, f"one retraining took {elapsed:.1f} s of CPU (limit 3 s)"


# ----------------------------------------------------------------------------- slow tests


def _run_as_student(path, tmp_path):
    """Run a copy of the notebook in a fresh student kernel in lectures/; return it and the time."""
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell(FIGURE_HOOK))
    nb.cells.append(nbformat.v4.new_code_cell(FIGURE_REPORT))
    env = student_env(tmp_path / "blocked-imports", extra_path=())
    env.pop("COURSEKIT_WIDGETS", None)
    env.pop("JPY_SESSION_NAME", None)
    env["MPLBACKEND"] = "Agg"  # as on a machine that sets it: the notebook must ask for inline
    client = NotebookClient(nb, timeout=TIME_LIMIT_S, kernel_name="python3",
                            resources={"metadata": {"path": str(LECTURES)}})
    start = time.perf_counter()
    client.execute(env=env)
    return nb, time.perf_counter() - start


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_lecture_runs_as_a_student_without_errors_warnings_or_unlabeled_figures(path, tmp_path):
    nb, elapsed = _run_as_student(path, tmp_path)
    lecture_cells = nb.cells[1:-1]
    stderr = [(i, o.text) for i, c in enumerate(lecture_cells) if c.cell_type == "code"
              for o in c.outputs if o.output_type == "stream" and o.name == "stderr"]
    errors = [(i, o.ename) for i, c in enumerate(lecture_cells) if c.cell_type == "code"
              for o in c.outputs if o.output_type == "error"]
    assert not errors, f"{path.name}: error outputs {errors}"
    assert not stderr, f"{path.name}: stderr output (warnings count): {stderr}"
    assert elapsed < TIME_LIMIT_S, f"{path.name} took {elapsed:.1f} s (limit {TIME_LIMIT_S} s)"

    report = "".join(o.text for o in nb.cells[-1].outputs if o.output_type == "stream")
    checked = json.loads(report.split("FIGURES ", 1)[1])
    assert checked, f"{path.name} renders no figure"
    assert all(not problems for problems in checked), checked

    text = "\n".join(o.get("text", "") for c in lecture_cells if c.cell_type == "code"
                     for o in c.outputs)
    for number in LECTURE_NUMBERS.get(path.stem, []):
        assert number in text, f"{path.name}: the lecture's {number!r} is not in the outputs"
    print(f"{path.name}: {elapsed:.1f} s, {len(checked)} figures")


@pytest.mark.slow
def test_lectures_cannot_import_solutions_in_the_student_kernel(tmp_path):
    """The blocker is active in the kernel the notebooks run in (the run above is a real check)."""
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell(
        "try:\n    import solutions\n    print('IMPORTED')\n"
        "except ImportError:\n    print('BLOCKED')"))
    env = student_env(tmp_path / "blocked-imports", extra_path=())
    NotebookClient(nb, timeout=60, kernel_name="python3",
                   resources={"metadata": {"path": str(LECTURES)}}).execute(env=env)
    assert nb.cells[0].outputs[0].text.strip() == "BLOCKED"


@pytest.mark.slow
def test_capacity_lesson_holds_on_held_out_data_for_five_seeds():
    """Lecture 5's claims, on each of five data sets: the large net with almost no
    regularization overfits (training accuracy well above held-out), the same net regularized
    does better on held-out data; on average the small net does worse than the regularized one
    and its worst data set is worse. (15 trainings of 1000 steps on 60 points.)"""
    from coursekit import capacity

    small, large, regularized = capacity.NETS
    runs = [capacity.run(seed) for seed in range(5)]
    for seed, r in enumerate(runs):
        assert r[large]["train"] - r[large]["held_out"] >= 0.1, (seed, r[large])
        assert r[regularized]["held_out"] > r[large]["held_out"], (seed, r)
    held_out = {name: [r[name]["held_out"] for r in runs] for name in capacity.NETS}
    assert np.mean(held_out[regularized]) > np.mean(held_out[small]) + 0.01, held_out
    assert min(held_out[small]) < min(held_out[regularized]), held_out


@pytest.mark.slow
def test_playground_circles_suggestion_says_what_happens():
    """Lecture 5's playground suggestion (circles, ReLU, default λ): 1 or 2 units stay far from
    100%; 3 units enclose the inner circle at seed 0 but get stuck below 80% at seeds 1 to 4;
    8 units succeed at seeds 0 to 5."""
    from coursekit import playground, tinynet

    def accuracy(hidden_size, seed):
        X, y = playground.load_dataset("circles", seed=seed)
        _, history = tinynet.train(X, y, hidden_size=hidden_size, activation="relu", reg=1e-3,
                                   n_steps=playground.N_STEPS, seed=seed)
        return history["accuracy"]

    assert all(accuracy(h, seed) < 0.8 for h in (1, 2) for seed in range(4))
    assert all(accuracy(8, seed) > 0.95 for seed in range(6))
    three = [accuracy(3, seed) for seed in range(5)]
    assert three[0] > 0.95 and all(a < 0.8 for a in three[1:]), three
