"""The assignments through real nbgrader: generate_assignment, autograde, generate_feedback.

One temporary course root per assignment (never the committed assignments/); every submission
of an assignment is graded in ONE `nbgrader autograde` run, and the assignments are graded two
at a time. Students: `reference` (the instructor's code in every solution cell), `stub` (the
release, untouched), and the corpus (tests/corpus/): mutants packed into a few submissions
(`corpus.pack`: different cells, disjoint target questions, so each verdict stays its own) and
the correct variants packed likewise.
Also times the reference's autograde (a full Run All) and runs every release notebook as a student.
The grading is `nbgrader_graded` (tests/conftest.py, `assignment_harness.grade_with_nbgrader`),
done once per test run: tests/test_grading_assignments.py compares the pipeline with it.
Cost: about 4 minutes on 2 shared cores (kernel start-up dominates: ~1.5 s per notebook).
"""

import os
import re

import nbformat
import pytest
from assignment_harness import AVAILABLE, REPO

# the first test grades every assignment through nbgrader (about 5 minutes here): a hang guard
pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]


@pytest.fixture(scope="module")
def graded(nbgrader_graded):
    """Every assignment under test through real nbgrader (tests/conftest.py)."""
    return nbgrader_graded


def _lost(grades):
    """Grade ids of auto-graded cells that did not get full marks."""
    return {
        g
        for g, (score, max_score, auto) in grades.items()
        if auto is not None and score < max_score
    }


def _auto(grades):
    return {g: v for g, v in grades.items() if v[2] is not None}


@pytest.mark.parametrize("assignment", AVAILABLE)
def test_reference_gets_full_marks_on_every_autograded_question(graded, assignment):
    grades = graded[assignment]["scores"]["reference"]
    auto = _auto(grades)
    assert auto, "no auto-graded question found"
    assert not _lost(grades), f"reference lost points on {sorted(_lost(grades))}"
    manual = {g for g, v in grades.items() if v[2] is None}
    assert manual, "every assignment has free-response questions graded by hand"


@pytest.mark.parametrize("assignment", AVAILABLE)
def test_release_notebook_runs_and_fails_only_with_the_stubs_not_implemented_error(
    graded, assignment
):
    errors = graded[assignment]["release_errors"]
    assert errors
    for ename, evalue in errors:  # the stub itself, or a visible test saying what to write first
        assert ename == "NotImplementedError" or (
            ename == "CheckFailed" and ("is not written yet" in evalue
                                        or "fails its own test above: fix it first" in evalue)
        ), (ename, evalue)


@pytest.mark.parametrize("assignment", AVAILABLE)
def test_release_stub_scores_zero_every_failure_caused_by_not_implemented(graded, assignment):
    course = graded[assignment]["course"]
    grades = graded[assignment]["scores"]["stub"]
    assert all(score == 0 for score, _, _ in grades.values()), grades
    nb = nbformat.read(
        course.path("autograded", "stub", assignment, assignment + ".ipynb"), as_version=4
    )
    errors = [
        o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"
    ]
    assert errors
    for e in errors:
        if e.ename == "HiddenTestFailure":  # the hidden test's report of the stub's error
            assert "NotImplementedError" in e.evalue, e.evalue
        else:
            assert e.ename == "NotImplementedError", (e.ename, e.evalue)


@pytest.mark.parametrize("assignment", AVAILABLE)
def test_reference_notebook_autogrades_within_30_s_plus_nbgrader_start_up(graded, assignment):
    # ~2-3 s of nbgrader start-up and kernel launch come on top of the notebook's Run All;
    # each test cell's time is checked in test_assignments_build.py
    seconds = graded[assignment]["reference_seconds"]
    assert seconds < 35, f"autograding the reference took {seconds:.1f} s"


@pytest.mark.parametrize("assignment", AVAILABLE)
def test_every_mutant_loses_points_exactly_on_its_target_questions(graded, assignment):
    g = graded[assignment]
    wrong = {}
    for student, ids in g["packs"].items():
        if not student.startswith("mutants_"):
            continue
        lost = _lost(g["scores"][student])
        expected = set().union(*(g["mutants"][i].fails for i in ids))
        for mutant_id in ids:  # fails sets in a pack are disjoint: each verdict is its own
            missed = set(g["mutants"][mutant_id].fails) - lost
            if missed:
                wrong[mutant_id] = {"missed": sorted(missed)}
        if lost - expected:
            wrong[student] = {"unexpected": sorted(lost - expected), "mutants": ids}
    assert not wrong, wrong
    graded_mutants = [i for s, ids in g["packs"].items() if s.startswith("mutants_") for i in ids]
    assert sorted(graded_mutants) == sorted(g["mutants"])


@pytest.mark.parametrize("assignment", AVAILABLE)
def test_every_correct_variant_gets_full_marks(graded, assignment):
    g = graded[assignment]
    assert g["variants"]
    lost = {
        f"{student} ({', '.join(ids)})": sorted(_lost(g["scores"][student]))
        for student, ids in g["packs"].items()
        if student.startswith("variants_") and _lost(g["scores"][student])
    }
    assert not lost, lost
    graded_variants = [i for s, ids in g["packs"].items() if s.startswith("variants_") for i in ids]
    assert sorted(graded_variants) == sorted(g["variants"])


def test_corpus_is_large_enough(graded):
    mutants = sum(len(g["mutants"]) for g in graded.values())
    variants = sum(len(g["variants"]) for g in graded.values())
    assert mutants >= 30 and variants >= 10 or "ASSIGNMENTS_UNDER_TEST" in os.environ


def _solution_lines(source_nb):
    """Code lines found only inside the solution regions of the instructor notebook (and long
    enough to be specific): what a release or a feedback page must never show."""
    inside_lines, outside_text = set(), []
    for cell in source_nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or not meta.get("solution"):
            outside_text.append(cell.source)
            continue
        inside = False
        for line in cell.source.splitlines():
            if "### BEGIN SOLUTION" in line:
                inside = True
            elif "### END SOLUTION" in line:
                inside = False
            elif inside and len(line.strip()) >= 12 and not line.strip().startswith("#"):
                inside_lines.add(line.strip())
            else:
                outside_text.append(line)
    outside = "\n".join(outside_text)
    return {line for line in inside_lines if line not in outside}


LEAK_MARKERS = [
    "BEGIN SOLUTION",
    "END SOLUTION",
    "BEGIN HIDDEN TESTS",
    "hiddentests",
    "import solutions",
    "from solutions",
    "Rubric",
]


@pytest.mark.parametrize("assignment", AVAILABLE)
def test_release_folder_holds_no_solution_code_and_no_hidden_test(graded, assignment):
    course = graded[assignment]["course"]
    release = course.path("release", assignment)
    files = sorted(
        os.path.relpath(os.path.join(d, f), release) for d, _, fs in os.walk(release) for f in fs
    )
    package = sorted(  # the student's package, whole
        os.path.relpath(os.path.join(d, f), REPO)
        for d, _, fs in os.walk(os.path.join(REPO, "coursekit"))
        for f in fs
        if f.endswith(".py")
    )
    assert files == sorted([f"{assignment}.ipynb", *package]), files
    assert "coursekit/gradcheck.py" in package and "coursekit/checks/harness.py" in package
    text = {f: open(os.path.join(release, f), encoding="utf-8").read() for f in files}
    for f, content in text.items():
        for marker in LEAK_MARKERS:
            assert marker not in content, f"{marker!r} found in release/{assignment}/{f}"
    nb = nbformat.reads(text[f"{assignment}.ipynb"], as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    leaked = [line for line in _solution_lines(course.source_nb(assignment)) if line in code]
    assert not leaked, leaked


@pytest.mark.parametrize("assignment", AVAILABLE)
def test_feedback_shows_no_hidden_test(graded, assignment):
    for student, path in graded[assignment]["feedback"].items():
        html = open(path, encoding="utf-8").read()
        for marker in (
            "BEGIN HIDDEN TESTS",
            "hiddentests",
            "from solutions",
            "import solutions",
            "Rubric",
            "check(&quot;",
        ):
            assert marker not in html, f"{marker!r} in the feedback of {student}"
    # a failing student sees why, from the judge's message, without a traceback of test code
    first_pack = next(s for s in graded[assignment]["packs"] if s.startswith("mutants_"))
    html = open(graded[assignment]["feedback"][first_pack], encoding="utf-8").read()
    assert "HiddenTestFailure" in html or "CheckFailed" in html


@pytest.mark.parametrize("assignment", AVAILABLE)
def test_stub_feedback_holds_no_solution_code(graded, assignment):
    course = graded[assignment]["course"]
    html = open(graded[assignment]["feedback"]["stub"], encoding="utf-8").read()
    text = re.sub(r"<[^>]+>", "", html)
    import html as html_module

    text = html_module.unescape(text)
    leaked = [line for line in _solution_lines(course.source_nb(assignment)) if line in text]
    assert not leaked, leaked


@pytest.mark.parametrize("assignment", AVAILABLE)
def test_autograde_log_reports_no_failed_notebook(graded, assignment):
    log = graded[assignment]["log"]
    assert "Removing failed assignment" not in log, log[-3000:]
