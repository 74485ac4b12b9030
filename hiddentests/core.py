"""The Question record and the failure a hidden test raises (no `solutions`, no numpy needed)."""

import numbers
import re
from collections.abc import Callable
from dataclasses import dataclass

SHOWN = 3  # failure messages shown in full; the rest are counted
GRADE_ID = re.compile(r"a\d+_\w+", re.ASCII)


class RegistryError(ValueError):
    """A graded question is declared inconsistently (the message names it)."""


@dataclass(frozen=True)
class Question:
    """One auto-graded cell, declared once: grade id, points, in-kernel probe, outside judge.

    probe(ns) -> dict[str, numpy.ndarray] runs in the student's kernel and records what the
    student's names return (a function of `hiddentests.probes.<assignment>`, which never
    imports `solutions`); judge(outputs) -> list[str] runs in a trusted process and returns
    the failure messages (empty: full points).
    """

    grade_id: str
    points: float
    probe: Callable
    judge: Callable

    def __post_init__(self):
        """RegistryError unless the grade id, points, probe and judge are valid; points as float."""
        if not isinstance(self.grade_id, str) or not GRADE_ID.fullmatch(self.grade_id):
            raise RegistryError(
                f"grade id {self.grade_id!r}: expected '<assignment prefix>_<name>' such as "
                "'a2_relu_forward' (letters, digits and underscores)"
            )
        if (
            not isinstance(self.points, numbers.Real)
            or isinstance(self.points, bool)
            or not self.points > 0
        ):
            raise RegistryError(f"{self.grade_id}: points should be a positive number, "
                                f"got {self.points!r}")
        object.__setattr__(self, "points", float(self.points))
        for half in ("probe", "judge"):
            if not callable(getattr(self, half)):
                raise RegistryError(f"{self.grade_id}: the {half} is not callable "
                                    f"(got {type(getattr(self, half)).__name__})")
        if not self.probe.__module__.startswith("hiddentests.probes."):
            raise RegistryError(
                f"{self.grade_id}: the probe {self.probe.__module__}.{self.probe.__name__} "
                "should come from hiddentests.probes (the only part copied into the kernel)"
            )


    def verdict(self, outputs):
        """The failure messages of the probe's `outputs` (empty: full points). A gradient the
        probe saw computed numerically (a `<call>/shortcut` record) fails the question with
        that one line, whatever the values."""
        for key in sorted(outputs):
            if key.endswith("/shortcut"):
                return [str(outputs[key])]
        return list(self.judge(outputs))


class HiddenTestFailure(AssertionError):
    """A hidden test failed. Shown to the student as its messages only (no traceback)."""

    def __init__(self, grade_id, failures):
        """The failure of `grade_id` with its judge's messages."""
        self.grade_id = grade_id
        self.failures = list(failures)
        super().__init__(self._text())

    def _text(self):
        """The message: the first SHOWN failures, indented."""
        lines = [f"Hidden tests of {self.grade_id} failed:"]
        for message in self.failures[:SHOWN]:
            lines.extend("  " + line for line in str(message).splitlines())
        if len(self.failures) > SHOWN:
            lines.append(f"  ... and {len(self.failures) - SHOWN} more failing case(s).")
        return "\n".join(lines)

    def _render_traceback_(self):
        """The lines IPython shows instead of a traceback."""
        # IPython shows these lines instead of a traceback (which would quote test code).
        return [
            f"HiddenTestFailure: {line}" if i == 0 else line
            for i, line in enumerate(self._text().splitlines())
        ]
