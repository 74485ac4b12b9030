"""Late penalties and one-student regrades through `python -m autograder grade` (real kernels).

The fixture course (6 points) gets a due date in nbgrader's gradebook, a per-day policy in its
nbgrader_config.py and an extensions CSV; four students hand in with nbgrader timestamps.
Costs ~40 s: the class graded once, then again after an extension, then one student.
"""

import csv
import json
import os
import subprocess
import sys

import pytest
from fixture_course import ANSWERS, make_course, released, student, submit
from test_grading_adversarial import cli

pytestmark = pytest.mark.slow
ARGS = ["--hidden", "fxhidden", "--jobs", "2", "--cell-timeout", "2", "--notebook-timeout", "30",
        "--quiet"]
POLICY = """
c.LatePolicy.method = "per_day"
c.LatePolicy.grace_minutes = 15
c.LatePolicy.rate = 0.1
c.LatePolicy.cap = 0.3
"""
STAMPS = {  # due 2026-03-01 17:00 UTC
    "ann": "2026-03-01 16:00:00.000000 UTC",  # on time
    "bob": "2026-03-02 18:00:00.000000 UTC",  # 25 h late: 2 started days
    "cat": "2026-03-01 17:10:00.000000 UTC",  # in the grace period
    "dan": "2026-03-09 17:00:00.000000 UTC",  # 8 days late: the cap
}


def nbgrader(course, *args):
    env = dict(os.environ, JUPYTER_PREFER_ENV_PATH="1")
    run = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    return run


def grade(paths, *extra):
    run = cli(paths, "grade", "fx1", "--submissions", paths["submitted"], *ARGS, *extra)
    assert run.returncode == 0, run.stdout + run.stderr
    with open(os.path.join(paths["course"], "grades", "fx1", "report.json")) as f:
        return json.load(f)["students"]


def gradebook_penalties(paths):
    from nbgrader.api import Gradebook

    with Gradebook("sqlite:///" + os.path.join(paths["course"], "gradebook.db")) as gb:
        return {s.student.id: (s.score, s.late_submission_penalty, s.total_seconds_late)
                for s in gb.assignment_submissions("fx1")}


def feedback(paths, sid):
    with open(os.path.join(paths["course"], "feedback", sid, "fx1", "fx1.html")) as f:
        return f.read()


def mtimes(folder):
    return {f: os.stat(os.path.join(folder, f)).st_mtime_ns for f in sorted(os.listdir(folder))}


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    paths = make_course(tmp_path_factory.mktemp("late"))
    with open(os.path.join(paths["course"], "nbgrader_config.py"), "a") as f:
        f.write(POLICY)
    release = cli(paths, "release", "fx1")
    assert release.returncode == 0, release.stdout + release.stderr
    nbgrader(paths["course"], "db", "assignment", "add", "fx1",
             "--duedate=2026-03-01 17:00:00 UTC")
    rel = released(paths["course"])
    wrong_scale = dict(ANSWERS, scale="def scale(x, k):\n    return x")  # 3 of 6 points
    for sid, answers in [("ann", ANSWERS), ("bob", ANSWERS), ("cat", wrong_scale),
                         ("dan", ANSWERS)]:
        folder = submit(paths["submitted"], sid, student(rel, answers))
        with open(os.path.join(folder, "timestamp.txt"), "w") as f:
            f.write(STAMPS[sid])
    with open(os.path.join(paths["course"], "extensions.csv"), "w") as f:
        f.write("student,assignment,hours\ndan,fx1,24\n")
    paths["first"] = grade(paths)
    return paths


def test_report_has_raw_score_lateness_penalty_and_final_score(course):
    got = {s: (e["raw_score"], e["late_seconds"], e["penalty"], e["score"])
           for s, e in course["first"].items()}
    assert got == {
        "ann": (6.0, 0.0, 0.0, 6.0),
        "bob": (6.0, 25 * 3600.0, pytest.approx(1.2), pytest.approx(4.8)),
        "cat": (3.0, 600.0, 0.0, 3.0),
        "dan": (6.0, 7 * 86400.0, pytest.approx(1.8), pytest.approx(4.2)),  # 24 h extension
    }


def test_grades_csv_and_feedback_show_the_penalty(course):
    with open(os.path.join(course["course"], "grades", "fx1", "grades.csv"), newline="") as f:
        rows = {r["student_id"]: r for r in csv.DictReader(f)}
    assert (rows["bob"]["raw_score"], rows["bob"]["penalty"], rows["bob"]["score"]) == \
        ("6", "1.2", "4.8")
    assert rows["bob"]["late_seconds"] == "90000"
    bob = feedback(course, "bob")
    assert "<th>question</th>" in bob and "&lt;" not in bob.split("<main>")[1][:400]  # real HTML
    assert "<b>4.8 / 6</b>" in bob and "earned 6" in bob and "1 d 1 h late" in bob
    assert "late penalty 1.2" in bob and "10% of the maximum per started day" in bob
    assert "late" not in feedback(course, "ann").split("<!-- feedback -->")[1].split("<table>")[0]
    with open(os.path.join(course["course"], "grades", "fx1", "summary.txt")) as f:
        summary = {line.split()[0]: line for line in f if line[:3] in ("bob", "ann")}
    assert "late 1 d 1 h: -1.2" in summary["bob"] and "late" not in summary["ann"]


def test_gradebook_records_the_same_penalty_and_nbgrader_export_agrees(course):
    book = gradebook_penalties(course)
    for sid, entry in course["first"].items():
        raw, penalty, late = book[sid]
        assert (raw, penalty, late) == (entry["raw_score"], pytest.approx(entry["penalty"]),
                                        entry["late_seconds"])
    out = os.path.join(course["course"], "export.csv")
    nbgrader(course["course"], "export", "--to", out)
    with open(out, newline="") as f:
        exported = {r["student_id"]: float(r["score"]) for r in csv.DictReader(f)}
    assert exported == {s: pytest.approx(e["score"]) for s, e in course["first"].items()}


def test_changing_an_extension_recomputes_only_the_penalty(course):
    results = os.path.join(course["course"], "grades", "fx1", "results")
    before = mtimes(results)
    ann_feedback = os.stat(os.path.join(course["course"], "feedback", "ann", "fx1", "fx1.html"))
    with open(os.path.join(course["course"], "extensions.csv"), "a") as f:
        f.write("bob,fx1,26\n")
    again = grade(course)
    assert mtimes(results) == before  # nobody was graded again
    assert (again["bob"]["late_seconds"], again["bob"]["penalty"], again["bob"]["score"]) == \
        (0.0, 0.0, 6.0)
    changed = {s for s in again if again[s] != course["first"][s]}
    assert changed == {"bob"}
    assert {k for k in again["bob"] if again["bob"][k] != course["first"]["bob"][k]} == \
        {"late_seconds", "penalty", "score", "extension_hours"}
    assert gradebook_penalties(course)["bob"] == (6.0, 0.0, 0.0)
    assert "<b>6 / 6</b>" in feedback(course, "bob") and "penalty" not in feedback(course, "bob")
    assert os.stat(os.path.join(course["course"], "feedback", "ann", "fx1",
                                "fx1.html")).st_mtime_ns == ann_feedback.st_mtime_ns


def test_regrading_one_student_leaves_everyone_else_and_keeps_manual_grades(course):
    from nbgrader.api import Gradebook

    db = "sqlite:///" + os.path.join(course["course"], "gradebook.db")
    with Gradebook(db) as gb:  # a TA's manual override on an auto-graded answer of ann's
        gb.find_grade("test_scale", "fx1", "fx1", "ann").manual_score = 1.5
        gb.find_grade("test_add", "fx1", "fx1", "cat").manual_score = 0.5
        gb.db.commit()
    rel = released(course["course"])
    submit(course["submitted"], "cat", student(rel, ANSWERS))  # cat's fix
    submit(course["submitted"], "ann", student(rel, dict(ANSWERS, add="def add(a, b):\n"
                                                                      "    return a")))
    results = os.path.join(course["course"], "grades", "fx1", "results")
    before = mtimes(results)
    others = {s: os.stat(os.path.join(course["course"], "feedback", s, "fx1",
                                      "fx1.html")).st_mtime_ns for s in ("bob", "dan")}
    book_before = gradebook_penalties(course)
    report = grade(course, "--student", "cat")
    after = mtimes(results)
    assert {f for f in after if after[f] != before[f]} == {"cat.json"}
    # the TA's 0.5 on cat's test_add counts, as in nbgrader export: 0.5 + 3 + 1
    assert report["cat"]["raw_score"] == 4.5 and report["cat"]["score"] == 4.5
    # ann's new (wrong) notebook is not graded by this; her TA's 1.5 on test_scale counts
    assert report["ann"]["score"] == 4.5 and report["ann"]["questions"]["test_add"]["score"] == 2
    assert "score set by hand: 1.5 / 3" in feedback(course, "ann")
    for sid, stamp in others.items():
        assert os.stat(os.path.join(course["course"], "feedback", sid, "fx1",
                                    "fx1.html")).st_mtime_ns == stamp
    book = gradebook_penalties(course)
    assert {s: book[s] for s in ("bob", "dan")} == {s: book_before[s] for s in ("bob", "dan")}
    with Gradebook(db) as gb:
        assert gb.find_grade("test_scale", "fx1", "fx1", "ann").manual_score == 1.5
        assert gb.find_grade("test_add", "fx1", "fx1", "cat").manual_score == 0.5
        assert gb.find_grade("test_scale", "fx1", "fx1", "cat").auto_score == 3.0
    with open(os.path.join(course["course"], "grades", "fx1", "grades.csv"), newline="") as f:
        rows = {r["student_id"]: r for r in csv.DictReader(f)}
    assert rows["cat"]["test_scale"] == "3" and rows["ann"]["test_add"] == "2"


def test_regrading_a_student_without_a_submission_is_a_clear_error(course):
    run = cli(course, "grade", "fx1", "--submissions", course["submitted"], *ARGS,
              "--student", "zed")
    assert run.returncode == 2
    assert "no submission of 'zed'" in run.stderr



@pytest.mark.parametrize("line, wanted", [
    ("caat,fx1,48", "line 3: no student 'caat' is known (no submission, not in nbgrader's "
                    "gradebook): a typo?"),
    ("cat,a1,48", "line 3: no assignment 'a1' in the course (its assignments: fx1)"),
])
def test_an_extension_for_an_unknown_student_or_assignment_is_refused_with_its_line(
        course, line, wanted):
    path = os.path.join(course["course"], "extensions.csv")
    with open(path) as f:
        kept = f.read()
    try:
        with open(path, "w", encoding="cp1252") as f:  # as Excel on Windows saves it
            f.write(f"student;assignment;hours\ndan;fx1;24\n{line.replace(',', ';')}\n")
        run = cli(course, "grade", "fx1", "--submissions", course["submitted"], *ARGS)
        assert run.returncode == 2, run.stdout + run.stderr
        assert run.stderr.startswith(f"error: {path}, {wanted}")
        assert len(run.stderr.strip().splitlines()) == 1, run.stderr
    finally:
        with open(path, "w") as f:
            f.write(kept)
