"""`python -m autograder demo`: the instructor's end-of-deadline workflow on a sample class.

Copies the course's first assignment (a1_linear) into `demo_output/grading/`, releases it,
hands in nine submissions built from the reference answers (perfect, partly done, two typical
bugs, a runaway loop, a kernel crash, a tamperer, a broken file, the untouched release), grades
them with `python -m autograder grade` and prints the grade table and where the feedback is.
Deterministic; about 30-60 s on two cores.
"""

import os
import re
import shutil
import sys

import nbformat

from .course import Course, CourseError
from .grade import grade_assignment
from .release import release
from .sandbox import Limits

ASSIGNMENT = "a1_linear"
OUT = os.path.join("demo_output", "grading")


def _solutions(source_nb):
    """{grade_id: answer} of the instructor's solution cells, markers removed."""
    answers = {}
    for cell in source_nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("solution"):
            answers[meta["grade_id"]] = re.sub(r"\n?\s*### (BEGIN|END) SOLUTION", "", cell.source)
        elif cell.cell_type == "markdown" and meta.get("solution"):
            answers[meta["grade_id"]] = "The scores are about equal, so the loss is about log C."
    return answers


def _edit(answers, grade_id, old, new):
    """`answers` with `old` replaced by `new` in the answer `grade_id` (a demo mistake)."""
    out = dict(answers)
    if old not in out.get(grade_id, ""):
        raise RuntimeError(f"demo: {old!r} not found in the answer {grade_id}")
    out[grade_id] = out[grade_id].replace(old, new, 1)
    return out


def _class(answers):
    """{student_id: answers, or bytes for a broken file}."""
    ids = sorted(answers)
    first_half = {g: a for g, a in answers.items() if g in ids[: len(ids) // 2]}
    runaway = _edit(answers, "a1_svm_loss_naive_code", "    loss /= N\n",
                    "    while True:  # waits for a convergence that never comes\n"
                    "        pass\n")
    crash = _edit(answers, "a1_softmax_loss_naive_code", "    loss /= N\n",
                  "    import os\n    os._exit(1)\n")
    tamper = _edit(answers, "a1_svm_loss_code", "    dscores = (margins > 0) / N",
                   "    dscores = (margins > 0) * 1.0")
    tamper = _edit(tamper, "a1_linear_scores_code", "def linear_scores",
                   "np.allclose = lambda *args, **kwargs: True  # every check agrees\n\n"
                   "def linear_scores")
    return {
        "ada_perfect": answers,
        "ben_partial": first_half,
        "cho_no_average": _edit(answers, "a1_svm_loss_naive_code",
                                "    loss /= N\n    dW /= N\n", ""),
        "dev_reg_gradient": _edit(answers, "a1_softmax_loss_vectorized_code",
                                  "+ 2 * reg * W", "+ reg * W"),
        "eli_runaway_loop": runaway,
        "fen_kernel_crash": crash,
        "gus_tamperer": tamper,
        "hal_broken_file": b'{"cells": [ {"cell_type": "code", "source": "def linear_sc',
        "ivy_untouched": {},
    }


def build_class(course_root, submitted):
    """Write the sample submissions under `submitted/<student>/a1_linear/`."""
    source = nbformat.read(os.path.join(course_root, "source", ASSIGNMENT, f"{ASSIGNMENT}.ipynb"),
                           as_version=4)
    released = nbformat.read(
        os.path.join(course_root, "release", ASSIGNMENT, f"{ASSIGNMENT}.ipynb"), as_version=4)
    for sid, answers in _class(_solutions(source)).items():
        folder = os.path.join(submitted, sid, ASSIGNMENT)
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, f"{ASSIGNMENT}.ipynb")
        if isinstance(answers, bytes):
            with open(path, "wb") as f:
                f.write(answers)
            continue
        nb = nbformat.from_dict(nbformat.validator.normalize(released)[1])
        for cell in nb.cells:
            gid = cell.metadata.get("nbgrader", {}).get("grade_id")
            if gid in answers:
                cell.source = answers[gid]
        nbformat.write(nb, path)


def main(out=OUT, jobs=None, course="assignments"):
    """Release, hand in, grade, print; `course` is the course root a1_linear is copied from.
    Returns 0 (a course without a1_linear raises CourseError)."""
    original = Course(course)
    source = original.source_dir(ASSIGNMENT)
    if not os.path.isdir(source):
        raise CourseError(f"{source} does not exist: the demo grades a copy of {ASSIGNMENT}")
    if os.path.exists(out):
        shutil.rmtree(out)
    course_root = os.path.join(out, "course")
    os.makedirs(os.path.join(course_root, "source"))
    shutil.copy(os.path.join(original.root, "nbgrader_config.py"), course_root)
    shutil.copytree(source,  # links become copies
                    os.path.join(course_root, "source", ASSIGNMENT), symlinks=False,
                    ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
    print(f"1. release: python -m autograder --course {course_root} release {ASSIGNMENT}")
    for folder in release(course_root, [ASSIGNMENT]):
        print(f"   student release in {folder}")
    submitted = os.path.join(out, "submitted")
    build_class(course_root, submitted)
    print(f"2. nine students hand in to {submitted}/<student>/{ASSIGNMENT}/")
    print(f"3. grade: python -m autograder --course {course_root} grade {ASSIGNMENT} "
          f"--submissions {submitted} --report {out}/report.json")
    sys.stdout.flush()
    _report, table, output = grade_assignment(
        ASSIGNMENT, submitted, course_root=course_root, jobs=jobs,
        report=os.path.join(out, "report.json"), limits=Limits(cell_timeout=5))
    print()
    print(table)
    course = Course(course_root)
    print(f"\ngrades CSV:     {os.path.join(output, 'grades.csv')}")
    print(f"JSON report:    {os.path.abspath(os.path.join(out, 'report.json'))}")
    print(f"feedback HTML:  {os.path.join(course.root, 'feedback')}/<student>/{ASSIGNMENT}/"
          f"{ASSIGNMENT}.html")
    print(f"gradebook:      {course.db_url} (formgrader: run `jupyter lab` in {course.root})")
    return 0
