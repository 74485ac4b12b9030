"""Student attempts at the exercises, and what the visible tests must say to each.

Like the mutation corpus (tests/corpus/), but for what a student sees: every exercise has
realistic bugs, each with the visible message it must get (a substring, at most `lines` lines,
naming the function to fix), and correct but unusual variants, which must pass.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Attempt:
    """One attempt at the function(s) of a graded exercise.

    source: the student's cell (one or more functions, numpy as np). says: a substring the
    failure must contain, or None for a correct variant (the visible test must pass). names:
    the function the first line of the failure must name. lines: the most lines it may take.
    """

    grade_id: str
    what: str
    source: str
    says: str | None = None
    names: str | None = None
    lines: int = 10


def bug(grade_id, what, source, says, names, lines=10):
    return Attempt(grade_id, what, source, says, names, lines)


def correct(grade_id, what, source):
    return Attempt(grade_id, what, source)


def changed(source, old, new):
    """source with `old` replaced by `new` (old must occur, else the attempt is no bug)."""
    assert old in source, old
    return source.replace(old, new)
