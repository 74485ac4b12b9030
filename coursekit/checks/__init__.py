"""Visible checks of the assignments, one module per assignment over one shared harness.

A notebook imports its assignment's module, e.g. `from coursekit.checks import a2_activations as
checks`, and calls `checks.check_<idea>(...)` in every test cell. A passing check prints one line
("✓ relu_forward: out matches on 3 cases"); a failing one raises `CheckFailed` (an
AssertionError) whose message says which function, which case, what was expected and what came.
"""
