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


def _family(name):
    """relu_forward and relu_backward (or affine_*) belong together; anything else is itself."""
    for suffix in ("_forward", "_backward"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def pack(entries):
    """Group corpus entries into as few submissions as possible, without changing any verdict.

    Entries share a submission only when they replace cells of different families (a forward
    and its backward are one family: they share a private cache format) and, for mutants, their
    `fails` sets are disjoint: a mutant's failures then stay on its own questions (a mutant
    whose error propagates to another function's questions lists them in `fails`, so it never
    meets a mutant of that function). Variants (all correct) combine freely across cells.
    Returns [(student_id, [entry ids])], deterministic. (Two correct halves of a
    forward/backward pair written by different people need not agree on the cache, hence
    the family rule for variants too.)
    """
    groups = []
    for entry_id, entry in sorted(entries.items(), key=lambda kv: (-len(kv[1].fails), kv[0])):
        family = _family(entry.name)
        for group in groups:
            if family not in group["names"] and not set(entry.fails) & group["fails"]:
                break
        else:
            group = {"names": set(), "fails": set(), "ids": []}
            groups.append(group)
        group["names"].add(family)
        group["fails"] |= set(entry.fails)
        group["ids"].append(entry_id)
    kind = "variants" if all(not e.fails for e in entries.values()) else "mutants"
    return [(f"{kind}_{k + 1:02d}", sorted(g["ids"])) for k, g in enumerate(groups)]
