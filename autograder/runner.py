"""Grade one submission: restore its notebooks, run them in a sandbox, judge the probes' arrays.

`grade_submission(context, student_id, folder)` is the unit of work a scheduler can spread over
machines; it returns a JSON-ready result and writes the graded notebook and the feedback HTML.
It never raises for a bad submission: what cannot be graded becomes the result's `error`.

Per notebook: the student's cells and the instructor's (restored) cells run in order in a jailed
kernel. For every auto-graded test cell the visible tests run first (for their printed messages
only), then the question's `probe` from the hidden tests, which saves the student's outputs as
plain arrays. The verdict comes from the question's `judge`, run here, in a process where no
student code ever ran, on arrays loaded with `allow_pickle=False`. If a cell kills the kernel or
ignores the interrupt, a fresh kernel replays the cells that worked and grading goes on.
"""

import ast
import copy
import hashlib
import importlib
import os
import re
import shutil
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field

import nbformat

from . import answers, inert
from .kernel import Run
from .sandbox import Sandbox
from .submission import SubmissionError, load_notebook, restore, scan


class GraderError(RuntimeError):
    """Grading this submission failed for a reason of the grader's (no kernel could start),
    not the student's: the result says so and the next run grades it again."""


MAX_STUDENT_FILES_BYTES = 50 * 1024 * 1024


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
        module = importlib.import_module(self.hidden_module)
        return module.QUESTIONS


# ---------------------------------------------------------------- probe modules in the sandbox

def probe_modules(questions):
    """Source files the probes need -> {module name: path}; refuses anything importing solutions."""
    wanted = {}
    todo = [q.probe.__module__ for q in questions.values()]
    while todo:
        name = todo.pop()
        if name in wanted:
            continue
        module = sys.modules.get(name) or importlib.import_module(name)
        path = getattr(module, "__file__", None)
        if not path:
            raise RuntimeError(f"probe module {name} has no source file")
        wanted[name] = path
        package = name.split(".")[0]
        with open(path) as f:
            tree = ast.parse(f.read())
        for node in ast.walk(tree):
            targets = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parent = name.rsplit(".", node.level)[0] if "." in name else name
                    base = f"{parent}.{base}".rstrip(".")
                targets = [base] + [f"{base}.{a.name}" for a in node.names]
            for target in targets:
                top = target.split(".")[0]
                if top == "solutions":
                    raise RuntimeError(f"probe module {name} imports {target}: probes must not "
                                       "import the reference solutions")
                if top == package and target != package and target in _importable(target):
                    todo.append(target)
    return wanted


def _importable(name):
    try:
        importlib.import_module(name)
        return {name}
    except ImportError:
        return set()


def install_probes(questions, folder):
    """Copy the probe modules under `folder` as a package without the judging half."""
    for name, path in probe_modules(questions).items():
        parts = name.split(".")
        for i in range(1, len(parts)):
            pkg = os.path.join(folder, *parts[:i])
            os.makedirs(pkg, exist_ok=True)
            init = os.path.join(pkg, "__init__.py")
            if not os.path.exists(init):
                open(init, "w").close()
        dest = os.path.join(folder, *parts) + (
            "/__init__.py" if path.endswith("__init__.py") else ".py")
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        shutil.copyfile(path, dest)


def probe_locator(question):
    """How the kernel finds `question.probe` in its module: the factory call that made it
    (`probe.locator`, e.g. "probe_forward('relu')"), a top-level name, or an entry of a
    module-level dict (e.g. PROBES[grade_id])."""
    locator = getattr(question.probe, "locator", None)
    if locator is not None:
        return f"_m.{locator}"
    module = importlib.import_module(question.probe.__module__)
    name = question.probe.__qualname__
    if getattr(module, name, None) is question.probe:
        return f"_m.{name}"
    for attr, value in vars(module).items():
        if isinstance(value, dict) and value.get(question.grade_id) is question.probe:
            return f"_m.{attr}[{question.grade_id!r}]"
    raise RuntimeError(f"the probe of {question.grade_id} ({question.probe.__module__}.{name}) "
                       "is neither a module-level function nor in a module-level dict")


def probe_code(question, probe_dir, out_path):
    """The code a kernel runs to record a question's outputs in `out_path` (.npz)."""
    return f"""\
def __autograder_probe():
    import importlib as _il, sys as _sys
    import numpy as _np
    if {probe_dir!r} not in _sys.path:
        _sys.path.insert(0, {probe_dir!r})
    _m = _il.import_module({question.probe.__module__!r})
    _probe = {probe_locator(question)}
    _arrays = {{}}
    for _key, _value in dict(_probe(globals())).items():
        _a = _np.asarray(_value)
        if _a.dtype.hasobject:
            _a = _np.asarray("TypeError: the answer is not a plain numeric array")
        _arrays[str(_key)] = _a
    _np.savez({out_path!r}, **_arrays)
__autograder_probe()
del __autograder_probe
"""


# ---------------------------------------------------------------- running one notebook

@dataclass
class Step:
    cell: int  # index in the restored cells
    kind: str  # "code", "test" or "probe"
    code: str
    grade_id: str | None = None
    answer: str | None = None  # .npz path for probes


def _seconds(t):
    return f"{t:g} s"


class NotebookRun:
    """Executes a restored notebook's steps, restarting the kernel when it is lost."""

    def __init__(self, sandbox, limits, flags):
        self.sandbox, self.limits, self.flags = sandbox, limits, flags
        self.kernel, self.history, self.restarts = None, [], 0
        self.deadline = time.monotonic() + limits.notebook_timeout
        self.failed_start = None

    def remaining(self):
        return self.deadline - time.monotonic()

    def _kernel(self):
        """A live kernel with the state of the steps that worked, or None."""
        while self.kernel is None:
            if self.restarts > self.limits.max_restarts or self.remaining() <= 0:
                return None
            try:
                self.kernel = self.sandbox.start_kernel()
            except RuntimeError as e:
                self.failed_start = str(e)
                self.restarts += 1
                continue
            for step in list(self.history):
                run = self.kernel.run(step.code, min(self.limits.cell_timeout, self.remaining()))
                if run.kernel_lost:
                    self.history.remove(step)
                    self._lost(step, run, replay=True)
                    break
        return self.kernel

    def _lost(self, step, run, replay=False):
        self.restarts += 1
        self.kernel.shutdown()
        self.kernel = None
        what = "a test of " + step.grade_id if step.kind == "probe" else f"cell {step.cell + 1}"
        how = {"killed": "ignored the interrupt and was killed",
               "died": "killed its kernel"}[run.status]
        self.flags.append(f"{what} {how}{' when replayed' if replay else ''}; "
                          "a fresh kernel continued")

    def run(self, step):
        if self.remaining() <= 0:
            return Run("notrun:time")
        kernel = self._kernel()
        if kernel is None:
            return Run("notrun:time" if self.remaining() <= 0 else "notrun:restarts")
        run = kernel.run(step.code, min(self.limits.cell_timeout, self.remaining()))
        if run.kernel_lost:
            self._lost(step, run)
        elif step.kind != "probe":
            self.history.append(step)
        if run.status == "timeout" and step.kind != "probe":
            self.flags.append(f"cell {step.cell + 1} was stopped after "
                              f"{_seconds(round(run.seconds))} (time limit per cell)")
        return run

    def close(self):
        if self.kernel is not None:
            self.kernel.shutdown()
            self.kernel = None


def run_message(run, limits):
    """Why a question got no verdict from its judge, or None."""
    return {
        "timeout": f"stopped after {_seconds(limits.cell_timeout)} (the time limit per cell): "
                   "look for a loop that never ends or work that is far too slow",
        "killed": f"stopped after {_seconds(limits.cell_timeout)}: the code ignored the "
                  "interrupt, so its kernel was killed",
        "died": "the kernel died while testing this answer (os._exit, a crash, or too much "
                "memory); your other answers keep their points",
        "notrun:time": f"not run: the notebook used up its time limit of "
                       f"{_seconds(limits.notebook_timeout)}",
        "notrun:restarts": "not run: the kernel died too many times",
    }.get(run.status)


def verdict(run, judged, limits):
    """-> (passed, message) of one question from its probe's run and the judge's verdict."""
    message = run_message(run, limits)
    if message:
        return False, message
    if judged is None:
        why = next((f"{o['ename']}: {o['evalue']}" for o in run.outputs
                    if o["output_type"] == "error"), "no error was shown")
        return False, f"no answer was recorded for this test ({why})"
    passed, message = judged
    return passed, coarse_numbers(message)


_DECIMAL = re.compile(r"(?<![\w.])-?\d+\.\d+(?:[eE][+-]?\d+)?(?![\w.])")


def coarse_numbers(message):
    """The judge's message with every decimal number to 3 significant digits: the student sees
    which entry is wrong and by how much, not a hidden case's expected values in full."""
    return _DECIMAL.sub(lambda m: f"{float(m.group()):.3g}", message)


def _test_outputs(outputs, passed, message):
    """A test cell's outputs in the shape nbgrader scores: an error output iff it failed."""
    shown = []
    for out in outputs:
        out = dict(out)
        if out["output_type"] == "execute_result":  # never read as partial credit
            out = {"output_type": "display_data", "data": out["data"], "metadata": {}}
        if passed and out["output_type"] == "error":
            continue
        if passed and out["output_type"] == "stream" and out["name"] == "stderr":
            out["name"] = "stdout"
        shown.append(out)
    if not passed:
        shown.append({"output_type": "error", "ename": "AssertionError", "evalue": message,
                      "traceback": [f"AssertionError: {message}"]})
    return shown


def grade_notebook(context, sandbox, template, nb, questions):
    """Run one restored notebook -> (graded nb, {grade_id: (passed, message)}, flags)."""
    cells, flags = restore(template, nb)
    for i, (kind, _cell, code, _gid) in enumerate(cells):
        if kind in ("free", "solution", "answer") and code:
            for finding in scan(code):
                flags.append(f"suspected tampering in cell {i + 1}: {finding}")
    steps = []
    for i, (kind, _cell, code, gid) in enumerate(cells):
        if code is None or not code.strip():
            continue
        steps.append(Step(i, "test" if kind == "test" else "code", code, gid))
        if kind == "test" and gid in questions:
            answer = os.path.join(sandbox.results, f"{os.urandom(8).hex()}.npz")
            steps.append(Step(i, "probe", probe_code(questions[gid], sandbox.probes, answer),
                              gid, answer))
    runner = NotebookRun(sandbox, context.limits, flags)
    runs, probes = {}, {}
    try:
        for step in steps:
            if step.kind == "probe":
                test_run = runs[(step.cell, "test")]
                if test_run.status in ("timeout", "killed", "died") or \
                        test_run.status.startswith("notrun"):
                    run = test_run  # the visible test already showed the code runs away
                else:
                    run = runner.run(step)
                probes[step.grade_id] = (run, step.answer)
            else:
                runs[(step.cell, step.kind)] = runner.run(step)
    finally:
        runner.close()
    judged = answers.judge_all([(gid, questions[gid], path) for gid, (run, path) in probes.items()
                                if run_message(run, context.limits) is None], sandbox.uid)
    verdicts = {gid: verdict(run, judged.get(gid), context.limits)
                for gid, (run, _path) in probes.items()}
    if runner.failed_start and any(r.status == "notrun:restarts" for r in runs.values()):
        raise GraderError(f"no kernel could be started for this notebook: {runner.failed_start}")

    graded = nbformat.v4.new_notebook(metadata=copy.deepcopy(template.metadata))
    count = 0
    for i, (kind, cell, _code, gid) in enumerate(cells):
        run = runs.get((i, "test" if kind == "test" else "code"))
        if kind not in ("test", "locked"):  # the student wrote it
            inert.clean_cell(cell)
        if cell.cell_type == "code":
            if run is not None and not run.status.startswith("notrun"):
                count += 1
                cell.execution_count = count
            outputs = list(run.outputs) if run else []
            if kind == "test":
                passed, message = verdicts.get(gid, (False, f"no hidden test for {gid!r}"))
                verdicts[gid] = (passed, message)
                outputs = _test_outputs(outputs, passed, message)
            cell.outputs = [nbformat.from_dict(o) for o in outputs]
        graded.cells.append(cell)
    return graded, verdicts, flags


# ---------------------------------------------------------------- one submission

def match_notebooks(templates, folder):
    """Pair each template with a submitted file -> ({name: path or None}, flags, extra files)."""
    flags = []
    files = sorted(os.listdir(folder)) if os.path.isdir(folder) else []
    notebooks = []
    for f in files:
        path = os.path.join(folder, f)
        if f.endswith(".ipynb") and not f.startswith("."):
            if os.path.islink(path):
                flags.append(f"{f} is a symbolic link; ignored")
            elif os.path.isfile(path):
                notebooks.append(f)
    pairs = {t.name: (t.name + ".ipynb" if t.name + ".ipynb" in notebooks else None)
             for t in templates}
    leftover = [f for f in notebooks if f not in pairs.values()]
    for name in [n for n, f in pairs.items() if f is None]:
        if not leftover:
            break
        # a renamed notebook: pick the leftover that shares the most grade ids
        ids = {c.grade_id for t in templates if t.name == name for c in t.cells if c.grade_id}
        best = max(leftover, key=lambda f: (_shared_ids(os.path.join(folder, f), ids), f))
        pairs[name] = best
        leftover.remove(best)
        flags.append(f"notebook {best} was graded as {name}.ipynb (renamed)")
    for f in leftover:
        flags.append(f"extra notebook {f} was not graded")
    return {n: (os.path.join(folder, f) if f else None) for n, f in pairs.items()}, flags


def _shared_ids(path, ids):
    try:
        with open(path, "rb") as f:
            text = f.read(5_000_000).decode("utf-8", "replace")
    except OSError:
        return 0
    return sum(1 for i in ids if f'"{i}"' in text)


def check_layout(folder, flags):
    """Refuse a submission reached through a symbolic link: its student folder or assignment
    folder could point at another student's work or at the instructor's source."""
    student = os.path.dirname(os.path.abspath(folder))
    expected = os.path.join(os.path.realpath(os.path.dirname(student)),
                            os.path.basename(student), os.path.basename(folder))
    for path in (student, folder):
        if os.path.islink(path):
            flags.append(f"{path} is a symbolic link; the submission was not graded")
            raise SubmissionError("the submission folder is a symbolic link (to "
                                  f"{os.readlink(path)!r}); only real folders are graded")
    if os.path.exists(folder) and os.path.realpath(folder) != expected:
        flags.append(f"{folder} resolves to {os.path.realpath(folder)}; not graded")
        raise SubmissionError("the submission folder is not where it claims to be")


def fingerprint(folder):
    """A hash of everything the student submitted (names and bytes)."""
    h = hashlib.sha256()
    if os.path.islink(folder) or os.path.islink(os.path.dirname(os.path.abspath(folder))):
        return h.hexdigest()  # not graded: never read through a link
    for base, dirs, files in sorted(os.walk(folder)) if os.path.isdir(folder) else []:
        dirs.sort()
        for f in sorted(files):
            path = os.path.join(base, f)
            h.update(os.path.relpath(path, folder).encode())
            if os.path.isfile(path) and not os.path.islink(path):
                with open(path, "rb") as fh:
                    h.update(hashlib.sha256(fh.read()).digest())
    return h.hexdigest()


def _copy_student_files(folder, work, flags):
    """The student's own non-notebook files (no links, bounded size) into the work dir.

    Hidden folders at the top (.ipython, .config, .jupyter, ...) are left out: the work dir is
    the kernel's HOME, so they would configure the grader's kernel, which they never do in the
    student's own Jupyter."""
    total = 0
    for base, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not os.path.islink(os.path.join(base, d))
                         and d not in (".ipynb_checkpoints", "__pycache__"))
        if base == folder:
            for d in [d for d in dirs if d.startswith(".")]:
                dirs.remove(d)
                flags.append(f"{d}/ ignored: hidden folders would configure the grader's kernel")
        for f in sorted(files):
            src = os.path.join(base, f)
            if f.endswith(".ipynb") or not os.path.isfile(src) or os.path.islink(src):
                if os.path.islink(src):
                    flags.append(f"{os.path.relpath(src, folder)} is a symbolic link; ignored")
                continue
            total += os.path.getsize(src)
            if total > MAX_STUDENT_FILES_BYTES:
                flags.append("submitted files larger than 50 MB in total; the rest was ignored")
                return
            dest = os.path.join(work, os.path.relpath(src, folder))
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            shutil.copyfile(src, dest)


def new_result(context, student_id, folder, error=None):
    """A result with every question at 0 (and `error`, if given) -> dict (JSON-ready)."""
    from .report import MANUAL

    result = {"student": student_id, "score": 0.0, "max_score": 0.0, "questions": {},
              "flags": [], "error": error, "notebooks": {}, "fingerprint": fingerprint(folder)}
    for t in context.templates:
        for tc in t.cells:
            if tc.kind in ("test", "answer"):
                result["questions"][tc.grade_id] = {
                    "score": 0.0, "max_score": tc.points,
                    "feedback": MANUAL if tc.kind == "answer" else "not graded"}
                result["max_score"] += tc.points
    return result


def grade_submission(context, student_id, folder, scratch=None):
    """Grade `folder` (one student's copy of the assignment) -> result dict (JSON-ready)."""
    from . import report  # HTML export is heavy; import where it is used

    started = time.monotonic()
    result = new_result(context, student_id, folder)
    questions = context.questions()
    flags = result["flags"]
    sandboxes = []
    root = tempfile.mkdtemp(prefix="grade-", dir=scratch)
    os.chmod(root, 0o711)
    try:
        check_layout(folder, flags)
        if not os.path.isdir(folder) or not os.listdir(folder):
            raise SubmissionError("the submission folder is empty: no notebook was handed in")
        paths, match_flags = match_notebooks(context.templates, folder)
        flags.extend(match_flags)
        if not any(paths.values()):
            raise SubmissionError("no notebook (.ipynb) was found in the submission")
        errors = []
        for template in context.templates:
            path = paths[template.name]
            if path is None:
                errors.append(f"{template.name}.ipynb is missing")
                continue
            try:
                nb, load_flags = load_notebook(path)
            except SubmissionError as e:
                errors.append(f"{os.path.basename(path)}: {e}")
                continue
            flags.extend(load_flags)
            sandbox = Sandbox(os.path.join(root, template.name), context.uid, context.limits,
                              context.cgroups)
            sandboxes.append(sandbox)
            _copy_student_files(folder, sandbox.work, flags)
            for rel, data in context.support_files.items():
                dest = os.path.join(sandbox.work, rel)
                os.makedirs(os.path.dirname(dest), exist_ok=True)
                with open(dest, "wb") as f:
                    f.write(data)
            install_probes(questions, sandbox.probes)
            sandbox.prepare()
            graded, verdicts, nb_flags = grade_notebook(context, sandbox, template, nb, questions)
            flags.extend(nb_flags)
            for gid, (passed, message) in verdicts.items():
                q = result["questions"].get(gid)
                if q is not None:
                    q["score"] = q["max_score"] if passed else 0.0
                    q["feedback"] = message
            result["score"] = float(sum(q["score"] for q in result["questions"].values()))
            result["notebooks"][template.name] = report.save_graded(
                context, student_id, template.name, graded, result)
        if errors:
            result["error"] = "; ".join(errors)
    except SubmissionError as e:
        result["error"] = str(e)
    except GraderError as e:
        result["error"] = f"grading failed: {e}"
        result["retry"] = True  # the grader's failure, not the student's: graded again next run
    except Exception as e:  # a grader bug must not cost the other students
        result["error"] = f"internal grading error: {type(e).__name__}: {e}"
        result["retry"] = True
        flags.append(traceback.format_exc(limit=6))
    finally:
        for sandbox in sandboxes:
            sandbox.close()
        shutil.rmtree(root, ignore_errors=True)
    result["score"] = float(sum(q["score"] for q in result["questions"].values()))
    result["flags"] = list(dict.fromkeys(flags))  # in order, without repeats
    result["seconds"] = round(time.monotonic() - started, 2)
    return result

