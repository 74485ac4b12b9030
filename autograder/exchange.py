"""nbgrader's exchange around grading: the receipts a submission carries, kept with its feedback.

`nbgrader submit` writes `timestamp.txt` and `submission_secret.txt` beside the notebooks and
`collect` keeps them in `submitted/<student>/<assignment>/`. `nbgrader release_feedback` reads
both from `feedback/<student>/<assignment>/` (the secret names the feedback file in the
exchange, so that only the student who submitted can fetch it), and nbgrader's own autograde
keeps them in `autograded/` too. `copy_receipts` does the same for `python -m autograder grade`.

`release_feedback` runs nbgrader's for every student who has receipts, and names the others (a
folder drop, an LMS download: they never used the exchange, so their feedback is handed to them
another way); nbgrader's own stops at the first student without them.
"""

import os
import subprocess
import sys

from .untrusted import Refused, read_file

RECEIPTS = ("timestamp.txt", "submission_secret.txt")
RECEIPT_BYTES = 4096  # a secret is 128 hex digits, a timestamp one line


def copy_receipts(course, assignment, submissions, students):
    """Copy each student's receipts next to their graded notebooks and feedback (a file that
    is already there and identical is left alone)."""
    for sid in students:
        for name in RECEIPTS:
            data = _read(os.path.join(submissions, sid, assignment, name))
            if data is None:
                continue
            for kind in ("autograded", "feedback"):
                folder = os.path.join(course.root, kind, sid, assignment)
                dest = os.path.join(folder, name)
                if os.path.isdir(folder) and _read(dest) != data:
                    tmp = f"{dest}.tmp{os.getpid()}"
                    with open(tmp, "wb") as f:
                        f.write(data)
                    os.replace(tmp, dest)


def _read(path):
    """The bytes of a small regular file (not a link, FIFO or device), or None."""
    try:
        return read_file(path, RECEIPT_BYTES)
    except Refused:
        return None


def release_feedback(course, assignment):
    """nbgrader release_feedback for the students with receipts -> (released student ids,
    ids without receipts). CourseError with nbgrader's message if it fails."""
    from .course import CourseError

    folder = os.path.join(course.root, "feedback")
    students = sorted(s for s in os.listdir(folder)
                      if os.path.isdir(os.path.join(folder, s, assignment))) \
        if os.path.isdir(folder) else []
    without = [s for s in students
               if any(_read(os.path.join(folder, s, assignment, n)) is None for n in RECEIPTS)]
    released = [s for s in students if s not in without]
    if released:
        exclude = ",".join(without)
        run = subprocess.run([sys.executable, "-m", "nbgrader", "release_feedback", assignment,
                              f"--CourseDirectory.student_id_exclude={exclude}"],
                             cwd=course.root, capture_output=True, text=True)
        if run.returncode != 0:
            raise CourseError(f"nbgrader release_feedback {assignment} failed:\n"
                              f"{run.stderr.strip()[-2000:]}")
    return released, without
