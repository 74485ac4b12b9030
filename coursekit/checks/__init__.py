"""Visible checks of the assignments, one module per assignment.

A notebook imports its assignment's module, e.g. `from coursekit.checks import a5_autograd as
checks`, and calls `checks.check_<idea>(...)` in every test cell. A passing check prints one line
("✓ ..."); a failing one raises an AssertionError whose message says which case, what was
expected and what came.
"""
