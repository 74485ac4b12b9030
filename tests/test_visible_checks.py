"""The visible tests as a student meets them: what they say to realistic bugs, and that correct
but unusual code passes (the corpus of attempts in tests/attempts/).

Each attempt runs in-process the way the notebook runs it: the template's imports, the
reference body of every exercise, then the student's cell (with its own file name, as IPython
gives each cell), then the exercise's visible test cell. ~5 s.
"""

import ast
import importlib
import io
import linecache
import sys
import traceback
from contextlib import redirect_stdout

import corpus
import nbformat
import pytest
from assignment_harness import COURSE, corpus_replacements

sys.path.insert(0, COURSE)
import build  # noqa: E402  (assignments/build.py)

ASSIGNMENTS = ["a1_linear", "a2_activations", "a3_forward", "a4_backprop", "a5_autograd"]
# assignments with a corpus of attempts
WITH_ATTEMPTS = ["a1_linear", "a2_activations", "a3_forward", "a4_backprop", "a5_autograd"]
# checks of a trained net or of chosen settings: they compare no numbers with an expected value,
# so their ✓ line has no largest relative error to show
NOTHING_COMPARED = {"a4_overfit_tiny", "a4_learning_rates"}


def _template(assignment):
    with open(f"{COURSE}/templates/{assignment}.nbt", encoding="utf-8") as f:
        return build.parse_template(f.read())


def _attempts():
    for assignment in WITH_ATTEMPTS:
        for attempt in importlib.import_module(f"attempts.{assignment}").ATTEMPTS:
            yield pytest.param(assignment, attempt, id=f"{attempt.grade_id}: {attempt.what}")


def _exec_cell(source, ns, filename):
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    exec(compile(source, filename, "exec"), ns)  # noqa: S102 - the student's own cell


def _notebook(assignment, attempt):
    """The notebook's namespace with the reference exercises, then the student's cell."""
    ns = _reference_namespace(assignment)
    _exec_cell(attempt.source, ns, f"/tmp/ipykernel_0/{attempt.grade_id}.py")
    return ns, _test_cells(assignment)[attempt.grade_id]


def _test_cells(assignment):
    """{grade_id: the visible part of its test cell}."""
    return {args[0]: body for kind, args, body in _template(assignment) if kind == "tests"}


def _definition(stmt):
    """A function, a class, or a table of them (an upper-case name bound to a dict literal)."""
    if isinstance(stmt, (ast.FunctionDef, ast.ClassDef)):
        return True
    return isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Dict) and all(
        isinstance(target, ast.Name) and target.id.isupper() for target in stmt.targets)


def _reference_namespace(assignment):
    """The notebook's namespace after its imports and every reference definition."""
    cells = _template(assignment)
    ns = {"__name__": "__main__"}
    imports = next(body for kind, _, body in cells if kind == "code")
    _exec_cell("\n".join(line for line in imports.splitlines() if not line.startswith("%")),
               ns, "/tmp/ipykernel_0/imports.py")
    for kind, _, body in cells:
        if kind in ("solution", "code"):
            code = build.expand("\n".join(
                line for line in body.splitlines() if not line.startswith(("%", "!"))))
            for stmt in ast.parse(code).body:  # the definitions only (no training runs)
                if _definition(stmt):  # a file name of its own, as IPython gives each cell
                    name = getattr(stmt, "name", "table")
                    _exec_cell(ast.unparse(stmt), ns, f"/tmp/ipykernel_0/reference_{name}.py")
    return ns


def _shown(exc):
    """What a notebook shows for an exception: its _render_traceback_, else the traceback."""
    render = getattr(exc, "_render_traceback_", None)
    if render is not None:
        return render()
    return "".join(traceback.format_exception(exc)).splitlines()


def run_visible_test(assignment, attempt):
    """(printed text, lines shown for the failure or None)."""
    ns, test_cell = _notebook(assignment, attempt)
    return _run(test_cell, ns)


def _run(test_cell, ns):
    out = io.StringIO()
    try:
        with redirect_stdout(out):
            exec(compile(test_cell, "/tmp/ipykernel_0/test_cell.py", "exec"), ns)  # noqa: S102
    except Exception as exc:  # noqa: BLE001 - whatever the test cell raises is what is shown
        return out.getvalue(), _shown(exc)
    return out.getvalue(), None


@pytest.mark.parametrize(("assignment", "attempt"), list(_attempts()))
def test_visible_test_says_what_is_wrong_or_passes_correct_code(assignment, attempt):
    printed, shown = run_visible_test(assignment, attempt)
    if attempt.says is None:
        assert shown is None, "a correct variant fails:\n" + "\n".join(shown or [])
        assert "✓" in printed, printed
        assert attempt.grade_id in NOTHING_COMPARED or "largest relative error" in printed, printed
        return
    assert shown is not None, f"the bug passes the visible test:\n{printed}"
    text = "\n".join(shown)
    assert attempt.says in text, text
    assert attempt.names in shown[0], text
    assert len(shown) <= attempt.lines, f"{len(shown)} lines:\n{text}"
    assert "Traceback" not in text and "coursekit/" not in text, text


@pytest.mark.parametrize("assignment", WITH_ATTEMPTS)
def test_every_exercise_has_three_bugs_and_two_correct_variants(assignment):
    module = importlib.import_module(f"attempts.{assignment}")
    attempts = module.ATTEMPTS
    graded = [args[0] for kind, args, _ in _template(assignment) if kind == "tests"]
    assert set(module.NOT_YET) <= set(graded)
    for grade_id in sorted(set(graded) - set(module.NOT_YET)):
        mine = [a for a in attempts if a.grade_id == grade_id]
        assert sum(a.says is not None for a in mine) >= 3, grade_id
        assert sum(a.says is None for a in mine) >= 2, grade_id


def _corpus_entries():
    for assignment in ASSIGNMENTS:
        mutants, variants = corpus.load(assignment)
        for entry_id, entry in sorted({**mutants, **variants}.items()):
            yield pytest.param(assignment, entry, id=entry_id)


@pytest.mark.parametrize(("assignment", "entry"), list(_corpus_entries()))
def test_visible_tests_agree_with_the_mutation_corpus(assignment, entry):
    """A correct variant passes every visible test; a mutant fails only its target questions'
    (plain nbgrader scores a test cell 0 when its visible test fails)."""
    source = nbformat.read(f"{COURSE}/source/{assignment}/{assignment}.ipynb", as_version=4)
    cells = corpus_replacements(source, entry)
    if not any(_definition(stmt) for cell in cells.values() for stmt in ast.parse(cell).body):
        # a cell of notebook state (a trained net, chosen settings) defines nothing the other
        # tests call, and the tests of its own questions read globals(): real nbgrader grades it
        assert all("globals()" in _test_cells(assignment)[g] for g in entry.fails), entry.fails
        return
    ns = _reference_namespace(assignment)
    for name, cell in cells.items():
        _exec_cell(cell, ns, f"/tmp/ipykernel_0/{name}.py")
    for grade_id, test_cell in _test_cells(assignment).items():
        if grade_id in entry.fails or "globals()" in test_cell:
            continue  # a target, or a test of the notebook's state (graphs, trained nets)
        _, shown = _run(test_cell, ns)
        assert shown is None, f"{grade_id} fails:\n" + "\n".join(shown)


def _cheat_entries():
    for assignment in ASSIGNMENTS:
        mutants, _ = corpus.load(assignment)
        for entry_id, entry in sorted(mutants.items()):
            if entry_id.split("_")[1] == "cheat":
                yield pytest.param(assignment, entry, id=entry_id)


@pytest.mark.parametrize(("assignment", "entry"), list(_cheat_entries()))
def test_visible_tests_refuse_a_numerical_gradient_with_one_line_saying_why(assignment, entry):
    """Validate's verdict on a numerical gradient is the hidden tests': no points, and why."""
    source = nbformat.read(f"{COURSE}/source/{assignment}/{assignment}.ipynb", as_version=4)
    ns = _reference_namespace(assignment)
    for name, cell in corpus_replacements(source, entry).items():
        _exec_cell(cell, ns, f"/tmp/ipykernel_0/{name}.py")
    for grade_id in sorted(entry.fails):
        _, shown = _run(_test_cells(assignment)[grade_id], ns)
        assert shown is not None, f"{grade_id} passes a numerical gradient"
        assert len(shown) == 1 and "a numerical estimate earns no points" in shown[0], shown
