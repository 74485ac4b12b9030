"""The registry of graded questions: one entry per question, mismatches refused by name.

No kernel, no nbgrader: well under a second.
"""

import sys

import pytest
from assignment_harness import COURSE

from hiddentests import QUESTIONS
from hiddentests.core import Question, RegistryError
from hiddentests.judges import a2_activations as J
from hiddentests.probes import a2_activations as P
from hiddentests.registry import collect

sys.path.insert(0, COURSE)
import build  # noqa: E402  (assignments/build.py)
import exercise_code  # noqa: E402  (assignments/exercise_code.py)


def test_every_question_has_positive_points_a_probe_and_a_judge():
    assert len(QUESTIONS) == 55
    for grade_id, question in QUESTIONS.items():
        assert question.grade_id == grade_id and question.points > 0
        assert question.probe.__module__.startswith("hiddentests.probes.")


def test_a_probe_made_by_a_factory_says_how_to_make_it_again():
    probe = QUESTIONS["a2_leaky_relu_backward"].probe
    assert probe.locator == "probe_backward('leaky_relu')"
    again = eval("P." + probe.locator)  # noqa: S307 - what the grading kernel does
    assert again({}).keys() == probe({}).keys()


@pytest.mark.parametrize(
    ("grade_id", "points", "probe", "says"),
    [
        ("relu_forward", 1, P.probe_forward("relu"), "grade id 'relu_forward'"),
        ("a2_relu_forward", 0, P.probe_forward("relu"), "a2_relu_forward: points"),
        ("a2_relu_forward", "1", P.probe_forward("relu"), "a2_relu_forward: points"),
        ("a2_relu_forward", 1, J.judge_forward("relu"), "should come from hiddentests.probes"),
        ("a2_relu_forward", 1, None, "a2_relu_forward: the probe is not callable"),
    ],
)
def test_a_malformed_entry_is_refused_with_its_grade_id(grade_id, points, probe, says):
    with pytest.raises(RegistryError, match=says):
        Question(grade_id, points, probe, J.judge_forward("relu"))


def test_a_grade_id_declared_twice_or_by_another_assignment_is_refused(monkeypatch):
    from hiddentests.questions import a2_activations

    twice = [*a2_activations.QUESTIONS, a2_activations.QUESTIONS[0]]
    monkeypatch.setattr(a2_activations, "QUESTIONS", twice)
    with pytest.raises(RegistryError, match="a2_sigmoid_forward is declared twice"):
        collect(["a2_activations"])
    with pytest.raises(RegistryError, match="a2_sigmoid_forward is declared in .*a1_linear"):
        monkeypatch.setattr("hiddentests.questions.a1_linear.QUESTIONS", twice)
        collect(["a1_linear"])


def test_build_refuses_a_test_cell_without_an_entry_and_an_entry_without_a_test_cell():
    questions = dict(QUESTIONS)
    del questions["a2_relu_backward"]
    with pytest.raises(build.TemplateError, match="no hidden test registered for a2_relu_backward"):
        build.build_notebook("a2_activations", questions)
    questions = dict(QUESTIONS)
    questions["a2_gelu_forward"] = Question(
        "a2_gelu_forward", 1, P.probe_forward("relu"), J.judge_forward("relu")
    )
    with pytest.raises(build.TemplateError, match=r"without a grade cell: \['a2_gelu_forward'\]"):
        build.build_notebook("a2_activations", questions)


def test_build_copies_a_reference_body_verbatim_and_refuses_validation_in_it(tmp_path, monkeypatch):
    (tmp_path / "refmod.py").write_text(
        "from solutions._checks import check_float_array, validated\n\n\n"
        "def _inputs(x):\n    check_float_array('x', x)\n\n\n"
        "@validated(_inputs)\ndef clean(x):\n    \"\"\"Doubles x.\"\"\"\n\n    y = 2 * x\n"
        "    return y\n\n\n"
        "def validating(x):\n    \"\"\"Doubles x.\"\"\"\n    check_float_array('x', x)\n"
        "    return 2 * x\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    source = exercise_code.solution_function("refmod:clean")
    assert source.splitlines() == [
        "def clean(x):", '    """Doubles x."""', "    ### BEGIN SOLUTION", "",
        "    y = 2 * x", "    return y", "    ### END SOLUTION",
    ]
    with pytest.raises(build.TemplateError, match=r"refmod:validating validates its inputs in "
                       r"its body \(check_float_array \(line 3\)\)"):
        exercise_code.solution_function("refmod:validating")
