"""The instructor's nbgrader course: its config, releases, gradebook and source templates.

`Course(root)` reads `root/nbgrader_config.py` the way the `nbgrader` command does. A `Template`
is one source notebook as the student received it, cell by cell, with what the grader needs per
cell: its nbgrader role (test, solution, locked or free), grade id, points, the source to restore
(hidden tests included, as nbgrader's autograded notebooks have them) and the code a kernel may
run (hidden tests removed).
"""

import copy
import glob
import os
from dataclasses import dataclass

import nbformat
from nbgrader import utils
from nbgrader.apps import NbGraderAPI
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader


class CourseError(Exception):
    """The instructor's side is broken (missing assignment, unreadable course)."""


@dataclass
class TemplateCell:
    """One cell of a source notebook, with what grading needs of it."""
    kind: str  # "test" (auto-graded), "answer" (graded by hand), "solution", "locked", "free"
    cell: dict  # the cell as restored into the graded notebook
    visible: str  # the source the student saw (hidden tests removed)
    grade_id: str | None = None
    points: float = 0.0


@dataclass
class Template:
    """One source notebook as the student received it, cell by cell."""
    name: str  # notebook name without .ipynb
    cells: list
    metadata: dict

    @property
    def questions(self):
        """The auto-graded test cells."""
        return [c for c in self.cells if c.kind == "test"]

    def by_id(self):
        """{grade_id: TemplateCell} of the cells that have one."""
        return {c.grade_id: c for c in self.cells if c.grade_id}


class Course:
    """An nbgrader course root (the folder with nbgrader_config.py)."""

    def __init__(self, root="assignments"):
        """Read `root`'s nbgrader_config.py; CourseError if `root` is not a course."""
        self.root = os.path.abspath(root)
        config_file = os.path.join(self.root, "nbgrader_config.py")
        if not os.path.isdir(os.path.join(self.root, "source")):
            raise CourseError(f"{self.root} is not an nbgrader course: no source/ folder in it")
        config = Config()
        if os.path.exists(config_file):
            try:
                config.merge(PyFileConfigLoader(config_file).load_config())
            except Exception as e:
                raise CourseError(f"cannot read {config_file}: {e}") from e
        config.CourseDirectory.root = self.root
        self.config = config
        self.coursedir = CourseDirectory(config=config)
        self.db_url = self.coursedir.db_url
        self.course_id = self.coursedir.course_id

    def cell_timeout(self, default):
        """Seconds a cell may run: the course's `c.Execute.timeout` (what nbgrader uses and the
        notebooks tell the students), or `default` when the config sets none."""
        execute = self.config.get("Execute", {})
        return float(execute["timeout"]) if "timeout" in execute else float(default)

    def source_dir(self, assignment):
        """The folder of `assignment`'s source notebooks."""
        return os.path.join(self.root, "source", assignment)

    def assignments(self):
        """The ids of every assignment in source/, sorted."""
        return sorted(d for d in os.listdir(os.path.join(self.root, "source"))
                      if os.path.isdir(self.source_dir(d)) and not d.startswith("."))

    def check_assignment(self, assignment):
        """CourseError unless `assignment` has a source folder with notebooks."""
        if not os.path.isdir(self.source_dir(assignment)):
            raise CourseError(f"no assignment {assignment!r} in {self.root}/source "
                              f"(found: {', '.join(self.assignments()) or 'none'})")
        if not self.notebook_paths(assignment):
            raise CourseError(f"assignment {assignment!r} has no notebooks in its source folder")

    def notebook_paths(self, assignment):
        """The source notebooks of `assignment`, sorted."""
        return sorted(glob.glob(os.path.join(self.source_dir(assignment), "*.ipynb")))

    def release(self, assignment):
        """Run nbgrader generate_assignment; returns the release folder."""
        self.check_assignment(assignment)
        api = NbGraderAPI(coursedir=self.coursedir, config=self.config)
        result = api.generate_assignment(assignment, force=True, create=True)
        if not result.get("success"):
            raise CourseError(f"nbgrader generate_assignment {assignment} failed:\n"
                              f"{result.get('error') or result.get('log')}")
        return os.path.join(self.root, self.coursedir.release_directory, assignment)

    def in_gradebook(self, assignment):
        """Whether the gradebook knows `assignment` and every one of its notebooks."""
        from nbgrader.api import Gradebook, MissingEntry

        names = {os.path.basename(p)[:-6] for p in self.notebook_paths(assignment)}
        try:
            with Gradebook(self.db_url, self.course_id) as gb:
                found = {nb.name for nb in gb.find_assignment(assignment).notebooks}
        except MissingEntry:
            return False
        return names <= found

    def templates(self, assignment):
        """The assignment's notebooks as `Template`s, in name order."""
        self.check_assignment(assignment)
        return [self.template(path) for path in self.notebook_paths(assignment)]

    def template(self, path):
        """The source notebook at `path` as a `Template`."""
        nb = nbformat.read(path, as_version=4)
        released = copy.deepcopy(nb)
        resources = {}
        released, _ = ClearSolutions(config=self.config).preprocess(released, resources)
        visible = copy.deepcopy(released)
        visible, _ = ClearHiddenTests(config=self.config).preprocess(visible, {})
        cells = []
        for cell, shown in zip(released.cells, visible.cells, strict=True):
            cell = dict(cell)
            cell.pop("outputs", None)
            grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
            node = nbformat.from_dict(cell)
            points = 0.0
            if grade_id is None:
                kind = "free"
            elif utils.is_grade(node) and not utils.is_solution(node) and node.cell_type == "code":
                kind, points = "test", float(node.metadata.nbgrader.get("points", 0))
            elif utils.is_grade(node):
                kind, points = "answer", float(node.metadata.nbgrader.get("points", 0))
            elif utils.is_solution(node):
                kind = "solution"
            else:
                kind = "locked"
            cells.append(TemplateCell(kind, cell, shown.source, grade_id, points))
        name = os.path.basename(path)[: -len(".ipynb")]
        return Template(name, cells, dict(nb.metadata))
