"""Data sets of the module, re-exported from `coursekit.data` (the single source of truth)."""

from coursekit.data import (  # noqa: F401
    load_digits_images,
    load_digits_split,
    make_circles,
    make_moons,
    make_spiral,
    make_xor,
)

__all__ = [
    "load_digits_images",
    "load_digits_split",
    "make_circles",
    "make_moons",
    "make_spiral",
    "make_xor",
]
