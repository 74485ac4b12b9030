"""Grade one submission: restore its notebooks, run them in a sandbox, judge the probes' arrays.

`grade_submission(context, student_id, folder)` is the unit of work a scheduler can spread over
machines; it returns a JSON-ready result and writes the graded notebook and the feedback HTML.
It never raises for a bad submission: what cannot be graded becomes the result's `error`.

Per notebook: the student's cells and the instructor's (restored) cells run in order in a jailed
kernel. For every auto-graded test cell the visible tests run first (for their printed messages
only), then the question's `probe` from the hidden tests, which saves the student's outputs as
plain arrays. The verdict comes from the question's `judge`, run here, in a process where no
student code ever ran, on arrays loaded with `allow_pickle=False`. If a cell kills the kernel or
ignores the interrupt, a fresh kernel replays the cells that worked and grading goes on
(`notebook.py`; the submitted folder is read by `layout.py`, the probes installed by
`probing.py`).
"""

import importlib
import os
import shutil
import tempfile
import time
import traceback
from dataclasses import dataclass, field

from .layout import check_layout, copy_student_files, fingerprint, match_notebooks
from .notebook import grade_notebook
from .probing import install_probes, questions_of
from .records import GraderError, QuestionResult, Result
from .sandbox import Sandbox
from .submission import SubmissionError, load_notebook


@dataclass
class Context:
    """Everything a worker needs to grade any submission of one assignment."""

    course_root: str
    assignment: str
    templates: list  # course.Template per notebook
    hidden_module: str  # e.g. "hiddentests": QUESTIONS[grade_id] with probe/judge
    limits: object  # sandbox.Limits
    output: str  # results/ of this run
    support_files: dict = field(default_factory=dict)  # relative path -> bytes, for the work dir
    uid: int | None = None  # set per worker
    cgroups: list = field(default_factory=list)  # set per worker (root, where offered)

    def questions(self):
        """The hidden tests' QUESTIONS: {grade_id: Question}."""
        module = importlib.import_module(self.hidden_module)
        return module.QUESTIONS


def new_result(context, student_id, folder):
    """A Result with every question of the assignment at 0."""
    from .report import MANUAL  # HTML export is heavy; import where it is used

    questions, max_score = {}, 0.0
    for t in context.templates:
        for tc in t.cells:
            if tc.kind in ("test", "answer"):
                questions[tc.grade_id] = QuestionResult(
                    tc.points, feedback=MANUAL if tc.kind == "answer" else "not graded")
                max_score += tc.points
    return Result(student_id, max_score, questions, fingerprint(folder))


def failed_result(context, student_id, folder, why):
    """The JSON-ready result of a student the grader failed on (graded again next run)."""
    result = new_result(context, student_id, folder)
    result.error, result.retry = f"grading failed: {why}", True
    return result.as_dict()


def _submitted_notebooks(context, folder, flags):
    """{template name: submitted path or None}; SubmissionError when nothing can be graded."""
    check_layout(folder, flags)
    nested = nested_notebooks(folder)
    where = (f": found {', '.join(nested)} in a folder inside it; notebooks are graded only "
             "at the top of the submission folder, move them there" if nested else "")
    if not os.path.isdir(folder) or not os.listdir(folder):
        raise SubmissionError("the submission folder is empty: no notebook was handed in")
    paths, match_flags = match_notebooks(context.templates, folder)
    flags.extend(match_flags)
    if not any(paths.values()):
        raise SubmissionError("no notebook (.ipynb) was found at the top of the submission "
                              f"folder{where or ''}")
    return paths


def nested_notebooks(folder, depth=3, most=5):
    """Paths (relative to `folder`) of up to `most` notebooks in its subfolders, `depth` levels
    down at most, never following a link."""
    found = []
    for base, dirs, files in os.walk(folder, followlinks=False):
        rel = os.path.relpath(base, folder)
        level = 0 if rel == "." else rel.count(os.sep) + 1
        dirs[:] = sorted(d for d in dirs if not d.startswith(".")) if level < depth else []
        if level:
            found += sorted(os.path.join(rel, f) for f in files if f.endswith(".ipynb"))
        if len(found) >= most:
            break
    return found[:most]


def _load(template, path, flags):
    """The submitted notebook of `template` at `path`; SubmissionError if missing or unreadable."""
    if path is None:
        raise SubmissionError(f"{template.name}.ipynb is missing")
    try:
        nb, load_flags = load_notebook(path)
    except SubmissionError as e:
        raise SubmissionError(f"{os.path.basename(path)}: {e}") from e
    flags.extend(load_flags)
    return nb


def _open_sandbox(context, root, template, folder, questions, flags):
    """A prepared sandbox for one notebook: the student's files, the assignment's support
    files and the probes in place."""
    sandbox = Sandbox(os.path.join(root, template.name), context.uid, context.limits,
                      context.cgroups)
    try:
        copy_student_files(folder, sandbox.work, flags)
        for rel, data in context.support_files.items():
            dest = os.path.join(sandbox.work, rel)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            with open(dest, "wb") as f:
                f.write(data)
        install_probes(questions_of(template, questions), sandbox.probes)
        sandbox.prepare()
    except BaseException:
        sandbox.close()
        raise
    return sandbox


def _grade_notebooks(context, questions, folder, root, result):
    """Grade each notebook of the submission into `result`, writing its graded copy and
    feedback; notebooks that are missing or unreadable become the result's error."""
    from . import report  # HTML export is heavy; import where it is used

    paths = _submitted_notebooks(context, folder, result.flags)
    errors = []
    for template in context.templates:
        try:
            nb = _load(template, paths[template.name], result.flags)
        except SubmissionError as e:
            errors.append(str(e))
            continue
        sandbox = _open_sandbox(context, root, template, folder, questions, result.flags)
        try:
            graded, verdicts, nb_flags = grade_notebook(context, sandbox, template, nb,
                                                        questions)
        finally:
            sandbox.close()
        result.flags.extend(nb_flags)
        for gid, verdict in verdicts.items():
            result.record(gid, verdict)
        result.notebooks[template.name] = report.save_graded(
            context, result.student, template.name, graded, result.as_dict())
    if errors:
        result.error = "; ".join(errors)


def grade_submission(context, student_id, folder, scratch=None):
    """Grade `folder` (one student's copy of the assignment) -> result dict (JSON-ready)."""
    started = time.monotonic()
    result = new_result(context, student_id, folder)
    questions = context.questions()
    root = tempfile.mkdtemp(prefix="grade-", dir=scratch)
    os.chmod(root, 0o711)
    try:
        _grade_notebooks(context, questions, folder, root, result)
    except SubmissionError as e:
        result.error = str(e)
    except GraderError as e:
        result.error, result.retry = f"grading failed: {e}", True  # graded again next run
    except Exception as e:  # a grader bug must not cost the other students
        result.error, result.retry = f"internal grading error: {type(e).__name__}: {e}", True
        result.flags.append(traceback.format_exc(limit=6))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    result.flags = list(dict.fromkeys(result.flags))  # in order, without repeats
    result.seconds = round(time.monotonic() - started, 2)
    return result.as_dict()
