"""Without cgroups (a normal user here), a kernel's processes are bounded together: extra
processes run at idle priority, and their memory is summed (`jail.Watchdog`).

Each test grades the fixture course as a normal user through `python -m autograder grade`
(the helper of tests/test_grading_adversarial.py), ~30-50 s each on 2 shared cores.
"""

import json
import os
import shutil
import sys
import tempfile

import nbformat
import pytest
from fixture_course import ANSWERS, make_course, released, student, submit
from test_grading_adversarial import ROOT, _as_user, _normal_user, cli

pytestmark = pytest.mark.slow

WORK = ("import time\nt0 = time.process_time()\nx = 0\nfor i in range(40_000_000):\n"
        "    x += i % 7\nprint('trained in', round(time.process_time() - t0, 1), 's of CPU')")
BUSY = ("import os\nfor _ in range(50):\n    pid = os.fork()\n    if pid == 0:\n"
        "        os.setsid()\n        if os.fork() == 0:\n            while True:\n"
        "                pass\n        os._exit(0)\n    os.waitpid(pid, 0)")
HOLD = "import time\ntime.sleep(12)"
HOG = ("import os, time\nimport numpy as np\nfor _ in range(7):\n    if os.fork() == 0:\n"
       "        hog = np.ones(500 * 2**20 // 8)\n        time.sleep(60)\n        os._exit(0)\n"
       "time.sleep(15)\nprint('all allocated')")


def _with_cells(rel, *codes):
    """The perfect notebook with `codes` as cells of the student's own, before the first
    answer."""
    def edit(nb):
        nb.cells[1:1] = [nbformat.v4.new_code_cell(c) for c in codes]
    return student(rel, ANSWERS, edit)


@pytest.fixture(scope="module")
def course():
    """The fixture course released, in a folder a normal user owns."""
    user = _normal_user()
    tmp = tempfile.mkdtemp(prefix="bounds-")
    os.chmod(tmp, 0o755)
    paths = make_course(tmp)
    assert cli(paths, "release", "fx1").returncode == 0
    paths["rel"], paths["tmp"], paths["user"] = released(paths["course"]), tmp, user
    yield paths
    shutil.rmtree(tmp, ignore_errors=True)


def grade_as_user(paths, submissions, *extra):
    """Grade `submissions` {student: notebook} as the normal user -> report["students"]."""
    user = paths["user"]
    folder = tempfile.mkdtemp(prefix="subs-", dir=paths["tmp"])
    for sid, nb in submissions.items():
        submit(folder, sid, nb)
    report = os.path.join(folder, "report.json")
    for base, dirs, files in os.walk(paths["tmp"]):
        for name in [base, *(os.path.join(base, n) for n in dirs + files)]:
            os.lchown(name, user.pw_uid, user.pw_gid)
    env = dict(os.environ, PYTHONPATH=paths["py"], JUPYTER_PREFER_ENV_PATH="1",
               HOME=user.pw_dir, USER=user.pw_name)
    run = _as_user(user, [sys.executable, "-m", "autograder", "--course", paths["course"],
                          "grade", "fx1", "--submissions", folder, "--report", report,
                          "--force", "--hidden", "fxhidden", "--jobs", "2", "--quiet",
                          "--cell-timeout", "40", *extra], env, ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "kernels get no cgroup" in run.stdout + run.stderr  # said once, before grading
    with open(report) as f:
        students = json.load(f)["students"]
    for sid, entry in students.items():  # the time each took is in its own result
        with open(os.path.join(paths["course"], "grades", "fx1", "results", f"{sid}.json")) as f:
            entry["seconds"] = json.load(f)["seconds"]
    return students


@pytest.mark.skipif(not os.path.exists("/usr/bin/setpriv"), reason="needs setpriv")
def test_detached_busy_loops_leave_a_neighbour_graded_at_its_quiet_speed(course):
    rel = course["rel"]
    honest = _with_cells(rel, WORK)
    quiet = grade_as_user(course, {"a_neighbour": _with_cells(rel, HOLD), "b_honest": honest},
                          "--processes", "128")
    busy = grade_as_user(course, {"a_neighbour": _with_cells(rel, BUSY, HOLD),
                                  "b_honest": honest}, "--processes", "128")
    if busy["b_honest"]["seconds"] > 1.5 * quiet["b_honest"]["seconds"]:
        # the machine is shared: measure the quiet time again, in case its load rose meanwhile
        again = grade_as_user(course, {"a_neighbour": _with_cells(rel, HOLD),
                                       "b_honest": honest}, "--processes", "128")
        quiet["b_honest"]["seconds"] = max(quiet["b_honest"]["seconds"],
                                           again["b_honest"]["seconds"])
    for students in (quiet, busy):
        assert students["b_honest"]["score"] == 6.0, students["b_honest"]
    assert busy["a_neighbour"]["score"] == 6.0, busy["a_neighbour"]
    assert busy["b_honest"]["seconds"] <= 1.5 * quiet["b_honest"]["seconds"], \
        (quiet["b_honest"]["seconds"], busy["b_honest"]["seconds"])


@pytest.mark.skipif(not os.path.exists("/usr/bin/setpriv"), reason="needs setpriv")
def test_seven_processes_of_500_mb_cannot_exceed_the_kernels_memory_limit_together(course):
    students = grade_as_user(course, {"hog": _with_cells(course["rel"], HOG)},
                             "--memory-mb", "2048")
    entry = students["hog"]
    assert any("killed its kernel" in f for f in entry["flags"]), entry
    assert entry["score"] == 6.0, entry  # a fresh kernel graded the answers
    nb = nbformat.read(os.path.join(course["course"], "autograded", "hog", "fx1", "fx1.ipynb"),
                       as_version=4)
    assert "all allocated" not in json.dumps(nb.cells[1].get("outputs", []))
