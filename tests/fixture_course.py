"""A tiny nbgrader course built in a temporary folder, with hidden tests in the probe/judge shape.

`make_course(tmp)` writes:
- `tmp/course/`: nbgrader_config.py and source/fx1/fx1.ipynb (three questions: add 2 pts,
  scale 3 pts, row_norms 1 pt) plus a data file the notebook reads;
- `tmp/py/fxhidden/`: QUESTIONS with probe (probes.py, never imports the solutions) and judge
  (judges.py, compares with fxsolutions);
- `tmp/py/fxsolutions.py`: the reference.
`student(course, answers=..., edit=...)` builds a submitted notebook from the release.
"""

import copy
import os
import textwrap

import nbformat

ANSWERS = {  # the reference answers, as a student would type them
    "add": "def add(a, b):\n    return np.asarray(a) + np.asarray(b)",
    "scale": "def scale(x, k):\n    return k * np.asarray(x)",
    "norm": "def row_norms(X):\n    return np.sqrt((np.asarray(X) ** 2).sum(axis=1))",
}
POINTS = {"test_add": 2.0, "test_scale": 3.0, "test_norm": 1.0}


def _meta(grade_id, *, grade=False, solution=False, locked=False, points=0):
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3,
            "solution": solution}
    if grade:
        meta["points"] = points
    return {"nbgrader": meta}


def _hidden(grade_id):
    return ("\n### BEGIN HIDDEN TESTS\nfrom fxhidden import check\n"
            f'check("{grade_id}", globals())\n### END HIDDEN TESTS')


FREE_RESPONSE_POINTS = 2.0  # the optional free-response question, graded by hand


def source_notebook(free_response=False):
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    cells = [
        md("# Fixture assignment\nImplement three small functions."),
        code("import numpy as np\nSCALE_K = float(open('data.txt').read())",
             metadata=_meta("setup", locked=True)),
        code("def add(a, b):\n    ### BEGIN SOLUTION\n    return np.asarray(a) + np.asarray(b)\n"
             "    ### END SOLUTION", metadata=_meta("add", solution=True)),
        code("assert np.allclose(add(1, 2), 3)\nprint('add works on scalars')"
             + _hidden("test_add"),
             metadata=_meta("test_add", grade=True, locked=True, points=2)),
        code("def scale(x, k):\n    ### BEGIN SOLUTION\n    return k * np.asarray(x)\n"
             "    ### END SOLUTION", metadata=_meta("scale", solution=True)),
        code("assert np.allclose(scale([1, 2], SCALE_K), [2, 4])" + _hidden("test_scale"),
             metadata=_meta("test_scale", grade=True, locked=True, points=3)),
        md("Row norms: $\\|x_i\\|_2$ for every row."),
        code("def row_norms(X):\n    ### BEGIN SOLUTION\n"
             "    return np.sqrt((np.asarray(X) ** 2).sum(axis=1))\n    ### END SOLUTION",
             metadata=_meta("norm", solution=True)),
        code("assert np.allclose(row_norms(np.eye(2)), [1, 1])" + _hidden("test_norm"),
             metadata=_meta("test_norm", grade=True, locked=True, points=1)),
    ]
    if free_response:
        cells += [md("Why does `row_norms` square before summing? (graded by hand)"),
                  md("YOUR ANSWER HERE", metadata=_meta("explain", grade=True, solution=True,
                                                        points=FREE_RESPONSE_POINTS))]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    return nb


HIDDEN_INIT = '''\
"""Fixture hidden tests: QUESTIONS[grade_id] = Question(probe, judge)."""
from dataclasses import dataclass
from typing import Callable

from . import judges, probes


@dataclass
class Question:
    grade_id: str
    points: float
    names: tuple
    probe: Callable
    judge: Callable


QUESTIONS = {
    "test_add": Question("test_add", 2, ("add",), probes.probe_add, judges.judge_add),
    "test_scale": Question("test_scale", 3, ("scale",), probes.probe_scale, judges.judge_scale),
    "test_norm": Question("test_norm", 1, ("row_norms",), probes.probe_norm, judges.judge_norm),
}


def check(grade_id, ns):
    failures = QUESTIONS[grade_id].judge(QUESTIONS[grade_id].probe(ns))
    if failures:
        raise AssertionError("\\n".join(failures))
'''

HIDDEN_PROBES = '''\
"""Probes: run in the student's kernel, return plain arrays, judge nothing."""
import numpy as np

from .inputs import inputs


def _call(ns, name, *args):
    try:
        return np.asarray(ns[name](*args), dtype=float)
    except BaseException as e:  # recorded, judged elsewhere
        return np.asarray(f"{type(e).__name__}: {e}")


def probe_add(ns):
    a, b = inputs("add")
    return {"out": _call(ns, "add", a, b)}


def probe_scale(ns):
    x, k = inputs("scale")
    return {"out": _call(ns, "scale", x, k)}


def probe_norm(ns):
    (X,) = inputs("norm")
    return {"out": _call(ns, "row_norms", X)}
'''

HIDDEN_INPUTS = '''\
"""Inputs of every question, from fixed seeds (shared by probes and judges)."""
import numpy as np


def inputs(name):
    rng = np.random.default_rng({"add": 1, "scale": 2, "norm": 3}[name])
    if name == "add":
        return rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    if name == "scale":
        return rng.normal(size=5), 2.5
    return (rng.normal(size=(6, 3)),)
'''

HIDDEN_JUDGES = '''\
"""Judges: compare the recorded arrays with the reference, in the trusted process."""
import numpy as np

import fxsolutions

from .inputs import inputs


def _compare(name, outputs, expected):
    got = outputs["out"]
    if got.dtype.kind in "US":
        return [f"{name} raised {got}"]
    if got.shape != np.shape(expected):
        return [f"{name}: expected shape {np.shape(expected)}, got {got.shape}"]
    if not np.allclose(got, expected, rtol=1e-7, atol=1e-10):
        return [f"{name}: values differ from the expected ones (max error "
                f"{np.max(np.abs(got - expected)):.3g})"]
    return []


def judge_add(outputs):
    return _compare("add", outputs, fxsolutions.add(*inputs("add")))


def judge_scale(outputs):
    return _compare("scale", outputs, fxsolutions.scale(*inputs("scale")))


def judge_norm(outputs):
    return _compare("row_norms", outputs, fxsolutions.row_norms(*inputs("norm")))
'''

SOLUTIONS = '''\
"""Fixture reference solutions (instructors only)."""
import numpy as np


def add(a, b):
    return np.asarray(a) + np.asarray(b)


def scale(x, k):
    return k * np.asarray(x)


def row_norms(X):
    return np.sqrt((np.asarray(X) ** 2).sum(axis=1))
'''


def _write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def make_course(tmp, free_response=False):
    """Write the fixture course and hidden tests under `tmp` -> dict of paths (with
    `free_response`, the notebook ends with a question a TA grades by hand)."""
    tmp = str(tmp)
    course = os.path.join(tmp, "course")
    py = os.path.join(tmp, "py")
    _write(os.path.join(course, "nbgrader_config.py"),
           'c = get_config()\nc.CourseDirectory.course_id = "fixture"\n')
    nbformat.write(source_notebook(free_response),
                   _mk(os.path.join(course, "source", "fx1", "fx1.ipynb")))
    _write(os.path.join(course, "source", "fx1", "data.txt"), "2.0\n")
    _write(os.path.join(py, "fxhidden", "__init__.py"), HIDDEN_INIT)
    _write(os.path.join(py, "fxhidden", "probes.py"), HIDDEN_PROBES)
    _write(os.path.join(py, "fxhidden", "inputs.py"), HIDDEN_INPUTS)
    _write(os.path.join(py, "fxhidden", "judges.py"), HIDDEN_JUDGES)
    _write(os.path.join(py, "fxsolutions.py"), SOLUTIONS)
    return {"course": course, "py": py, "submitted": os.path.join(tmp, "submitted")}


def _mk(path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    return path


def released(course):
    """The release notebook (run `release` first)."""
    return nbformat.read(os.path.join(course, "release", "fx1", "fx1.ipynb"), as_version=4)


def student(release_nb, answers=None, edit=None):
    """A submission: the release with `answers` {grade_id: code} typed in, then `edit(nb)`."""
    nb = copy.deepcopy(release_nb)
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if answers and gid in answers:
            cell.source = textwrap.dedent(answers[gid]).strip("\n")
    if edit:
        nb = edit(nb) or nb
    return nb


def submit(submitted, student_id, nb_or_bytes, name="fx1.ipynb"):
    """Place a submission at submitted/<student_id>/fx1/<name>."""
    folder = os.path.join(submitted, student_id, "fx1")
    os.makedirs(folder, exist_ok=True)
    if nb_or_bytes is None:
        return folder
    path = os.path.join(folder, name)
    if isinstance(nb_or_bytes, bytes):
        with open(path, "wb") as f:
            f.write(nb_or_bytes)
    else:
        nbformat.write(nb_or_bytes, path)
    return folder
