"""The adversarial corpus graded in one batch by `python -m autograder grade` (real kernels), as
root and again as a normal user (the same scores), and what must not be left on the machine.

Costs ~2-3 min here: a submission per case, 2 jobs, 2 s per cell, twice; runaway cases are
bounded by the limits below (512 MB is not enough for a kernel, so memory is 1.5 GB; 48
processes per kernel).
"""

import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys

import pytest
from adversarial_cases import CASES, MATH_MARKDOWN
from fixture_course import make_course, released, submit
from hostile_markdown import HOSTILE, active_parts, between, formgrade_page

pytestmark = pytest.mark.slow
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def tree_hash(*folders):
    h = hashlib.sha256()
    for folder in folders:
        for base, dirs, files in sorted(os.walk(folder)):
            dirs.sort()
            dirs[:] = [d for d in dirs if d != "__pycache__"]
            for f in sorted(files):
                path = os.path.join(base, f)
                h.update(os.path.relpath(path, folder).encode())
                with open(path, "rb") as fh:
                    h.update(fh.read())
    return h.hexdigest()


def cli(paths, *args, timeout=300, prefix=()):
    """`python -m autograder --course COURSE ARGS` (run under `prefix`, e.g. setpriv)."""
    env = dict(os.environ, PYTHONPATH=paths["py"], JUPYTER_PREFER_ENV_PATH="1")
    return subprocess.run([*prefix, sys.executable, "-m", "autograder", "--course",
                           paths["course"], *args],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


GRADE_ARGS = ["--hidden", "fxhidden", "--jobs", "2", "--cell-timeout", "2",
              "--notebook-timeout", "40", "--memory-mb", "1536", "--processes", "48", "--quiet"]


def build_case(case, rel, paths):
    made = case.build(rel, paths)
    if isinstance(made, dict) and "link" in made:
        os.symlink(os.path.join(paths["submitted"], made["link"]),
                   os.path.join(paths["submitted"], case.id))
        return
    if isinstance(made, dict) and "link_assignment" in made:
        os.makedirs(os.path.join(paths["submitted"], case.id))
        os.symlink(made["link_assignment"], os.path.join(paths["submitted"], case.id, "fx1"))
        return
    if not (isinstance(made, dict) and "notebook" in made):  # a notebook, bytes or None
        submit(paths["submitted"], case.id, made, case.name)
        return
    folder = submit(paths["submitted"], case.id, made["notebook"], case.name)
    if "symlink" in made:
        name, target = made["symlink"]
        os.symlink(target, os.path.join(folder, name))
    for name in made.get("fifos", []):
        os.mkfifo(os.path.join(folder, name))
    for name, data in made.get("binary", {}).items():
        with open(os.path.join(folder, name), "wb") as f:
            f.write(data)
    for name, text in made.get("files", {}).items():
        os.makedirs(os.path.dirname(os.path.join(folder, name)), exist_ok=True)
        with open(os.path.join(folder, name), "w") as f:
            f.write(text)


@pytest.fixture(scope="module")
def course_copy():
    """A world-readable copy of the course's hidden tests outside every folder grading knows,
    as a second clone or a backup would be."""
    folder = os.path.join("/var/lib", f"course-copy-{os.getpid()}")
    os.makedirs(folder, mode=0o755)
    with open(os.path.join(folder, "judges.py"), "w") as f:
        f.write("EXPECTED = 'a copy of the hidden tests'\n")
    yield os.path.join(folder, "judges.py")
    shutil.rmtree(folder)


@pytest.fixture(scope="module")
def graded(tmp_path_factory, course_copy):
    tmp = tmp_path_factory.mktemp("adversarial")
    paths = make_course(tmp)
    paths["copy"] = course_copy
    release = cli(paths, "release", "fx1")
    assert release.returncode == 0, release.stderr
    paths.update(
        judges=os.path.join(paths["py"], "fxhidden", "judges.py"),
        gradebook=os.path.join(paths["course"], "gradebook.db"),
        source_nb=os.path.join(paths["course"], "source", "fx1", "fx1.ipynb"),
        perfect_nb=os.path.join(paths["submitted"], "perfect", "fx1", "fx1.ipynb"),
        project_solutions=os.path.join(ROOT, "solutions", "__init__.py"),
    )
    rel = released(paths["course"])
    for case in CASES:
        build_case(case, rel, paths)
    protected = [os.path.join(paths["course"], "source"), paths["py"],
                 os.path.join(ROOT, "solutions"), os.path.join(ROOT, "hiddentests")]
    before = tree_hash(*protected)
    report_path = os.path.join(str(tmp), "report.json")
    run = cli(paths, "grade", "fx1", "--submissions", paths["submitted"], "--report",
              report_path, *GRADE_ARGS)
    assert run.returncode == 0, run.stdout + run.stderr
    with open(report_path) as f:
        report = json.load(f)
    return {"report": report, "paths": paths, "run": run, "protected": protected,
            "before": before}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_adversarial_submission_gets_its_exact_outcome(graded, case):
    entry = graded["report"]["students"][case.id]
    scores = {g: q["score"] for g, q in entry["questions"].items()}
    detail = json.dumps(entry, indent=1)[:3000]
    assert scores == case.scores, detail
    assert entry["score"] == sum(case.scores.values()), detail
    assert entry["max_score"] == 6.0
    for wanted in case.flags:
        assert any(wanted in flag for flag in entry["flags"]), f"no flag with {wanted!r}: {detail}"
    for gid, wanted in case.feedback.items():
        assert wanted in entry["questions"][gid]["feedback"], detail
    if case.error:
        assert entry["error"] and case.error in entry["error"], detail
    else:
        assert entry["error"] is None, detail


def graded_notebook(graded, case_id):
    import nbformat

    path = os.path.join(graded["paths"]["course"], "autograded", case_id, "fx1", "fx1.ipynb")
    return nbformat.read(path, as_version=4)


@pytest.mark.parametrize("case_id", ["huge_stdout", "huge_stdout_uncapped"])
def test_output_flood_is_cut_to_the_cap_with_a_note(graded, case_id):
    nb = graded_notebook(graded, case_id)
    text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code"
                   for o in c.outputs)
    # the kernel cuts its own output (sent in small messages); output that bypasses that cut
    # is cut by the grader, or, if a huge message cannot be read under load, dropped
    wanted = ["[output truncated: more than 64 KB]"]
    if case_id == "huge_stdout_uncapped":
        wanted.append("could not be read]")
    assert any(w in text for w in wanted), text[-300:]
    assert len(text) < 80 * 1024


def test_figures_past_the_notebooks_budget_are_dropped_with_a_note(graded):
    import nbformat

    nb = graded_notebook(graded, "figure_flood")
    outputs = [o for c in nb.cells for o in c.get("outputs", [])]
    kept = [o["data"]["image/png"] for o in outputs if "image/png" in o.get("data", {})]
    notes = [o["text"] for o in outputs if "figures not kept" in o.get("text", "")]
    assert len(kept) == 6, len(kept)  # 300 KB each: six fit in 2048 KB, the other four do not
    assert notes == ["\n[figures not kept from here on: the graded notebook keeps at most "
                     "2048 KB of figures]\n"]
    nbformat.validate(nb)


def test_instructor_files_unchanged_after_grading(graded):
    assert tree_hash(*graded["protected"]) == graded["before"]


def test_every_graded_student_gets_feedback_without_hidden_tests(graded):
    course = graded["paths"]["course"]
    for case in CASES:
        if case.error:
            continue
        path = os.path.join(course, "feedback", case.id, "fx1", "fx1.html")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        assert "HIDDEN TESTS" not in text and "from fxhidden import check" not in text, case.id
        assert f"Feedback: {case.id}" in text


def test_gradebook_holds_the_same_scores_as_the_report(graded):
    from nbgrader.api import Gradebook

    db = "sqlite:///" + graded["paths"]["gradebook"]
    with Gradebook(db) as gb:
        scores = {s.student.id: s.score for s in gb.assignment_submissions("fx1")}
    assert scores == {sid: e["score"] for sid, e in graded["report"]["students"].items()}


def test_grades_csv_has_a_row_per_student_and_a_column_per_question(graded):
    import csv

    path = os.path.join(graded["paths"]["course"], "grades", "fx1", "grades.csv")
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["student_id"] for r in rows] == sorted(c.id for c in CASES)
    assert {"test_add", "test_scale", "test_norm"} <= set(rows[0])


def test_no_kernel_process_survives_the_run(graded):
    from autograder.sandbox import UID_BASE, UID_COUNT, _processes_of_range

    assert _processes_of_range(UID_BASE, UID_BASE + UID_COUNT) == []


def test_student_scripts_never_reach_graded_notebooks_or_feedback(graded):
    nb = graded_notebook(graded, "scripts")
    mimetypes = {k for c in nb.cells for o in c.get("outputs", []) for k in o.get("data", {})}
    assert mimetypes <= {"text/plain", "image/png", "image/jpeg", "image/gif"}, mimetypes
    markdown = "".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "My answer" in markdown and MATH_MARKDOWN in markdown
    for bad in ("<script", "onerror", "javascript:"):
        assert bad not in markdown.lower(), markdown
    path = os.path.join(graded["paths"]["course"], "feedback", "scripts", "fx1", "fx1.html")
    with open(path, encoding="utf-8") as f:
        page = f.read()
    # the student's code may appear as (escaped) text; nothing of it as live markup
    for bad in ("<script>window.stolen", "<script>alert", "onerror=", 'href="javascript:'):
        assert bad not in page, bad


def test_hostile_markdown_is_inert_in_the_formgrader_and_the_feedback_page(graded):
    course = graded["paths"]["course"]
    page = formgrade_page(os.path.join(course, "autograded", "hostile_markdown", "fx1",
                                       "fx1.ipynb"))
    with open(os.path.join(course, "feedback", "hostile_markdown", "fx1", "fx1.html"),
              encoding="utf-8") as f:
        feedback = f.read()
    for i in range(len(HOSTILE)):
        for html_page in (page, feedback):
            assert active_parts(between(html_page, i)) == [], between(html_page, i)


def test_huge_error_messages_are_cut_in_graded_notebook_and_feedback(graded):
    course = graded["paths"]["course"]
    graded_nb = os.path.join(course, "autograded", "huge_errors", "fx1", "fx1.ipynb")
    feedback = os.path.join(course, "feedback", "huge_errors", "fx1", "fx1.html")
    assert os.path.getsize(graded_nb) < 1_000_000
    assert os.path.getsize(feedback) < 2_000_000
    assert "characters cut]" in open(graded_nb, encoding="utf-8").read()


def _host_processes_running(text):
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if text.encode() in f.read():
                    found.append(pid)
        except OSError:
            pass
    return found


def test_nothing_a_kernel_made_is_left_on_the_host(graded):
    for folder in ("/tmp", "/var/tmp", "/dev/shm", os.path.expanduser("~")):
        assert not os.path.exists(os.path.join(folder, "left-behind-by-student")), folder
    with open("/proc/sysvipc/shm") as f:
        keys = [int(line.split()[0]) for line in f.readlines()[1:]]
    assert 0x5EED not in keys
    assert _host_processes_running("while True: pass") == []


# ---------------------------------------------------------------- the same corpus as a normal user

GRADER_UID = 1500  # a normal user with a home of its own, made for the test if missing


def _normal_user():
    import pwd

    try:
        return pwd.getpwuid(GRADER_UID)
    except KeyError:
        subprocess.run(["useradd", "--create-home", "--uid", str(GRADER_UID), "grader-test"],
                       check=True, capture_output=True)
        return pwd.getpwuid(GRADER_UID)


def python_paths():
    """What a student's Python must reach: the interpreter, its stdlib and the packages."""
    paths = {sys.prefix, sys.base_prefix, os.path.dirname(os.path.realpath(sys.executable))}
    return sorted({os.path.realpath(p) for p in paths})


def closed_ancestors(paths):
    """The topmost folders on the way to `paths` that others cannot enter (e.g. /root)."""
    closed = set()
    for path in paths:
        parts = path.strip("/").split("/")
        for i in range(1, len(parts)):
            folder = "/" + "/".join(parts[:i])
            if not os.stat(folder).st_mode & stat.S_IXOTH:
                closed.add(folder)
                break
    return sorted(closed)


def _as_user(user, argv, env, cwd):
    """`argv` as `user` (no capabilities) in a private mount namespace where this Python and the
    project are reachable even when they live under a folder only root may enter (/root/.pyenv,
    a clone in a private temporary folder); nothing else changes for the user."""
    import shlex
    import tempfile

    exposed = sorted({*python_paths(), os.path.realpath(ROOT)})
    closed = closed_ancestors(exposed)
    stash = tempfile.mkdtemp(prefix="stash-")
    q = shlex.quote
    lines = ["set -e"]
    for i, path in enumerate(exposed):
        os.makedirs(os.path.join(stash, str(i)))
        lines.append(f"mount --bind {q(path)} {q(os.path.join(stash, str(i)))}")
    lines += [f"mount -t tmpfs -o mode=0755,size=1m none {q(f)}" for f in sorted(closed)]
    for i, path in enumerate(exposed):
        lines += [f"mkdir -p {q(path)}", f"mount --bind {q(os.path.join(stash, str(i)))} {q(path)}"]
    lines += [f"cd {q(cwd)}", f"exec setpriv --reuid={user.pw_uid} --regid={user.pw_gid} "
              "--clear-groups --inh-caps=-all " + " ".join(q(a) for a in argv)]
    try:
        return subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c",
                               "\n".join(lines)], env=env, capture_output=True, text=True,
                              timeout=600)
    finally:
        shutil.rmtree(stash, ignore_errors=True)


@pytest.fixture(scope="module")
def graded_rootless(graded):
    """The corpus graded again by a normal user (no root, no capabilities), same limits."""
    import tempfile

    user = _normal_user()
    tmp = tempfile.mkdtemp(prefix="rootless-")  # where the user may enter (not pytest's tmp)
    os.chmod(tmp, 0o755)
    paths = graded["paths"]
    course = os.path.join(tmp, "course")
    shutil.copytree(paths["course"], course, symlinks=True,
                    ignore=shutil.ignore_patterns("autograded", "feedback", "grades"))
    py = os.path.join(tmp, "py")
    shutil.copytree(paths["py"], py, ignore=shutil.ignore_patterns("__pycache__"))
    submitted = os.path.join(tmp, "submitted")
    subprocess.run(["cp", "-a", paths["submitted"], submitted], check=True)  # FIFOs as FIFOs
    for base, dirs, files in os.walk(tmp):
        for name in [base, *(os.path.join(base, n) for n in dirs + files)]:
            os.lchown(name, user.pw_uid, user.pw_gid)
    # the two symlinked folders point into the root run's tree: point them into this one
    for link in ("linked_student", os.path.join("linked_assignment", "fx1")):
        target = os.readlink(os.path.join(submitted, link))
        os.unlink(os.path.join(submitted, link))
        target = target.replace(paths["course"], course).replace(paths["submitted"], submitted)
        os.symlink(target, os.path.join(submitted, link))
        os.lchown(os.path.join(submitted, link), user.pw_uid, user.pw_gid)
    report_path = os.path.join(tmp, "report.json")
    env = dict(os.environ, PYTHONPATH=py, JUPYTER_PREFER_ENV_PATH="1",
               HOME=user.pw_dir, USER=user.pw_name)
    run = _as_user(user, [sys.executable, "-m", "autograder", "--course", course, "grade",
                          "fx1", "--submissions", submitted, "--report", report_path, "--force",
                          *GRADE_ARGS], env, ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    with open(report_path) as f:
        yield json.load(f)
    shutil.rmtree(tmp, ignore_errors=True)


def test_a_normal_user_grades_the_corpus_exactly_as_root(graded, graded_rootless):
    as_root = graded["report"]["students"]
    as_user = graded_rootless["students"]
    assert set(as_user) == set(as_root)
    for sid, entry in as_root.items():
        user = as_user[sid]
        scores = {g: q["score"] for g, q in entry["questions"].items()}
        assert {g: q["score"] for g, q in user["questions"].items()} == scores, (sid, user)
        assert bool(user["error"]) == bool(entry["error"]), (sid, user["error"])
