"""Collect submissions from nbgrader's exchange without trusting anything a student wrote there.

    python -m autograder collect ASSIGNMENT [--student ID] [--no-owner-check]

It does what `nbgrader collect` does (the latest submission of each student, from
`EXCHANGE/COURSE/inbound/<student>+<assignment>+<time>+<random>`, into
`COURSE/submitted/<student>/<assignment>/`), and refuses what `nbgrader collect` takes:

- a folder is taken only when the Unix user who owns it is the student its name claims
  (`nbgrader submit` leaves the folder owned by the submitting user): a folder named after
  someone else is refused, and never replaces that student's own submission;
- a symbolic link, FIFO, socket or device anywhere in a folder, more than `Caps` allow (files,
  depth, bytes), or a student id that is not a plain folder name, refuses the folder;
  nothing of a refused folder reaches `submitted/` and the instructor is told who and why;
- the time that counts is the newest change time (ctime) of anything in the folder, which its
  owner can move forward but never back, not the `timestamp.txt` the student can rewrite.
  Which of a student's folders is the latest is decided by that time too.

`submitted/<student>/<assignment>/timestamp.txt` holds the time that counts (so nbgrader's own
tools read it too); what the student's `timestamp.txt` claimed is kept in the course's record
`COURSE/collected/<assignment>.json`, with a fingerprint of the collected files. The late
policy trusts a time only when the graded files still have that fingerprint (see `late.py`).
"""

import datetime
import json
import os
import pwd
import shutil
import stat
from dataclasses import dataclass, field

from .course import Course, CourseError
from .layout import fingerprint
from .untrusted import Caps, Refused, kind, read_tree

TIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f UTC"  # nbgrader's timestamp.txt
CLAIM_BYTES = 256  # a timestamp.txt is one short line


@dataclass
class Outcome:
    """What one collect did: collected / unchanged student ids, refusals as (who, why)."""

    collected: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    refused: list = field(default_factory=list)


def record_path(course_root, assignment):
    """The course's record of what was collected for `assignment`, and when."""
    return os.path.join(course_root, "collected", f"{assignment}.json")


def load_record(course_root, assignment):
    """{student: {"time", "claimed", "folder", "fingerprint"}} of past collects (or {})."""
    try:
        with open(record_path(course_root, assignment), encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as e:
        raise CourseError(f"cannot read {record_path(course_root, assignment)}: {e}") from e


def save_record(course_root, assignment, record):
    """Write the collect record of `assignment` (see load_record) in one piece."""
    path = record_path(course_root, assignment)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(f"{path}.tmp", "w", encoding="utf-8") as f:
        json.dump(record, f, indent=1, sort_keys=True)
    os.replace(f"{path}.tmp", path)


def exchange_inbound(course):
    """EXCHANGE/COURSE_ID/inbound, from the course config as nbgrader reads it."""
    from nbgrader.exchange.default.exchange import Exchange

    root = Exchange(config=course.config).root
    if not course.course_id:
        raise CourseError(f"{course.root}/nbgrader_config.py sets no "
                          "c.CourseDirectory.course_id: the exchange is organised by course")
    inbound = os.path.join(root, course.course_id, "inbound")
    if not os.path.isdir(inbound):
        raise CourseError(f"no inbound folder {inbound}: set c.Exchange.root in "
                          f"{course.root}/nbgrader_config.py, and release an assignment first")
    return inbound


def parse_name(name, assignment):
    """`<student>+<assignment>+<time>[+<random>]` -> the student id, or None for another
    assignment or a name of another shape."""
    for parts in (name.rsplit("+", 3), name.rsplit("+", 2)):
        if len(parts) >= 3 and parts[1] == assignment and parts[0]:
            return parts[0]
    return None


def check_student_id(sid):
    """Refused unless `sid` can name a folder of `submitted/` and nothing else."""
    if sid in (".", "..") or sid.startswith(".") or "/" in sid or "\\" in sid \
            or len(sid) > 128 or not sid.isprintable():
        raise Refused(f"the student id {sid!r} is not a plain folder name")


def check_owner(st, sid):
    """Refused unless the folder whose lstat is `st` belongs to the Unix user `sid`."""
    try:
        expected = pwd.getpwnam(sid).pw_uid
    except KeyError:
        raise Refused(f"no Unix user is named {sid!r}, so the folder's owner (uid "
                      f"{st.st_uid}) cannot be that student") from None
    if st.st_uid != expected:
        try:
            owner = pwd.getpwuid(st.st_uid).pw_name
        except KeyError:
            owner = f"uid {st.st_uid}"
        raise Refused(f"it claims to be {sid}'s but belongs to {owner}")


def _candidates(inbound_fd, assignment, only, owner_check):
    """{student: [(time, folder name, Tree or Refused)]} of the inbound folders, and the
    refusals that belong to no student [(claimed id, why)]."""
    by_student, strays = {}, []
    for name in sorted(os.listdir(inbound_fd)):
        sid = parse_name(name, assignment)
        if sid is None or (only is not None and sid != only):
            continue
        st = os.stat(name, dir_fd=inbound_fd, follow_symlinks=False)
        try:
            check_student_id(sid)
            if owner_check:
                check_owner(st, sid)
        except Refused as e:
            strays.append((sid, f"{name}: {e}; not collected"))
            continue
        try:
            if not stat.S_ISDIR(st.st_mode):
                raise Refused(f"{name} is {kind(st.st_mode)}, not a folder")
            tree = read_tree(name, Caps(), dir_fd=inbound_fd, shown=name)
            item = (tree.newest_ctime, name, tree)
        except Refused as e:
            item = (st.st_ctime, name, e)
        by_student.setdefault(sid, []).append(item)
    return by_student, strays


def _timestamp(seconds):
    """A POSIX time as nbgrader writes timestamps (UTC)."""
    return datetime.datetime.fromtimestamp(seconds, datetime.UTC).strftime(TIME_FORMAT)


def _write_submission(dest, tree, time_text):
    """Replace `dest` with the files of `tree`, timestamp.txt holding `time_text` (none when
    it is None: an LMS download has no trustworthy time)."""
    parent = os.path.dirname(dest)
    os.makedirs(parent, exist_ok=True)
    tmp = os.path.join(parent, f".collect-{os.path.basename(dest)}-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    for rel, data in tree.files.items():
        path = os.path.join(tmp, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
    os.makedirs(tmp, exist_ok=True)
    if time_text is not None:
        with open(os.path.join(tmp, "timestamp.txt"), "w", encoding="utf-8") as f:
            f.write(time_text)
    old = f"{tmp}-old"
    if os.path.lexists(dest):
        os.rename(dest, old)
    os.rename(tmp, dest)
    shutil.rmtree(old, ignore_errors=True)


def _claimed(tree):
    """What the student's timestamp.txt says (a short text), or None."""
    data = tree.files.get("timestamp.txt")
    if data is None:
        return None
    return data[:CLAIM_BYTES].decode("utf-8", "replace").strip() or None


def collect(course_root, assignment, student=None, owner_check=True, inbound=None):
    """Collect every student's latest submission of `assignment` -> Outcome."""
    course = Course(course_root)
    course.check_assignment(assignment)
    inbound = inbound or exchange_inbound(course)
    record = load_record(course.root, assignment)
    outcome = Outcome()
    fd = os.open(inbound, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        by_student, strays = _candidates(fd, assignment, student, owner_check)
    finally:
        os.close(fd)
    outcome.refused.extend(strays)
    for sid, items in sorted(by_student.items()):
        when, name, tree = max(items, key=lambda item: (item[0], item[1]))
        if isinstance(tree, Refused):
            outcome.refused.append((sid, f"{tree}; the latest submission was not collected"))
            continue
        dest = os.path.join(course.root, "submitted", sid, assignment)
        old = record.get(sid, {})
        if old.get("folder") == name and old.get("ctime") == when and os.path.isdir(dest) \
                and fingerprint(dest) == old.get("fingerprint"):
            outcome.unchanged.append(sid)
            continue
        _write_submission(dest, tree, _timestamp(when))
        record[sid] = {"time": _timestamp(when), "ctime": when, "claimed": _claimed(tree),
                       "folder": name, "fingerprint": fingerprint(dest)}
        outcome.collected.append(sid)
    save_record(course.root, assignment, record)
    return outcome
