"""An instructor's term on the sample class, command by command, each one timed.

A scratch copy of the course gets a1_linear, a due date, a late policy and a local exchange.
One student (this user) fetches and submits through the exchange; the demo's nine sample
students (`python -m autograder demo`) are handed in beside them as `collect` lays
submissions out, one of them a day late. Then grading, an extension, a one-student regrade,
hand grading (a manual score and a comment written into nbgrader's gradebook as the formgrader
does), feedback out and back, the LMS exports and the similarity report; the exported totals
are checked against `nbgrader export`'s. Prints every command's wall
time and CPU time (the README's table) and the machine's load: on a busy shared machine the
wall time grows with the load, the CPU time much less.

    python benchmarks/bench_term.py
"""

import csv
import datetime
import os
import resource
import secrets
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from autograder.demo import ASSIGNMENT, build_class  # noqa: E402

A = ASSIGNMENT
DUE = datetime.datetime.now(datetime.UTC).replace(microsecond=0) - datetime.timedelta(days=1)
POLICY = """
c.LatePolicy.method = "per_day"
c.LatePolicy.grace_minutes = 15
c.LatePolicy.rate = 0.1
c.LatePolicy.cap = 0.5
c.Exchange.root = {exchange!r}
"""


def run(label, cmd, cwd, rows):
    """Run and time one command; a student's command runs with its folder as HOME."""
    env = dict(os.environ, JUPYTER_PREFER_ENV_PATH="1",
               PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
    if label.startswith("(student)"):
        env["HOME"] = cwd  # nbgrader's submission cache lives there
    start, cpu = time.perf_counter(), _children_cpu()
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    seconds, cpu = time.perf_counter() - start, _children_cpu() - cpu
    if done.returncode != 0:
        raise SystemExit(f"{label} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    rows.append((label, seconds))
    print(f"  {seconds:6.1f} s wall {cpu:6.1f} s CPU  {label}", flush=True)
    return done


def _children_cpu():
    """CPU seconds of the finished child processes (and the descendants they waited for)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def hand_in_sample_class(course):
    """The nine sample students in submitted/, with the receipts `nbgrader submit` writes."""
    submitted = os.path.join(course, "submitted")
    build_class(course, submitted)
    for k, sid in enumerate(sorted(os.listdir(submitted))):
        if sid == "root":
            continue
        folder = os.path.join(submitted, sid, A)
        when = DUE + (datetime.timedelta(hours=25) if k == 1 else -datetime.timedelta(hours=2))
        with open(os.path.join(folder, "timestamp.txt"), "w") as f:
            f.write(f"{when:%Y-%m-%d %H:%M:%S.%f} UTC")
        with open(os.path.join(folder, "submission_secret.txt"), "w") as f:
            f.write(secrets.token_hex(32))
    return submitted


def hand_grade(course, sid):
    """What a TA does in the formgrader: a manual score (half the points) and a comment on one
    of `sid`'s answers (a free-response one when there is one) -> the cell's name."""
    from nbgrader.api import Gradebook

    with Gradebook("sqlite:///" + os.path.join(course, "gradebook.db")) as gb:
        notebook = sorted(gb.find_submission(A, sid).notebooks, key=lambda n: n.name)[0]
        grade = next((g for g in notebook.grades if g.needs_manual_grade), notebook.grades[0])
        grade.manual_score = grade.max_score / 2
        for comment in notebook.comments:
            if comment.name == grade.name:
                comment.manual_comment = "Half the points: the reasoning stops early."
        gb.db.commit()
        return grade.name


def check_totals(course, tmp, plain, rows):
    """Compare the plain export's totals with `nbgrader export`'s; SystemExit if they differ."""
    out = os.path.join(tmp, "nbgrader-export.csv")
    run("nbgrader export", [sys.executable, "-m", "nbgrader", "export", "--to", out], course,
        rows)
    with open(out, newline="") as f:
        theirs = {r["student_id"]: round(float(r["score"]), 4) for r in csv.DictReader(f)}
    with open(plain, newline="") as f:
        ours = {r["student_id"]: round(float(r["score"]), 4) for r in csv.DictReader(f)
                if r["score"]}
    if ours != theirs:
        raise SystemExit(f"exported totals differ from nbgrader export's:\n{ours}\n{theirs}")
    print(f"  exported totals equal nbgrader export's for all {len(ours)} students")


def main():
    """Run the term's commands on a scratch course and print each one's time."""
    tmp = tempfile.mkdtemp(prefix="bench-term-")
    course, exchange, home = (os.path.join(tmp, d) for d in ("course", "exchange", "home"))
    for d in (exchange, home):
        os.makedirs(d)
    os.chmod(exchange, 0o1777)
    os.makedirs(os.path.join(course, "source"))
    shutil.copy(os.path.join(ROOT, "assignments", "nbgrader_config.py"), course)
    with open(os.path.join(course, "nbgrader_config.py"), "a") as f:
        f.write(POLICY.format(exchange=exchange))
    shutil.copytree(os.path.join(ROOT, "assignments", "source", A),
                    os.path.join(course, "source", A), symlinks=False)
    py, nbg = [sys.executable, "-m", "autograder", "--course", course], \
        [sys.executable, "-m", "nbgrader"]
    student = [f"--Exchange.root={exchange}", "--course", "nn-backprop"]
    rows = []
    print(f"an instructor's term on the sample class ({A}, 10 students), in {tmp}")
    try:
        run("autograder release a1_linear", py + ["release", A], ROOT, rows)
        run("nbgrader db assignment add a1_linear --duedate ...",
            nbg + ["db", "assignment", "add", A, f"--duedate={DUE:%Y-%m-%d %H:%M:%S} UTC"],
            course, rows)
        run("nbgrader release_assignment a1_linear", nbg + ["release_assignment", A], course,
            rows)
        run("(student) nbgrader fetch_assignment a1_linear",
            nbg + ["fetch_assignment", A, *student], home, rows)
        run("(student) nbgrader submit a1_linear", nbg + ["submit", A, *student], home, rows)
        run("autograder collect a1_linear", py + ["collect", A], ROOT, rows)
        submitted = hand_in_sample_class(course)
        grade = py + ["grade", A, "--submissions", submitted, "--cell-timeout", "5", "--quiet"]
        run("autograder grade a1_linear (10 students)", grade, ROOT, rows)
        with open(os.path.join(course, "extensions.csv"), "w") as f:
            # an input late.py reads back, not a sheet: ids as they are (see spreadsheet.py)
            csv.writer(f).writerows([("student", "assignment", "hours"),
                                     (sorted(os.listdir(submitted))[1], A, 48)])
        run("autograder grade a1_linear after an extension (nothing regraded)", grade, ROOT,
            rows)
        run("autograder grade a1_linear --student ada_perfect", grade + ["--student",
                                                                          "ada_perfect"],
            ROOT, rows)
        start = time.perf_counter()
        cell = hand_grade(course, "ada_perfect")
        rows.append(("(TA) hand grade in the gradebook", time.perf_counter() - start))
        print(f"  {rows[-1][1]:6.1f} s wall            (TA) a manual score and comment on "
              f"ada_perfect's {cell}", flush=True)
        run("autograder release-feedback a1_linear", py + ["release-feedback", A], ROOT, rows)
        run("(student) nbgrader fetch_feedback a1_linear",
            nbg + ["fetch_feedback", A, *student], home, rows)
        roster = os.path.join(tmp, "roster.csv")
        with open(roster, "w") as f:
            f.write("id,first_name,last_name,email,lms_user_id\n" + "".join(
                f"{s},{s.split('_')[0].title()},Sample,{s}@uni.example,{100 + k}\n"
                for k, s in enumerate(sorted(os.listdir(submitted)))))
        run("autograder export a1_linear --format canvas", py + [
            "export", A, "--format", "canvas", "--roster", roster, "--output",
            os.path.join(tmp, "canvas.csv")], ROOT, rows)
        plain = os.path.join(tmp, "grades.csv")
        run("autograder export a1_linear --format csv", py + [
            "export", A, "--format", "csv", "--roster", roster, "--output", plain], ROOT, rows)
        check_totals(course, tmp, plain, rows)
        run("autograder similarity a1_linear", py + [
            "similarity", A, "--submissions", submitted, "--output",
            os.path.join(tmp, "similarity")], ROOT, rows)
        print(f"total {sum(s for _, s in rows):.0f} s; load average {os.getloadavg()[0]:.1f} "
              f"on {os.cpu_count()} cores")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
