"""Typed records of grading one submission: a cell's run, a restored cell, a verdict, a result.

- `Status` is how running one cell ended; `Run` is what it produced.
- `RestoredCell` is one cell of the notebook to grade (`submission.restore`).
- `Verdict` is one question's outcome; `Result` is one student's, with `as_dict()` giving the
  JSON-ready form saved per student and read by the report (`contract.md`).
"""

import enum
from dataclasses import dataclass, field


class GraderError(RuntimeError):
    """Grading this submission failed for a reason of the grader's (no kernel could start),
    not the student's: the result says so and the next run grades it again."""


class Status(enum.StrEnum):
    """How running one cell ended."""

    OK = "ok"
    ERROR = "error"  # the cell raised
    TIMEOUT = "timeout"  # stopped by the interrupt at the time limit
    KILLED = "killed"  # ignored the interrupt: its kernel was killed
    DIED = "died"  # the kernel died (os._exit, a crash, out of memory)
    NOT_RUN_TIME = "notrun:time"  # the notebook had used up its time
    NOT_RUN_RESTARTS = "notrun:restarts"  # the kernel had died too many times

    @property
    def kernel_lost(self):
        """The kernel is gone: a fresh one must replay the cells that worked."""
        return self in (Status.KILLED, Status.DIED)

    @property
    def ran(self):
        """The cell was sent to a kernel (it has an execution count)."""
        return self not in (Status.NOT_RUN_TIME, Status.NOT_RUN_RESTARTS)

    @property
    def finished(self):
        """The cell ran to its end, with or without an error: its outputs can be judged."""
        return self in (Status.OK, Status.ERROR)


@dataclass
class Run:
    """What running one cell produced."""

    status: Status
    outputs: list = field(default_factory=list)  # notebook outputs (dicts), capped
    seconds: float = 0.0

    @property
    def kernel_lost(self):
        """The kernel is gone after this run (it was killed or died)."""
        return self.status.kernel_lost


@dataclass
class RestoredCell:
    """One cell of the notebook to grade: the instructor's, or the student's answer or addition."""

    kind: str  # "test", "answer", "solution", "locked" (as course.TemplateCell.kind) or "free"
    cell: dict  # the nbformat cell, outputs cleared
    code: str | None  # what a kernel runs (a test cell's visible source); None for prose
    grade_id: str | None

    @property
    def by_student(self):
        """The student wrote this cell's content (everything but test and locked cells)."""
        return self.kind not in ("test", "locked")


@dataclass
class Verdict:
    """One question's outcome: passed or not, and the message the student reads."""

    passed: bool
    message: str


@dataclass
class QuestionResult:
    """One question's score in a student's result."""

    max_score: float
    score: float = 0.0
    feedback: str = "not graded"


@dataclass
class Result:
    """One student's grading: per-question scores, flags for the instructor, a possible error.

    `score` is the sum of the questions' scores (computed, never stored apart from them).
    `retry` marks a failure of the grader's, not the student's: the next run grades again."""

    student: str
    max_score: float
    questions: dict  # grade_id -> QuestionResult, in the notebooks' order
    fingerprint: str
    flags: list = field(default_factory=list)
    error: str | None = None
    notebooks: dict = field(default_factory=dict)  # name -> {"graded": path, "feedback": path}
    retry: bool = False
    seconds: float | None = None

    @property
    def score(self):
        """Points earned: the sum of the questions' scores."""
        return float(sum(q.score for q in self.questions.values()))

    def record(self, grade_id, verdict):
        """Score question `grade_id` from `verdict` (questions not in the result are ignored)."""
        question = self.questions.get(grade_id)
        if question is not None:
            question.score = question.max_score if verdict.passed else 0.0
            question.feedback = verdict.message

    def as_dict(self):
        """The JSON-ready result (the per-student file and the report read it)."""
        out = {"student": self.student, "score": self.score, "max_score": self.max_score,
               "questions": {gid: {"score": q.score, "max_score": q.max_score,
                                   "feedback": q.feedback} for gid, q in self.questions.items()},
               "flags": list(self.flags), "error": self.error,
               "notebooks": dict(self.notebooks), "fingerprint": self.fingerprint}
        if self.retry:
            out["retry"] = True
        if self.seconds is not None:
            out["seconds"] = self.seconds
        return out
