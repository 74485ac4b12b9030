"""Grading on a real single-node Slurm cluster: a job array of shards, a lost shard refused by
the merge until it is rerun alone, the merge equal to grading on one machine (real munged,
slurmctld and slurmd; real kernels; the batch script runs the project's .venv/bin/python).

Costs ~1-2 min. Needs Debian's slurm-wlm and munge (`make test` installs them as root).
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import time

import pytest
from fixture_course import ANSWERS, make_course, released, student, submit
from test_grading_adversarial import ROOT, cli

from autograder.cli import shard_from_env

pytestmark = pytest.mark.slow
ARGS = ["--hidden", "fxhidden", "--cell-timeout", "10", "--notebook-timeout", "60"]
SLOW = dict(ANSWERS, norm="import time\ndef row_norms(X):\n    time.sleep(2)\n"
                          "    return np.sqrt((np.asarray(X) ** 2).sum(axis=1))")
WRONG = dict(ANSWERS, scale="def scale(x, k):\n    return x")
CLASS = {"s1": ANSWERS, "s2": SLOW, "s3": WRONG, "s4": None, "s5": SLOW, "s6": ANSWERS,
         "s7": WRONG, "s8": SLOW, "s9": ANSWERS}


def test_shard_numbers_come_from_the_scheduler():
    assert shard_from_env("auto/4", {"SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_MAX": "3"}) \
        == "3/4"  # a lost task rerun alone keeps its place
    assert shard_from_env("auto", {"SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_MAX": "5"}) \
        == "2/5"
    assert shard_from_env("auto/3", {"JOB_COMPLETION_INDEX": "0"}) == "1/3"
    assert shard_from_env("auto/3", {"JOB_COMPLETION_INDEX": "2"}) == "3/3"
    with pytest.raises(ValueError, match="auto/N"):
        shard_from_env("auto", {"JOB_COMPLETION_INDEX": "1"})
    with pytest.raises(ValueError, match="SLURM_ARRAY_TASK_ID"):
        shard_from_env("auto/2", {})


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


SLURM_CONF = """\
ClusterName=grading
SlurmctldHost={host}(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket={dir}/munge.sock
CredType=cred/munge
StateSaveLocation={dir}/state
SlurmdSpoolDir={dir}/spool
SlurmctldPidFile={dir}/slurmctld.pid
SlurmdPidFile={dir}/slurmd.pid
SlurmctldPort={ctld_port}
SlurmdPort={d_port}
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
SlurmctldLogFile={dir}/slurmctld.log
SlurmdLogFile={dir}/slurmd.log
NodeName={host} NodeAddr=127.0.0.1 CPUs={cpus} State=UNKNOWN
PartitionName=grading Nodes={host} Default=YES MaxTime=INFINITE State=UP
"""


@pytest.fixture(scope="module")
def slurm(tmp_path_factory):
    """munged, slurmctld and slurmd on this machine with a private config -> environment."""
    for tool in ("munged", "slurmctld", "slurmd", "sbatch"):
        assert shutil.which(tool), f"{tool} is missing: apt-get install slurm-wlm munge"
    d = str(tmp_path_factory.mktemp("slurm"))
    os.makedirs(os.path.join(d, "state"))
    os.makedirs(os.path.join(d, "spool"))
    key = os.path.join(d, "munge.key")
    with open(key, "wb") as f:
        f.write(os.urandom(1024))
    os.chmod(key, 0o600)
    conf = os.path.join(d, "slurm.conf")
    with open(conf, "w") as f:
        f.write(SLURM_CONF.format(host=socket.gethostname().split(".")[0], dir=d,
                                  ctld_port=_free_port(), d_port=_free_port(),
                                  cpus=os.cpu_count() or 1))
    env = dict(os.environ, SLURM_CONF=conf)
    subprocess.run(["munged", "--force", f"--socket={d}/munge.sock", f"--key-file={key}",
                    f"--log-file={d}/munged.log", f"--pid-file={d}/munged.pid",
                    f"--seed-file={d}/munged.seed"], check=True, env=env)
    subprocess.run(["slurmctld", "-c", "-i"], check=True, env=env)
    subprocess.run(["slurmd"], check=True, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        state = subprocess.run(["sinfo", "-h", "-o", "%t"], env=env, capture_output=True,
                               text=True).stdout.strip()
        if state == "idle":
            break
        time.sleep(0.5)
    assert state == "idle", open(os.path.join(d, "slurmctld.log")).read()[-2000:]
    yield env
    for name in ("slurmd", "slurmctld", "munged"):
        try:
            with open(os.path.join(d, f"{name}.pid")) as f:
                os.kill(int(f.read()), signal.SIGTERM)
        except (OSError, ValueError):
            pass


@pytest.fixture(scope="module")
def two_courses(tmp_path_factory):
    """The same class in two copies of the course: one graded on one machine, one by Slurm."""
    courses = []
    for name in ("one", "cluster"):
        paths = make_course(tmp_path_factory.mktemp(name))
        assert cli(paths, "release", "fx1").returncode == 0
        rel = released(paths["course"])
        for sid, answers in CLASS.items():
            submit(paths["submitted"], sid, student(rel, answers))
        courses.append(paths)
    return courses


def _gradebook_scores(paths):
    from nbgrader.api import Gradebook

    with Gradebook("sqlite:///" + os.path.join(paths["course"], "gradebook.db")) as gb:
        return {s.student.id: s.score for s in gb.assignment_submissions("fx1")}


def _sbatch(slurm, paths, shards, array, n):
    # no environment on PATH: the batch script must find the project's .venv itself
    env = dict(slurm, PYTHONPATH=paths["py"], JUPYTER_PREFER_ENV_PATH="1",
               PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
    run = subprocess.run([shutil.which("sbatch"), "--parsable", f"--array={array}",
                          "--cpus-per-task=1",
                          f"--output={shards}/slurm-%a.log", "--chdir", ROOT,
                          os.path.join(ROOT, "tools", "grade_shards.sbatch"), str(n), "fx1",
                          paths["submitted"], shards, "--course", paths["course"], *ARGS],
                         env=env, capture_output=True, text=True, check=True)
    return run.stdout.strip().split(";")[0]


def _running(slurm, job):
    return subprocess.run(["squeue", "-h", "-j", job], env=slurm, capture_output=True,
                          text=True).stdout.strip() != ""


def _wait(slurm, job, timeout=600):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _running(slurm, job):
            return
        time.sleep(0.5)
    raise AssertionError(f"job {job} still running after {timeout} s")


def test_a_slurm_job_array_grades_the_class_like_one_machine(slurm, two_courses, tmp_path):
    one, cluster = two_courses
    report = str(tmp_path / "one.json")
    started = time.monotonic()
    run = cli(one, "grade", "fx1", "--submissions", one["submitted"], "--jobs", "2",
              "--report", report, *ARGS)
    one_machine_s = time.monotonic() - started
    assert run.returncode == 0, run.stderr
    with open(report) as f:
        expected = json.load(f)

    shards = str(tmp_path / "shards")
    os.makedirs(shards)
    started = time.monotonic()
    job = _sbatch(slurm, cluster, shards, "1-3", 3)
    # the node of task 2 is lost once it has graded a student: its task is cancelled
    results = os.path.join(shards, "2", "results")
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and not (
            os.path.isdir(results) and any(f.endswith(".json") for f in os.listdir(results))):
        assert _running(slurm, job), open(os.path.join(shards, "slurm-2.log")).read()[-3000:]
        time.sleep(0.1)
    subprocess.run(["scancel", "--signal=KILL", f"{job}_2"], env=slurm, check=True)
    _wait(slurm, job)
    lost = sorted(f for f in os.listdir(results) if f.endswith(".json"))
    assert 1 <= len(lost) < 3, lost  # it died in the middle of its shard
    assert not os.path.exists(os.path.join(shards, "2", "report.json"))
    merged = str(tmp_path / "merged")
    every_report = os.path.join(shards, "*", "report.json")  # the glob skips the lost task
    refused = cli(cluster, "merge", every_report, "--output", merged, "--record")
    assert refused.returncode == 2 and "Traceback" not in refused.stderr, refused.stderr
    assert refused.stderr.strip() == (
        "error: shard(s) 2/3 missing: no grades for 3 student(s) of the class: s2, s5, s8. "
        "Rerun those tasks (they resume) and merge again, or merge with --partial")
    assert not os.path.exists(merged) and _gradebook_scores(cluster) == {}

    rerun = _sbatch(slurm, cluster, shards, "2", 3)  # task 2 alone, resuming
    _wait(slurm, rerun)
    cluster_s = time.monotonic() - started
    log = open(os.path.join(shards, "slurm-2.log")).read()
    assert f"{len(lost)} student(s) already graded" in log, log

    run = cli(cluster, "merge", every_report, "--output", merged, "--record")
    assert run.returncode == 0, run.stderr
    with open(os.path.join(merged, "report.json")) as f:
        combined = json.load(f)
    assert combined == expected  # student by student: scores, feedback, flags, errors
    assert _gradebook_scores(cluster) == _gradebook_scores(one)
    print(f"\none machine: {one_machine_s:.1f} s; Slurm array of 3 with a lost task rerun: "
          f"{cluster_s:.1f} s")
