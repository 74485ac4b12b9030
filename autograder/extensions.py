"""Per-student extensions (`extensions.csv`: student,assignment,hours), read as spreadsheets save
it, and refused line by line when a student or an assignment is unknown.

A typo (`stu_caroll` for `stu_carol`, `a1` for `a1_linear`) would otherwise be an extension for
nobody, and the student would keep the whole penalty without a word. The students known at
grading time are those with a submission folder, a graded result or an entry in nbgrader's
gradebook (every student nbgrader has graded, and the class list if it was imported with
`nbgrader db student import`); the assignments are those of the course's `source/`.
"""

import os

from .course import CourseError
from .csvtext import read_table

EXTENSION_COLUMNS = ("student", "assignment", "hours")


def extension_lines(path):
    """[(line, student, assignment, hours)] of the CSV at `path` (missing file: []); a bad
    header, a bad line or a repeated student and assignment is a CourseError naming it."""
    if not os.path.exists(path):
        return []
    header, table = read_table(path, "the extensions file")
    if any(c not in header for c in EXTENSION_COLUMNS):
        raise CourseError(f"{path} needs the header {','.join(EXTENSION_COLUMNS)}; "
                          f"got {','.join(header) or 'an empty file'}")
    lines, seen = [], set()
    for line, row in table:
        key = (row.get("student", ""), row.get("assignment", ""))
        try:
            hours = float(row.get("hours", ""))
        except ValueError:
            hours = -1.0
        if not key[0] or not key[1] or not hours >= 0:
            raise CourseError(f"{path}, line {line}: expected a student, an assignment and "
                              f"hours >= 0, got {','.join(row.get(c, '') for c in header)}")
        if key in seen:
            raise CourseError(f"{path}, line {line}: a second extension for {key[0]} on "
                              f"{key[1]}; keep one line per student and assignment")
        seen.add(key)
        lines.append((line, *key, hours))
    return lines


def read_extensions(path, students=None, assignments=None):
    """{(student, assignment): hours}. With `students` or `assignments` (sets of known ids), a
    line naming another is a CourseError with its line number."""
    extensions = {}
    for line, sid, assignment, hours in extension_lines(path):
        if assignments is not None and assignment not in assignments:
            raise CourseError(f"{path}, line {line}: no assignment {assignment!r} in the course "
                              f"(its assignments: {', '.join(sorted(assignments)) or 'none'})")
        if students is not None and sid not in students:
            raise CourseError(f"{path}, line {line}: no student {sid!r} is known (no submission, "
                              "not in nbgrader's gradebook): a typo? A student who has not "
                              f"handed in yet: nbgrader db student add {sid}")
        extensions[(sid, assignment)] = hours
    return extensions


def gradebook_students(course):
    """The ids of every student in nbgrader's gradebook (none when it has no database yet)."""
    from nbgrader.api import Gradebook

    if course.db_url.startswith("sqlite:///") \
            and not os.path.exists(course.db_url[len("sqlite:///"):]):
        return set()
    with Gradebook(course.db_url, course.course_id) as gb:
        return {s.id for s in gb.students}


def course_extensions(course, path, students):
    """The course's extensions at `path`, every line checked against the students known now
    (`students`, plus the gradebook's) and the course's assignments."""
    known = set(students) | gradebook_students(course)
    return read_extensions(path, known, set(course.assignments()))
