"""Grading speed: plain serial `nbgrader autograde` vs `python -m autograder grade --jobs 2`.

Both grade the same submissions of a1_linear (the reference answers, N copies) in a scratch copy
of the course. The floor of any grader is executing one submission once with nbclient (a fresh
kernel, nothing else running): it is timed twice before and twice after our run, and its median
is the floor (the machine's speed drifts over a minute).

Our cost per submission is the mean over students of the time a worker took to grade one
(restore, sandbox, kernel, every cell, probes, judge, graded notebook and feedback HTML), with
the other workers grading beside it. The run's start-up and wind-down (imports, the jail check,
the workers' kernel servers, the reports) are paid once per run, whatever the class size: they
are reported apart, and in the all-in figure wall time x jobs / N.

    python benchmarks/bench_grading.py [--students 12] [--jobs 2]
"""

import argparse
import glob
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import nbformat

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from autograder.cli import tools_on_path  # noqa: E402
from autograder.demo import ASSIGNMENT, _solutions  # noqa: E402
from autograder.release import release  # noqa: E402


def scratch_course(tmp):
    """A copy of the course in tmp with the assignment's source, released; returns its root."""
    course = os.path.join(tmp, "course")
    os.makedirs(os.path.join(course, "source"))
    shutil.copy(os.path.join(ROOT, "assignments", "nbgrader_config.py"), course)
    shutil.copytree(os.path.join(ROOT, "assignments", "source", ASSIGNMENT),
                    os.path.join(course, "source", ASSIGNMENT), symlinks=False)
    release(course, [ASSIGNMENT])
    return course


def submissions(course, n):
    """Hand in the reference answers as n students; returns the path of the first notebook."""
    src = nbformat.read(os.path.join(course, "source", ASSIGNMENT, f"{ASSIGNMENT}.ipynb"), 4)
    nb = nbformat.read(os.path.join(course, "release", ASSIGNMENT, f"{ASSIGNMENT}.ipynb"), 4)
    answers = _solutions(src)
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in answers:
            cell.source = answers[gid]
    for i in range(n):
        folder = os.path.join(course, "submitted", f"s{i:02d}", ASSIGNMENT)
        os.makedirs(folder)
        nbformat.write(nb, os.path.join(folder, f"{ASSIGNMENT}.ipynb"))
    return os.path.join(course, "submitted", "s00", ASSIGNMENT, f"{ASSIGNMENT}.ipynb")


def timed(cmd, cwd):
    """Seconds to run cmd in cwd; stops the benchmark with its output when it fails."""
    env = dict(os.environ, JUPYTER_PREFER_ENV_PATH="1")
    start = time.perf_counter()
    run = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if run.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{run.stdout[-2000:]}\n{run.stderr[-3000:]}")
    return seconds


def execute_once(path, repeats=2):
    """Seconds of each of `repeats` runs of the notebook in a fresh kernel with nbclient."""
    from nbclient import NotebookClient

    times = []
    for _ in range(repeats):
        nb = nbformat.read(path, 4)
        start = time.perf_counter()
        NotebookClient(nb, timeout=120, kernel_name="python3",
                       resources={"metadata": {"path": os.path.dirname(path)}}).execute()
        times.append(time.perf_counter() - start)
    return times


def grading_seconds(results):
    """Each student's grading time in its worker, from the results folder of our run."""
    seconds = []
    for path in glob.glob(os.path.join(results, "*.json")):
        with open(path) as f:
            seconds.append(json.load(f)["seconds"])
    return seconds


def main():
    """Grade N submissions both ways and print the times and ratios."""
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--students", type=int, default=12)
    p.add_argument("--jobs", type=int, default=2)
    args = p.parse_args()
    os.environ["JUPYTER_PREFER_ENV_PATH"] = "1"
    tools_on_path()  # nbgrader runs `alembic` from PATH: this interpreter's environment first
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
        course = scratch_course(tmp)
        one = submissions(course, args.students)
        floor_runs = execute_once(one)
        plain = timed([sys.executable, "-m", "nbgrader", "autograde", ASSIGNMENT, "--force"],
                      cwd=course)
        ours = timed([sys.executable, "-m", "autograder", "--course", course, "grade",
                      ASSIGNMENT, "--submissions", os.path.join(course, "submitted"), "--jobs",
                      str(args.jobs), "--force", "--quiet", "--output",
                      os.path.join(tmp, "out")], cwd=ROOT)
        per_student = grading_seconds(os.path.join(tmp, "out", "results"))
        floor_runs += execute_once(one)
    n = args.students
    floor = statistics.median(floor_runs)
    per_sub = statistics.mean(per_student)
    grading_span = sum(per_student) / args.jobs  # the workers' busy time, on average
    all_in = ours * args.jobs / n
    print(f"{n} submissions of {ASSIGNMENT}, {os.cpu_count()} cores")
    print(f"plain nbgrader autograde, serial:   {plain:7.1f} s  ({plain / n:.2f} s per submission)")
    print(f"autograder grade --jobs {args.jobs}:          {ours:7.1f} s  ({ours / n:.2f} s per "
          "submission, with feedback HTML)")
    print(f"speed-up:                          {plain / ours:7.2f}x")
    print(f"executing one notebook (nbclient): {floor:7.2f} s  (median of "
          f"{', '.join(f'{t:.2f}' for t in floor_runs)})")
    print(f"our cost per submission:           {per_sub:7.2f} worker-s  ({per_sub / floor:.2f}x "
          f"executing the notebook once; students {min(per_student):.2f} to "
          f"{max(per_student):.2f} s: restore, sandbox, kernel, probes, judge, graded notebook, "
          "feedback; the gradebook is written beside it by the grading process)")
    print(f"start-up and wind-down of the run: {ours - grading_span:7.1f} s  (once per run: "
          "imports, jail check, kernel servers, reports)")
    print(f"all-in, wall x jobs / N:           {all_in:7.2f} worker-s  ({all_in / floor:.2f}x, "
          f"start-up included, {n} students)")


if __name__ == "__main__":
    main()
