"""Validate's green means full marks: on every entry of the mutation corpus (tests/corpus/) and
of the attempts corpus (tests/attempts/), each question's visible test passes exactly when its
hidden test gives full marks.

Both run in this process on the notebook's namespace (the template's imports, the reference
exercises, then the entry's cells): the visible test cell as the notebook runs it, the hidden
test as `hiddentests.check` does (probe, then verdict). Questions of the notebook's state
(trained nets, chosen settings: their tests read globals()) are left to the nbgrader tests.

Open: code that computes in float32 passes the visible tests (with a note on float32
precision) and can fail the hidden ones, whose tolerances are float64's; those attempts are
marked xfail (strict, so that the day they agree, the mark must go).
"""

import ast
import importlib

import corpus
import nbformat
import pytest
from assignment_harness import COURSE, corpus_replacements
from test_visible_checks import (
    ASSIGNMENTS,
    WITH_ATTEMPTS,
    _definition,
    _exec_cell,
    _notebook,
    _reference_namespace,
    _run,
    _test_cells,
)

from hiddentests import QUESTIONS

pytestmark = pytest.mark.slow  # ~1.5 min: every corpus entry probed and judged in process

FLOAT32 = pytest.mark.xfail(strict=True, reason="float32: visible accepts it with a note, the "
                                                "hidden tolerances are float64's")
FLOAT32_OPEN = {  # (grade id, attempt): float32 code the two tests still judge apart
    ("a1_linear_scores", "float32 product, bias added in place into its own buffer"),
    ("a1_svm_loss_naive_dW", "np.outer into its own buffer, float32 scores"),
    ("a1_svm_loss_value", "float32 margins"),
    ("a1_svm_loss_dscores", "float32 margins"),
    ("a1_svm_loss_vectorized_dW", "(dscores.T X).T in float32"),
    ("a1_softmax_loss_naive_dW", "float32 probabilities"),
    ("a1_softmax_loss_dscores", "float32 exponentials"),
    ("a1_softmax_loss_vectorized_dW", "its own log-sum-exp in float32"),
    ("a2_sigmoid_backward", "float32 intermediates"),
    ("a2_tanh_backward", "textbook backward behind a float32 forward"),
    ("a3_three_layer_scores", "float32 hidden layers"),
    ("a4_affine_forward", "float32 product"),
    ("a4_affine_backward", "float32 intermediates"),
}


def verdicts(assignment, ns, grade_ids):
    """{grade_id: (visible passed, hidden full marks, what each said)} of the questions."""
    tests = _test_cells(assignment)
    found = {}
    for grade_id in grade_ids:
        if "globals()" in tests[grade_id]:
            continue
        _, shown = _run(tests[grade_id], ns)
        question = QUESTIONS[grade_id]
        failures = question.verdict(question.probe(ns))
        found[grade_id] = (shown is None, not failures,
                           (shown or [""])[0][:300], (failures or [""])[0][:300])
    return found


def assert_agree(found):
    disagree = {g: v for g, v in found.items() if v[0] != v[1]}
    assert not disagree, "\n".join(
        f"{g}: visible {'passes' if v[0] else 'fails'} ({v[2]}), hidden "
        f"{'full marks' if v[1] else 'fails'} ({v[3]})" for g, v in disagree.items())


def _corpus_entries():
    """The entries that define functions (a cell of notebook state, a trained net or chosen
    settings, is graded through real nbgrader only)."""
    for assignment in ASSIGNMENTS:
        source = nbformat.read(f"{COURSE}/source/{assignment}/{assignment}.ipynb", as_version=4)
        mutants, variants = corpus.load(assignment)
        for entry_id, entry in sorted({**mutants, **variants}.items()):
            cells = corpus_replacements(source, entry)
            if any(_definition(s) for cell in cells.values() for s in ast.parse(cell).body):
                yield pytest.param(assignment, cells, id=entry_id)


@pytest.mark.parametrize(("assignment", "cells"), list(_corpus_entries()))
def test_visible_and_hidden_tests_agree_on_the_mutation_corpus(assignment, cells):
    ns = _reference_namespace(assignment)
    for name, cell in cells.items():
        _exec_cell(cell, ns, f"/tmp/ipykernel_0/{name}.py")
    assert_agree(verdicts(assignment, ns, list(_test_cells(assignment))))


def _attempts():
    for assignment in WITH_ATTEMPTS:
        for attempt in importlib.import_module(f"attempts.{assignment}").ATTEMPTS:
            marks = [FLOAT32] if (attempt.grade_id, attempt.what) in FLOAT32_OPEN else []
            yield pytest.param(assignment, attempt, id=f"{attempt.grade_id}: {attempt.what}",
                               marks=marks)


@pytest.mark.parametrize(("assignment", "attempt"), list(_attempts()))
def test_visible_and_hidden_tests_agree_on_the_attempts(assignment, attempt):
    ns, _ = _notebook(assignment, attempt)
    assert_agree(verdicts(assignment, ns, [attempt.grade_id]))
