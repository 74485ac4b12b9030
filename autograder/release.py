"""Build the student release of assignments with nbgrader, and check that nothing leaks.

A release holds the notebooks without solutions or hidden tests plus the files students need for
the visible tests (the student-safe `autograder` and `coursekit` modules). `release` refuses a
release that mentions the solutions or hidden tests, or still carries solution markers.
"""

import os

from .course import Course, CourseError

LEAKS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "import solutions",
         "from solutions", "import hiddentests", "from hiddentests")


def check_release(folder):
    """Raise CourseError if a released file leaks solutions or hidden tests."""
    for base, dirs, files in os.walk(folder):
        for d in dirs:
            if d in ("solutions", "hiddentests"):
                raise CourseError(f"the release contains the folder {os.path.join(base, d)}")
        for name in files:
            path = os.path.join(base, name)
            with open(path, "rb") as f:
                text = f.read().decode("utf-8", "replace")
            for leak in LEAKS:
                if leak in text:
                    raise CourseError(f"the release file {path} contains {leak!r}")


def release(course_root="assignments", assignments=()):
    """Release `assignments` (all when empty) -> their release folders."""
    course = Course(course_root)
    names = list(assignments) or course.assignments()
    if not names:
        raise CourseError(f"no assignments in {course.root}/source")
    folders = []
    for name in names:
        folder = course.release(name)
        check_release(folder)
        folders.append(folder)
    return folders
