"""The Question record and the failure a hidden test raises (no `solutions`, no numpy needed)."""

from collections.abc import Callable
from dataclasses import dataclass

SHOWN = 3  # failure messages shown in full; the rest are counted


@dataclass(frozen=True)
class Question:
    """One auto-graded cell: its grade id, points, the student names it uses, probe and judge."""

    grade_id: str
    points: float
    names: tuple
    probe: Callable  # probe(ns) -> dict[str, numpy.ndarray]
    judge: Callable  # judge(outputs) -> list[str] (empty: pass)


class HiddenTestFailure(AssertionError):
    """A hidden test failed. Shown to the student as its messages only (no traceback)."""

    def __init__(self, grade_id, failures):
        self.grade_id = grade_id
        self.failures = list(failures)
        super().__init__(self._text())

    def _text(self):
        lines = [f"Hidden tests of {self.grade_id} failed:"]
        for message in self.failures[:SHOWN]:
            lines.extend("  " + line for line in str(message).splitlines())
        if len(self.failures) > SHOWN:
            lines.append(f"  ... and {len(self.failures) - SHOWN} more failing case(s).")
        return "\n".join(lines)

    def _render_traceback_(self):
        # IPython shows these lines instead of a traceback (which would quote test code).
        return [
            f"HiddenTestFailure: {line}" if i == 0 else line
            for i, line in enumerate(self._text().splitlines())
        ]
