"""Judge halves of the hidden tests: compare recorded outputs with `solutions` (trusted side).

A judge `judge(outputs) -> list[str]` rebuilds the probe's inputs, compares the recorded
arrays with the reference and with numerical gradients of the student's own function, and
returns the failure messages (an empty list is a pass).
"""
