"""Build the student release of assignments with nbgrader, and check that nothing leaks.

A release holds the notebooks without solutions or hidden tests plus the student's package,
`coursekit`, whole (data, plots, the gradient checker, the visible checks). `release` refuses a
release that holds or imports an instructor-only package (`autograder`, `solutions`,
`hiddentests`), or still carries solution markers.
"""

import os

from .course import Course, CourseError

INSTRUCTOR_ONLY = ("autograder", "solutions", "hiddentests")
LEAKS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS") + tuple(
    f"{verb} {package}" for package in INSTRUCTOR_ONLY for verb in ("import", "from"))


def check_release(folder):
    """Raise CourseError if a released file leaks solutions or hidden tests."""
    for base, dirs, files in os.walk(folder):
        for d in dirs:
            if d in INSTRUCTOR_ONLY:
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
