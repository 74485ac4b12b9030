"""What a student receives states the goal and the conventions, never a backward formula to copy.

The backward passes of the SVM loss, the softmax loss and the affine layer are what assignments 1
and 4 ask a student to derive (per-example loss, chain rule through the scores, dimension
analysis, numerical check). These tests read the release notebooks as nbgrader generates them
(its own ClearSolutions and ClearHiddenTests preprocessors on the committed source notebooks,
under the course's configuration) and the visible checks' messages and comments, and refuse any
text that states one of those results. No kernel, no nbgrader command: about a second.
"""

import copy
import os
import re

import nbformat
import pytest
from assignment_harness import ASSIGNMENTS, COURSE, REPO

# Each pattern is one way of writing a result the student derives; spaces are optional.
_S = r"(?:\s|\\[,;:! ])*"  # spaces, in code or LaTeX
_T = r"(?:\.T|\^T|ᵀ|\^\\top|\^\{\\top\}|\^\{T\})"  # a transpose, in code, text or LaTeX
_UPSTREAM = (
    r"(?:dout|dscores|dL_ds|\\text\{dout\}|\\text\{dscores\}"
    r"|\\frac\{\\partial L\}\{\\partial s\}|∂L/∂s|dL/ds)"
)
FORMULAS = {
    "a transposed input times the upstream gradient (dW = x^T dout)":
        rf"\b[xXh]_?\w*{_S}{_T}{_S}(?:@|\*|\\cdot)?{_S}{_UPSTREAM}",
    "the upstream gradient times a transposed weight (dx = dout W^T)":
        rf"{_UPSTREAM}{_S}(?:@|\*|\\cdot)?{_S}W\d?{_S}{_T}",
    "the same product written the other way round ((dout^T x)^T)":
        rf"{_UPSTREAM}\s*{_T}\s*(?:@|\*)\s*[xXh]\b",
    "the bias gradient as a sum of the upstream gradient (db = sum dout)":
        rf"(?:\\sum_\{{?[in]\}}?|Σ_?[in]?|sum)\s*\(?\s*{_UPSTREAM}"
        rf"|{_UPSTREAM}\.sum\(\s*axis\s*=\s*0",
    "the softmax gradient (P - 1, probabilities minus one-hot)":
        r"P\s*(?:\(j[^)]*\))?\s*[-−]\s*(?:1\b|\\mathbb\{1\}|𝟙)"
        r"|p_j\s*[-−]\s*(?:1|\\mathbb)|(?:softmax|probs|probabilities)\s*[-−]\s*one[- ]hot"
        r"|\[\s*\w*\s*,\s*y\s*\]\s*-=\s*1",
    "the SVM gradient rule (+x_i to column j, -x_i to column y_i)":
        r"[+-−]\s*\$?x_i\$?\s+to\s+column|[+-−]\s*1\s*/\s*N\$?\s+at"
        r"|dW\[:,\s*j\]\s*\+=\s*X\[i\]|dW\[:,\s*y\[i\]\]\s*-=\s*X\[i\]",
}
COMPILED = {name: re.compile(pattern) for name, pattern in FORMULAS.items()}

# Modules a student receives whose text speaks about these gradients: the visible checks (their
# comments and messages) and the hints they print.
STUDENT_TEXT = [
    os.path.join("coursekit", "hints.py"),
    os.path.join("coursekit", "checks", "a1_linear.py"),
    os.path.join("coursekit", "checks", "a4_backprop.py"),
    os.path.join("coursekit", "checks", "a4_graphs.py"),
    os.path.join("coursekit", "checks", "a4_staged.py"),
]


def formulas_in(text):
    """[(what, matched text)] for every backward formula stated in `text`."""
    return [(name, m.group(0)) for name, rx in COMPILED.items() for m in rx.finditer(text)]


def release_cells(assignment):
    """The release notebook's cells, as nbgrader's generate_assignment clears them."""
    from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=COURSE).load_config()
    path = os.path.join(COURSE, "source", assignment, assignment + ".ipynb")
    nb = copy.deepcopy(nbformat.read(path, as_version=4))
    nb, _ = ClearSolutions(config=config).preprocess(nb, {})
    nb, _ = ClearHiddenTests(config=config).preprocess(nb, {})
    return nb.cells


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_notebook_states_no_backward_formula_of_svm_softmax_or_affine(assignment):
    found = [
        (k, what, match)
        for k, cell in enumerate(release_cells(assignment))
        for what, match in formulas_in(cell.source)
    ]
    assert not found, f"{assignment}: the release states what the student derives: {found}"


@pytest.mark.parametrize("path", STUDENT_TEXT)
def test_visible_checks_and_hints_state_no_backward_formula(path):
    with open(os.path.join(REPO, path), encoding="utf-8") as f:
        found = formulas_in(f.read())
    assert not found, f"{path} states what the student derives: {found}"


@pytest.mark.parametrize(
    "text",
    [
        r"$$ dx = \text{dout}\, W^\top, \qquad dW = x^\top \text{dout}, \qquad "
        r"db = \textstyle\sum_i \text{dout}_i . $$",
        r"the chain rule gives $\frac{\partial L}{\partial W} = "
        r"X^\top \frac{\partial L}{\partial s}$",
        r"\frac{\partial L_i}{\partial s_j} = P(j \mid x_i) - \mathbb{1}[j = y_i]",
        "a margin that is **positive** contributes $+x_i$ to column $j$ of `dW`",
        "for each positive margin, $+1/N$ at $(i, j)$ and $-1/N$ at $(i, y_i)$",
        "dW = X.T @ dscores",
        "grads['W2'] = h.T @ ds; db = dout.sum(axis=0)",
        "dscores[rows, y] -= 1",
        "dL/ds = (softmax - one-hot) / N",
        "dx = dout @ W.T",
        r"dx = \text{dout}\, W^\top",
        "(check the order of a matrix product, e.g. X.T @ dout vs dout.T @ X)",
    ],
)
def test_the_patterns_catch_the_formulas_as_they_were_written(text):
    assert formulas_in(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Use dimension analysis: dW has the shape of W, (D, C).",
        r"$L_i = -\log \frac{e^{s_{y_i}}}{\sum_j e^{s_j}}$",
        "regularization is `reg * np.sum(W**2)` (gradient `2 * reg * W`)",
        "out = x W + b",
        "check_gradient(loss_of, net.params[name].copy(), grads[name], name=name)",
    ],
)
def test_the_patterns_leave_the_conventions_and_the_method_alone(text):
    assert not formulas_in(text), text
