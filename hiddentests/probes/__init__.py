"""Probe halves of the hidden tests: run in the student's kernel, never import `solutions`.

A probe `probe(ns) -> dict[str, ndarray]` calls the student's names in the namespace `ns` on
inputs built from fixed seeds and records what comes back (`_record.Recorder`). The grader
copies these modules (and the student's `coursekit`, which they use for the visible cases and
the harness helpers) into the kernel; a probe made by a factory remembers the call that made
it (`probe.locator`), so the kernel makes the same probe from its module alone.
"""
