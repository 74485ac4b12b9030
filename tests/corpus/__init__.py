"""Corpus of student submissions for the assignments: realistic mistakes and correct variants.

A `Mutant` is a wrong implementation of one exercise (a text edit of the reference cell, or a
whole cell) with the grade ids it must lose points on, and no other. A `Variant` is a correct
implementation written differently; it must get full marks.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Mutant:
    name: str  # function or class whose cell is replaced
    fails: frozenset  # grade ids that must lose points (and only these)
    edits: tuple = ()  # ((old, new), ...) applied to the reference cell
    source: str | None = None  # or the whole cell
    why: str = ""


@dataclass(frozen=True)
class Variant:
    name: str
    source: str | None = None
    edits: tuple = ()
    why: str = ""
    fails: frozenset = field(default_factory=frozenset)


def mutant(name, fails, *edits, source=None, why=""):
    return Mutant(name, frozenset(fails), tuple(edits), source, why)


def variant(name, source=None, *edits, why=""):
    return Variant(name, source, tuple(edits), why)


def load(assignment):
    """(MUTANTS, VARIANTS) dicts of one assignment's corpus module."""
    import importlib

    module = importlib.import_module(f"corpus.{assignment}")
    return module.MUTANTS, module.VARIANTS
