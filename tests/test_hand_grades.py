"""Every point a TA gives reaches the student and the LMS: hand grades entered in nbgrader's
gradebook (as the formgrader stores them) after `grade`, then a one-student regrade, an
extension and a late change of mind, each followed by a check that the report, grades.csv,
summary, feedback and the Canvas, Moodle and plain exports all agree with `nbgrader export`.

The fixture course gets a free-response question (2 points, graded by hand) and a per-day late
policy; three students hand in. Costs ~1 min: the class graded once, then two cheap regrades.
"""

import csv
import datetime
import html
import json
import os
import re

import pytest
from fixture_course import ANSWERS, make_course, released, student, submit
from test_grading_adversarial import cli
from test_grading_late import ARGS, nbgrader

pytestmark = pytest.mark.slow
POLICY = """
c.LatePolicy.method = "per_day"
c.LatePolicy.rate = 0.1
c.LatePolicy.cap = 0.3
"""
DUE = datetime.datetime(2026, 3, 1, 17, 0, 0)
ROSTER = "id,first_name,last_name,email,lms_user_id\n" + "".join(
    f"{s},{s.title()},Sample,{s}@uni.example,{100 + k}\n" for k, s in enumerate(("ann", "bob",
                                                                                "cat")))


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    paths = make_course(tmp_path_factory.mktemp("hand"), free_response=True)
    with open(os.path.join(paths["course"], "nbgrader_config.py"), "a") as f:
        f.write(POLICY)
    assert cli(paths, "release", "fx1").returncode == 0
    nbgrader(paths["course"], "db", "assignment", "add", "fx1",
             f"--duedate={DUE:%Y-%m-%d %H:%M:%S} UTC")
    rel = released(paths["course"])
    wrong = dict(ANSWERS, scale="def scale(x, k):\n    return x")
    for sid, answers, stamp in (("ann", ANSWERS, "2026-03-01 16:00:00 UTC"),
                                ("bob", ANSWERS, "2026-03-02 18:00:00 UTC"),  # 2 started days
                                ("cat", wrong, "2026-03-01 12:00:00 UTC")):
        folder = submit(paths["submitted"], sid, student(rel, answers))
        with open(os.path.join(folder, "timestamp.txt"), "w") as f:
            f.write(stamp)
    with open(os.path.join(paths["course"], "roster.csv"), "w") as f:
        f.write(ROSTER)
    grade(paths)
    return paths


def grade(paths, *extra):
    run = cli(paths, "grade", "fx1", "--submissions", paths["submitted"], *ARGS, *extra)
    assert run.returncode == 0, run.stdout + run.stderr


def hand_grade(paths, sid, grade_id, score=None, comment=None, extra_credit=None):
    """What the formgrader stores when a TA grades a cell: the gradebook's manual score, extra
    credit and comment of that cell of the student's submission."""
    from nbgrader.api import Gradebook

    with Gradebook("sqlite:///" + os.path.join(paths["course"], "gradebook.db")) as gb:
        grade = gb.find_grade(grade_id, "fx1", "fx1", sid)
        if score is not None:
            grade.manual_score = score
        if extra_credit is not None:
            grade.extra_credit = extra_credit
        if comment is not None:
            gb.find_comment(grade_id, "fx1", "fx1", sid).manual_comment = comment
        gb.db.commit()


def scores_everywhere(paths):
    """{where: {student: total}} from every place a score is shown or exported."""
    course, out = paths["course"], paths["course"]
    found = {}
    exported = os.path.join(out, "nbgrader-export.csv")
    nbgrader(course, "export", "--to", exported)
    with open(exported, newline="") as f:
        found["nbgrader export"] = {r["student_id"]: float(r["score"])
                                    for r in csv.DictReader(f)}
    for fmt in ("canvas", "moodle", "csv"):
        path = os.path.join(out, f"{fmt}.csv")
        run = cli(paths, "export", "fx1", "--format", fmt, "--roster",
                  os.path.join(course, "roster.csv"), "--output", path)
        assert run.returncode == 0, run.stderr
        with open(path, newline="") as f:
            rows = list(csv.reader(f))
        if fmt == "canvas":
            by_lms_id = {str(100 + k): s for k, s in enumerate(("ann", "bob", "cat"))}
            found[fmt] = {by_lms_id[r[1]]: float(r[-1]) for r in rows[2:]}
        elif fmt == "moodle":
            found[fmt] = {r[0].split("@")[0]: float(r[-1]) for r in rows[1:]}
        else:
            head = rows[0]
            found[fmt] = {r[0]: float(r[head.index("score")]) for r in rows[1:]}
    grades = os.path.join(course, "grades", "fx1")
    with open(os.path.join(grades, "report.json")) as f:
        found["report.json"] = {s: e["score"] for s, e in json.load(f)["students"].items()}
    with open(os.path.join(grades, "grades.csv"), newline="") as f:
        found["grades.csv"] = {r["student_id"]: float(r["score"]) for r in csv.DictReader(f)}
    found["feedback"] = {}
    for sid in ("ann", "bob", "cat"):
        with open(os.path.join(course, "feedback", sid, "fx1", "fx1.html")) as f:
            score = re.search(r"Score: <b>([0-9.]+) / 8</b>", f.read()).group(1)
        found["feedback"][sid] = float(score)
    return found


def assert_agree(paths, expected):
    for where, scores in scores_everywhere(paths).items():
        assert scores == {s: pytest.approx(v) for s, v in expected.items()}, where


def feedback_row(paths, sid, grade_id):
    with open(os.path.join(paths["course"], "feedback", sid, "fx1", "fx1.html")) as f:
        page = f.read()
    row = re.search(rf"<tr><td><code>{grade_id}</code></td>.*?</tr>", page, re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", row.group(0)))


def test_every_hand_grade_reaches_the_feedback_and_the_lms_after_every_step(course):
    # graded, nothing by hand yet: ann 6, bob 6 - 2 days x 10% x 8 = 4.4, cat 3
    assert_agree(course, {"ann": 6.0, "bob": 4.4, "cat": 3.0})
    assert "graded by hand in formgrader" in feedback_row(course, "ann", "explain")

    hand_grade(course, "ann", "explain", 2.0, comment="Clear: squares keep norms >= 0.")
    hand_grade(course, "bob", "explain", 1.5)
    hand_grade(course, "cat", "test_scale", 1.0, extra_credit=0.5)  # an override, and a bonus
    grade(course, "--student", "ann")
    assert_agree(course, {"ann": 8.0, "bob": 7.5 - 1.6, "cat": 4.5})
    assert "2 / 2" in feedback_row(course, "ann", "explain")
    assert "TA's comment: Clear: squares keep norms >= 0." in feedback_row(course, "ann",
                                                                          "explain")
    assert "score set by hand: 1 / 3" in feedback_row(course, "cat", "test_scale")
    assert "extra credit: 0.5" in feedback_row(course, "cat", "test_scale")

    with open(os.path.join(course["course"], "extensions.csv"), "w") as f:
        f.write("student,assignment,hours\nbob,fx1,26\n")
    grade(course)  # nothing is regraded: the penalties are recomputed
    assert_agree(course, {"ann": 8.0, "bob": 7.5, "cat": 4.5})

    hand_grade(course, "ann", "explain", 0.5, comment="On second reading: no reason given.")
    assert_agree(course, {"ann": 6.5, "bob": 7.5, "cat": 4.5})  # export alone brings it in
    assert "0.5 / 2" in feedback_row(course, "ann", "explain")
    assert "On second reading" in feedback_row(course, "ann", "explain")
    assert "Clear:" not in feedback_row(course, "ann", "explain")
