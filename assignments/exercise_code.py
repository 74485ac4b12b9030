"""Exercise code from `solutions`: a reference function or class with its bodies marked.

`solution_function("module:name")` is the function's signature and docstring, then its body
between `### BEGIN SOLUTION` and `### END SOLUTION` (nbgrader's ClearSolutions turns it into the
student's stub); `solution_class("module:Name", given)` is a class whose methods are marked that
way, except the `given` ones. Decorators are left out: the reference's input validation lives in
its `@validated(...)` decorator, so the body is copied verbatim; a body that validates its inputs
itself is refused (the stub would inherit the calls). `solution_function(..., given="forward")`
marks only the body after its `# backward ...` comment; `given_function` is a function as it is.
`expand(body)` is a template cell's code with its `#@function`, `#@class` and `#@source` lines
replaced by that code.
"""

import ast
import importlib
import inspect
import textwrap

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"


class TemplateError(Exception):
    """A template or a referenced solution cannot be turned into a notebook."""


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


def solution_function(ref, source=None, given=None):
    """Source of the exercise function `module:name` with its body between solution markers.

    The signature, docstring and body are copied verbatim (decorators left out: the reference's
    input validation lives in `@validated(...)`, which the notebook does not have). A body that
    validates its inputs itself is refused: the student's stub would inherit the calls.
    `source`: the function's dedented source when it is not `ref`'s own (a method of a class).
    given="forward": the body up to and including its first comment line `# backward ...` (and
    the comment lines right after it) is given; only the rest is between the markers.
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
    if given == "forward":
        head, body = _split_forward(ref, head, body)
    elif given is not None:
        raise TemplateError(f"{ref}: unknown given={given!r} (expected given=forward)")
    return "\n".join(head + [indent + BEGIN] + body + [indent + END])


def _split_forward(ref, head, body):
    """(head + the given forward lines, the backward lines) of a body split at `# backward`."""
    starts = [i for i, line in enumerate(body) if line.strip().startswith("# backward")]
    if not starts:
        raise TemplateError(f"{ref}: given=forward needs a comment line `# backward ...` "
                            "where the student's part starts")
    end = starts[0] + 1
    while end < len(body) and body[end].strip().startswith("#"):
        end += 1
    return head + body[:end], body[end:]


def given_function(ref):
    """Source of the function `module:name` as the student reads it: verbatim, no decorators."""
    source = _reference_source(ref)
    fn = ast.parse(source).body[0]
    if not isinstance(fn, ast.FunctionDef):
        raise TemplateError(f"{ref} is not a function")
    return "\n".join(source.splitlines()[fn.lineno - 1 : fn.end_lineno])


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


def header_options(args):
    """The `key=value` arguments of a template line (cell header or directive) -> dict."""
    return dict(a.split("=", 1) for a in args if "=" in a)


def expand(body):
    """A cell's code with its `#@function`, `#@class` and `#@source` lines expanded."""
    lines = []
    for line in body.splitlines():
        directive, *rest = line.split() or [""]
        if directive in ("#@function", "#@class", "#@source"):
            ref, options = rest[0], header_options(rest[1:])
        if directive == "#@function":
            lines.append(solution_function(ref, given=options.get("given")))
        elif directive == "#@class":
            given = options.get("given", "")
            lines.append(solution_class(ref, [g for g in given.split(",") if g]))
        elif directive == "#@source":
            lines.append(given_function(ref))
        else:
            lines.append(line)
    return "\n".join(lines)
