"""A student's bug as JupyterLab shows it: the failing visible test prints its few lines (the
function, the case, the student's own line, a hint) and none of the checker's frames, and
nbgrader's Validate button lists the failing test cell with the same short message."""

import re
import shutil

import nbformat
import pytest
from labpage import (
    ACTIVE_NOTEBOOK,
    open_notebook,
    output_text,
    prompt,
    run_all,
    set_cell_source,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ASSIGNMENT = "a1_linear"
# A realistic bug: `if b:` on an array raises inside the student's own function.
BUGGY = '''def linear_scores(X, W, b=None):
    """Class scores s = X W (+ b): (N, D) @ (D, C) -> (N, C)."""
    scores = X @ W
    if b:
        scores = scores + b
    return scores
'''
SHORT = [
    "CheckFailed: linear_scores raised ValueError on the case with b:",
    "your code, in linear_scores (line 4 of its cell): if b:",
]
CHECKER = ["Traceback (most recent call last)", "coursekit/", "harness.py", "File \""]


def _cells(nb):
    """(index of the answer cell defining linear_scores, index of its visible test cell)."""
    answer = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code"
                  and re.search(r"^def linear_scores\(", c.source, re.M))
    test = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code"
                and c.metadata.get("nbgrader", {}).get("grade")
                and "check_linear_scores(linear_scores)" in c.source)
    return answer, test


def test_failing_visible_test_shows_its_short_message_in_the_lab_and_in_validate(
    page, student_lab, student_dir, screenshot
):
    # a copy of the student's notebook (the other student test may have answered
    # linear_scores in it already): the bug replaces whatever the answer cell holds
    release = student_dir / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    path = f"{ASSIGNMENT}/buggy_{ASSIGNMENT}.ipynb"
    shutil.copy(release, student_dir / path)
    nb = nbformat.read(student_dir / path, as_version=4)
    answer, test = _cells(nb)

    cells = open_notebook(page, student_lab, path)
    set_cell_source(page, cells.nth(answer), BUGGY)
    run_all(page)  # stops at the first failing cell: the visible test of linear_scores
    assert re.fullmatch(r"\[\d+\]:", prompt(cells.nth(test))), "the test cell did not run"
    cells.nth(test).evaluate("cell => cell.scrollIntoView({block: 'start'})")
    screenshot("student-a1-visible-failure")
    shown = output_text(cells.nth(test))
    for line in SHORT:
        assert line in shown, f"the short message is not shown:\n{shown}"
    for frame in CHECKER:
        assert frame not in shown, f"the checker's frames are shown:\n{shown}"
    lines = [line for line in shown.splitlines() if line.strip()]
    assert len(lines) <= 6, f"{len(lines)} lines shown:\n{shown}"

    # nbgrader's Validate button: it saves the notebook, runs it and lists failing test cells
    page.locator(f"{ACTIVE_NOTEBOOK} .validate-button").click()
    verdict = page.locator(".jp-Dialog #validation-message")
    verdict.wait_for(timeout=120_000)
    text = verdict.inner_text()
    screenshot("student-a1-visible-failure-validate")
    first_line = " ".join(nb.cells[test].source.strip().splitlines()[0].split())
    sources = [" ".join(t.split()) for t in verdict.locator("pre").all_inner_texts()]
    assert any(first_line in s for s in sources), f"the failing test is not listed:\n{text}"
    for line in SHORT:
        assert line in text, f"Validate does not show the short message:\n{text}"
    assert not any(frame in text for frame in CHECKER[1:]), f"checker frames listed:\n{text}"
    page.locator(".jp-Dialog .jp-mod-accept").click()
