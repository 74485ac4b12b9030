"""The student's folder: the released assignments and the lectures, as a student receives them.

    student/
        a1_linear/a1_linear.ipynb (+ coursekit/, the student's package, next to it)
        ...
        lectures/NN_*.ipynb (+ coursekit)

``make lab`` builds it with ``python tools/student_workspace.py student`` and serves it in
JupyterLab with instructor-only imports (``autograder``, ``solutions``, ``hiddentests``)
blocked. The browser tests build the same folder in a temporary dir from a temporary copy of
the course, so that nbgrader never writes its gradebook into the committed tree.

Files already in the student folder are never overwritten: a student's work survives a second
``make lab``. Delete a file (or the whole folder) to get a fresh copy.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
COURSE = REPO / "assignments"
LECTURES = REPO / "lectures"
# What the instructor's course root holds besides nbgrader_config.py and source/.
GENERATED = ("release", "submitted", "autograded", "feedback", "gradebook.db", ".nbgrader.log")
# What of lectures/ is not for students: the build and render scripts, the percent sources.
LECTURE_SKIP = ("src", "_build.py", "_render.py", "html", "__pycache__", ".ipynb_checkpoints")


def assignment_ids(course_root: Path = COURSE) -> list[str]:
    """Ids of the assignments in ``course_root/source`` (folders holding ``<id>.ipynb``)."""
    source = course_root / "source"
    if not source.is_dir():
        return []
    return sorted(d.name for d in source.iterdir() if (d / f"{d.name}.ipynb").is_file())


def copy_course(dest: Path, course_root: Path = COURSE) -> Path:
    """Copy the committed part of the course (config + source) to ``dest``; links become files."""
    shutil.copytree(
        course_root,
        dest,
        symlinks=False,
        ignore=shutil.ignore_patterns(*GENERATED, "__pycache__", ".ipynb_checkpoints"),
    )
    return dest


def generate_release(course_root: Path, ids: list[str], timeout: float = 120.0) -> Path:
    """Run ``nbgrader generate_assignment`` for each id inside ``course_root``; return release/."""
    for aid in ids:
        proc = subprocess.run(
            [sys.executable, "-m", "nbgrader", "generate_assignment", aid, "--force"],
            cwd=course_root,
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, "JUPYTER_PREFER_ENV_PATH": "1"},
        )
        if proc.returncode != 0 or not (course_root / "release" / aid).is_dir():
            raise RuntimeError(
                f"nbgrader generate_assignment {aid} failed in {course_root} "
                f"(exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
            )
    return course_root / "release"


def _copy_missing(src: Path, dest: Path, skip: tuple[str, ...] = ()) -> list[Path]:
    """Copy ``src`` into ``dest`` file by file (following symlinks), never overwriting a file."""
    copied = []
    for root, dirs, files in os.walk(src, followlinks=True):
        dirs[:] = [d for d in dirs if d not in skip]
        rel = Path(root).relative_to(src)
        for name in files:
            if name in skip or name.endswith(".pyc"):
                continue
            target = dest / rel / name
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(Path(root) / name, target)
                copied.append(target)
    return copied


def build(
    dest: Path, release_dir: Path, lectures_dir: Path = LECTURES, ids: list[str] | None = None
) -> list[Path]:
    """Fill ``dest`` with ``release_dir/<id>/`` for each id and ``lectures_dir`` as lectures/."""
    dest.mkdir(parents=True, exist_ok=True)
    ids = ids if ids is not None else sorted(d.name for d in release_dir.iterdir() if d.is_dir())
    copied = []
    for aid in ids:
        copied += _copy_missing(release_dir / aid, dest / aid)
    if lectures_dir.is_dir():
        copied += _copy_missing(lectures_dir, dest / "lectures", skip=LECTURE_SKIP)
    return copied


def release_in_repo(ids: list[str]) -> Path:
    """The release: ``python -m autograder release`` when the course has it, else nbgrader's."""
    if (REPO / "autograder" / "__main__.py").is_file():
        proc = subprocess.run(
            [sys.executable, "-m", "autograder", "release", *ids], cwd=REPO, timeout=600
        )
        if proc.returncode == 0:
            return COURSE / "release"
        print("python -m autograder release failed; releasing with nbgrader instead", flush=True)
    return generate_release(COURSE, ids)


def main(argv: list[str] | None = None) -> int:
    """Build the student's folder named on the command line -> exit status."""
    parser = argparse.ArgumentParser(description="Build the student's folder (release + lectures).")
    parser.add_argument("dest", help="the student's folder, e.g. student/")
    args = parser.parse_args(argv)
    ids = assignment_ids()
    release = release_in_repo(ids) if ids else COURSE / "release"
    dest = Path(args.dest).resolve()
    copied = build(dest, release, ids=[i for i in ids if (release / i).is_dir()])
    print(f"{dest}: {len(copied)} new file(s); existing files were kept")
    return 0


if __name__ == "__main__":
    sys.exit(main())
