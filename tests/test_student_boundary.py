"""autograder.gradcheck stands alone: it works where the instructor-only modules do not exist.

Cost: three short Python subprocesses (~1 s in all).
"""

import ast
import subprocess
import sys

from student_env import REPO_ROOT, run_as_student, student_env

GRADCHECK = REPO_ROOT / "autograder" / "gradcheck.py"

USE_GRADCHECK = """
import sys
import numpy as np
import autograder.gradcheck as gc
x = np.linspace(-1.0, 1.0, 6).reshape(2, 3)
report = gc.check_gradient(lambda z: float(np.sum(z ** 3)), x, 3 * x ** 2, name="dx")
assert report.ok, str(report)
instructor_only = [m for m in sys.modules
                   if m.split(".")[0] in ("solutions", "hiddentests")
                   or (m.startswith("autograder.") and m != "autograder.gradcheck")]
print("loaded:", instructor_only)
"""


def test_gradcheck_imports_and_runs_with_instructor_modules_blocked():
    result = run_as_student(USE_GRADCHECK)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "loaded: []"
    assert result.stderr == ""


def test_blocker_refuses_solutions_hiddentests_and_grading_pipeline():
    code = """
import importlib
for name in ("solutions", "solutions.losses", "hiddentests", "autograder.__main__",
             "autograder.pipeline"):
    try:
        importlib.import_module(name)
    except ImportError as e:
        print("blocked", name)
    else:
        print("IMPORTED", name)
"""
    result = run_as_student(code)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.split("\n")
    for name in ("solutions", "solutions.losses", "hiddentests", "autograder.__main__",
                 "autograder.pipeline"):
        assert f"blocked {name}" in lines, result.stdout


def test_sitecustomize_env_makes_every_python_process_a_student(tmp_path):
    env = student_env(tmp_path / "student_site")
    code = (
        "import autograder.gradcheck\n"
        "try:\n    import solutions\nexcept ImportError:\n    print('no solutions')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "no solutions"


def test_gradcheck_source_imports_only_numpy_and_the_stdlib():
    tree = ast.parse(GRADCHECK.read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "gradcheck must not import relative modules"
            imported.add(node.module.split(".")[0])
    outside = imported - set(sys.stdlib_module_names) - {"numpy"}
    assert outside == set(), f"gradcheck imports {sorted(outside)}"
