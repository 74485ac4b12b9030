"""`python -m autograder demo` (run by `make demo`) grades its sample class exactly as intended."""

import json
import os
import subprocess
import sys

import pytest

from autograder import demo
from hiddentests import QUESTIONS

pytestmark = pytest.mark.slow

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FULL = {g: q.points for g, q in QUESTIONS.items() if g.startswith("a1_")}


def full_except(*zeroed):
    assert set(zeroed) <= set(FULL)
    return {g: 0.0 if g in zeroed else p for g, p in FULL.items()}


EXPECTED = {
    "ada_perfect": FULL,
    # answers only the first half of the solution cells, in the order of their ids
    "ben_partial": {g: (p if g in {"a1_linear_scores", "a1_softmax_loss_value",
                                   "a1_softmax_loss_dscores"} else 0.0) for g, p in FULL.items()},
    "cho_no_average": full_except("a1_svm_loss_naive_value", "a1_svm_loss_naive_dW"),
    "dev_reg_gradient": full_except("a1_softmax_loss_vectorized_dW"),
    "eli_runaway_loop": full_except("a1_svm_loss_naive_value", "a1_svm_loss_naive_dW"),
    "fen_kernel_crash": full_except("a1_softmax_loss_naive_value", "a1_softmax_loss_naive_dW"),
    # dscores not averaged (svm_loss_vectorized uses it) and np.allclose patched to agree
    "gus_tamperer": full_except("a1_svm_loss_dscores", "a1_svm_loss_vectorized_dW"),
    "hal_broken_file": full_except(*FULL),
    "ivy_untouched": full_except(*FULL),
}


def test_demo_class_gets_exactly_the_intended_grades_and_feedback(tmp_path):
    # run from any folder: the demo grades a copy of the project's own course
    run = subprocess.run([sys.executable, "-m", "autograder", "demo"], cwd=tmp_path,
                         env=dict(os.environ, PYTHONPATH=REPO), capture_output=True, text=True,
                         timeout=600)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    printed = run.stdout
    out = tmp_path / demo.OUT

    students = json.loads((out / "report.json").read_text())["students"]
    assert set(students) == set(EXPECTED)
    for sid, expected in EXPECTED.items():
        auto = {g: q["score"] for g, q in students[sid]["questions"].items() if g in FULL}
        assert auto == expected, sid

    assert "not valid JSON" in students["hal_broken_file"]["error"]
    assert all(students[s]["error"] is None for s in EXPECTED if s != "hal_broken_file")
    assert any("time limit per cell" in f for f in students["eli_runaway_loop"]["flags"])
    assert any("np.allclose" in f for f in students["gus_tamperer"]["flags"])
    assert students["ada_perfect"]["flags"] == []

    feedback = out / "course" / "feedback" / "ada_perfect" / "a1_linear" / "a1_linear.html"
    assert feedback.is_file()
    assert "hiddentests" not in feedback.read_text()
    for line in ("grades CSV:", "JSON report:", "feedback HTML:", "ada_perfect"):
        assert line in printed


def test_demo_from_a_course_without_a1_says_so():
    run = subprocess.run([sys.executable, "-m", "autograder", "--course", "/nonexistent", "demo"],
                         cwd=REPO, capture_output=True, text=True, timeout=60)
    assert run.returncode == 2
    assert run.stderr.strip() == ("error: /nonexistent is not an nbgrader course: "
                                  "no source/ folder in it")
