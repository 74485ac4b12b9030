"""Join the reports of shards into the class's report; refuse a missing or repeated shard.

    python -m autograder merge SHARDS/*/report.json --output OUT [--record] [--partial]

A shard's report (`grade --shard K/N`) records `"shard": {"k", "n", "students", "class"}`:
which slice of the class it graded, the students in it, and the class list the slice was cut
from. `merge_reports` checks that the shards are K = 1..N of one split, each once, and that
every student of the class is in one of them; otherwise it names the missing shards and
students and merges nothing (a Slurm task that failed leaves no report, and a glob skips it
without a word). `partial=True` merges what there is and marks the report (`"partial"`) and
the summary.

`record_merged` brings a merged report into nbgrader's gradebook as `grade` does on one
machine: the graded notebooks from `COURSE/autograded/`, then the hand grades folded in and
the late penalties, timestamps and extensions recorded (`totals.settle_merged`), so that the
report, grades.csv, the feedback and `nbgrader export` agree.
"""

import glob
import json
import os

from . import report as reports
from . import totals
from .course import Course, CourseError

SHOWN_NAMES = 20  # students named in one error line at most


def find_reports(patterns):
    """The report files the glob `patterns` name (a pattern matching none is kept as is, so
    that reading it says it is missing)."""
    found = []
    for p in patterns:
        found.extend(sorted(glob.glob(p)) or [p])
    return found


def read_report(path):
    """A report's JSON; CourseError (one line) when it is missing or not a report."""
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except FileNotFoundError:
        raise CourseError(f"no shard report {path}: did that task fail? Rerun it (it resumes "
                          "where it stopped), then merge again") from None
    except (OSError, ValueError) as e:
        raise CourseError(f"cannot read the report {path}: {e}") from None
    if not isinstance(data, dict) or not isinstance(data.get("students"), dict) \
            or "assignment" not in data:
        raise CourseError(f"{path} is not a grading report (no assignment and students)")
    return data


def names(ids):
    """A short comma list of student ids for one error line."""
    ids = sorted(ids)
    shown = ", ".join(ids[:SHOWN_NAMES])
    return shown + (f" and {len(ids) - SHOWN_NAMES} more" if len(ids) > SHOWN_NAMES else "")


def _shard_of(path, data):
    """(k, n, class ids) of a shard report; CourseError for a report graded without --shard."""
    shard = data.get("shard")
    if not isinstance(shard, dict) or not {"k", "n", "class"} <= set(shard):
        raise CourseError(f"{path} is not a shard's report (it was graded without --shard, or "
                          "by an older version): grade the shard again, it resumes, then merge")
    return int(shard["k"]), int(shard["n"]), set(shard["class"])


def check_shards(shards, partial=False):
    """`shards`: [(path, data)] -> {"shards": [k], "of": n, "missing": [students]} when some
    are missing and `partial`, else None; CourseError for a repeated shard, shards of different
    splits, or (without `partial`) a missing shard or student."""
    by_k, splits, everyone, covered = {}, {}, set(), set()
    for path, data in shards:
        k, n, cls = _shard_of(path, data)
        splits.setdefault(n, path)
        if len(splits) > 1:
            first_n, first = next(iter(splits.items()))
            raise CourseError(f"{first} is a shard of {first_n}, {path} of {n}: merge the "
                              "shards of one split")
        if k in by_k:
            raise CourseError(f"shard {k}/{n} is given twice: {by_k[k]} and {path}")
        by_k[k] = path
        everyone |= cls
        covered |= set(data["students"])
    n = next(iter(splits))
    lost = [k for k in range(1, n + 1) if k not in by_k]
    missing = everyone - covered
    if not lost and not missing:
        return None
    what = (f"shard(s) {', '.join(f'{k}/{n}' for k in lost)} missing" if lost
            else "students missing")
    if not partial:
        raise CourseError(f"{what}: no grades for {len(missing)} student(s) of the class: "
                          f"{names(missing)}. Rerun those tasks (they resume) and merge again, "
                          "or merge with --partial")
    return {"shards": sorted(by_k), "of": n, "missing": sorted(missing)}


def merge_reports(paths, output, report_path=None, partial=False):
    """Join shard reports (JSON) into one report, CSV and summary in `output` -> (report,
    summary table)."""
    if not paths:
        raise CourseError("no reports to merge")
    shards = [(path, read_report(path)) for path in paths]
    gaps = check_shards(shards, partial)
    merged, assignment = {}, shards[0][1]["assignment"]
    for path, data in shards:
        if data["assignment"] != assignment:
            raise CourseError(f"{path} grades {data['assignment']}, not {assignment}")
        for sid, r in data["students"].items():
            if sid in merged:
                raise CourseError(f"student {sid} appears in more than one shard report")
            merged[sid] = dict(r, student=sid)
    return write_merged(output, assignment, merged, report_path, gaps)


def write_merged(output, assignment, results, report_path, gaps):
    """The merged report, CSV and summary; a partial merge is marked in the report and the
    summary."""
    extra = {"partial": gaps} if gaps else None
    note = None
    if gaps:
        note = (f"PARTIAL: only shard(s) {', '.join(map(str, gaps['shards']))} of "
                f"{gaps['of']} merged; not graded here: {names(gaps['missing'])}")
    return reports.write_outputs(output, assignment, results, report_path, extra=extra,
                                 note=note)


def record_merged(course_root, output, report_path=None):
    """Record a merged report (`output`/report.json) in the course gradebook from
    COURSE/autograded, fold the hand grades and record the late penalties -> (report, table)."""
    from .grade import record_in_gradebook

    course = Course(course_root)
    data = read_report(os.path.join(output, "report.json"))
    assignment = data["assignment"]
    templates = course.templates(assignment)
    if not course.in_gradebook(assignment):
        course.release(assignment)
    results = {}
    for sid, entry in sorted(data["students"].items()):
        notebooks = {}
        for t in templates:
            path = os.path.join(course.root, "autograded", sid, assignment, f"{t.name}.ipynb")
            if os.path.exists(path):
                notebooks[t.name] = {"graded": path}
        results[sid] = dict(entry, student=sid, notebooks=notebooks)
        record_in_gradebook(course, assignment, templates, results[sid])
    entries = totals.settle_merged(course, assignment, results)
    return write_merged(output, assignment, entries, report_path, data.get("partial"))
