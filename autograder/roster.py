"""The class roster: nbgrader's student ids with the LMS's ids, read from the instructor's file or
straight from the LMS's own export (Canvas's gradebook CSV, Moodle's participants or grades).

A roster is a CSV (see `csvtext.py` for encodings and separators). Its columns, by any of these
names (case and spaces do not matter for the lower-case ones; the LMS's own names are taken as
the LMS writes them):

    id, student_id          nbgrader's student id (or --id-column COLUMN, see below)
    first_name, last_name   (Moodle: First name, Last name / Surname), name (Canvas: Student)
    email                   (Canvas: Email, Moodle: Email address)
    lms_user_id             Canvas: ID (upper case: Canvas's user id)
    sis_user_id, sis_login_id, section, integration_id
                            Canvas: SIS User ID, SIS Login ID, Section, Integration ID
    idnumber, username      Moodle: ID number, Username
    participant             Moodle's grading worksheet: Identifier ("Participant 1234"), which
                            names the submissions of its bulk download

An LMS export has no nbgrader id: `--id-column COLUMN` names the column that holds it (e.g.
`--id-column "SIS Login ID"` when JupyterHub logins are the campus logins); an e-mail column
gives the part before `@`. Canvas's "Points Possible" row is skipped.

`check_known(path, roster, known, class_list)` judges the roster's ids against the students
nbgrader knows (see its docstring).
"""

from .course import CourseError
from .csvtext import read_table

LMS_HEADERS = {  # exact spellings of the LMSs' exports
    "Student": "name", "ID": "lms_user_id", "SIS User ID": "sis_user_id",
    "SIS Login ID": "sis_login_id", "Section": "section", "Integration ID": "integration_id",
    "Email": "email", "Email address": "email", "First name": "first_name",
    "Last name": "last_name", "Surname": "last_name", "ID number": "idnumber",
    "Username": "username", "User ID": "lms_user_id",
    "Identifier": "participant", "Full name": "name",  # Moodle's grading worksheet
}
ID_FIELDS = ("id", "student_id")


def field_name(header):
    """The roster field a column header names."""
    if header in LMS_HEADERS:
        return LMS_HEADERS[header]
    return "_".join(header.lower().split())


def _id_reader(header, id_column, path):
    """(the column holding nbgrader's ids, whether to take an e-mail's local part)."""
    fields = {h: field_name(h) for h in header}
    if id_column:
        for h in header:
            if id_column in (h, fields[h]) or field_name(id_column) == fields[h]:
                return h, fields[h] == "email"
        raise CourseError(f"the roster {path} has no column {id_column!r} (--id-column); its "
                          f"columns: {', '.join(header)}")
    for h in header:
        if fields[h] in ID_FIELDS:
            return h, False
    raise CourseError(f"the roster {path} needs a header with an `id` column (nbgrader's "
                      f"student id), or --id-column naming the column that holds it (e.g. "
                      f"--id-column \"SIS Login ID\"); its columns: {', '.join(header)}")


def read_roster(path, id_column=None):
    """[{field: value}] with `id` (nbgrader's id) and `line` set, in file order; a bad roster
    is a CourseError naming the line."""
    header, table = read_table(path, "the roster")
    column, local_part = _id_reader(header, id_column, path)
    rows, seen = [], {}
    for line, raw in table:
        row = {field_name(h): v for h, v in raw.items() if field_name(h) not in ID_FIELDS}
        if row.get("name", "").strip() == "Points Possible" and not row.get("lms_user_id"):
            continue  # Canvas's export: the maximum of each assignment
        sid = raw.get(column, "")
        if local_part:
            sid = sid.split("@")[0]
        if not sid:
            raise CourseError(f"{path}, line {line}: no student id in column {column!r}")
        if sid in seen:
            raise CourseError(f"{path}, line {line}: student {sid} is listed twice (first on "
                              f"line {seen[sid]})")
        seen[sid] = line
        row.update(id=sid, line=line)
        if not row.get("name"):
            row["name"] = ", ".join(p for p in (row.get("last_name"), row.get("first_name"))
                                    if p)
        rows.append(row)
    return rows


def check_known(path, roster, known, class_list):
    """Roster ids nbgrader does not know -> those ids, for a warning (without a class list they
    are normally students who handed nothing in). When the gradebook holds a class list
    (`class_list`: it knows students who did not hand this assignment in, after `nbgrader db
    student import` or other assignments), such an id is a CourseError naming its line.
    `known`: every student id nbgrader and the grades know."""
    unknown = [r for r in roster if r["id"] not in known]
    if unknown and class_list:
        first = unknown[0]
        raise CourseError(f"{path}, line {first['line']}: {first['id']} is not a student in "
                          "nbgrader's gradebook (nbgrader db student list): a typo?")
    return [r["id"] for r in unknown]
