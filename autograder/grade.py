"""Grade a whole class: parallel workers, results saved as each student finishes, resume, shards.

`grade_assignment(...)` lists `submissions/<student>/<assignment>/`, skips students whose saved
result matches their submission (unless `force`), grades the rest with `jobs` worker processes
(each with its own kernel uid and private folders), and as each student finishes saves
`<output>/results/<student>.json` and records the scores in nbgrader's gradebook (only this
process writes it). `shard=(k, n)` grades every n-th student, so several machines can share a
class; `merge.merge_reports` joins their reports. A shard's report records which slice of
which class it graded (`"shard"`), so that the merge can tell when one is missing.
"""

import importlib
import json
import os
import signal
import subprocess
import sys
import warnings
from dataclasses import dataclass

import nbformat

from . import report as reports
from . import totals
from .course import Course, CourseError
from .exchange import copy_receipts
from .kernel import KernelServer
from .layout import fingerprint
from .pool import WorkerPool
from .runner import Context, failed_result, grade_submission
from .sandbox import (
    LOCK_DIR,
    UID_BASE,
    UID_COUNT,
    Limits,
    UidSlot,
    bounds_note,
    check_jail,
    enter_private_mounts,
    kill_uid,
    rootless,
)

RESULT_VERSION = 3  # bump when a change to grading changes results (3: inert outputs)
MAX_ATTEMPTS = 3  # runs that retry a student the grader itself failed on
PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

_context = None  # the worker's Context (set by _init_worker)
_slot = None


def _init_worker(context):
    """Set up a worker process: its own mounts and kernel uid slot, then the context."""
    global _context, _slot
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    enter_private_mounts()
    _slot = UidSlot(context.limits)
    context.uid, context.cgroups = _slot.uid, _slot.cgroups
    _context = context
    if context.limits.fork_kernels:
        KernelServer.get()  # it imports the kernel's modules while the first student is set up


def _work(item):
    """Grade one (student id, folder) in a worker -> result dict."""
    student_id, folder = item
    return grade_submission(_context, student_id, folder)


def student_deadline(limits, templates):
    """Seconds a worker may spend on one student before it is taken for hung and replaced."""
    return len(templates) * (limits.notebook_timeout + 60.0) + 120.0


def support_files(course, assignment):
    """Non-notebook files a student receives with the assignment -> {relative path: bytes}."""
    files = {}
    source = course.source_dir(assignment)
    for base, dirs, names in os.walk(source, followlinks=False):
        dirs[:] = [d for d in dirs if d not in ("__pycache__", ".ipynb_checkpoints")]
        for name in names:
            path = os.path.join(base, name)
            rel = os.path.relpath(path, source)
            if name.endswith((".ipynb", ".pyc")) or name.startswith("."):
                continue
            with open(path, "rb") as f:  # a symlinked file arrives as a copy, as in nbgrader
                files[rel] = f.read()
    return files


def list_students(submissions, assignment):
    """[(student id, folder of `assignment`)] of every student folder in `submissions`."""
    if not os.path.isdir(submissions):
        raise CourseError(f"submissions folder {submissions} does not exist")
    students = sorted(d for d in os.listdir(submissions)  # links too: refused per student
                      if os.path.isdir(os.path.join(submissions, d)) and not d.startswith("."))
    return [(s, os.path.join(submissions, s, assignment)) for s in students]


def load_result(path):
    """A saved result, or None when it is missing or unreadable."""
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def record_in_gradebook(course, assignment, templates, result):
    """Write one student's scores into nbgrader's gradebook (what formgrader shows)."""
    from nbgrader.api import Gradebook
    from nbgrader.preprocessors import SaveAutoGrades

    warnings.filterwarnings("ignore", module="nbgrader")  # SQLAlchemy chatter
    sid = result["student"]
    with Gradebook(course.db_url, course.course_id) as gb:
        gb.update_or_create_student(sid)
        gb.update_or_create_submission(assignment, sid)
    for template in templates:
        graded = result["notebooks"].get(template.name, {}).get("graded")
        if graded and os.path.exists(graded):
            nb = nbformat.read(graded, as_version=4)
            resources = {"nbgrader": {"notebook": template.name, "assignment": assignment,
                                      "student": sid, "db_url": course.db_url}}
            SaveAutoGrades(config=course.config).preprocess(nb, resources)
        else:
            with Gradebook(course.db_url, course.course_id) as gb:
                notebook = gb.find_submission_notebook(template.name, assignment, sid)
                for grade in notebook.grades:
                    grade.auto_score = 0
                    grade.needs_manual_grade = False
                gb.db.commit()


def sweep_kernel_uids():
    """Kill leftovers of kernel uids no running grader holds (after an interrupted run)."""
    import fcntl

    if rootless():  # kernels of a normal user die with their PID namespaces
        return

    from .sandbox import _processes_of_range

    for uid in _processes_of_range(UID_BASE, UID_BASE + UID_COUNT):
        lock = os.path.join(LOCK_DIR, str(uid))
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            kill_uid(uid)
        except BlockingIOError:
            pass
        finally:
            os.close(fd)


def _checked_templates(course, assignment, hidden_module, log):
    """The assignment's templates, released first if the gradebook lacks it; CourseError if a
    graded question has no hidden test."""
    course.check_assignment(assignment)
    if not course.in_gradebook(assignment):
        log(f"{assignment} is not in the gradebook yet: releasing it first")
        course.release(assignment)
    templates = course.templates(assignment)
    try:
        questions = importlib.import_module(hidden_module).QUESTIONS
    except Exception as e:
        raise CourseError(f"cannot import the hidden tests {hidden_module}: {e}") from e
    missing = [q.grade_id for t in templates for q in t.questions if q.grade_id not in questions]
    if missing:
        raise CourseError(f"{hidden_module}.QUESTIONS has no entry for: {', '.join(missing)}")
    return templates


def _select_students(submissions, assignment, shard, student):
    """([(student id, folder)] of this run: every n-th of a shard, the shard's record for its
    report or None); CourseError if `student` has no submission."""
    students = list_students(submissions, assignment)
    record = None
    if shard:
        k, n = shard
        record = {"k": k, "n": n, "students": [s for s, _ in students[k - 1::n]],
                  "class": [s for s, _ in students]}
        students = students[k - 1::n]
    if student is not None and student not in dict(students):
        raise CourseError(f"no submission of {student!r} in {submissions}/<student>/{assignment}")
    return students, record


def _split_saved(students, results_dir, force, student):
    """-> (saved results still valid {sid: result}, [(sid, folder)] to grade, {sid: attempts
    so far of students the grader failed on})."""
    results, todo, attempts = {}, [], {}
    for sid, folder in students:
        saved = load_result(os.path.join(results_dir, f"{sid}.json"))
        if student is not None and sid != student:  # untouched, even if it changed since
            if saved:
                results[sid] = saved
            continue
        if saved and saved.get("retry") and not force:
            attempts[sid] = int(saved.get("attempts", 0))
        if (not force and student is None and saved and saved.get("version") == RESULT_VERSION
                and saved.get("fingerprint") == fingerprint(folder)
                and not saved.get("retry")):  # the grader failed, not the student: again
            results[sid] = saved
        else:
            todo.append((sid, folder))
    return results, todo, attempts


def _check_jail_or_explain(limits):
    """CourseError with what the machine must offer when no jailed kernel can start."""
    try:
        check_jail(limits)
    except (OSError, RuntimeError, subprocess.SubprocessError) as e:
        raise CourseError(
            f"cannot start a jailed kernel: {e}. Kernels run in Linux namespaces (mount, "
            "PID, IPC, network), which needs root or, for a normal user, unprivileged "
            "user namespaces (sysctl kernel.unprivileged_userns_clone=1 and "
            "user.max_user_namespaces > 0; in a container, one started with them allowed), "
            "and Python with numpy needs about 1 GB of address space "
            f"(--memory-mb, now {limits.memory_mb}). Nothing was graded.") from e


@dataclass
class _Saver:
    """Saves each student's result as it arrives and records it in the gradebook."""

    course: Course
    assignment: str
    templates: list
    results_dir: str
    record: bool  # shards may run at once on one course: `merge --record` records them
    attempts: dict  # sid -> runs that already failed on the grader's side
    results: dict  # sid -> result, filled here
    log: object

    def __call__(self, result):
        """Save `result` (JSON-ready); give up retrying after MAX_ATTEMPTS grader failures."""
        result["version"] = RESULT_VERSION
        if result.get("retry"):  # the grader failed: try again next run, a few times at most
            result["attempts"] = self.attempts.get(result["student"], 0) + 1
            if result["attempts"] >= MAX_ATTEMPTS:
                result["retry"] = False
                result["error"] += (f" (given up after {MAX_ATTEMPTS} attempts: please look "
                                    "at this submission by hand)")
        reports.atomic_write(os.path.join(self.results_dir, f"{result['student']}.json"),
                             json.dumps(result, indent=1))
        try:
            if self.record:
                record_in_gradebook(self.course, self.assignment, self.templates, result)
        except Exception as e:  # the saved result stays; report the gradebook problem
            self.log(f"warning: could not record {result['student']} in the gradebook: {e}")
        self.results[result["student"]] = result


def _grade_all(context, todo, jobs, progress, save):
    """Grade `todo` [(sid, folder)] with `jobs` workers, passing each result to `save` as it
    comes; a worker that dies or hangs costs only its student (an error, retried next run)."""
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(todo) or 1))
    bar = None
    if progress and todo:
        from tqdm import tqdm

        bar = tqdm(total=len(todo), unit="student", desc=f"grading {context.assignment}",
                   file=sys.stderr, dynamic_ncols=True)
    stop = _Interrupt()
    previous = signal.signal(signal.SIGTERM, stop)
    pool = None
    try:
        if todo:
            reports.preload()  # imported once here, shared by the forked workers
            pool = WorkerPool(jobs, _init_worker, (context,), _work,
                              deadline=student_deadline(context.limits, context.templates))
            for (sid, folder), result, why in pool.run(todo):
                if why is not None:  # the worker died or hung on this student
                    result = failed_result(context, sid, folder, why)
                save(result)
                stop.check()
                if bar:
                    bar.set_postfix_str(result["student"][:20])
                    bar.update()
            pool.close()
            pool = None
    finally:
        if pool is not None:
            pool.close(kill=True)
        sweep_kernel_uids()
        signal.signal(signal.SIGTERM, previous)
        if bar:
            bar.close()


def grade_assignment(assignment, submissions, course_root="assignments", jobs=None, report=None,
                     output=None, force=False, shard=None, limits=None,
                     hidden_module="hiddentests", progress=True, log=print, student=None):
    """Grade every submission of `assignment` -> (contract report dict, summary table text,
    output folder).

    `student`: regrade that student only; everyone else keeps their saved result."""
    course = Course(course_root)
    templates = _checked_templates(course, assignment, hidden_module, log)
    output = os.path.abspath(output or os.path.join(course.root, "grades", assignment))
    results_dir = os.path.join(output, "results")
    os.makedirs(results_dir, exist_ok=True)
    limits = limits or Limits(cell_timeout=course.cell_timeout(Limits().cell_timeout))
    context = Context(course.root, assignment, templates, hidden_module, limits, results_dir,
                      support_files(course, assignment))
    students, shard_record = _select_students(submissions, assignment, shard, student)
    results, todo, attempts = _split_saved(students, results_dir, force, student)
    if todo:
        _check_jail_or_explain(limits)
        note = bounds_note()
        if note:
            log(note)
    if results:
        log(f"{len(results)} student(s) already graded (results in {results_dir}); "
            f"grading {len(todo)}" + (" (use --force to regrade all)" if not force else ""))
    save = _Saver(course, assignment, templates, results_dir, not shard, attempts, results, log)
    _grade_all(context, todo, jobs, progress, save)
    final = {sid: results[sid] for sid, _ in students if sid in results}
    # shards may run at once on one course: they leave the gradebook to `merge --record`
    final = totals.settle(course, assignment, submissions, final, log, record=not shard)
    copy_receipts(course, assignment, submissions, final)  # for nbgrader release_feedback
    extra = {"shard": shard_record} if shard_record else None
    report_dict, table = reports.write_outputs(output, assignment, final, report, extra=extra)
    return report_dict, table, output


class _Interrupt:
    """SIGTERM handler: stop like Ctrl-C (results saved so far are kept).

    If the signal lands in library code that catches the KeyboardInterrupt (a database or
    kernel client), grading would go on; so the grading loop also calls `check()` after each
    student.
    """

    def __init__(self):
        self.seen = False

    def __call__(self, signum, frame):
        """The SIGTERM handler: remember the signal and interrupt grading."""
        self.seen = True
        raise KeyboardInterrupt

    def check(self):
        """Raise KeyboardInterrupt if a SIGTERM came, even one that was swallowed."""
        if self.seen:
            raise KeyboardInterrupt
