"""A student works on a released assignment in JupyterLab: answers one exercise, runs the
notebook, reads the visible tests' verdicts, validates with nbgrader's button, and cannot reach
the instructor's reference solutions."""

import re

import nbformat
import pytest
from labpage import (
    ACTIVE_NOTEBOOK,
    cell_text,
    open_notebook,
    output_text,
    prompt,
    run_all,
    run_below,
    set_cell_source,
    shows_error,
    wait_for_kernel_idle,
)
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ASSIGNMENT = "a1_linear"
EXERCISE = "linear_scores"
# What a student types: the contract's linear_scores (rows are examples, s = X W + b).
ANSWER = '''def linear_scores(X, W, b=None):
    """Class scores s = X W (+ b): (N, D) @ (D, C) -> (N, C)."""
    scores = X @ W
    if b is not None:
        scores = scores + b
    return scores
'''
STUB_ERROR = "NotImplementedError"


def exercises(nb):
    """``{function name: index of its answer cell}`` and ``{test cell index: names it calls}``.

    Answer cells are nbgrader solution cells defining a function; test cells are grade cells.
    """
    answers, tests = {}, {}
    for i, cell in enumerate(nb.cells):
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code":
            continue
        if meta.get("solution") and not meta.get("grade"):
            for name in re.findall(r"^def (\w+)\(", cell.source, flags=re.M):
                answers[name] = i
    for i, cell in enumerate(nb.cells):
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
            tests[i] = {n for n in answers if re.search(rf"\b{n}\b", cell.source)}
    return answers, tests


def test_student_answers_one_exercise_runs_all_and_validates(
    page, student_lab, student_dir, screenshot
):
    path = f"{ASSIGNMENT}/{ASSIGNMENT}.ipynb"
    nb = nbformat.read(student_dir / path, as_version=4)
    answers, tests = exercises(nb)
    assert EXERCISE in answers, f"{path} has no answer cell defining {EXERCISE}: {sorted(answers)}"
    assert "NotImplementedError" in nb.cells[answers[EXERCISE]].source, "the release keeps the stub"
    answered = [i for i, names in tests.items() if names == {EXERCISE}]
    untouched = [i for i, names in tests.items() if names and EXERCISE not in names]
    assert answered and untouched, f"test cells by exercise: {tests}"

    cells = open_notebook(page, student_lab, path)
    answer_cell = cells.nth(answers[EXERCISE])
    set_cell_source(page, answer_cell, ANSWER)
    assert "scores = X @ W" in cell_text(answer_cell)
    assert "NotImplementedError" not in cell_text(answer_cell)

    run_all(page)
    # Run All stops at the first error, as it does for a student; run on from each cell that
    # has not run yet, until every cell has run once.
    for _ in range(len(nb.cells)):
        code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
        not_run = [i for i in code if prompt(cells.nth(i)) == "[ ]:"]
        if not not_run:
            break
        run_below(page, cells.nth(not_run[0]))
    answer_cell.evaluate("cell => cell.scrollIntoView({block: 'start'})")
    screenshot("student-a1-run-all")

    for i in answered:  # the visible test passes and says so
        out = output_text(cells.nth(i))
        assert re.fullmatch(r"\[\d+\]:", prompt(cells.nth(i))), f"test cell {i} did not run"
        assert not shows_error(out), f"test cell {i} failed:\n{out}"
        assert re.search(rf"✓.*\b{EXERCISE}\b", out), f"test cell {i} shows no pass:\n{out}"
    for i in untouched:
        out = output_text(cells.nth(i))
        assert STUB_ERROR in out, f"test cell {i} ({tests[i]}) shows no {STUB_ERROR}:\n{out}"

    # nbgrader's Validate button: it saves the notebook, runs it and reports failed test cells.
    page.locator(f"{ACTIVE_NOTEBOOK} .validate-button").click()
    verdict = page.locator(".jp-Dialog #validation-message")
    verdict.wait_for(timeout=120_000)
    text = verdict.inner_text()
    screenshot("student-a1-validate")
    assert "failed" in text and STUB_ERROR in text, text
    failed_sources = [" ".join(t.split()) for t in verdict.locator("pre").all_inner_texts()]
    for i in untouched:
        first_line = " ".join(nb.cells[i].source.strip().splitlines()[0].split())
        assert any(first_line in s for s in failed_sources), f"cell {i} not reported:\n{text}"
    for i in answered:
        source = " ".join(nb.cells[i].source.split())
        assert not any(source == s for s in failed_sources), f"passing cell {i} reported:\n{text}"
    page.locator(".jp-Dialog .jp-mod-accept").click()

    # The reference solutions are not on a student's machine, nor importable from this kernel.
    cells.nth(len(nb.cells) - 1).locator(".jp-InputPrompt, .jp-Cell-inputCollapser").first.click()
    page.keyboard.press("Escape")
    page.keyboard.press("b")  # new code cell below, in command mode
    page.keyboard.press("Enter")
    page.keyboard.insert_text("import solutions")
    page.keyboard.press("Control+Enter")
    new_cell = page.locator(f"{ACTIVE_NOTEBOOK} .jp-Notebook .jp-Cell").last
    expect(new_cell.locator(".jp-OutputArea-output")).to_contain_text(
        "ModuleNotFoundError", timeout=30_000
    )
    wait_for_kernel_idle(page)
    assert "solutions" in output_text(new_cell)
