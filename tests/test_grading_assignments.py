"""The secure grading pipeline on the four real assignments and their whole mutation corpus.

Per assignment, in a temporary copy of the course root: `python -m autograder release`, then a
class of the instructor's notebook handed in as is (`source`), the release with the instructor's
code in every answer (`reference`, demo cells kept: figures and training runs), the untouched
release (`stub`) and every mutant and correct variant of tests/corpus/, packed into a few
submissions exactly as the plain-nbgrader tests pack them (`corpus.pack`: different cells,
disjoint target questions, so each verdict stays its own), graded by ONE
`python -m autograder grade --jobs 2` run. The pipeline's per-question scores must be what the
corpus says: a mutant loses points exactly on its target questions, a variant and the reference
get full marks, the stub gets 0, questions graded by hand are left to formgrader. The same
packs, the reference and the stub are graded by plain `nbgrader autograde` once per test run
(`nbgrader_graded` in tests/conftest.py, which tests/test_assignments_nbgrader.py also reads),
and both graders must agree question by question on every one of them.

Cost: about 3 minutes on 2 shared cores (about 55 notebooks; kernel start-up dominates), plus
the nbgrader grading when this file runs alone.
"""

import json
import os
import subprocess
import sys
import time

import corpus
import nbformat
import pytest
from assignment_harness import AVAILABLE, Course, corpus_replacements, submission

# the first test of an assignment grades its whole corpus: a hang guard
pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def autograder(course_root, *args, timeout=600):
    env = dict(os.environ, JUPYTER_PREFER_ENV_PATH="1")
    env.pop("PYTEST_CURRENT_TEST", None)
    return subprocess.run([sys.executable, "-m", "autograder", "--course", course_root, *args],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


def _write(folder, student, assignment, nb):
    path = os.path.join(folder, student, assignment)
    os.makedirs(path, exist_ok=True)
    nbformat.write(nb, os.path.join(path, assignment + ".ipynb"))


def _grade(tmp, assignment):
    course = Course(os.path.join(tmp, "course"), [assignment])
    released = autograder(course.root, "release", assignment)
    assert released.returncode == 0, released.stdout + released.stderr
    src, rel = course.source_nb(assignment), course.release_nb(assignment)
    mutants, variants = corpus.load(assignment)
    entries = {**mutants, **variants}
    packs = corpus.pack(mutants) + corpus.pack(variants)
    notebooks = {"source": src, "reference": submission(rel, src), "stub": rel}
    for student, ids in packs:
        replacements = {}
        for entry_id in ids:
            replacements.update(corpus_replacements(src, entries[entry_id]))
        notebooks[student] = submission(rel, src, replacements, drop_demos=True)
    submitted = os.path.join(tmp, "submitted")
    for student, nb in notebooks.items():
        _write(submitted, student, assignment, nb)

    report_path = os.path.join(tmp, "report.json")
    start = time.perf_counter()
    run = autograder(course.root, "grade", assignment, "--submissions", submitted, "--jobs", "2",
                     "--report", report_path, "--quiet", timeout=780)
    seconds = time.perf_counter() - start
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    with open(report_path, encoding="utf-8") as f:
        report = json.load(f)
    results_dir = os.path.join(course.root, "grades", assignment, "results")
    per_student = {}
    for name in os.listdir(results_dir):
        with open(os.path.join(results_dir, name), encoding="utf-8") as f:
            r = json.load(f)
        per_student[r["student"]] = r["seconds"]
    return {"report": report, "mutants": mutants, "variants": variants, "packs": dict(packs),
            "course": course, "seconds": seconds, "per_student": per_student,
            "stdout": run.stdout}


class _GradedOnDemand(dict):
    """{assignment: what _grade returned}, each assignment graded when a test first asks for
    it, so that its grading counts against that test's time limit alone."""

    def __init__(self, tmp_path_factory):
        super().__init__()
        self.tmp_path_factory = tmp_path_factory

    def __missing__(self, assignment):
        g = self[assignment] = _grade(str(self.tmp_path_factory.mktemp(assignment)), assignment)
        slowest = sorted(g["per_student"].items(), key=lambda kv: -kv[1])[:3]
        print(f"\n{assignment}: {len(g['report']['students'])} submissions graded in "
              f"{g['seconds']:.1f} s with --jobs 2; slowest: {slowest}")
        return g


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    return _GradedOnDemand(tmp_path_factory)


def _auto_ids(course, assignment):
    from autograder.course import Course as PipelineCourse

    templates = PipelineCourse(course.root).templates(assignment)
    auto = [c.grade_id for t in templates for c in t.cells if c.kind == "test"]
    manual = [c.grade_id for t in templates for c in t.cells if c.kind == "answer"]
    return auto, manual


def _lost(entry, auto):
    return {g for g in auto if entry["questions"][g]["score"] < entry["questions"][g]["max_score"]}


def _explain(entry, ids):
    return {g: entry["questions"][g]["feedback"][:400] for g in ids} | {
        "flags": entry["flags"][:5], "error": entry["error"]}


@pytest.mark.parametrize("assignment", AVAILABLE)
def test_pipeline_grades_every_student_of_the_corpus_without_error(graded, assignment):
    g = graded[assignment]
    expected = {"source", "reference", "stub", *g["packs"]}
    assert set(g["report"]["students"]) == expected
    errors = {s: e["error"] for s, e in g["report"]["students"].items() if e["error"]}
    assert not errors, errors
    timeouts = {s: [f for f in e["flags"] if "time limit" in f]
                for s, e in g["report"]["students"].items()
                if any("time limit" in f for f in e["flags"])}
    assert not timeouts, timeouts


@pytest.mark.parametrize("assignment", AVAILABLE)
def test_pipeline_gives_reference_and_source_full_marks_and_leaves_answers_to_formgrader(
        graded, assignment):
    g = graded[assignment]
    auto, manual = _auto_ids(g["course"], assignment)
    assert auto and manual
    for student in ("source", "reference"):
        entry = g["report"]["students"][student]
        lost = _lost(entry, auto)
        assert not lost, (student, _explain(entry, lost))
        for gid in manual:
            q = entry["questions"][gid]
            assert q["score"] == 0 and "by hand" in q["feedback"], (student, gid, q)
        assert entry["score"] == sum(entry["questions"][gid]["max_score"] for gid in auto)
        assert not [f for f in entry["flags"] if "tampering" in f or "killed" in f], entry["flags"]
    # the reference's demo cells (figures, drawn with Agg and not kept; training runs) ran
    # without a single error output
    nb = nbformat.read(os.path.join(g["course"].root, "autograded", "reference", assignment,
                                    assignment + ".ipynb"), as_version=4)
    errors = [(o.get("ename"), o.get("evalue", "")[:200]) for c in nb.cells
              if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors, errors


@pytest.mark.parametrize("assignment", AVAILABLE)
def test_pipeline_gives_the_untouched_release_zero_on_every_question(graded, assignment):
    g = graded[assignment]
    auto, _manual = _auto_ids(g["course"], assignment)
    entry = g["report"]["students"]["stub"]
    assert entry["score"] == 0, entry
    for gid in auto:
        assert "NotImplementedError" in entry["questions"][gid]["feedback"], \
            (gid, entry["questions"][gid]["feedback"][:400])


@pytest.mark.parametrize("assignment", AVAILABLE)
def test_pipeline_takes_points_from_each_mutant_exactly_on_its_target_questions(graded,
                                                                               assignment):
    g = graded[assignment]
    auto, _manual = _auto_ids(g["course"], assignment)
    wrong = {}
    for pack, ids in g["packs"].items():
        if not pack.startswith("mutants_"):
            continue
        student = g["report"]["students"][pack]
        lost = _lost(student, auto)
        for mutant_id in ids:  # fails sets in a pack are disjoint: each verdict is its own
            missed = set(g["mutants"][mutant_id].fails) - lost
            if missed:
                wrong[mutant_id] = {"missed": sorted(missed)}
        expected = set().union(*(g["mutants"][i].fails for i in ids))
        if lost - expected:
            wrong[pack] = {"mutants": ids, "unexpected": _explain(student, lost - expected)}
    assert not wrong, wrong
    packed = [i for s, ids in g["packs"].items() if s.startswith("mutants_") for i in ids]
    assert sorted(packed) == sorted(g["mutants"])


@pytest.mark.parametrize("assignment", AVAILABLE)
def test_pipeline_gives_every_correct_variant_full_marks(graded, assignment):
    g = graded[assignment]
    auto, _manual = _auto_ids(g["course"], assignment)
    assert g["variants"]
    lost = {}
    for pack, ids in g["packs"].items():
        student = g["report"]["students"][pack]
        if pack.startswith("variants_") and _lost(student, auto):
            lost[f"{pack} ({', '.join(ids)})"] = _explain(student, _lost(student, auto))
    assert not lost, lost
    packed = [i for s, ids in g["packs"].items() if s.startswith("variants_") for i in ids]
    assert sorted(packed) == sorted(g["variants"])


@pytest.mark.parametrize("assignment", AVAILABLE)
def test_pipeline_and_plain_nbgrader_agree_question_by_question(graded, nbgrader_graded,
                                                                  assignment):
    g = graded[assignment]
    plain_scores = nbgrader_graded[assignment]["scores"]
    students = ["reference", "stub", *g["packs"]]
    assert set(students) <= set(plain_scores), sorted(set(students) - set(plain_scores))
    assert nbgrader_graded[assignment]["packs"] == g["packs"]  # the same notebooks
    auto, _manual = _auto_ids(g["course"], assignment)
    differ = {}
    for student in students:
        plain = plain_scores[student]
        ours = g["report"]["students"][student]["questions"]
        for gid in auto:
            if plain[gid][0] != ours[gid]["score"] or plain[gid][1] != ours[gid]["max_score"]:
                differ[(student, gid)] = {"nbgrader": plain[gid][:2],
                                          "pipeline": (ours[gid]["score"],
                                                       ours[gid]["max_score"]),
                                          "feedback": ours[gid]["feedback"][:300]}
    assert not differ, differ


@pytest.mark.parametrize("assignment", AVAILABLE)
def test_pipeline_feedback_explains_a_mutants_loss_without_hidden_tests(graded, assignment):
    g = graded[assignment]
    pack = next(s for s in g["packs"] if s.startswith("mutants_"))
    path = os.path.join(g["course"].root, "feedback", pack, assignment, assignment + ".html")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    for marker in ("BEGIN HIDDEN TESTS", "hiddentests", "from solutions", "import solutions"):
        assert marker not in text, marker
    target = sorted(g["mutants"][g["packs"][pack][0]].fails)[0]
    feedback = g["report"]["students"][pack]["questions"][target]["feedback"]
    assert feedback and feedback != "passed"
    assert f"Feedback: {pack}" in text


@pytest.mark.parametrize("assignment", AVAILABLE)
def test_graded_notebook_and_feedback_show_the_students_figures(graded, assignment):
    """A TA grading an answer by hand sees the plots the student saw, in formgrader and in
    the feedback: every cell of the reference that plots keeps its figure, inline."""
    root = graded[assignment]["course"].root
    path = os.path.join(root, "autograded", "reference", assignment, assignment + ".ipynb")
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    plotting = [c.id for c in code if "plt." in c.source or "plots." in c.source]
    shown = [c.id for c in code
             if any("image/png" in o.get("data", {}) for o in c.get("outputs", []))]
    assert plotting and shown == plotting
    feedback = os.path.join(root, "feedback", "reference", assignment, assignment + ".html")
    with open(feedback, encoding="utf-8") as f:
        assert f.read().count("data:image/png;base64,") >= len(shown)


def test_no_kernel_process_survives_the_runs(graded):
    from autograder.sandbox import UID_BASE, UID_COUNT, _processes_of_range

    for assignment in AVAILABLE:
        graded[assignment]  # graded by the tests above, or now when this test runs alone

    assert _processes_of_range(UID_BASE, UID_BASE + UID_COUNT) == []
