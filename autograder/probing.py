"""The probes in the sandbox: their modules copied in, and the code a kernel runs to call one.

`install_probes(questions_of(template, questions), folder)` copies the modules the probes of
one notebook's questions need (never another assignment's probes, the judges or `solutions`)
under `folder`; `probe_code(question, probe_dir, out_path)` is the cell that imports a
question's probe there, calls it on the student's globals and saves what it returns as plain
arrays in `out_path` (.npz).
"""

import ast
import importlib
import os
import shutil
import sys


def probe_modules(questions):
    """Source files the probes need -> {module name: path}; refuses anything importing solutions."""
    wanted = {}
    todo = [q.probe.__module__ for q in questions.values()]
    while todo:
        name = todo.pop()
        if name in wanted:
            continue
        module = sys.modules.get(name) or importlib.import_module(name)
        path = getattr(module, "__file__", None)
        if not path:
            raise RuntimeError(f"probe module {name} has no source file")
        wanted[name] = path
        package = name.split(".")[0]
        with open(path) as f:
            tree = ast.parse(f.read())
        for node in ast.walk(tree):
            targets = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parent = name.rsplit(".", node.level)[0] if "." in name else name
                    base = f"{parent}.{base}".rstrip(".")
                targets = [base] + [f"{base}.{a.name}" for a in node.names]
            for target in targets:
                top = target.split(".")[0]
                if top == "solutions":
                    raise RuntimeError(f"probe module {name} imports {target}: probes must not "
                                       "import the reference solutions")
                if top == package and target != package and target in _importable(target):
                    todo.append(target)
    return wanted


def _importable(name):
    """{name} when `name` imports as a module, else the empty set."""
    try:
        importlib.import_module(name)
        return {name}
    except ImportError:
        return set()


def questions_of(template, questions):
    """The entries of `questions` graded in `template` (one notebook): only their probes go
    into its kernel, never another assignment's."""
    graded = template.by_id()
    return {gid: q for gid, q in questions.items() if gid in graded}


def install_probes(questions, folder):
    """Copy the probe modules under `folder` as a package without the judging half."""
    for name, path in probe_modules(questions).items():
        parts = name.split(".")
        for i in range(1, len(parts)):
            pkg = os.path.join(folder, *parts[:i])
            os.makedirs(pkg, exist_ok=True)
            init = os.path.join(pkg, "__init__.py")
            if not os.path.exists(init):
                open(init, "w").close()
        dest = os.path.join(folder, *parts) + (
            "/__init__.py" if path.endswith("__init__.py") else ".py")
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        shutil.copyfile(path, dest)


def probe_locator(question):
    """How the kernel finds `question.probe` in its module: the factory call that made it
    (`probe.locator`, e.g. "probe_forward('relu')"), a top-level name, or an entry of a
    module-level dict (e.g. PROBES[grade_id])."""
    locator = getattr(question.probe, "locator", None)
    if locator is not None:
        return f"_m.{locator}"
    module = importlib.import_module(question.probe.__module__)
    name = question.probe.__qualname__
    if getattr(module, name, None) is question.probe:
        return f"_m.{name}"
    for attr, value in vars(module).items():
        if isinstance(value, dict) and value.get(question.grade_id) is question.probe:
            return f"_m.{attr}[{question.grade_id!r}]"
    raise RuntimeError(f"the probe of {question.grade_id} ({question.probe.__module__}.{name}) "
                       "is neither a module-level function nor in a module-level dict")


def probe_code(question, probe_dir, out_path):
    """The code a kernel runs to record a question's outputs in `out_path` (.npz)."""
    return f"""\
def __autograder_probe():
    import importlib as _il, sys as _sys
    import numpy as _np
    if {probe_dir!r} not in _sys.path:
        _sys.path.insert(0, {probe_dir!r})
    _m = _il.import_module({question.probe.__module__!r})
    _probe = {probe_locator(question)}
    _arrays = {{}}
    for _key, _value in dict(_probe(globals())).items():
        _a = _np.asarray(_value)
        if _a.dtype.hasobject:
            _a = _np.asarray("TypeError: the answer is not a plain numeric array")
        _arrays[str(_key)] = _a
    _np.savez({out_path!r}, **_arrays)
__autograder_probe()
del __autograder_probe
"""
