"""A TA's hand grade, typed into nbgrader's formgrader, reaches the student and the LMS.

A student hands in a1_linear with one free-response answer written; `python -m autograder grade`
grades it (jailed, as in the README). In chromium the TA opens the submission in the
formgrader, types 2 points and a comment for that answer. Then `python -m autograder export`
writes Canvas's file: the student's total there, in `report.json`, `grades.csv` and the feedback
page all equal `nbgrader export`'s, and the feedback's row for the question gives the TA's points
and comment.
"""

import csv
import json
import os
import re
import subprocess
import sys
import time
import warnings

import nbformat
import pytest
import student_workspace

pytestmark = [pytest.mark.browser, pytest.mark.slow]
A, STUDENT, QUESTION = "a1_linear", "hana", "a1_q_initial_loss"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MATHJAX_STUB = ("window.MathJax = {Hub: {Config() {}, Queue() {}, Configured() {}, "
                "Startup: {signal: {Interest() {}}}}};")
COMMENT = "Right: with W near 0 every class is equally likely, so the loss is log 10."


def autograder(course, *args):
    """`python -m autograder --course COURSE ARGS` -> the finished process (checked)."""
    run = subprocess.run([sys.executable, "-m", "autograder", "--course", str(course), *args],
                         cwd=ROOT, capture_output=True, text=True, timeout=600,
                         env=dict(os.environ, JUPYTER_PREFER_ENV_PATH="1"))
    assert run.returncode == 0, run.stdout + run.stderr
    return run


@pytest.fixture(scope="module")
def graded(course_copy):
    """The formgrader's id of hana's graded notebook (her release with one answer written)."""
    from nbgrader.api import Gradebook
    from sqlalchemy.exc import SAWarning

    release = student_workspace.generate_release(course_copy, [A])
    nb = nbformat.read(release / A / f"{A}.ipynb", as_version=4)
    answer = next(c for c in nb.cells
                  if c.metadata.get("nbgrader", {}).get("grade_id") == QUESTION)
    answer.source = "At W = 0 every score is 0: the softmax is uniform, so L = log 10."
    folder = course_copy / "submitted" / STUDENT / A
    folder.mkdir(parents=True)
    nbformat.write(nb, str(folder / f"{A}.ipynb"))
    autograder(course_copy, "grade", A, "--submissions", str(course_copy / "submitted"),
               "--jobs", "1", "--quiet")
    with Gradebook(f"sqlite:///{course_copy / 'gradebook.db'}") as gb, warnings.catch_warnings():
        warnings.simplefilter("ignore", SAWarning)
        return gb.find_submission_notebook(A, A, STUDENT).id


def manual_score(course):
    """The gradebook's hand score and comment of hana's answer."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return (gb.find_grade(QUESTION, A, A, STUDENT).manual_score,
                gb.find_comment(QUESTION, A, A, STUDENT).manual_comment)


def totals(course, tmp_path):
    """hana's total from nbgrader export, the Canvas file, report.json, grades.csv, feedback."""
    found = {}
    out = tmp_path / "nbgrader.csv"
    subprocess.run([sys.executable, "-m", "nbgrader", "export", "--to", str(out)], cwd=course,
                   check=True, capture_output=True, timeout=300)
    with open(out, newline="") as f:
        found["nbgrader export"] = next(float(r["score"]) for r in csv.DictReader(f)
                                        if r["student_id"] == STUDENT)
    roster = tmp_path / "roster.csv"
    roster.write_text(f"id,lms_user_id\n{STUDENT},101\n")
    canvas = tmp_path / "canvas.csv"
    autograder(course, "export", A, "--format", "canvas", "--roster", str(roster),
               "--output", str(canvas))
    with open(canvas, newline="") as f:
        found["canvas"] = float(list(csv.reader(f))[2][-1])
    grades = course / "grades" / A
    found["report.json"] = json.loads((grades / "report.json").read_text())["students"][
        STUDENT]["score"]
    with open(grades / "grades.csv", newline="") as f:
        found["grades.csv"] = float(next(csv.DictReader(f))["score"])
    page = (course / "feedback" / STUDENT / A / f"{A}.html").read_text()
    found["feedback"] = float(re.search(r"Score: <b>([0-9.]+) / ", page).group(1))
    return found, page


def test_a_hand_grade_typed_in_the_formgrader_reaches_the_feedback_and_canvas(
        page, instructor_lab, graded, course_copy, tmp_path, screenshot):
    before, _ = totals(course_copy, tmp_path)
    assert len(set(before.values())) == 1, before

    saved = []
    page.on("response", lambda r: saved.append((r.request.method, r.url, r.status))
            if "/formgrader/" in r.url else None)
    page.on("console", lambda m: saved.append(("console", m.type, m.text)))
    page.on("pageerror", lambda e: saved.append(("pageerror", str(e))))
    # the formgrader's own requests carry no token: the browser sends it, as a logged-in TA's
    # cookie would; MathJax comes from a CDN this offline machine cannot reach
    page.context.set_extra_http_headers({"Authorization": f"token {instructor_lab.token}"})
    page.route("**/MathJax.js*", lambda route: route.fulfill(
        content_type="text/javascript", body=MATHJAX_STUB))
    page.goto(instructor_lab.url(f"formgrader/submissions/{graded}/"), timeout=60_000)
    score = page.locator(f"input.score#{QUESTION}")
    score.wait_for(timeout=60_000)
    page.wait_for_load_state("networkidle", timeout=60_000)  # the grades are loaded and bound
    score.fill("2")
    score.press("Tab")  # the formgrader saves a score when it changes
    comment = page.locator(f"textarea#{QUESTION}-comment")
    comment.fill(COMMENT)
    comment.press("Tab")
    deadline = time.monotonic() + 30
    while manual_score(course_copy) != (2.0, COMMENT) and time.monotonic() < deadline:
        time.sleep(0.5)
    screenshot("formgrader-hand-grade")
    assert manual_score(course_copy) == (2.0, COMMENT), "\n".join(map(str, saved))

    after, feedback = totals(course_copy, tmp_path)
    assert after == {where: pytest.approx(before["nbgrader export"] + 2.0) for where in after}
    row = re.search(rf"<tr><td><code>{QUESTION}</code></td>.*?</tr>", feedback, re.S).group(0)
    assert "2 / 2" in row and "graded by hand" in row and "equally likely" in row
