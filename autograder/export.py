"""Grades for a learning management system: Canvas's and Moodle's grade import CSVs, or a plain CSV.

    python -m autograder export ASSIGNMENT --format canvas|moodle|csv --roster FILE --output FILE

The grades are the report `grade` wrote (`COURSE/grades/ASSIGNMENT/report.json`, or
`--report`), with the hand grades a TA has entered in the formgrader since then folded in
(the report, grades.csv and the feedback are brought up to date too, see `totals.py`): the
score after any late penalty, as `nbgrader export` counts it. The roster maps nbgrader's
student ids to the LMS's (`roster.py`: the file `nbgrader db student import` reads plus LMS
columns, or the LMS's own export with `--id-column`).

Canvas matches students on `ID` (lms_user_id), `SIS User ID` or `SIS Login ID`; Moodle on the
identifier column chosen when importing (Email address, ID number, Username or User ID).

What an empty grade does differs between the LMSs, so a student without a graded submission is
written so that their LMS grade is never cleared (unless `--missing zero`, which writes 0):

- Canvas's gradebook import leaves a grade unchanged when its cell is blank: the row is written
  with an empty grade.
- Moodle's CSV grade import (grade/import/csv/classes/load_data.php, `update_grade_item`) reads
  '' and '-' as "no grade" and sets the final grade to none, clearing a grade entered in Moodle:
  the row is left out.
- The plain CSV writes an empty score.

A graded student who is not in the roster cannot be matched in the LMS: they are listed in a
warning, never dropped silently (the plain CSV keeps their row, with empty roster columns).

`--scale points|percent|N` writes the grade in points (the default), in percent, or rescaled to
be out of N (a Moodle grade item out of 100 reads 25 as 25 / 100, not 25 / 31): Canvas's
Points Possible row, Moodle's grade and the plain CSV's score and max_score follow it (the
plain CSV's questions stay in points).
"""

import json
import os

from . import spreadsheet
from .course import Course, CourseError
from .roster import check_known, read_roster
from .totals import refresh

FORMATS = ("canvas", "moodle", "csv")
CANVAS_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
CANVAS_FIELDS = ("name", "lms_user_id", "sis_user_id", "sis_login_id", "section")
MOODLE_IDENTIFIERS = (("email", "Email address"), ("idnumber", "ID number"),
                      ("username", "Username"), ("lms_user_id", "User ID"))


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


def scaler(scale, max_score):
    """`--scale` -> (function from points to the written grade, the written maximum)."""
    if scale in (None, "points"):
        return (lambda x: x), max_score
    if scale == "percent":
        out_of = 100.0
    else:
        try:
            out_of = float(scale)
        except ValueError:
            out_of = -1.0
        if not out_of > 0:
            raise CourseError(f"--scale wants points, percent or a maximum such as 100, "
                              f"got {scale!r}")
    if not max_score > 0:
        raise CourseError(f"--scale {scale}: the report's maximum score is {max_score:g}")
    return (lambda x: round(float(x) * out_of / max_score, 2)), out_of


def _number(x):
    """A score as the LMS reads it (at most 4 decimals)."""
    return f"{round(float(x), 4):g}"


def canvas_rows(report, roster, column, missing, scale=None):
    """Canvas's gradebook import: the five student columns, a Points Possible row, the grades
    (a blank grade leaves Canvas's as it is)."""
    if not any(r.get(f) for r in roster for f in ("lms_user_id", "sis_user_id",
                                                  "sis_login_id")):
        raise CourseError("Canvas matches students on lms_user_id (Canvas's ID), sis_user_id "
                          "or sis_login_id: the roster has none of these columns filled")
    to_grade, out_of = scaler(scale, report["max_score"])
    rows = [[*CANVAS_COLUMNS, column], ["Points Possible", "", "", "", "", _number(out_of)]]
    for r in roster:
        grade = _grade(report, r["id"], missing, to_grade)
        rows.append([r.get(f, "") for f in CANVAS_FIELDS] + [grade])
    return rows


def moodle_identifier(roster, path):
    """(roster field, Moodle's header) of the first identifier every student has; CourseError
    naming the first line that lacks the one most students have."""
    for field, header in MOODLE_IDENTIFIERS:
        if all(r.get(field) for r in roster):
            return field, header
    field, header = max(MOODLE_IDENTIFIERS, key=lambda fh: sum(bool(r.get(fh[0]))
                                                               for r in roster))
    lacking = next(r for r in roster if not r.get(field))
    raise CourseError(f"{path}, line {lacking['line']}: {lacking['id']} has no {field} (Moodle "
                      "matches students on email, idnumber, username or lms_user_id, and one "
                      "row without it stops the whole import): fill it in, or give every student "
                      "another of these columns")


def moodle_rows(report, roster, column, missing, path, scale=None):
    """Moodle's grade import (CSV file): an identifier column, names, the grade column. A
    student without a grade is left out (Moodle would clear their grade), unless `missing` is
    "zero"."""
    field, header = moodle_identifier(roster, path)
    to_grade, _out_of = scaler(scale, report["max_score"])
    rows = [[header, "First name", "Last name", column]]
    for r in roster:
        grade = _grade(report, r["id"], missing, to_grade)
        if grade != "":
            rows.append([r[field], r.get("first_name", ""), r.get("last_name", ""), grade])
    return rows


def csv_rows(report, roster, missing, scale=None):
    """Plain CSV: the roster's columns, the late fields, the score and one column per question."""
    students = report["students"]
    to_grade, out_of = scaler(scale, report["max_score"])
    questions = list(dict.fromkeys(g for e in students.values() for g in e["questions"]))
    extra = list(dict.fromkeys(k for r in roster for k in r if k not in ("id", "line")))
    head = ["student_id", *extra, "raw_score", "late_seconds", "penalty", "score", "max_score",
            *questions]
    rows = [head]
    by_id = {r["id"]: r for r in roster}
    for sid in list(by_id) + sorted(s for s in students if s not in by_id):
        r, e = by_id.get(sid, {}), students.get(sid)
        if e is None:
            blank = "0" if missing == "zero" else ""
            rows.append([sid, *(r.get(k, "") for k in extra), blank, "", "", blank,
                         _number(out_of), *([blank] * len(questions))])
            continue
        rows.append([sid, *(r.get(k, "") for k in extra), _number(e.get("raw_score", e["score"])),
                     _number(e.get("late_seconds", 0)), _number(e.get("penalty", 0)),
                     _number(to_grade(e["score"])), _number(out_of),
                     *(_number(e["questions"][g]["score"]) if g in e["questions"] else ""
                       for g in questions)])
    return rows


def _grade(report, sid, missing, to_grade=float):
    """The grade cell of student `sid`: their score, or by `missing` for no submission."""
    entry = report["students"].get(sid)
    if entry is None:
        return "0" if missing == "zero" else ""
    return _number(to_grade(entry["score"]))


def known_students(course_root, assignment, report):
    """(every student id nbgrader knows: graded, in the gradebook or with a submitted folder,
    whether the gradebook holds students who did not hand this assignment in)."""
    from nbgrader.api import Gradebook

    known = set(report["students"])
    try:
        course = Course(course_root)
        submitted = os.path.join(course.root, "submitted")
        if os.path.isdir(submitted):
            known |= set(os.listdir(submitted))
        if not course.in_gradebook(assignment):
            return known, False
        with Gradebook(course.db_url, course.course_id) as gb:
            gradebook = {s.id for s in gb.students}
    except CourseError:
        return known, False
    return known | gradebook, bool(gradebook - set(report["students"]))


def export(course_root, assignment, fmt, roster_path, output, report=None, column=None,
           missing="empty", scale=None, id_column=None):
    """Write the export -> (graded student ids missing from the roster, rostered ids nbgrader
    does not know), for warnings."""
    if fmt not in FORMATS:
        raise CourseError(f"--format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    roster = read_roster(roster_path, id_column)
    path = report or os.path.join(course_root, "grades", assignment, "report.json")
    data = refresh(course_root, assignment, load_report(course_root, assignment, path), path)
    known, class_list = known_students(course_root, assignment, data)
    unknown = check_known(roster_path, roster, known, class_list)
    column = column or assignment
    if fmt == "canvas":
        rows = canvas_rows(data, roster, column, missing, scale)
    elif fmt == "moodle":
        rows = moodle_rows(data, roster, column, missing, roster_path, scale)
    else:
        rows = csv_rows(data, roster, missing, scale)
    os.makedirs(os.path.dirname(os.path.abspath(output)), exist_ok=True)
    with open(output, "w", newline="", encoding="utf-8") as f:
        spreadsheet.writer(f, lineterminator="\n").writerows(rows)
    rostered = {r["id"] for r in roster}
    return sorted(s for s in data["students"] if s not in rostered), unknown
