"""What a student handed in: the folder's layout, its notebooks, its other files, its hash.

`check_layout` refuses a submission reached through a symbolic link; `match_notebooks` pairs the
assignment's notebooks with the submitted files (a renamed one included); `copy_student_files`
brings the student's other files into the kernel's work dir; `fingerprint` hashes everything
handed in, so that an unchanged submission is not graded again.
"""

import hashlib
import os
import shutil

from .submission import SubmissionError

MAX_STUDENT_FILES_BYTES = 50 * 1024 * 1024


def match_notebooks(templates, folder):
    """Pair each template with a submitted file -> ({name: path or None}, flags, extra files)."""
    flags = []
    files = sorted(os.listdir(folder)) if os.path.isdir(folder) else []
    notebooks = []
    for f in files:
        path = os.path.join(folder, f)
        if f.endswith(".ipynb") and not f.startswith("."):
            if os.path.islink(path):
                flags.append(f"{f} is a symbolic link; ignored")
            elif os.path.isfile(path):
                notebooks.append(f)
    pairs = {t.name: (t.name + ".ipynb" if t.name + ".ipynb" in notebooks else None)
             for t in templates}
    leftover = [f for f in notebooks if f not in pairs.values()]
    for name in [n for n, f in pairs.items() if f is None]:
        if not leftover:
            break
        # a renamed notebook: pick the leftover that shares the most grade ids
        ids = {c.grade_id for t in templates if t.name == name for c in t.cells if c.grade_id}
        best = max(leftover, key=lambda f: (_shared_ids(os.path.join(folder, f), ids), f))
        pairs[name] = best
        leftover.remove(best)
        flags.append(f"notebook {best} was graded as {name}.ipynb (renamed)")
    for f in leftover:
        flags.append(f"extra notebook {f} was not graded")
    return {n: (os.path.join(folder, f) if f else None) for n, f in pairs.items()}, flags


def _shared_ids(path, ids):
    """How many of the grade ids `ids` the file at `path` mentions (0 if unreadable)."""
    try:
        with open(path, "rb") as f:
            text = f.read(5_000_000).decode("utf-8", "replace")
    except OSError:
        return 0
    return sum(1 for i in ids if f'"{i}"' in text)


def check_layout(folder, flags):
    """Refuse a submission reached through a symbolic link: its student folder or assignment
    folder could point at another student's work or at the instructor's source."""
    student = os.path.dirname(os.path.abspath(folder))
    expected = os.path.join(os.path.realpath(os.path.dirname(student)),
                            os.path.basename(student), os.path.basename(folder))
    for path in (student, folder):
        if os.path.islink(path):
            flags.append(f"{path} is a symbolic link; the submission was not graded")
            raise SubmissionError("the submission folder is a symbolic link (to "
                                  f"{os.readlink(path)!r}); only real folders are graded")
    if os.path.exists(folder) and os.path.realpath(folder) != expected:
        flags.append(f"{folder} resolves to {os.path.realpath(folder)}; not graded")
        raise SubmissionError("the submission folder is not where it claims to be")


def fingerprint(folder):
    """A hash of everything the student submitted (names and bytes)."""
    h = hashlib.sha256()
    if os.path.islink(folder) or os.path.islink(os.path.dirname(os.path.abspath(folder))):
        return h.hexdigest()  # not graded: never read through a link
    for base, dirs, files in sorted(os.walk(folder)) if os.path.isdir(folder) else []:
        dirs.sort()
        for f in sorted(files):
            path = os.path.join(base, f)
            h.update(os.path.relpath(path, folder).encode())
            if os.path.isfile(path) and not os.path.islink(path):
                with open(path, "rb") as fh:
                    h.update(hashlib.sha256(fh.read()).digest())
    return h.hexdigest()


def copy_student_files(folder, work, flags):
    """The student's own non-notebook files (no links, bounded size) into the work dir.

    Hidden folders at the top (.ipython, .config, .jupyter, ...) are left out: the work dir is
    the kernel's HOME, so they would configure the grader's kernel, which they never do in the
    student's own Jupyter."""
    total = 0
    for base, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not os.path.islink(os.path.join(base, d))
                         and d not in (".ipynb_checkpoints", "__pycache__"))
        if base == folder:
            for d in [d for d in dirs if d.startswith(".")]:
                dirs.remove(d)
                flags.append(f"{d}/ ignored: hidden folders would configure the grader's kernel")
        for f in sorted(files):
            src = os.path.join(base, f)
            if f.endswith(".ipynb") or not os.path.isfile(src) or os.path.islink(src):
                if os.path.islink(src):
                    flags.append(f"{os.path.relpath(src, folder)} is a symbolic link; ignored")
                continue
            total += os.path.getsize(src)
            if total > MAX_STUDENT_FILES_BYTES:
                flags.append("submitted files larger than 50 MB in total; the rest was ignored")
                return
            dest = os.path.join(work, os.path.relpath(src, folder))
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            shutil.copyfile(src, dest)

