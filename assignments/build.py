"""Build the instructor notebooks `source/<id>/<id>.ipynb` from `templates/` and `solutions`.

One source of truth: the body of every exercise function in a notebook is the body of the
function of the same name in `solutions`, copied verbatim between `### BEGIN SOLUTION` and
`### END SOLUTION` (nbgrader's ClearSolutions turns it into the student's stub); the
reference's input validation lives in its `@validated(...)` decorator, which is left out. The
points of every auto-graded cell come from its entry in `hiddentests.QUESTIONS`, and every test
cell starts with the hidden block that calls `hiddentests.check`; a test cell without an entry,
or an entry without a test cell, is refused with its grade id.

Template format (`templates/<id>.nbt`): cells start with a header line
    %% markdown                     prose
    %% code [demo]                  code the student runs (not graded); `demo` tags a cell that
                                    only shows something (training runs, timings, figures):
                                    nothing later depends on it
    %% solution <cell_id>           code the student writes; `#@function module:name` lines
                                    expand to that function's signature, docstring and marked body;
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
import importlib
import inspect
import os
import sys
import textwrap

import nbformat

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
TEMPLATES = os.path.join(HERE, "templates")
SOURCE = os.path.join(HERE, "source")

ASSIGNMENTS = ["a1_linear", "a2_activations", "a3_forward", "a4_backprop", "a5_autograd"]

# The package every assignment ships whole: what a student receives (data, plots, the gradient
# checker, the visible checks, ...), linked file by file into source/<id>/coursekit/ (nbgrader
# leaves out symlinked folders but copies symlinked files).
SHIPPED = "coursekit"

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
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
    "variables; a visible test that passes shows the largest relative error it saw. When graded, "
    "each cell may run for at most {timeout:g} s."
)
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
SCHEMA_VERSION = 3


class TemplateError(Exception):
    """A template or a referenced solution cannot be turned into a notebook."""


# ---------------------------------------------------------------------------------------------
# Solution functions: signature + docstring + marked body
# ---------------------------------------------------------------------------------------------


def _validation_calls(fn):
    """Calls in a function's body whose names say they validate (`check_*`, `_check_*`)."""
    calls = []
    for node in ast.walk(ast.Module(body=fn.body[1:], type_ignores=[])):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id.lstrip("_").startswith("check"):
                calls.append(f"{node.func.id} (line {node.lineno})")
    return calls


def _reference_source(ref):
    """The dedented source of `module:qualname` in `solutions`."""
    module_name, _, qualname = ref.partition(":")
    obj = importlib.import_module(module_name)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return textwrap.dedent(inspect.getsource(inspect.unwrap(obj)))


def solution_function(ref, source=None):
    """Source of the exercise function `module:name` with its body between solution markers.

    The signature, docstring and body are copied verbatim (decorators left out: the reference's
    input validation lives in `@validated(...)`, which the notebook does not have). A body that
    validates its inputs itself is refused: the student's stub would inherit the calls.
    `source`: the function's dedented source when it is not `ref`'s own (a method of a class).
    """
    source = _reference_source(ref) if source is None else source
    fn = ast.parse(source).body[0]
    if not isinstance(fn, ast.FunctionDef):
        raise TemplateError(f"{ref} is not a function")
    if ast.get_docstring(fn, clean=False) is None:
        raise TemplateError(f"{ref} has no docstring: the notebook shows it to the student")
    if len(fn.body) < 2:
        raise TemplateError(f"{ref} has no body after its docstring")
    calls = _validation_calls(fn)
    if calls:
        raise TemplateError(
            f"{ref} validates its inputs in its body ({', '.join(calls)}): move the checks "
            "into its @validated(...) decorator, so the notebook copies the body verbatim"
        )
    lines = source.splitlines()
    head = lines[fn.lineno - 1 : fn.body[0].end_lineno]  # signature and docstring
    body = lines[fn.body[0].end_lineno : fn.end_lineno]
    indent = " " * fn.body[0].col_offset
    return "\n".join(head + [indent + BEGIN] + body + [indent + END])


def solution_class(ref, given=()):
    """Source of the exercise class `module:Name`: one class statement whose methods the
    student writes. The class line, docstring, class-level statements, comments and the
    methods named in `given` are copied verbatim; every other method is rendered as by
    `solution_function` (signature and docstring, body between solution markers)."""
    source = _reference_source(ref)
    cls = ast.parse(source).body[0]
    if not isinstance(cls, ast.ClassDef):
        raise TemplateError(f"{ref} is not a class")
    unknown = set(given) - {n.name for n in cls.body if isinstance(n, ast.FunctionDef)}
    if unknown:
        raise TemplateError(f"{ref}: given methods {sorted(unknown)} are not methods of it")
    lines = source.splitlines()
    out, position = [], 0  # position: lines[:position] are already in out
    for node in cls.body:
        if not isinstance(node, ast.FunctionDef) or node.name in given:
            continue
        start = min([node.lineno] + [d.lineno for d in node.decorator_list]) - 1
        out += lines[position:start]
        method = textwrap.dedent("\n".join(lines[start:node.end_lineno]))
        indent = " " * node.col_offset
        marked = solution_function(f"{ref}.{node.name}", source=method)
        out += [indent + line if line else line for line in marked.splitlines()]
        position = node.end_lineno
    return "\n".join(out + lines[position:])


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


def _options(args):
    return dict(a.split("=", 1) for a in args if "=" in a)


def _nbgrader(grade_id, *, grade, solution, locked, points=None):
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
    ids = set()
    counts = {}

    def new_id(stem):
        counts[stem] = counts.get(stem, 0) + 1
        cell_id = f"{stem}-{counts[stem]}" if counts[stem] > 1 else stem
        ids.add(cell_id)
        return cell_id

    for kind, args, body in template:
        if kind == "markdown":
            cell = nbformat.v4.new_markdown_cell(body)
            cell.id = new_id("md")
        elif kind == "code":
            cell = nbformat.v4.new_code_cell(body)
            cell.id = new_id("code")
            if "demo" in args:
                cell.metadata = {"tags": ["demo"]}
        elif kind == "solution":
            (cell_id,) = [a for a in args if "=" not in a]
            lines = []
            for line in body.splitlines():
                if line.strip().startswith("#@function "):
                    lines.append(solution_function(line.split(None, 1)[1].strip()))
                elif line.strip().startswith("#@class "):
                    ref, *options = line.split()[1:]
                    given = _options(options).get("given", "")
                    lines.append(solution_class(ref, [g for g in given.split(",") if g]))
                else:
                    lines.append(line)
            source = "\n".join(lines)
            if BEGIN not in source:
                raise TemplateError(f"{assignment}: solution cell {cell_id} has no solution block")
            cell = nbformat.v4.new_code_cell(source)
            cell.metadata = _nbgrader(cell_id, grade=False, solution=True, locked=False)
            cell.id = new_id(cell_id.replace("_", "-"))
        elif kind == "tests":
            (grade_id,) = [a for a in args if "=" not in a]
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
            cell.id = new_id(grade_id.replace("_", "-"))
        elif kind == "grading":
            text = GRADING.format(timeout=cell_time_limit())
            cell = nbformat.v4.new_markdown_cell(text + ("\n\n" + body if body else ""))
            cell.id = new_id("grading")
        elif kind == "answer":
            (grade_id,) = [a for a in args if "=" not in a]
            points = float(_options(args)["points"])
            cell = nbformat.v4.new_markdown_cell(f"{BEGIN}\n{body}\n{END}")
            cell.metadata = _nbgrader(
                grade_id, grade=True, solution=True, locked=False, points=points
            )
            cell.id = new_id(grade_id.replace("_", "-"))
        else:
            raise TemplateError(f"{assignment}: unknown cell kind {kind!r}")
        nb.cells.append(cell)

    _check_closure(assignment, nb)
    missing = sorted(
        g
        for g, q in questions.items()
        if g.startswith(assignment.split("_")[0] + "_") and g not in _grade_ids(nb)
    )
    if missing:
        raise TemplateError(f"{assignment}: hidden tests without a grade cell: {missing}")
    nbformat.validate(nb)
    return nb


def cell_time_limit():
    """The per-cell time limit of grading (seconds), from the course's nbgrader_config.py."""
    from traitlets.config.loader import PyFileConfigLoader

    return float(PyFileConfigLoader("nbgrader_config.py", path=HERE).load_config().Execute.timeout)


def _grade_ids(nb):
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
