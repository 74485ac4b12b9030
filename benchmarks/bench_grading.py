"""Grading speed: plain serial `nbgrader autograde` vs `python -m autograder grade --jobs 2`.

Both grade the same submissions of a1_linear (the reference answers, N copies) in a scratch copy
of the course. Also executes one submission once with nbclient, the floor of any grader, and
reports our per-submission overhead against it (in worker-seconds: wall time x jobs / N).

    python benchmarks/bench_grading.py [--students 12] [--jobs 2]
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

import nbformat

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

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


def execute_once(path, repeats=3):
    """Seconds to run the notebook once in a fresh kernel with nbclient (best of `repeats`)."""
    from nbclient import NotebookClient

    best = float("inf")
    for _ in range(repeats):
        nb = nbformat.read(path, 4)
        start = time.perf_counter()
        NotebookClient(nb, timeout=120, kernel_name="python3",
                       resources={"metadata": {"path": os.path.dirname(path)}}).execute()
        best = min(best, time.perf_counter() - start)
    return best


def main():
    """Grade N submissions both ways and print the times and ratios."""
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--students", type=int, default=12)
    p.add_argument("--jobs", type=int, default=2)
    args = p.parse_args()
    os.environ["JUPYTER_PREFER_ENV_PATH"] = "1"
    # nbgrader runs `alembic` from PATH: this interpreter's environment first
    os.environ["PATH"] = os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"]
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
        course = scratch_course(tmp)
        one = submissions(course, args.students)
        once = execute_once(one)
        plain = timed([sys.executable, "-m", "nbgrader", "autograde", ASSIGNMENT, "--force"],
                      cwd=course)
        ours = timed([sys.executable, "-m", "autograder", "--course", course, "grade",
                      ASSIGNMENT, "--submissions", os.path.join(course, "submitted"), "--jobs",
                      str(args.jobs), "--force", "--quiet", "--output",
                      os.path.join(tmp, "out")], cwd=ROOT)
    n = args.students
    per_sub = ours * args.jobs / n
    print(f"{n} submissions of {ASSIGNMENT}, {os.cpu_count()} cores")
    print(f"plain nbgrader autograde, serial:   {plain:7.1f} s  ({plain / n:.2f} s per submission)")
    print(f"autograder grade --jobs {args.jobs}:          {ours:7.1f} s  ({ours / n:.2f} s per "
          "submission, with feedback HTML)")
    print(f"speed-up:                          {plain / ours:7.2f}x")
    print(f"executing one notebook (nbclient): {once:7.2f} s")
    print(f"our cost per submission:           {per_sub:7.2f} worker-s "
          f"({per_sub / once:.2f}x executing the notebook once, including the sandbox, probes, "
          "judge, feedback and gradebook; kernels forked from a warm server start faster than "
          "nbclient's fresh ones)")


if __name__ == "__main__":
    main()
