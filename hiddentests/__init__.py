"""Hidden tests of the assignments: `QUESTIONS[grade_id]`, `check(grade_id, ns)` (instructors only).

Each auto-graded cell of an assignment ends with

    ### BEGIN HIDDEN TESTS
    from hiddentests import check
    check("<grade_id>", globals())
    ### END HIDDEN TESTS

A `Question` has two halves. `probe(ns)` runs in the student's kernel: it builds inputs from
fixed seeds, calls the student's names, and records plain arrays (`hiddentests.probes`, which
never imports `solutions`). `judge(outputs)` runs anywhere trusted: it rebuilds the same inputs,
compares with `solutions` and with numerical gradients of the student's own loss values, and
returns failure messages (`hiddentests.judges`). Importing this package imports neither half;
`QUESTIONS` is built on first use.
"""

from hiddentests.core import HiddenTestFailure, Question

__all__ = ["HiddenTestFailure", "Question", "QUESTIONS", "check"]


def __getattr__(name):
    """QUESTIONS, imported on first use (the probes in a kernel never need it)."""
    if name == "QUESTIONS":
        from hiddentests.registry import QUESTIONS

        return QUESTIONS
    raise AttributeError(f"module 'hiddentests' has no attribute {name!r}")


def check(grade_id, ns):
    """Grade one cell: run its probe on the namespace `ns`, judge, raise on any failure."""
    from hiddentests.registry import QUESTIONS

    question = QUESTIONS[grade_id]
    failures = question.verdict(question.probe(ns))
    if failures:
        raise HiddenTestFailure(grade_id, failures)
