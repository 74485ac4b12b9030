"""Similarity report speed: `python -m autograder similarity` on a class of N submissions.

Each student of a4_backprop (the largest assignment) takes, cell by cell, the reference or a
corpus variant, disguised with their own seed (names, order, comments), so no two are alike.
Times the whole command (start-up, reading, normalizing, every pair, the page) against the
budget of 30 s for 200 submissions, and against reading the notebooks alone (json.load); its
CPU time tells what a busy shared machine's wall time hides.

    python benchmarks/bench_similarity.py [--students 200]
"""

import argparse
import glob
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "tests"))

from similarity_class import disguise, hand_in, independent, release_notebook  # noqa: E402

from autograder.course import Course  # noqa: E402

ASSIGNMENT = "a4_backprop"
BUDGET = 30.0


def build_class(tmp, students):
    """A scratch course and `students` disguised submissions -> (course root, submitted dir)."""
    root = os.path.join(tmp, "course")
    os.makedirs(os.path.join(root, "source"))
    shutil.copy(os.path.join(ROOT, "assignments", "nbgrader_config.py"), root)
    shutil.copytree(os.path.join(ROOT, "assignments", "source", ASSIGNMENT),
                    os.path.join(root, "source", ASSIGNMENT), symlinks=False)
    course = Course(root)
    release = release_notebook(course, ASSIGNMENT)
    ref, var = independent(course, ASSIGNMENT)
    from similarity_class import reference_answers

    full = reference_answers(course, ASSIGNMENT)
    submitted = os.path.join(tmp, "submitted")
    for k in range(students):
        rng = random.Random(k)
        answers = {g: disguise(var[g] if g in var and rng.random() < 0.5 else s, seed=k)
                   for g, s in full.items() if rng.random() < 0.9}
        hand_in(release, answers, submitted, f"student{k:03d}", ASSIGNMENT)
    return root, submitted


def _children_cpu():
    """CPU seconds (user + system) used so far by finished child processes."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main():
    """Time the similarity report on a class of N submissions and print it against the budget."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=200)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="bench-similarity-")
    try:
        root, submitted = build_class(tmp, args.students)
        start = time.perf_counter()
        for path in glob.glob(os.path.join(submitted, "*", ASSIGNMENT, "*.ipynb")):
            with open(path) as f:
                json.load(f)
        read = time.perf_counter() - start
        start, cpu = time.perf_counter(), _children_cpu()
        subprocess.run([sys.executable, "-m", "autograder", "--course", root, "similarity",
                        ASSIGNMENT, "--submissions", submitted, "--output",
                        os.path.join(tmp, "out")], cwd=ROOT, check=True, capture_output=True)
        total, cpu = time.perf_counter() - start, _children_cpu() - cpu
        pairs = args.students * (args.students - 1) // 2
        print(f"similarity of {args.students} submissions of {ASSIGNMENT} ({pairs} pairs)")
        print(f"  whole command        {total:6.2f} s   ({total / BUDGET:.2f} x the 30 s budget)")
        print(f"  its CPU time         {cpu:6.2f} s   (all processes; the machine's load "
              f"average was {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
        print(f"  reading the JSON     {read:6.2f} s   (command / reading = {total / read:.0f}x)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
