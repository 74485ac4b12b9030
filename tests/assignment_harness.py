"""Runs the assignments through real nbgrader in a temporary copy of the course root.

`Course(tmp)` copies `assignments/nbgrader_config.py` and `source/` (symlinks become files),
`generate(a)` releases an assignment, `submit(a, student, nb)` places a submission,
`autograde(a)` grades every submission in one nbgrader run, `scores(a)` reads the gradebook.
Submissions are built from the release notebook: every solution cell gets the instructor's
code, except the cells of the functions a corpus entry replaces (see tests/corpus/).
"""

import ast
import copy
import os
import shutil
import subprocess
import sys
import time

import corpus
import nbformat

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COURSE = os.path.join(REPO, "assignments")
ASSIGNMENTS = ["a1_linear", "a2_activations", "a3_forward", "a4_backprop", "a5_autograd"]
# every assignment, or the ones named in ASSIGNMENTS_UNDER_TEST (e.g. "a1_linear a4_backprop")
AVAILABLE = [a for a in ASSIGNMENTS if a in os.environ.get("ASSIGNMENTS_UNDER_TEST", a)]


def nbgrader_env():
    env = dict(os.environ)
    env["JUPYTER_PREFER_ENV_PATH"] = "1"
    env.pop("PYTEST_CURRENT_TEST", None)
    return env


class Course:
    """A throw-away nbgrader course root (never the committed assignments/)."""

    def __init__(self, root, assignments=ASSIGNMENTS):
        self.root = str(root)
        os.makedirs(self.root, exist_ok=True)
        shutil.copy(os.path.join(COURSE, "nbgrader_config.py"), self.root)
        for a in assignments:
            shutil.copytree(
                os.path.join(COURSE, "source", a),
                os.path.join(self.root, "source", a),
                symlinks=False,
                ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"),
            )

    def nbgrader(self, *args, check=True):
        proc = subprocess.run(
            [sys.executable, "-m", "nbgrader", *args],
            cwd=self.root,
            env=nbgrader_env(),
            capture_output=True,
            text=True,
            timeout=900,
        )
        if check and proc.returncode != 0:
            raise RuntimeError(f"nbgrader {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
        return proc

    def path(self, *parts):
        return os.path.join(self.root, *parts)

    def generate(self, assignment):
        self.nbgrader("generate_assignment", assignment, "--force")

    def source_nb(self, assignment):
        return nbformat.read(self.path("source", assignment, assignment + ".ipynb"), as_version=4)

    def release_nb(self, assignment):
        return nbformat.read(self.path("release", assignment, assignment + ".ipynb"), as_version=4)

    def submit(self, assignment, student, nb):
        folder = self.path("submitted", student, assignment)
        os.makedirs(folder, exist_ok=True)
        nbformat.write(nb, os.path.join(folder, assignment + ".ipynb"))

    def autograde(self, assignment):
        """Grade every submission not graded yet, in one run (exit status 1 when any single
        submission fails: the scores tell what happened)."""
        return self.nbgrader("autograde", assignment, check=False)

    def feedback(self, assignment, student):
        self.nbgrader("generate_feedback", assignment, "--student", student, "--force")
        return self.path("feedback", student, assignment, assignment + ".html")

    def scores(self, assignment):
        """{student: {grade_id: (score, max_score)}} from the gradebook."""
        from nbgrader.api import Gradebook

        out = {}
        with Gradebook("sqlite:///" + self.path("gradebook.db")) as gb:
            for sub in gb.assignment_submissions(assignment):
                grades = {}
                for nb in sub.notebooks:
                    for g in nb.grades:
                        grades[g.name] = (g.score, g.max_score, g.auto_score)
                out[sub.student.id] = grades
        return out


# ---------------------------------------------------------------------------------------------
# Submissions
# ---------------------------------------------------------------------------------------------


def defined_names(source):
    """Top-level function and class names a cell defines."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    return {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}


def solution_sources(source_nb):
    """{grade_id: source} of the instructor's solution code cells."""
    return {
        c.metadata["nbgrader"]["grade_id"]: c.source
        for c in source_nb.cells
        if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")
    }


STUDENT_ANSWER = "My answer, in my own words, to the question above."


def submission(release_nb, source_nb, replacements=None, drop_demos=False):
    """The release notebook with the instructor's code in every solution cell.

    replacements: {function or class name, or solution cell grade id: new source of that cell}.
    drop_demos: leave out the cells tagged `demo` (training runs, timings, figures: nothing
    graded depends on them), as a student may; it saves seconds per graded notebook.
    """
    replacements = dict(replacements or {})
    solutions = solution_sources(source_nb)
    nb = copy.deepcopy(release_nb)
    if drop_demos:
        nb.cells = [c for c in nb.cells if "demo" not in c.metadata.get("tags", [])]
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "markdown" and meta.get("solution"):
            cell.source = STUDENT_ANSWER  # answered: graded by hand, not auto-scored 0
            continue
        if cell.cell_type != "code" or not meta.get("solution"):
            continue
        source = solutions[meta["grade_id"]]
        if meta["grade_id"] in replacements:  # a cell without functions: replaced by its id
            source = replacements.pop(meta["grade_id"])
        for name in defined_names(source):
            if name in replacements:
                source = replacements.pop(name)
        cell.source = source
    if replacements:
        raise KeyError(f"no solution cell defines {sorted(replacements)}")
    return nb


def apply_edits(source, edits):
    """Apply [(old, new)] text replacements to a function's source; each old must occur once."""
    for old, new in edits:
        if source.count(old) != 1:
            raise ValueError(f"expected exactly one occurrence of {old!r} in:\n{source}")
        source = source.replace(old, new)
    return source


def corpus_replacements(source_nb, entry):
    """{name: cell source} of a corpus entry (Edit: text edits of the reference; Source: full)."""
    solutions = solution_sources(source_nb)
    by_name = dict(solutions)  # cells by grade id, and by the functions/classes they define
    for src in solutions.values():
        for name in defined_names(src):
            by_name[name] = src
    if entry.source is not None:
        return {entry.name: entry.source}
    return {entry.name: apply_edits(by_name[entry.name], entry.edits)}


def grade_with_nbgrader(root, assignment):
    """One assignment through real nbgrader in a fresh course at `root`: generate, autograde
    the reference (timed), the stub and the packed corpus in one run, feedback, and Run All of
    the release as a student. Returns a dict of what the tests read."""
    course = Course(root, [assignment])
    course.generate(assignment)
    src, rel = course.source_nb(assignment), course.release_nb(assignment)
    course.submit(assignment, "reference", submission(rel, src))
    start = time.perf_counter()  # Run All of the full reference notebook, through nbgrader
    course.nbgrader("autograde", assignment, "--student", "reference", "--force")
    reference_seconds = time.perf_counter() - start
    course.submit(assignment, "stub", rel)
    mutants, variants = corpus.load(assignment)
    entries = {**mutants, **variants}
    packs = corpus.pack(mutants) + corpus.pack(variants)
    for student, ids in packs:
        replacements = {}
        for entry_id in ids:
            replacements.update(corpus_replacements(src, entries[entry_id]))
        course.submit(assignment, student, submission(rel, src, replacements, drop_demos=True))
    proc = course.autograde(assignment)
    release_errors = run_release(course, assignment)
    feedback = {s: course.feedback(assignment, s) for s in ("reference", "stub", packs[0][0])}
    return {
        "course": course,
        "scores": course.scores(assignment),
        "mutants": mutants,
        "variants": variants,
        "packs": dict(packs),
        "log": proc.stdout + proc.stderr,
        "feedback": feedback,
        "release_errors": release_errors,
        "reference_seconds": reference_seconds,
    }


def run_release(course, assignment):
    """Run the release notebook as a student would (Run All in its folder): its error outputs."""
    from nbclient import NotebookClient

    folder = course.path("release", assignment)
    nb = course.release_nb(assignment)
    NotebookClient(
        nb,
        timeout=120,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": folder}},
    ).execute()
    return [
        (o.ename, o.evalue)
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
        if o.output_type == "error"
    ]
