"""Late work: the course's late policy, per-student extensions, and each student's penalty.

The policy is part of the course config (`nbgrader_config.py`), next to nbgrader's settings:

    c.LatePolicy.method = "per_day"      # "none", "per_hour", "per_day" or "zero"
    c.LatePolicy.grace_minutes = 15      # lateness up to this is forgiven
    c.LatePolicy.rate = 0.1              # taken off per started hour or day, x the maximum
    c.LatePolicy.cap = 0.5               # the most a penalty takes, x the maximum
    c.LatePolicy.extensions = "extensions.csv"   # student,assignment,hours (course root)

Due dates come from nbgrader's gradebook (`nbgrader db assignment add A --duedate ...`), the
time of a submission from the `timestamp.txt` that nbgrader's `submit` writes and `collect`
keeps (the latest submission counts). An extension moves one student's due date by some
hours. Lateness beyond the grace period counts from the (extended) due date: with "per_day",
a submission 25 hours late loses 2 x rate x the maximum, never more than `cap` x the maximum
nor more than the student earned. "zero" takes every point of a submission late beyond the
grace period.

`settle(course, assignment, submissions, results)` gives each student's entry `raw_score`,
`late_seconds` (after the extension, 0 when on time), `penalty` and `score` (after the
penalty), records the same timestamp, extension and penalty in nbgrader's gradebook (so the
formgrader, `nbgrader export` and `generate_feedback` agree) and rewrites the score line of the
student's feedback. Grading again after an extension changes recomputes only this.
"""

import csv
import datetime
import glob
import html
import math
import os
import re

from traitlets import Enum, Float, TraitError, Unicode
from traitlets.config import Configurable

from .course import CourseError

UNIT_SECONDS = {"per_hour": 3600.0, "per_day": 86400.0}
EXTENSION_COLUMNS = ("student", "assignment", "hours")


class LatePolicy(Configurable):
    """How much a late submission loses, as configured in the course's nbgrader_config.py."""

    method = Enum(("none", "per_hour", "per_day", "zero"), default_value="none",
                  help="none: no penalty; per_hour / per_day: `rate` x the maximum per started "
                       "hour or day late; zero: every point").tag(config=True)
    grace_minutes = Float(0.0, help="lateness up to this many minutes is forgiven").tag(
        config=True)
    rate = Float(0.0, help="fraction of the maximum score taken per started hour or day").tag(
        config=True)
    cap = Float(1.0, help="largest penalty, as a fraction of the maximum score").tag(config=True)
    extensions = Unicode("extensions.csv",
                         help="CSV of extensions (student,assignment,hours), relative to the "
                              "course root").tag(config=True)

    def penalty(self, raw_score, max_score, late_seconds):
        """Points taken off a score of `raw_score` / `max_score` handed in `late_seconds` late."""
        if self.method == "none" or late_seconds <= self.grace_minutes * 60:
            return 0.0
        if self.method == "zero":
            return max(0.0, raw_score)
        units = math.ceil(late_seconds / UNIT_SECONDS[self.method])  # every started hour/day
        fraction = min(self.cap, units * self.rate)
        return round(max(0.0, min(raw_score, fraction * max_score)), 6)

    def describe(self):
        """The policy in one sentence, for feedback."""
        if self.method == "none":
            return "no late penalty"
        grace = f" after a grace period of {self.grace_minutes:g} min" if self.grace_minutes else ""
        if self.method == "zero":
            return f"late work scores 0{grace}"
        unit = self.method.split("_")[1]
        return (f"{self.rate:.0%} of the maximum per started {unit} late{grace}, "
                f"at most {self.cap:.0%}")


def load_policy(course):
    """The course's `LatePolicy`; a bad setting is a CourseError saying which and why."""
    try:
        policy = LatePolicy(config=course.config)
    except TraitError as e:
        raise CourseError(f"bad late policy in {course.root}/nbgrader_config.py: {e}") from e
    for name, low, high in (("grace_minutes", 0, math.inf), ("rate", 0, 1), ("cap", 0, 1)):
        value = getattr(policy, name)
        if not low <= value <= high:
            raise CourseError(f"c.LatePolicy.{name} must be in [{low}, {high}], got {value}")
    return policy


def read_extensions(path):
    """{(student, assignment): hours} from the instructor's CSV (missing file: none)."""
    if not os.path.exists(path):
        return {}
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        missing = [c for c in EXTENSION_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise CourseError(f"{path} needs the header {','.join(EXTENSION_COLUMNS)}; "
                              f"got {','.join(reader.fieldnames or []) or 'an empty file'}")
        extensions = {}
        for line, row in enumerate(reader, start=2):
            key = (row["student"].strip(), row["assignment"].strip())
            try:
                hours = float(row["hours"])
            except (TypeError, ValueError):
                hours = -1.0
            if not key[0] or not key[1] or not hours >= 0:
                raise CourseError(f"{path}, line {line}: expected a student, an assignment and "
                                  f"hours >= 0, got {','.join(str(v) for v in row.values())}")
            if key in extensions:
                raise CourseError(f"{path}, line {line}: a second extension for {key[0]} on "
                                  f"{key[1]}; keep one line per student and assignment")
            extensions[key] = hours
    return extensions


def submission_time(folder):
    """When the submission in `folder` was handed in (naive UTC, from nbgrader's
    timestamp.txt), or None when it has no timestamp."""
    from nbgrader.utils import parse_utc

    path = os.path.join(folder, "timestamp.txt")
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read().strip()
    except OSError:
        return None
    try:
        return parse_utc(text) if text else None
    except (ValueError, OverflowError):
        return None


def due_date(course, assignment):
    """The assignment's due date in nbgrader's gradebook (naive UTC), or None."""
    from nbgrader.api import Gradebook, MissingEntry

    try:
        with Gradebook(course.db_url, course.course_id) as gb:
            return gb.find_assignment(assignment).duedate
    except MissingEntry:
        return None


def late_seconds(submitted, due, extension_hours=0.0):
    """Seconds after the (extended) due date; 0 when on time or when a time is unknown."""
    if submitted is None or due is None:
        return 0.0
    deadline = due + datetime.timedelta(hours=extension_hours)
    return max(0.0, (submitted - deadline).total_seconds())


def apply(policy, due, extensions, assignment, submissions, results):
    """Entries with the late fields: {sid: copy of result + raw_score, late_seconds, penalty,
    score, submitted (ISO time or None), extension_hours}. `results` keep the raw score."""
    entries = {}
    for sid, result in results.items():
        submitted = submission_time(os.path.join(submissions, sid, assignment))
        hours = extensions.get((sid, assignment), 0.0)
        late = late_seconds(submitted, due, hours)
        raw = float(result.get("raw_score", result["score"]))
        penalty = policy.penalty(raw, result["max_score"], late)
        entries[sid] = dict(result, raw_score=raw, late_seconds=late, penalty=penalty,
                            score=round(raw - penalty, 6), extension_hours=hours,
                            submitted=submitted.isoformat() if submitted else None)
    return entries


def settle(course, assignment, submissions, results, log=print):
    """Apply the course's late policy to graded `results` -> entries (see `apply`); record
    timestamps, extensions and penalties in the gradebook and in the feedback."""
    policy = load_policy(course)
    due = due_date(course, assignment)
    extensions = read_extensions(os.path.join(course.root, policy.extensions))
    entries = apply(policy, due, extensions, assignment, submissions, results)
    if due is None and any(e["submitted"] for e in entries.values()) \
            and policy.method != "none":
        log(f"note: {assignment} has no due date in the gradebook, so nothing is late "
            f"(nbgrader db assignment add {assignment} --duedate ...)")
    record(course, assignment, entries)
    for sid, entry in entries.items():
        update_feedback(course, assignment, sid, entry, policy)
    return entries


def record(course, assignment, entries):
    """Write each student's timestamp, extension and penalty into nbgrader's gradebook.

    nbgrader keeps a penalty per notebook; the assignment's penalty is their sum, so it is
    spread over the notebooks in order, each losing at most what it scored."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(course.db_url, course.course_id) as gb:
        for sid, entry in entries.items():
            try:
                submission = gb.find_submission(assignment, sid)
            except MissingEntry:
                continue
            submitted = entry["submitted"]
            submission.timestamp = (datetime.datetime.fromisoformat(submitted)
                                    if submitted else submission.timestamp)
            hours = entry["extension_hours"]
            submission.extension = datetime.timedelta(hours=hours) if hours else None
            left = entry["penalty"]
            for notebook in sorted(submission.notebooks, key=lambda n: n.name):
                take = min(left, notebook.score)
                notebook.late_submission_penalty = take if take > 0 else None
                left -= take
        gb.db.commit()


# ---------------------------------------------------------------- the feedback's score line

def score_paragraph(result, policy=None):
    """The feedback's score line (between markers, so that a regrade can replace it)."""
    text = f"Score: <b>{result['score']:g} / {result['max_score']:g}</b>"
    if result.get("penalty") or result.get("late_seconds"):
        late = duration(result["late_seconds"])
        ext = result.get("extension_hours")
        text += (f" (earned {result['raw_score']:g}; handed in {late} late"
                 + (f" with an extension of {ext:g} h" if ext else "")
                 + f", late penalty {result['penalty']:g}"
                 + (f": {html.escape(policy.describe())}" if policy else "") + ")")
    return f"<!-- score --><p>{text}</p><!-- /score -->"


_SCORE = re.compile(r"<!-- score -->.*?<!-- /score -->", re.S)


def update_feedback(course, assignment, sid, entry, policy=None):
    """Replace the score line in the student's feedback HTML (only when it changes)."""
    new = score_paragraph(entry, policy)
    for path in glob.glob(os.path.join(course.root, "feedback", sid, assignment, "*.html")):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        updated = _SCORE.sub(lambda m: new, text, count=1)
        if updated != text:
            tmp = f"{path}.tmp{os.getpid()}"
            with open(tmp, "w", encoding="utf-8") as f:
                f.write(updated)
            os.replace(tmp, path)


def duration(seconds):
    """'2 d 3 h 5 min' for a number of seconds (at least '1 s')."""
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{max(seconds, 1)} s"
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = [f"{days} d" if days else "", f"{hours} h" if hours else "",
             f"{minutes} min" if minutes else ""]
    return " ".join(p for p in parts if p)
