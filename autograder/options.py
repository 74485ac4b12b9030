"""The command line's options: one function per command adds its arguments to the parser.

`parser()` is the argument parser of `autograder` / `python -m autograder` (see cli.py).
"""

import argparse
import os


def shard_from_env(text, environ):
    """`--shard auto/N` -> "K/N" with K from the scheduler: a Slurm job array's task id
    (arrays numbered 1..N, so that a lost task reruns alone as --array=K) or a Kubernetes
    Indexed Job's JOB_COMPLETION_INDEX + 1. Plain `auto` takes N from the array's last id."""
    total = text.partition("/")[2]
    if "SLURM_ARRAY_TASK_ID" in environ:
        k = int(environ["SLURM_ARRAY_TASK_ID"])
        n = int(total or environ["SLURM_ARRAY_TASK_MAX"])
        return f"{k}/{n}"
    if "JOB_COMPLETION_INDEX" in environ:
        if not total:
            raise ValueError("--shard auto in a Kubernetes Indexed Job needs the number of "
                             "completions: --shard auto/N")
        return f"{int(environ['JOB_COMPLETION_INDEX']) + 1}/{int(total)}"
    raise ValueError("--shard auto needs SLURM_ARRAY_TASK_ID (a Slurm job array) or "
                     "JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) in the environment")


def _shard(text):
    """`--shard K/N` or `auto[/N]` -> (K, N); an argparse error for anything else."""
    try:
        if text.split("/")[0] == "auto":
            text = shard_from_env(text, os.environ)
        k, n = (int(x) for x in text.split("/"))
    except ValueError as e:
        why = str(e) if "--shard" in str(e) else f"--shard wants K/N such as 1/4, got {text!r}"
        raise argparse.ArgumentTypeError(why) from None
    if not 1 <= k <= n:
        raise argparse.ArgumentTypeError(f"--shard K/N needs 1 <= K <= N, got {text!r}")
    return k, n


def _add_grade(sub, d):
    """The `grade` command's options; `d`: the default sandbox.Limits."""
    g = sub.add_parser("grade", help="grade every submission of an assignment")
    g.add_argument("assignment")
    g.add_argument("--course", default=argparse.SUPPRESS,
                   help="the nbgrader course root, here too (e.g. in a batch script)")
    g.add_argument("--submissions", required=True,
                   help="folder laid out as DIR/<student_id>/<assignment>/*.ipynb")
    g.add_argument("--jobs", type=int, default=None, help="parallel workers (default: the cores)")
    g.add_argument("--report", help="also write the JSON report to this file")
    g.add_argument("--output", help="results, grades.csv, report.json, summary.txt "
                                    "(default: COURSE/grades/ASSIGNMENT)")
    g.add_argument("--force", action="store_true", help="regrade students already graded")
    g.add_argument("--student", help="regrade this student only (the others' results, feedback "
                                     "and gradebook entries stay as they are)")
    g.add_argument("--shard", type=_shard,
                   help="grade only every N-th student, from the K-th (K/N); with 'auto/N', K "
                        "comes from a Slurm array task (1..N) or a Kubernetes Indexed Job "
                        "(the merge records the gradebook: shards leave it alone)")
    g.add_argument("--hidden", default="hiddentests",
                   help="module with the hidden tests' QUESTIONS (default: hiddentests)")
    g.add_argument("--cell-timeout", type=float, default=None,
                   help="seconds per cell (default: the course's c.Execute.timeout, the limit "
                        f"its notebooks state; {d.cell_timeout:g} when it sets none)")
    g.add_argument("--notebook-timeout", type=float, default=d.notebook_timeout,
                   help=f"seconds per notebook (default: {d.notebook_timeout:g})")
    g.add_argument("--memory-mb", type=int, default=d.memory_mb,
                   help=f"address space per kernel in MB (default: {d.memory_mb})")
    g.add_argument("--processes", type=int, default=d.processes,
                   help=f"processes and threads per kernel (default: {d.processes})")
    g.add_argument("--fresh-kernels", action="store_true",
                   help="start every kernel as a new interpreter instead of forking it from a "
                        "preloaded server (slower; same jail and limits)")
    g.add_argument("--quiet", action="store_true", help="no progress bar")


def _add_collect(sub):
    """The `collect` command's options."""
    c = sub.add_parser("collect", help="collect the latest submissions from nbgrader's "
                                       "exchange into COURSE/submitted, refusing what is unsafe")
    c.add_argument("assignment")
    c.add_argument("--student", help="collect this student only")
    c.add_argument("--from", dest="download", metavar="FILE.zip",
                   help="import Canvas's or Moodle's bulk download of submissions instead of "
                        "the exchange (needs --roster)")
    c.add_argument("--roster", help="with --from: maps the LMS's ids to nbgrader's (Canvas's "
                                    "ID as lms_user_id, Moodle's Identifier as participant)")
    c.add_argument("--id-column", help="with --roster: the column holding nbgrader's ids")
    c.add_argument("--no-owner-check", dest="owner_check", action="store_false",
                   help="take a folder whoever owns it: only for exchanges where every student "
                        "runs as one Unix user (then anyone can submit as anyone)")


def _add_merge(sub):
    """The `merge` command's options."""
    m = sub.add_parser("merge", help="join the JSON reports of shards")
    m.add_argument("reports", nargs="+")
    m.add_argument("--output", default="grades-merged", help="where to write the merged files")
    m.add_argument("--report", help="also write the merged JSON report to this file")
    m.add_argument("--record", action="store_true",
                   help="also record the graded notebooks found in COURSE/autograded "
                        "into COURSE's gradebook, with the late penalties, and fold the hand "
                        "grades in")
    m.add_argument("--partial", action="store_true",
                   help="merge even when shards or students are missing (the report and the "
                        "summary say so); without it such a merge is refused")


def _add_export(sub):
    """The `export` command's options."""
    e = sub.add_parser("export", help="an assignment's grades for Canvas, Moodle or as a CSV")
    e.add_argument("assignment")
    e.add_argument("--format", required=True, choices=("canvas", "moodle", "csv"))
    e.add_argument("--roster", required=True,
                   help="CSV with an id column (nbgrader's student id) and the LMS's ids")
    e.add_argument("--output", required=True, help="the CSV file to write")
    e.add_argument("--report", help="the JSON report to read (default: "
                                    "COURSE/grades/ASSIGNMENT/report.json)")
    e.add_argument("--column", help="the LMS's grade column, e.g. Canvas's 'A1 (1234)' "
                                    "(default: the assignment id)")
    e.add_argument("--missing", choices=("empty", "zero"), default="empty",
                   help="a rostered student without a submission: empty (the default) never "
                        "clears the LMS's grade (Canvas: a blank cell; Moodle: no row), zero "
                        "writes 0")
    e.add_argument("--scale", default="points",
                   help="points (default), percent, or a maximum N to rescale to (e.g. 100)")
    e.add_argument("--id-column",
                   help="the roster column holding nbgrader's student ids when it has no `id` "
                        "column, e.g. 'SIS Login ID' of a Canvas export (an e-mail column: "
                        "the part before @)")


def _add_similarity(sub):
    """The `similarity` command's options."""
    s = sub.add_parser("similarity", help="pairs of submissions whose code is alike")
    s.add_argument("assignment")
    s.add_argument("--submissions", required=True,
                   help="folder laid out as DIR/<student_id>/<assignment>/*.ipynb")
    s.add_argument("--output", required=True, help="where to write similarity.csv and .html")
    s.add_argument("--threshold", type=float, default=0.5,
                   help="the page shows every pair scoring at least this (default: 0.5)")
    s.add_argument("--top", type=int, default=10,
                   help="the page shows at least this many pairs (default: 10)")


def parser():
    """The argument parser of `python -m autograder` and its commands."""
    from .sandbox import Limits

    p = argparse.ArgumentParser(prog="autograder", description="The grading pipeline: release, "
                                "collect, grade, merge, export, similarity, demo (run "
                                ".venv/bin/autograder, or python -m autograder in the venv).")
    p.add_argument("--course", default=None,
                   help="the nbgrader course root (default: assignments; for the demo, the "
                        "project's own)")
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser("release", help="build the student release of assignments")
    r.add_argument("assignments", nargs="*", help="assignment ids (default: all)")
    _add_collect(sub)
    _add_grade(sub, Limits())
    f = sub.add_parser("release-feedback", help="nbgrader release_feedback for every student "
                                                "who submitted through the exchange")
    f.add_argument("assignment")
    _add_merge(sub)
    _add_export(sub)
    _add_similarity(sub)
    sub.add_parser("demo", help="the whole instructor workflow on a built-in sample class")
    return p


