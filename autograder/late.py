"""Late work: the course's late policy, per-student extensions, and each student's penalty.

The policy is part of the course config (`nbgrader_config.py`), next to nbgrader's settings:

    c.LatePolicy.method = "per_day"      # "none", "per_hour", "per_day" or "zero"
    c.LatePolicy.grace_minutes = 15      # lateness up to this is forgiven
    c.LatePolicy.rate = 0.1              # taken off per started hour or day, x the maximum
    c.LatePolicy.cap = 0.5               # the most a penalty takes, x the maximum
    c.LatePolicy.extensions = "extensions.csv"   # student,assignment,hours (course root)

Due dates come from nbgrader's gradebook (`nbgrader db assignment add A --duedate ...`). The
time of a submission is the one `python -m autograder collect` took from the exchange (the
newest change time of the student's folder, which they cannot set back), as long as the graded
files are the ones it collected; otherwise it is what `timestamp.txt` claims (a folder drop, an
LMS download), and the report and the feedback say that the student could have edited it.
An extension moves one student's due date by some hours. Lateness beyond the grace period
counts from the (extended) due date: with "per_day", a submission 25 hours late loses
2 x rate x the maximum, never more than `cap` x the maximum nor more than the student earned.
"zero" takes every point of a submission late beyond the grace period.

`settle(course, assignment, submissions, results)` gives each student's entry `raw_score`,
`late_seconds` (after the extension, 0 when on time), `penalty` and `score` (after the
penalty); `record` writes the same timestamp, extension and penalty into nbgrader's gradebook
(so the formgrader, `nbgrader export` and `generate_feedback` agree). `totals.py` calls both,
with the hand grades folded in first. Grading again after an extension recomputes only this.
"""

import datetime
import html
import math
import os
from dataclasses import dataclass

from traitlets import Enum, Float, TraitError, Unicode
from traitlets.config import Configurable

from .collect import CLAIM_BYTES, load_record
from .course import CourseError
from .extensions import course_extensions, read_extensions  # noqa: F401 (read_extensions: API)
from .untrusted import Refused, read_file

UNIT_SECONDS = {"per_hour": 3600.0, "per_day": 86400.0}
LMS_DOWNLOADS = ("canvas", "moodle")  # collect --from: no trustworthy time (lms_download.py)


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


@dataclass
class HandedIn:
    """When a submission was handed in, where that time comes from, and a note for the reader.

    `source`: "exchange" (collected by `python -m autograder collect`: the newest change time
    of the student's exchange folder, which they cannot set back), "timestamp.txt" (what the
    student's own file claims: a folder drop, plain `nbgrader collect`), "canvas" or "moodle"
    (`collect --from` an LMS's download: no time) or None (no time at all)."""

    time: datetime.datetime | None  # naive UTC
    source: str | None
    note: str = ""


CLAIM_TOLERANCE = datetime.timedelta(minutes=5)  # nbgrader submit writes its time, then copies


def claimed_time(folder):
    """What the `timestamp.txt` in `folder` says (naive UTC), or None: read without following a
    link and at most CLAIM_BYTES of it."""
    from nbgrader.utils import parse_utc

    try:
        text = read_file(os.path.join(folder, "timestamp.txt"), CLAIM_BYTES).decode(
            "utf-8", "replace").strip()
    except Refused:
        return None
    try:
        return parse_utc(text) if text else None
    except (ValueError, OverflowError):
        return None


def handed_in(collected, folder, graded_fingerprint):
    """The HandedIn of the submission in `folder`: the collect record's time when the graded
    files are those it collected (`collected`: its entry for the student, or None)."""
    from nbgrader.utils import parse_utc

    same_files = bool(collected and graded_fingerprint
                      and collected.get("fingerprint") == graded_fingerprint)
    if same_files and collected.get("source") in LMS_DOWNLOADS:
        lms = collected["source"]
        mark = f" ({lms.title()} marked it late)" if collected.get("late_mark") else ""
        return HandedIn(None, lms, f"taken from {lms.title()}'s download of submissions, which "
                        f"has no trustworthy submission time{mark}: counted as on time, check "
                        f"the time in {lms.title()}")
    if same_files:
        time = parse_utc(collected["time"])
        note = ""
        try:
            claimed = parse_utc(collected["claimed"]) if collected.get("claimed") else None
        except (ValueError, OverflowError):
            claimed = None
        if claimed is not None and abs(claimed - time) > CLAIM_TOLERANCE:
            note = (f"timestamp.txt claims {claimed:%Y-%m-%d %H:%M:%S} UTC, but the exchange "
                    f"folder last changed at {time:%Y-%m-%d %H:%M:%S} UTC: the exchange's "
                    "time counts")
        return HandedIn(time, "exchange", note)
    claimed = claimed_time(folder)
    if claimed is not None:
        return HandedIn(claimed, "timestamp.txt",
                        "the submission time is the one in timestamp.txt, which the student "
                        "can edit (it was not taken in by `python -m autograder collect`)")
    return HandedIn(None, None, "no submission time is known: counted as on time")


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


def apply(policy, due, extensions, assignment, submissions, results, collected=None):
    """Entries with the late fields: {sid: copy of result + raw_score, late_seconds, penalty,
    score, submitted (ISO time or None), time_source, extension_hours}. `results` keep the raw
    score; `collected`: the collect record {sid: entry} (see collect.py)."""
    entries = {}
    lateness_matters = due is not None and policy.method != "none"
    for sid, result in results.items():
        when = handed_in((collected or {}).get(sid), os.path.join(submissions, sid, assignment),
                         result.get("fingerprint"))
        hours = extensions.get((sid, assignment), 0.0)
        late = late_seconds(when.time, due, hours)
        raw = float(result.get("raw_score", result["score"]))
        penalty = policy.penalty(raw, result["max_score"], late)
        flags = list(result.get("flags", []))
        note = when.note if lateness_matters or when.source in LMS_DOWNLOADS else ""
        if note and note not in flags:
            flags.append(note)
        entries[sid] = dict(result, raw_score=raw, late_seconds=late, penalty=penalty,
                            score=round(raw - penalty, 6), extension_hours=hours,
                            submitted=when.time.isoformat() if when.time else None,
                            time_source=when.source, time_note=note, flags=flags)
    return entries


def settle(course, assignment, submissions, results, log=print):
    """Apply the course's late policy to graded `results` -> entries (see `apply`)."""
    policy = load_policy(course)
    due = due_date(course, assignment)
    known = set(results) | (set(os.listdir(submissions)) if os.path.isdir(submissions) else set())
    extensions = course_extensions(course, os.path.join(course.root, policy.extensions), known)
    collected = load_record(course.root, assignment)
    entries = apply(policy, due, extensions, assignment, submissions, results, collected)
    if due is None and any(e["submitted"] for e in entries.values()) \
            and policy.method != "none":
        log(f"note: {assignment} has no due date in the gradebook, so nothing is late "
            f"(nbgrader db assignment add {assignment} --duedate ...)")
    return entries


def recharge(course, assignment, entries):
    """Entries graded elsewhere (merged shards) with the late fields charged again from the
    submission time each one recorded, the gradebook's due date and today's extensions."""
    policy = load_policy(course)
    due = due_date(course, assignment)
    extensions = course_extensions(course, os.path.join(course.root, policy.extensions),
                                   set(entries))
    charged = {}
    for sid, entry in entries.items():
        when = entry.get("submitted")
        hours = extensions.get((sid, assignment), 0.0)
        late = late_seconds(datetime.datetime.fromisoformat(when) if when else None, due, hours)
        raw = float(entry.get("raw_score", entry["score"]))
        penalty = policy.penalty(raw, entry["max_score"], late)
        charged[sid] = dict(entry, raw_score=raw, late_seconds=late, penalty=penalty,
                            score=round(raw - penalty, 6), extension_hours=hours)
    return charged


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
    """The feedback's score line."""
    text = f"Score: <b>{result['score']:g} / {result['max_score']:g}</b>"
    if result.get("penalty") or result.get("late_seconds"):
        late = duration(result["late_seconds"])
        ext = result.get("extension_hours")
        text += (f" (earned {result['raw_score']:g}; handed in {late} late"
                 + (f" with an extension of {ext:g} h" if ext else "")
                 + f", late penalty {result['penalty']:g}"
                 + (f": {html.escape(policy.describe())}" if policy else "") + ")")
    if result.get("time_note"):
        text += f"<br>Submission time: {html.escape(result['time_note'])}."
    return f"<p>{text}</p>"


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
