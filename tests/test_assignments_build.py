"""The assignment notebooks as committed: generated from solutions, clean, well-formed for nbgrader,
and consistent with the hidden tests. No nbgrader command, no kernel: ~5 s, plus ~10 s for the
in-process run of the reference notebooks (marked slow: it trains the assignment-4 nets).
"""

import ast
import importlib
import json
import os
import subprocess
import sys

import nbformat
import numpy as np
import pytest
from assignment_harness import ASSIGNMENTS, COURSE, REPO

sys.path.insert(0, COURSE)
import build  # noqa: E402  (assignments/build.py)
import exercise_code  # noqa: E402  (assignments/exercise_code.py)

HIDDEN_BLOCK = (
    "### BEGIN HIDDEN TESTS\nfrom hiddentests import check\n"
    'check("{}", globals())\n### END HIDDEN TESTS'
)


def _nb(assignment):
    return nbformat.read(
        os.path.join(COURSE, "source", assignment, assignment + ".ipynb"), as_version=4
    )


def test_committed_notebooks_equal_a_fresh_build_from_solutions():
    differing = build.build(ASSIGNMENTS, check=True)
    assert not differing, f"rebuild with `python assignments/build.py`: {differing}"


def test_generated_solutions_are_the_reference_bodies_without_validation():
    source = exercise_code.solution_function("solutions.losses:softmax_loss")
    import inspect

    from solutions import losses

    reference = inspect.getsource(losses.softmax_loss)
    body = source.split("### BEGIN SOLUTION\n")[1].split("    ### END SOLUTION")[0]
    assert "check" not in body
    for line in body.splitlines():
        assert line in reference.splitlines(), line
    assert '"""' in source.split("### BEGIN SOLUTION")[0]  # the docstring stays visible


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_committed_notebook_has_no_outputs_and_no_execution_counts(assignment):
    for cell in _nb(assignment).cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source[:80]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_nbgrader_metadata_is_complete_and_valid(assignment):
    from nbgrader.preprocessors import CheckCellMetadata

    nb = _nb(assignment)
    nbformat.validate(nb)
    CheckCellMetadata().preprocess(nb, {})  # nbgrader's own schema and consistency checks
    ids = [c.metadata["nbgrader"]["grade_id"] for c in nb.cells if "nbgrader" in c.metadata]
    assert len(ids) == len(set(ids)), "duplicated grade ids"
    kinds = {"tests": 0, "answer": 0, "solution": 0}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader")
        if meta is None:
            continue
        assert meta["schema_version"] == 3
        if meta["grade"] and not meta["solution"]:  # auto-graded test cell
            kinds["tests"] += 1
            assert cell.cell_type == "code" and meta["locked"] and meta["points"] > 0
            assert cell.source.startswith(HIDDEN_BLOCK.format(meta["grade_id"]))
        elif meta["grade"] and meta["solution"]:  # free response graded by hand
            kinds["answer"] += 1
            assert cell.cell_type == "markdown" and meta["points"] > 0
            assert cell.source.startswith("### BEGIN SOLUTION") and "Rubric" in cell.source
        else:
            kinds["solution"] += 1
            assert cell.cell_type == "code" and "### BEGIN SOLUTION" in cell.source
            assert not meta["locked"]
    assert all(kinds.values()), kinds


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_hidden_question_has_one_grade_cell_with_its_points(assignment):
    from hiddentests import QUESTIONS

    prefix = assignment.split("_")[0] + "_"
    cells = {
        c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"]["points"]
        for c in _nb(assignment).cells
        if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"
    }
    questions = {g: q.points for g, q in QUESTIONS.items() if g.startswith(prefix)}
    assert cells == questions


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_notebook_code_never_mentions_solutions_or_grading_internals(assignment):
    for cell in _nb(assignment).cells:
        if cell.cell_type != "code":
            continue
        source = cell.source.split("### END HIDDEN TESTS")[-1]
        assert "solutions" not in source and "hiddentests" not in source, source[:200]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_shipped_helpers_are_file_symlinks_into_the_repository(assignment):
    folder = os.path.join(COURSE, "source", assignment)
    for rel, target in build.shipped_files():
        path = os.path.join(folder, rel)
        assert os.path.islink(path), path
        assert os.path.realpath(path) == os.path.realpath(target)
    extra = {
        os.path.join(d, f)
        for d, _, fs in os.walk(folder)
        for f in fs
        if not f.endswith(".ipynb") and "__pycache__" not in d
    }
    assert extra == {os.path.join(folder, rel) for rel, _ in build.shipped_files()}


def test_probes_import_and_run_without_solutions():
    """The sandboxed kernel has no `solutions`: every probe is made from its module alone."""
    from autograder.probing import probe_locator
    from hiddentests import QUESTIONS

    located = sorted({(q.probe.__module__, probe_locator(q)) for q in QUESTIONS.values()})
    code = (
        "import importlib, sys; sys.modules['solutions'] = None\n"
        f"for module, locator in {located!r}:\n"
        "    _m = importlib.import_module(module)\n"
        "    assert callable(eval(locator)), locator\n"
        "assert 'solutions' not in [m.split('.')[0] for m in sys.modules if sys.modules[m]]\n"
        f"print({len(located)})\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert proc.returncode == 0, proc.stderr
    assert int(proc.stdout) == len(json.loads(json.dumps(list(_all_grade_ids()))))
    for name in os.listdir(os.path.join(REPO, "hiddentests", "probes")):
        if name.endswith(".py"):
            tree = ast.parse(open(os.path.join(REPO, "hiddentests", "probes", name)).read())
            for node in ast.walk(tree):
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    mods = (
                        [a.name for a in node.names]
                        if isinstance(node, ast.Import)
                        else [node.module]
                    )
                    assert not any(m and m.split(".")[0] == "solutions" for m in mods), name


def _all_grade_ids():
    from hiddentests import QUESTIONS

    return sorted(QUESTIONS)


def _run_in_order(assignment, on_grade_cell):
    """Run the instructor notebook's non-demo code in-process, in order, as the kernel would;
    at each auto-graded cell call on_grade_cell(grade_id, namespace, source) instead."""
    import contextlib
    import io
    import linecache

    ns = {}
    cwd = os.getcwd()
    os.chdir(os.path.join(COURSE, "source", assignment))
    try:
        for cell in _nb(assignment).cells:
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type != "code" or "demo" in cell.metadata.get("tags", []):
                continue
            if meta.get("grade"):
                on_grade_cell(meta["grade_id"], ns, cell.source)
                continue
            # a file name of its own in linecache, as IPython gives each cell (inspect reads it)
            filename = f"<{assignment} cell {cell.get('id')}>"
            linecache.cache[filename] = (len(cell.source), None,
                                         cell.source.splitlines(True), filename)
            with contextlib.redirect_stdout(io.StringIO()):
                exec(compile(cell.source, filename, "exec"), ns)
    finally:
        os.chdir(cwd)


@pytest.mark.slow  # trains the assignment-4 nets in-process (~10 s for the four notebooks)
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_reference_passes_every_hidden_test_and_an_empty_namespace_fails_them(assignment):
    import contextlib
    import io
    import time

    from hiddentests import QUESTIONS, check

    seen = []

    def grade(grade_id, ns, source):
        start = time.perf_counter()  # the whole test cell: hidden block, then visible checks
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(source, grade_id, "exec"), ns)
        assert time.perf_counter() - start < 2.0, f"the test cell {grade_id} takes over 2 s"
        with pytest.raises(AssertionError):
            check(grade_id, {})
        seen.append(grade_id)

    _run_in_order(assignment, grade)
    assert sorted(seen) == sorted(g for g in QUESTIONS if g.startswith(assignment[:3]))


def test_visible_constants_agree_with_the_reference():
    from coursekit.checks import a1_linear as c1
    from coursekit.checks import a2_activations as c2
    from coursekit.checks import a3_forward as c3
    from coursekit.checks import a4_backprop as c4
    from solutions import activations, losses, nets

    s, y = c1.LECTURE_SCORES, c1.LECTURE_Y
    assert np.isclose(losses.svm_loss(s, y)[0], c1.LECTURE_SVM_LOSS)
    assert np.allclose(losses.svm_loss(s, y)[1], c1.LECTURE_SVM_DSCORES)
    assert np.isclose(losses.softmax_loss(s, y)[0], c1.LECTURE_SOFTMAX_LOSS)
    assert np.allclose(losses.softmax_loss(s, y)[1], c1.LECTURE_SOFTMAX_DSCORES)
    large = losses.softmax_loss(c1.LARGE_SCORES, c1.LARGE_Y)
    assert np.isclose(large[0], c1.LARGE_SOFTMAX_LOSS)
    assert np.allclose(large[1], c1.LARGE_SOFTMAX_DSCORES, atol=1e-15)
    large_dW = losses.softmax_loss_vectorized(c1.LARGE_W, c1.LARGE_X, c1.LARGE_Y, 0.0)[1]
    assert np.allclose(large_dW, c1.LARGE_SOFTMAX_DW, atol=1e-15)
    for act in c2.A2_FORWARD_OUT:
        fwd, bwd = getattr(activations, f"{act}_forward"), getattr(activations, f"{act}_backward")
        assert np.allclose(fwd(c2.A2_FORWARD_X)[0], c2.A2_FORWARD_OUT[act])
        assert np.allclose(fwd(c2.A2_LARGE_X)[0], c2.A2_LARGE_OUT[act])
        x = c2.A2_BACKWARD_X
        assert np.allclose(bwd(np.ones_like(x), fwd(x)[1]), c2.A2_BACKWARD_LOCAL[act])
    for cls_name in ("TwoLayerNet", "ThreeLayerNet"):
        ((params, X),) = c3.visible_net_cases(cls_name).values()
        hidden = 3 if cls_name == "TwoLayerNet" else (3, 2)
        net = getattr(nets, cls_name)(2, hidden, 2, reg=c4.NET_REG)
        net.params.update({k: v.copy() for k, v in params.items()})
        assert np.allclose(net.loss(X), c3.NET_SCORES[cls_name])
        loss, grads = net.loss(X, c4.NET_Y)
        assert np.isclose(loss, c4.NET_LOSS[cls_name])
        for name, value in c4.NET_GRADS[cls_name].items():
            assert np.allclose(grads[name], value), name


def test_visible_and_hidden_inputs_stay_away_from_relu_kinks_but_the_exact_kink_case():
    from coursekit.checks import a4_backprop as checks
    from hiddentests.probes import a4_backprop as P

    for cls_name in ("TwoLayerNet", "ThreeLayerNet"):
        for label, (params, X, _, _) in checks.visible_net_loss_cases(cls_name).items():
            pre = P._pre_activations(params, X, len(params) // 2)
            assert min(np.abs(a).min() for a in pre) > P.KINK_GAP, label
        on_kink = []
        for label, dims, params, X, _y, _reg, exact in P.net_cases(cls_name):
            pre = P._pre_activations(params, X, len(dims) - 1)
            if min(np.abs(a).min() for a in pre) <= P.KINK_GAP:
                on_kink.append(label)
                assert exact, f"{label}: judged by centered differences across a kink"
        assert on_kink == ["visible case: a hidden unit exactly on the ReLU kink"]


def test_course_config_hides_hidden_tests_in_feedback_and_never_scores_stderr():
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=COURSE).load_config()
    names = [p.__name__ for p in config.GenerateFeedback.preprocessors]
    assert "ClearHiddenTests" in names
    assert config.IgnorePattern.enabled
    import re

    warning = "[IPKernelApp] WARNING | Kernel is running over TCP without encryption."
    assert re.search(config.IgnorePattern.pattern, warning)
    assert "NotImplementedError" in config.ClearSolutions.code_stub["python"]
    assert config.CourseDirectory.root == COURSE


def test_hidden_test_failure_renders_without_a_traceback():
    from hiddentests import HiddenTestFailure

    exc = HiddenTestFailure("a1_x", ["first", "second", "third", "fourth"])
    lines = exc._render_traceback_()
    assert lines[0].startswith("HiddenTestFailure") and "... and 1 more" in lines[-1]
    assert not any("hiddentests" in line for line in lines)


def test_every_corpus_entry_applies_to_the_reference_cells():
    import corpus
    from assignment_harness import corpus_replacements

    for assignment in ASSIGNMENTS:
        mutants, variants = corpus.load(assignment)
        for entry in {**mutants, **variants}.values():
            (source,) = corpus_replacements(_nb(assignment), entry).values()
            compile(source, entry.name, "exec")
        assert all(m.fails for m in mutants.values())
        importlib.import_module("hiddentests")  # the registry names every target grade id
        from hiddentests import QUESTIONS

        assert all(set(m.fails) <= set(QUESTIONS) for m in mutants.values())
