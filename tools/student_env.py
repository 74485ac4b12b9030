"""Run Python code or a Jupyter kernel "as a student": instructor-only modules do not import.

A student's machine has the release notebooks, the lectures and the packages of
``STUDENT_PACKAGES`` only (``coursekit``, shipped whole). This module reproduces that inside the
repository by installing an import blocker at the front of ``sys.meta_path``: any import of a
package of ``INSTRUCTOR_PACKAGES`` (``autograder``, ``solutions``, ``hiddentests``) raises
``ModuleNotFoundError`` (an ``ImportError``), as it would where those files do not exist.

Two ways to install it:
- ``python -c BLOCKER_SOURCE + code`` (see ``run_as_student``), for a one-off subprocess;
- ``student_env(directory)``: environment variables whose ``PYTHONPATH`` starts with a folder
  holding a ``sitecustomize.py`` that installs the blocker at interpreter start-up. Every Python
  process started with them, a Jupyter kernel included, is then a "student" process.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]

# The boundary between the two audiences: the packages a student receives, and the ones a
# student never has (the grading pipeline, the reference implementation, the hidden tests).
STUDENT_PACKAGES = ("coursekit",)
INSTRUCTOR_PACKAGES = ("autograder", "solutions", "hiddentests")


def blocker_source(blocked: tuple[str, ...] = INSTRUCTOR_PACKAGES) -> str:
    """Python source that installs the import blocker when executed (for -c or sitecustomize)."""
    return f"""
import sys as _sys


class _StudentImportBlocker:
    \"\"\"Refuses instructor-only modules, as on a student's machine.\"\"\"

    blocked = {tuple(blocked)!r}

    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in self.blocked:
            raise ModuleNotFoundError(
                f"No module named {{name!r}} (instructor-only: not available to students)",
                name=name,
            )
        return None


_sys.meta_path.insert(0, _StudentImportBlocker())
del _sys
"""


BLOCKER_SOURCE = blocker_source()


def write_sitecustomize(directory: str | os.PathLike) -> Path:
    """Write ``directory/sitecustomize.py`` installing the blocker; returns the directory."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "sitecustomize.py").write_text(BLOCKER_SOURCE)
    return directory


def student_env(
    directory: str | os.PathLike,
    base_env: dict[str, str] | None = None,
    extra_path: tuple[str | os.PathLike, ...] = (REPO_ROOT,),
) -> dict[str, str]:
    """Environment variables for a "student" process (python, jupyter kernel, nbgrader).

    directory: a scratch folder that receives the sitecustomize.py (e.g. pytest's tmp_path).
    base_env: the environment to extend (default: os.environ).
    extra_path: folders put on PYTHONPATH after the blocker's folder (default: the repository
        root, so that the student-safe modules import from the working tree).
    """
    env = dict(os.environ if base_env is None else base_env)
    site_dir = write_sitecustomize(directory)
    parts = [str(site_dir), *(str(p) for p in extra_path)]
    if env.get("PYTHONPATH"):
        parts.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(parts)
    return env


def run_as_student(
    code: str,
    *,
    cwd: str | os.PathLike = REPO_ROOT,
    timeout: float = 60,
) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh ``python -c`` with the blocker installed first; capture output."""
    return subprocess.run(
        [sys.executable, "-c", BLOCKER_SOURCE + "\n" + code],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
