"""A class of submissions for the similarity report: independent solutions and disguised copies.

`independent(course, a)` gives two full solutions written independently: the instructor's
reference and the corpus's correct variants (tests/corpus), over the functions that have a
variant (the other cells keep the release's stub). `disguise(source, seed)` is what a student
hiding a copy does: every local name renamed, functions and methods reordered, docstrings and
comments rewritten, the code reformatted.
"""

import ast
import copy
import os
import random
import re

import nbformat
from assignment_harness import defined_names
from corpus import load

WORDS = ["val", "tmp", "res", "acc", "arr", "thing", "part", "item", "data", "buf"]
COMMENTS = ["# compute this part", "# my own idea here", "# TODO double check",
            "# works on the examples", "# vectorised version"]


def release_notebook(course, assignment):
    """The release notebook as a student receives it (hidden tests and solutions removed)."""
    template = course.templates(assignment)[0]
    nb = nbformat.v4.new_notebook(metadata=copy.deepcopy(template.metadata))
    for tc in template.cells:
        cell = nbformat.from_dict(copy.deepcopy(tc.cell))
        cell.source = tc.visible
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        nb.cells.append(cell)
    return nb


def reference_answers(course, assignment):
    """{grade_id: the instructor's code} of every solution code cell (markers removed)."""
    path = os.path.join(course.source_dir(assignment), f"{assignment}.ipynb")
    nb = nbformat.read(path, as_version=4)
    return {c.metadata["nbgrader"]["grade_id"]:
            re.sub(r"\n?\s*### (BEGIN|END) SOLUTION", "", c.source)
            for c in nb.cells
            if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")}


def independent(course, assignment):
    """(reference answers, variant answers): {grade_id: code}, the same cells in both."""
    reference = reference_answers(course, assignment)
    cell_of = {}
    for gid, source in reference.items():
        cell_of[gid] = gid
        for name in defined_names(source):
            cell_of[name] = gid
    ref, var = {}, {}
    for entry in load(assignment)[1].values():
        gid = cell_of[entry.name]
        if gid not in var and entry.source:
            var[gid] = entry.source.strip()
            ref[gid] = reference[gid]
    return ref, var


class _Rename(ast.NodeTransformer):
    def __init__(self, names):
        self.names = names

    def visit_Name(self, node):
        node.id = self.names.get(node.id, node.id)
        return node

    def visit_arg(self, node):
        node.arg = self.names.get(node.arg, node.arg)
        return node


def disguise(source, seed=0):
    """A copy of `source` with new names, reordered functions, new comments and docstrings."""
    rng = random.Random(seed)
    tree = ast.parse(source)
    local = sorted({n.id for n in ast.walk(tree)
                    if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
                   | {n.arg for n in ast.walk(tree) if isinstance(n, ast.arg) and n.arg != "self"})
    tree = _Rename({n: f"{rng.choice(WORDS)}_{i}" for i, n in enumerate(local)}).visit(tree)
    tree.body.reverse()
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            node.body.reverse()
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and ast.get_docstring(node):
            node.body[0].value.value = "Written from scratch, see the comments."
    lines = []
    for line in ast.unparse(tree).splitlines():
        lines.append(line)
        if rng.random() < 0.3 and line.strip() and not line.rstrip().endswith(":"):
            indent = line[: len(line) - len(line.lstrip())]
            lines.append(indent + rng.choice(COMMENTS))
    return "\n".join(lines)


def hand_in(release_nb, answers, submitted, student, assignment):
    """Write the release with `answers` {grade_id: code} at submitted/<student>/<assignment>/."""
    nb = copy.deepcopy(release_nb)
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in answers:
            cell.source = answers[gid]
    folder = os.path.join(submitted, student, assignment)
    os.makedirs(folder, exist_ok=True)
    nbformat.write(nb, os.path.join(folder, f"{assignment}.ipynb"))
    return folder
