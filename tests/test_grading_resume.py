"""Resume after an interrupted run, --force, determinism, shards and merge (real kernels).

Costs ~40 s: the fixture course with 6 students graded four times with 1-2 jobs.
"""

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from fixture_course import ANSWERS, make_course, released, student, submit
from test_grading_adversarial import ROOT, cli

pytestmark = pytest.mark.slow
ARGS = ["--hidden", "fxhidden", "--cell-timeout", "2", "--notebook-timeout", "30", "--quiet"]


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("resume")
    paths = make_course(tmp)
    assert cli(paths, "release", "fx1").returncode == 0
    rel = released(paths["course"])
    wrong = dict(ANSWERS, scale="def scale(x, k):\n    return x")
    slow = dict(ANSWERS, norm="import time\ndef row_norms(X):\n    time.sleep(1)\n"
                              "    return np.sqrt((np.asarray(X) ** 2).sum(axis=1))")
    for sid, answers in [("ann", ANSWERS), ("bob", wrong), ("cat", None), ("dan", slow),
                         ("eve", ANSWERS), ("fay", wrong)]:
        submit(paths["submitted"], sid, student(rel, answers))
    return paths


def results_dir(paths):
    return os.path.join(paths["course"], "grades", "fx1", "results")


def scores(report):
    return {s: (e["score"], {g: q["score"] for g, q in e["questions"].items()})
            for s, e in report["students"].items()}


def test_interrupted_run_resumes_and_force_regrades_identically(course, tmp_path):
    env = dict(os.environ, PYTHONPATH=course["py"], JUPYTER_PREFER_ENV_PATH="1")
    cmd = [sys.executable, "-m", "autograder", "--course", course["course"], "grade", "fx1",
           "--submissions", course["submitted"], "--jobs", "1", *ARGS]
    run = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        folder = results_dir(course)
        if os.path.isdir(folder) and any(f.endswith(".json") for f in os.listdir(folder)):
            break
        time.sleep(0.02)
    run.send_signal(signal.SIGTERM)
    out, err = run.communicate(timeout=60)
    done_first = sorted(f for f in os.listdir(results_dir(course)) if f.endswith(".json"))
    assert 1 <= len(done_first) < 6, (done_first, run.returncode, out, err)
    assert run.returncode == 130 and "interrupted: results saved so far are kept" in err
    stamps = {f: os.stat(os.path.join(results_dir(course), f)).st_mtime_ns for f in done_first}

    report1 = str(tmp_path / "r1.json")
    resumed = cli(course, "grade", "fx1", "--submissions", course["submitted"], "--jobs", "2",
                  "--report", report1, *ARGS)
    assert resumed.returncode == 0, resumed.stderr
    assert f"{len(done_first)} student(s) already graded" in resumed.stdout
    for f, stamp in stamps.items():  # kept, not regraded
        assert os.stat(os.path.join(results_dir(course), f)).st_mtime_ns == stamp
    with open(report1) as f:
        first = json.load(f)
    assert set(first["students"]) == {"ann", "bob", "cat", "dan", "eve", "fay"}

    report2 = str(tmp_path / "r2.json")
    forced = cli(course, "grade", "fx1", "--submissions", course["submitted"], "--jobs", "2",
                 "--force", "--report", report2, *ARGS)
    assert forced.returncode == 0, forced.stderr
    with open(report2) as f:
        second = json.load(f)
    assert second == first  # same scores, feedback, flags: grading is deterministic
    assert scores(first)["ann"][0] == 6.0 and scores(first)["bob"][0] == 3.0
    assert scores(first)["cat"][0] == 0.0 and scores(first)["dan"][0] == 6.0


def test_shards_merge_into_the_full_report(course, tmp_path):
    reports = []
    for k in (1, 2):
        out = str(tmp_path / f"shard{k}")
        run = cli(course, "grade", "fx1", "--submissions", course["submitted"], "--shard",
                  f"{k}/2", "--output", out, "--jobs", "1", *ARGS)
        assert run.returncode == 0, run.stderr
        reports.append(os.path.join(out, "report.json"))
    with open(reports[0]) as f:
        assert sorted(json.load(f)["students"]) == ["ann", "cat", "eve"]
    merged = str(tmp_path / "merged")
    run = cli(course, "merge", *reports, "--output", merged, "--record")
    assert run.returncode == 0, run.stderr
    with open(os.path.join(merged, "report.json")) as f:
        combined = json.load(f)
    assert sorted(combined["students"]) == ["ann", "bob", "cat", "dan", "eve", "fay"]
    assert combined["students"]["fay"]["score"] == 3.0
    assert os.path.exists(os.path.join(merged, "grades.csv"))


def test_missing_assignment_is_an_instructor_error_with_exit_status_2(course):
    run = cli(course, "grade", "nope", "--submissions", course["submitted"], *ARGS)
    assert run.returncode == 2
    assert "no assignment 'nope'" in run.stderr


def test_a_result_the_grader_failed_on_is_graded_again_by_the_next_run(course):
    folder = results_dir(course)
    if not os.path.isdir(folder) or len(os.listdir(folder)) < 6:
        assert cli(course, "grade", "fx1", "--submissions", course["submitted"], "--jobs", "2",
                   *ARGS).returncode == 0
    path = os.path.join(folder, "ann.json")
    with open(path) as f:
        failed = json.load(f)
    failed.update(score=0.0, retry=True, error="grading failed: no kernel could be started")
    with open(path, "w") as f:
        json.dump(failed, f)
    others = {f: os.stat(os.path.join(folder, f)).st_mtime_ns
              for f in os.listdir(folder) if f != "ann.json"}

    run = cli(course, "grade", "fx1", "--submissions", course["submitted"], "--jobs", "1", *ARGS)
    assert run.returncode == 0, run.stderr
    assert "5 student(s) already graded" in run.stdout
    with open(path) as f:
        again = json.load(f)
    assert again["score"] == 6.0 and again["error"] is None and "retry" not in again
    for f, stamp in others.items():
        assert os.stat(os.path.join(folder, f)).st_mtime_ns == stamp


def _course_state(paths):
    from test_grading_adversarial import tree_hash

    return tree_hash(paths["course"], paths["submitted"])


@pytest.mark.parametrize("how, wanted", [
    # root without CAP_SYS_ADMIN, as an unprivileged grader: no namespaces
    (["setpriv", "--bounding-set", "-sys_admin"],
     "private mount namespace: Operation not permitted"),
    ([], "now 64"),  # too little memory for Python with numpy
])
def test_a_grader_that_cannot_jail_kernels_stops_before_grading_anything(course, how, wanted):
    before = _course_state(course)
    extra = ["--memory-mb", "64"] if not how else []
    run = cli(course, "grade", "fx1", "--submissions", course["submitted"], "--force", *extra,
              *ARGS, prefix=how)
    assert run.returncode == 2, run.stdout + run.stderr
    assert run.stderr.startswith("error: cannot start a jailed kernel: "), run.stderr
    assert wanted in run.stderr and run.stderr.rstrip().endswith("Nothing was graded.")
    assert _course_state(course) == before  # no result, grade or gradebook entry touched


def _kernel_processes():
    from autograder.sandbox import UID_BASE, UID_COUNT, _processes_of_range

    return _processes_of_range(UID_BASE, UID_BASE + UID_COUNT)


def test_kill_9_in_the_middle_of_a_class_loses_nothing_and_grades_each_student_once(
        course, tmp_path):
    whole = str(tmp_path / "whole")
    run = cli(course, "grade", "fx1", "--submissions", course["submitted"], "--jobs", "2",
              "--output", whole, *ARGS)
    assert run.returncode == 0, run.stderr

    out = str(tmp_path / "killed")
    env = dict(os.environ, PYTHONPATH=course["py"], JUPYTER_PREFER_ENV_PATH="1")
    cmd = [sys.executable, "-m", "autograder", "--course", course["course"], "grade", "fx1",
           "--submissions", course["submitted"], "--jobs", "2", "--output", out, *ARGS]
    victim = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    results = os.path.join(out, "results")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if os.path.isdir(results) and any(f.endswith(".json") for f in os.listdir(results)):
            break
        time.sleep(0.05)
    victim.kill()  # SIGKILL to the grader alone: its workers and kernels must follow it
    victim.wait()
    time.sleep(3)
    assert _kernel_processes() == []
    done = sorted(f for f in os.listdir(results) if f.endswith(".json"))
    assert 1 <= len(done) < 6
    assert not [f for f in os.listdir(results) if ".tmp" in f or not f.endswith(".json")]
    stamps = {f: os.stat(os.path.join(results, f)).st_mtime_ns for f in done}

    again = cli(course, "grade", "fx1", "--submissions", course["submitted"], "--jobs", "2",
                "--output", out, *ARGS)
    assert again.returncode == 0, again.stderr
    assert f"{len(done)} student(s) already graded" in again.stdout
    assert f"grading {6 - len(done)}" in again.stdout
    for f, stamp in stamps.items():  # graded once: kept, not graded again
        assert os.stat(os.path.join(results, f)).st_mtime_ns == stamp
    with open(os.path.join(whole, "report.json")) as f:
        expected = json.load(f)
    with open(os.path.join(out, "report.json")) as f:
        assert json.load(f) == expected
    assert _kernel_processes() == []


def test_the_grader_works_from_an_environment_that_was_not_activated(tmp_path):
    """nbgrader creates a gradebook by running `alembic` from PATH: `.venv/bin/python -m
    autograder release` with PATH lacking .venv/bin still releases into a new gradebook."""
    paths = make_course(tmp_path)
    env = dict(os.environ, PYTHONPATH=paths["py"], JUPYTER_PREFER_ENV_PATH="1",
               PATH=os.pathsep.join(["/usr/bin", "/bin"]))
    env.pop("VIRTUAL_ENV", None)
    run = subprocess.run([sys.executable, "-m", "autograder", "--course", paths["course"],
                          "release", "fx1"],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert os.path.exists(os.path.join(paths["course"], "release", "fx1"))


def test_the_grader_starts_without_building_the_iri_parser():
    """jsonschema imports rfc3987_syntax (installed for jupyter-events), which builds an IRI
    parser for 1.5 s; the grader skips it, and nbformat still validates notebooks."""
    code = ("import sys\n"
            "import autograder.cli, nbformat\n"
            "nb = nbformat.read('assignments/source/a1_linear/a1_linear.ipynb', 4)\n"
            "nbformat.validate(nb)\n"
            "broken = nbformat.from_dict({'nbformat': 4, 'nbformat_minor': 5, 'metadata': {},\n"
            "                             'cells': [{'cell_type': 'code', 'id': 'a'}]})\n"
            "try:\n"
            "    nbformat.validate(broken)\n"
            "except nbformat.ValidationError:\n"
            "    print('invalid refused')\n"
            "print(sys.modules.get('rfc3987_syntax'))\n")
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    refused, loaded = run.stdout.splitlines()
    assert refused == "invalid refused"
    assert loaded == "None"
