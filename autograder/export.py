"""Grades for a learning management system: Canvas's and Moodle's grade import CSVs, or a plain CSV.

    python -m autograder export ASSIGNMENT --format canvas|moodle|csv --roster FILE --output FILE

The grades are the report `grade` wrote (`COURSE/grades/ASSIGNMENT/report.json`, or
`--report`), with the hand grades a TA has entered in the formgrader since then folded in
(the report, grades.csv and the feedback are brought up to date too, see `totals.py`): the
score after any late penalty, as `nbgrader export` counts it. The roster maps nbgrader's
student ids to the LMS's; it is a CSV with a header, the one `nbgrader db student import` reads
plus optional LMS columns:

    id            nbgrader's student id (or `student_id`)          required
    first_name, last_name (or name)                                 shown to the person importing
    email, lms_user_id                                              nbgrader's own roster fields
    sis_user_id, sis_login_id, section                              Canvas
    idnumber, username                                              Moodle

Canvas matches students on `ID` (lms_user_id), `SIS User ID` or `SIS Login ID`; Moodle on the
identifier column chosen when importing (Email address, ID number, Username or User ID).

A rostered student without a graded submission gets an empty cell by default: both LMSs then
leave the student's grade as it is, so a grade entered by hand is never overwritten by a
zero. `--missing zero` writes 0 instead (final grades). A graded student who is not in the
roster cannot be matched in the LMS: they are listed in a warning, never dropped silently
(the plain CSV keeps their row, with empty roster columns).
"""

import csv
import json
import os

from . import spreadsheet
from .course import CourseError
from .totals import refresh

FORMATS = ("canvas", "moodle", "csv")
CANVAS_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
CANVAS_FIELDS = ("name", "lms_user_id", "sis_user_id", "sis_login_id", "section")
MOODLE_IDENTIFIERS = (("email", "Email address"), ("idnumber", "ID number"),
                      ("username", "Username"), ("lms_user_id", "User ID"))


def read_roster(path):
    """[{column: value}] with `id` set, in file order; a bad roster is a CourseError."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            fields = [c.strip() for c in reader.fieldnames or []]
            rows = [{k.strip(): (v or "").strip() for k, v in row.items() if k}
                    for row in reader]
    except OSError as e:
        raise CourseError(f"cannot read the roster {path}: {e}") from e
    key = "id" if "id" in fields else "student_id" if "student_id" in fields else None
    if key is None:
        raise CourseError(f"the roster {path} needs a header with an `id` column (nbgrader's "
                          f"student id); got {','.join(fields) or 'an empty file'}")
    seen = set()
    for line, row in enumerate(rows, start=2):
        row["id"] = row.get(key, "")
        if not row["id"]:
            raise CourseError(f"{path}, line {line}: no student id")
        if row["id"] in seen:
            raise CourseError(f"{path}, line {line}: student {row['id']} is listed twice")
        seen.add(row["id"])
        if not row.get("name"):
            row["name"] = ", ".join(p for p in (row.get("last_name"), row.get("first_name"))
                                    if p)
    return rows


def load_report(course_root, assignment, report=None):
    """The JSON report of `assignment`; CourseError if it is missing or of another assignment."""
    path = report or os.path.join(course_root, "grades", assignment, "report.json")
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError) as e:
        raise CourseError(f"cannot read the grades of {assignment} from {path} ({e}); run "
                          f"`python -m autograder grade {assignment} ...` first") from e
    if data.get("assignment") != assignment:
        raise CourseError(f"{path} holds the grades of {data.get('assignment')!r}, "
                          f"not {assignment!r}")
    return data


def _number(x):
    """A score as the LMS reads it (at most 4 decimals)."""
    return f"{round(float(x), 4):g}"


def canvas_rows(report, roster, column, missing):
    """Canvas's gradebook import: the five student columns, a Points Possible row, the grades."""
    if not any(r.get(f) for r in roster for f in ("lms_user_id", "sis_user_id",
                                                  "sis_login_id")):
        raise CourseError("Canvas matches students on lms_user_id (Canvas's ID), sis_user_id "
                          "or sis_login_id: the roster has none of these columns filled")
    rows = [[*CANVAS_COLUMNS, column],
            ["Points Possible", "", "", "", "", _number(report["max_score"])]]
    for r in roster:
        rows.append([r.get(f, "") for f in CANVAS_FIELDS] + [_grade(report, r["id"], missing)])
    return rows


def moodle_rows(report, roster, column, missing):
    """Moodle's grade import (CSV file): an identifier column, names, the grade column."""
    field, header = next(((f, h) for f, h in MOODLE_IDENTIFIERS if all(r.get(f) for r in roster)),
                         (None, None))
    if field is None:
        raise CourseError("Moodle matches students on email, idnumber, username or lms_user_id: "
                          "the roster needs one of these columns filled for every student")
    rows = [[header, "First name", "Last name", column]]
    for r in roster:
        rows.append([r[field], r.get("first_name", ""), r.get("last_name", ""),
                     _grade(report, r["id"], missing)])
    return rows


def csv_rows(report, roster, missing):
    """Plain CSV: the roster's columns, the late fields, the score and one column per question."""
    students = report["students"]
    questions = list(dict.fromkeys(g for e in students.values() for g in e["questions"]))
    extra = list(dict.fromkeys(k for r in roster for k in r if k != "id"))
    head = ["student_id", *extra, "raw_score", "late_seconds", "penalty", "score", "max_score",
            *questions]
    rows = [head]
    listed = [r["id"] for r in roster]
    by_id = {r["id"]: r for r in roster}
    for sid in listed + sorted(s for s in students if s not in by_id):
        r, e = by_id.get(sid, {}), students.get(sid)
        if e is None:
            blank = "0" if missing == "zero" else ""
            rows.append([sid, *(r.get(k, "") for k in extra), blank, "", "", blank,
                         _number(report["max_score"]), *([blank] * len(questions))])
            continue
        rows.append([sid, *(r.get(k, "") for k in extra), _number(e.get("raw_score", e["score"])),
                     _number(e.get("late_seconds", 0)), _number(e.get("penalty", 0)),
                     _number(e["score"]), _number(e["max_score"]),
                     *(_number(e["questions"][g]["score"]) if g in e["questions"] else ""
                       for g in questions)])
    return rows


def _grade(report, sid, missing):
    """The grade cell of student `sid`: their score, or by `missing` for no submission."""
    entry = report["students"].get(sid)
    if entry is None:
        return "0" if missing == "zero" else ""
    return _number(entry["score"])


def export(course_root, assignment, fmt, roster_path, output, report=None, column=None,
           missing="empty"):
    """Write the export -> the graded student ids missing from the roster (for a warning)."""
    if fmt not in FORMATS:
        raise CourseError(f"--format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    path = report or os.path.join(course_root, "grades", assignment, "report.json")
    data = refresh(course_root, assignment, load_report(course_root, assignment, path), path)
    roster = read_roster(roster_path)
    column = column or assignment
    if fmt == "canvas":
        rows = canvas_rows(data, roster, column, missing)
    elif fmt == "moodle":
        rows = moodle_rows(data, roster, column, missing)
    else:
        rows = csv_rows(data, roster, missing)
    os.makedirs(os.path.dirname(os.path.abspath(output)), exist_ok=True)
    with open(output, "w", newline="", encoding="utf-8") as f:
        spreadsheet.writer(f, lineterminator="\n").writerows(rows)
    rostered = {r["id"] for r in roster}
    return sorted(s for s in data["students"] if s not in rostered)
