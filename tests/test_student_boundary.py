"""The boundary between the audiences: what a student receives imports nothing instructor-only.

The boundary is the package list of `tools/student_env.py`: a student receives the packages of
STUDENT_PACKAGES whole (and the notebooks); INSTRUCTOR_PACKAGES never reach a student.
Cost: a few short Python subprocesses (~2 s in all).
"""

import ast
import subprocess
import sys

import pytest
from assignment_harness import COURSE
from student_env import (
    INSTRUCTOR_PACKAGES,
    REPO_ROOT,
    STUDENT_PACKAGES,
    run_as_student,
    student_env,
)

sys.path.insert(0, COURSE)
sys.path.insert(0, str(REPO_ROOT / "lectures"))
import _build as lecture_build  # noqa: E402  (lectures/_build.py)
import build  # noqa: E402  (assignments/build.py)

CODE_CELLS = ("code", "solution", "tests")  # template cell kinds holding code
PROJECT_PACKAGES = sorted(
    p.name for p in REPO_ROOT.iterdir() if p.is_dir() and (p / "__init__.py").is_file()
)
STUDENT_MODULES = sorted(
    path for package in STUDENT_PACKAGES for path in (REPO_ROOT / package).rglob("*.py")
)
STUDENT_SOURCES = sorted(
    [*(REPO_ROOT / "assignments" / "templates").glob("*.nbt"),
     *(REPO_ROOT / "lectures" / "src").glob("*.py")]
)


def _dotted(path):
    rel = path.relative_to(REPO_ROOT).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def _imported(tree):
    """Top-level package names a module's code imports (relative imports refused)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "student-facing code imports by absolute names only"
            names.add(node.module.split(".")[0])
    return names


def _code_of(path):
    """The code cells of a student-facing source (a template, or a lecture's percent source)."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".nbt":
        cells = [body for kind, _, body in build.parse_template(text) if kind in CODE_CELLS]
    else:
        cells = [body for kind, body in lecture_build.parse_percent(text) if kind == "code"]
    return "\n".join(
        line for cell in cells for line in cell.splitlines() if not line.lstrip().startswith("%")
    )


def test_the_package_lists_cover_every_package_of_the_project():
    assert sorted(STUDENT_PACKAGES + INSTRUCTOR_PACKAGES) == PROJECT_PACKAGES


@pytest.mark.parametrize("path", STUDENT_MODULES, ids=lambda p: _dotted(p))
def test_student_package_imports_only_student_packages_and_libraries(path):
    outside = _imported(ast.parse(path.read_text(encoding="utf-8"))) & set(PROJECT_PACKAGES)
    assert outside <= set(STUDENT_PACKAGES), f"{_dotted(path)} imports {sorted(outside)}"


@pytest.mark.parametrize("path", STUDENT_SOURCES, ids=lambda p: p.name)
def test_notebook_sources_import_only_student_packages(path):
    outside = _imported(ast.parse(_code_of(path))) & set(INSTRUCTOR_PACKAGES)
    assert not outside, f"{path.name} imports {sorted(outside)}"


def test_every_student_module_imports_with_instructor_packages_blocked():
    modules = [_dotted(p) for p in STUDENT_MODULES]
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {INSTRUCTOR_PACKAGES!r}))\n"
    )
    result = run_as_student(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_gradcheck_runs_with_instructor_packages_blocked():
    code = (
        "import numpy as np\n"
        "import coursekit.gradcheck as gc\n"
        "x = np.linspace(-1.0, 1.0, 6).reshape(2, 3)\n"
        "report = gc.check_gradient(lambda z: float(np.sum(z ** 3)), x, 3 * x ** 2, name='dx')\n"
        "assert report.ok, str(report)\n"
    )
    result = run_as_student(code)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_blocker_refuses_every_instructor_package():
    names = [*INSTRUCTOR_PACKAGES, "solutions.losses", "autograder.__main__", "hiddentests.probes"]
    code = (
        "import importlib\n"
        f"for name in {names!r}:\n"
        "    try:\n        importlib.import_module(name)\n"
        "    except ImportError:\n        print('blocked', name)\n"
        "    else:\n        print('IMPORTED', name)\n"
    )
    result = run_as_student(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:-1] == [f"blocked {name}" for name in names]


def test_sitecustomize_env_makes_every_python_process_a_student(tmp_path):
    env = student_env(tmp_path / "student_site")
    code = (
        "import coursekit.gradcheck\n"
        "try:\n    import autograder\nexcept ImportError:\n    print('no autograder')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "no autograder"


@pytest.mark.parametrize("module", ["gradcheck", "numerical", "compare", "hints"])
def test_gradient_checker_imports_only_numpy_the_stdlib_and_itself(module):
    tree = ast.parse((REPO_ROOT / "coursekit" / f"{module}.py").read_text())
    outside = _imported(tree) - set(sys.stdlib_module_names) - {"numpy", "coursekit"}
    assert outside == set(), f"coursekit.{module} imports {sorted(outside)}"
