"""Probe halves of the hidden tests: run in the student's kernel, never import `solutions`.

`PROBES[grade_id](ns) -> dict[str, ndarray]` and `META[grade_id] = (points, student names)`.
This package (with `hiddentests/__init__.py` and `hiddentests/core.py`) is all a sandboxed
kernel needs; it imports numpy, the standard library and the student-safe `autograder`.
"""

import importlib

ASSIGNMENT_MODULES = ["a1_linear", "a2_activations", "a3_forward", "a4_backprop", "a5_autograd"]

PROBES = {}
META = {}
for _name in ASSIGNMENT_MODULES:
    _module = importlib.import_module(f"hiddentests.probes.{_name}")
    PROBES.update(_module.PROBES)
    META.update(_module.META)
