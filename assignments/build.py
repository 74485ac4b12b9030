"""Build the instructor notebooks `source/<id>/<id>.ipynb` from `templates/` and `solutions`.

One source of truth: the body of every exercise function in a notebook is the body of the
function of the same name in `solutions`, copied verbatim between `### BEGIN SOLUTION` and
`### END SOLUTION` (nbgrader's ClearSolutions turns it into the student's stub); the
reference's input validation lives in its `@validated(...)` decorator, which is left out
(`exercise_code.py`). The points of every auto-graded cell come from its entry in
`hiddentests.QUESTIONS`, and every test cell starts with the hidden block that calls
`hiddentests.check`; a test cell without an entry, or an entry without a test cell, is refused
with its grade id.

Template format (`templates/<id>.nbt`): cells start with a header line
    %% markdown                     prose
    %% code [demo]                  code the student runs (not graded); `demo` tags a cell that
                                    only shows something (training runs, timings, figures):
                                    nothing later depends on it; `#@source module:name` lines
                                    expand to that function as it is (a given forward pass)
    %% solution <cell_id>           code the student writes; `#@function module:name` lines
                                    expand to that function's signature, docstring and marked body
                                    (`given=forward`: the body up to its `# backward ...` comment
                                    is given, the rest marked);
                                    `#@class module:Name given=m1,m2` to the class with every
                                    method's body marked except those given (copied verbatim)
    %% tests <grade_id>             visible tests of an auto-graded question (+ hidden block)
    %% answer <grade_id> points=N   a free-response answer graded by hand; the cell text is the
                                    rubric, which the release replaces by "YOUR ANSWER HERE"
    %% grading                      how the notebook is graded (GRADING, with the per-cell time
                                    limit of nbgrader_config.py), then the cell's own text
Lines up to the first header are a comment. Cells are separated by their headers; leading and
trailing blank lines of a cell are dropped.

Usage (from the repository root):
    python assignments/build.py            # write every notebook and the helper symlinks
    python assignments/build.py --check    # exit 1 if a committed notebook differs from a build
"""

import argparse
import ast
import builtins
import os
import sys

import nbformat
from exercise_code import BEGIN, END, TemplateError, expand, header_options

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
TEMPLATES = os.path.join(HERE, "templates")
SOURCE = os.path.join(HERE, "source")

ASSIGNMENTS = ["a1_linear", "a2_activations", "a3_forward", "a4_backprop", "a5_autograd"]

# The package every assignment ships whole: what a student receives (data, plots, the gradient
# checker, the visible checks, ...), linked file by file into source/<id>/coursekit/ (nbgrader
# leaves out symlinked folders but copies symlinked files).
SHIPPED = "coursekit"

HIDDEN = (
    "### BEGIN HIDDEN TESTS\n"
    "from hiddentests import check\n"
    'check("{grade_id}", globals())\n'
    "### END HIDDEN TESTS"
)
GRADING = (
    "**How this notebook is graded.** Each test cell runs the visible tests you see and hidden "
    "tests on fresh inputs: the same functions on other shapes and values, and every rule the "
    "text states (the gradient at a kink, parameters such as `alpha`, shapes, inputs left "
    "unmodified). Only what your functions return is graded, not the names of your intermediate "
    "variables; a visible test that passes shows the largest relative error it saw. A gradient "
    "earns its points when you derive it: one computed numerically (with the course kit's "
    "helpers, or a finite-difference loop around your own function or the given forward pass) "
    "fails the visible and the hidden tests alike. When graded, each cell may run for at most "
    "{timeout:g} s."
)
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
SCHEMA_VERSION = 3


def free_names(source):
    """Names a piece of code reads at module level without defining them (a rough closure)."""
    tree = ast.parse(source)
    loaded, bound = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (loaded if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                bound.add((alias.asname or alias.name).split(".")[0])
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
    return loaded - bound - set(dir(builtins)) - {"get_ipython"}


# ---------------------------------------------------------------------------------------------
# Templates
# ---------------------------------------------------------------------------------------------


def parse_template(text):
    """[(kind, args, body)] of a template; see the module docstring for the format."""
    cells = []
    current = None
    for line in text.splitlines():
        if line.startswith("%% "):
            if current is not None:
                cells.append(current)
            kind, *args = line[3:].split()
            current = (kind, args, [])
        elif current is not None:
            current[2].append(line)
    if current is not None:
        cells.append(current)
    parsed = []
    for kind, args, body in cells:
        while body and not body[0].strip():
            body.pop(0)
        while body and not body[-1].strip():
            body.pop()
        parsed.append((kind, args, "\n".join(body)))
    return parsed


def _nbgrader(grade_id, *, grade, solution, locked, points=None):
    """A cell's nbgrader metadata."""
    meta = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": locked,
        "schema_version": SCHEMA_VERSION,
        "solution": solution,
        "task": False,
    }
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


class _CellIds:
    """Cell ids unique in one notebook: a stem, then stem-2, stem-3, ..."""

    def __init__(self):
        """No id given yet."""
        self.counts = {}

    def new(self, stem):
        """The next unused id made from `stem`."""
        self.counts[stem] = self.counts.get(stem, 0) + 1
        return f"{stem}-{self.counts[stem]}" if self.counts[stem] > 1 else stem


def _only_name(args):
    """The one positional argument of a cell header (its cell or grade id)."""
    (name,) = [a for a in args if "=" not in a]
    return name


def _markdown_cell(assignment, args, body, questions):
    """`%% markdown`: prose -> (cell, id stem)."""
    return nbformat.v4.new_markdown_cell(body), "md"


def _code_cell(assignment, args, body, questions):
    """`%% code [demo]`: code the student runs, not graded -> (cell, id stem)."""
    cell = nbformat.v4.new_code_cell(expand(body))
    if "demo" in args:
        cell.metadata = {"tags": ["demo"]}
    return cell, "code"


def _solution_cell(assignment, args, body, questions):
    """`%% solution <cell_id>`: code the student writes -> (cell, id stem)."""
    cell_id = _only_name(args)
    source = expand(body)
    if BEGIN not in source:
        raise TemplateError(f"{assignment}: solution cell {cell_id} has no solution block")
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata = _nbgrader(cell_id, grade=False, solution=True, locked=False)
    return cell, cell_id.replace("_", "-")


def _tests_cell(assignment, args, body, questions):
    """`%% tests <grade_id>`: the hidden block, then the visible tests -> (cell, id stem)."""
    grade_id = _only_name(args)
    if grade_id not in questions:
        raise TemplateError(f"{assignment}: no hidden test registered for {grade_id}")
    # hidden block first: its failure shows only its messages (no traceback), and a
    # visible check that fails later would quote the lines around it in the feedback
    source = HIDDEN.format(grade_id=grade_id) + ("\n" + body if body else "")
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata = _nbgrader(
        grade_id,
        grade=True,
        solution=False,
        locked=True,
        points=questions[grade_id].points,
    )
    return cell, grade_id.replace("_", "-")


def _grading_cell(assignment, args, body, questions):
    """`%% grading`: how the notebook is graded, then the cell's text -> (cell, id stem)."""
    text = GRADING.format(timeout=cell_time_limit())
    return nbformat.v4.new_markdown_cell(text + ("\n\n" + body if body else "")), "grading"


def _answer_cell(assignment, args, body, questions):
    """`%% answer <grade_id> points=N`: a free-response answer -> (cell, id stem)."""
    grade_id = _only_name(args)
    points = float(header_options(args)["points"])
    cell = nbformat.v4.new_markdown_cell(f"{BEGIN}\n{body}\n{END}")
    cell.metadata = _nbgrader(grade_id, grade=True, solution=True, locked=False, points=points)
    return cell, grade_id.replace("_", "-")


CELL_KINDS = {"markdown": _markdown_cell, "code": _code_cell, "solution": _solution_cell,
              "tests": _tests_cell, "grading": _grading_cell, "answer": _answer_cell}


def _check_registered(assignment, nb, questions):
    """Every hidden test of `assignment` has its grade cell in `nb`."""
    missing = sorted(
        g
        for g in questions
        if g.startswith(assignment.split("_")[0] + "_") and g not in _grade_ids(nb)
    )
    if missing:
        raise TemplateError(f"{assignment}: hidden tests without a grade cell: {missing}")


def build_notebook(assignment, questions=None):
    """The instructor notebook of `assignment` (an nbformat NotebookNode)."""
    if questions is None:
        from hiddentests import QUESTIONS as questions
    with open(os.path.join(TEMPLATES, assignment + ".nbt"), encoding="utf-8") as f:
        template = parse_template(f.read())
    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": dict(KERNELSPEC),
        "language_info": {"name": "python"},
    }
    ids = _CellIds()
    for kind, args, body in template:
        if kind not in CELL_KINDS:
            raise TemplateError(f"{assignment}: unknown cell kind {kind!r}")
        cell, stem = CELL_KINDS[kind](assignment, args, body, questions)
        cell.id = ids.new(stem)
        nb.cells.append(cell)
    _check_closure(assignment, nb)
    _check_registered(assignment, nb, questions)
    nbformat.validate(nb)
    return nb


def cell_time_limit():
    """The per-cell time limit of grading (seconds), from the course's nbgrader_config.py."""
    from traitlets.config.loader import PyFileConfigLoader

    return float(PyFileConfigLoader("nbgrader_config.py", path=HERE).load_config().Execute.timeout)


def _grade_ids(nb):
    """The grade ids of `nb`'s cells."""
    return {c.metadata["nbgrader"]["grade_id"] for c in nb.cells if "nbgrader" in c.metadata}


def _check_closure(assignment, nb):
    """Every name the notebook's code reads is defined by the notebook (or is a builtin)."""
    defined, needed = set(), {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        code = "\n".join(
            line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!"))
        )
        tree = ast.parse(code)
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                defined.add(node.name)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                for alias in node.names:
                    defined.add((alias.asname or alias.name).split(".")[0])
            else:
                for sub in ast.walk(node):
                    if isinstance(sub, ast.Name) and not isinstance(sub.ctx, ast.Load):
                        defined.add(sub.id)
        for name in free_names(code):
            needed.setdefault(name, cell.get("id"))
        if "solutions" in code:
            raise TemplateError(f"{assignment}: cell {cell.get('id')} mentions `solutions`")
    undefined = {n: c for n, c in needed.items() if n not in defined}
    if undefined:
        raise TemplateError(f"{assignment}: names used but never defined: {undefined}")


def write_json(nb):
    """The notebook as committed: nbformat's JSON with a final newline."""
    text = nbformat.writes(nb, version=4)
    return text if text.endswith("\n") else text + "\n"


# ---------------------------------------------------------------------------------------------
# Shipped helpers (file symlinks)
# ---------------------------------------------------------------------------------------------


def shipped_files():
    """[(path inside source/<id>/, path in the repository)] of every module of `SHIPPED`."""
    files = []
    root = os.path.join(REPO, SHIPPED)
    for base, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "__")))
        for name in sorted(names):
            if name.endswith(".py"):
                path = os.path.join(base, name)
                files.append((os.path.relpath(path, REPO), path))
    return files


def link_helpers(assignment):
    """Create/refresh the relative file symlinks of the shipped package in source/<id>/."""
    folder = os.path.join(SOURCE, assignment)
    wanted = set()
    for rel, target in shipped_files():
        link = os.path.join(folder, rel)
        wanted.add(link)
        os.makedirs(os.path.dirname(link), exist_ok=True)
        relative = os.path.relpath(target, os.path.dirname(link))
        if os.path.islink(link) and os.readlink(link) == relative:
            continue
        if os.path.lexists(link):
            os.remove(link)
        os.symlink(relative, link)
    for base, _, names in os.walk(os.path.join(folder, SHIPPED)):
        for name in names:
            path = os.path.join(base, name)
            if os.path.islink(path) and path not in wanted:
                os.remove(path)


def build(assignments=ASSIGNMENTS, check=False):
    """Write (or with check=True compare) the notebooks; return the list of differing paths."""
    differing = []
    for assignment in assignments:
        text = write_json(build_notebook(assignment))
        path = os.path.join(SOURCE, assignment, assignment + ".ipynb")
        old = open(path, encoding="utf-8").read() if os.path.exists(path) else None
        if old != text:
            differing.append(path)
            if not check:
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "w", encoding="utf-8") as f:
                    f.write(text)
        if not check:
            link_helpers(assignment)
    return differing


def main(argv=None):
    """Build (or check) the notebooks named on the command line -> exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignments", nargs="*", default=ASSIGNMENTS)
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args(argv)
    differing = build(args.assignments, check=args.check)
    for path in differing:
        print(
            ("differs from a fresh build: " if args.check else "wrote ")
            + os.path.relpath(path, REPO)
        )
    return 1 if (args.check and differing) else 0


if __name__ == "__main__":
    sys.path.insert(0, REPO)
    sys.exit(main())
