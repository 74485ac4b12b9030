"""What a student handed in: the folder's layout, its notebooks, its other files, its hash.

`check_layout` refuses a submission reached through a symbolic link; `match_notebooks` pairs the
assignment's notebooks with the submitted files (a renamed one included); `copy_student_files`
brings the student's other files into the kernel's work dir; `fingerprint` hashes everything
handed in, so that an unchanged submission is not graded again. Every file is read through
`untrusted.py`: never through a link, never a FIFO or a device, never past a size cap.
"""

import hashlib
import os
import stat

from . import untrusted
from .submission import MAX_NOTEBOOK_BYTES, SubmissionError

MAX_STUDENT_FILES_BYTES = 50 * 1024 * 1024
STUDENT_FILES = untrusted.Caps(files=200, depth=8, file_bytes=25 * 2**20,
                               total_bytes=MAX_STUDENT_FILES_BYTES)
FINGERPRINTED = untrusted.Caps(files=1000, depth=16, file_bytes=25 * 2**20,
                               total_bytes=100 * 2**20)


def top_level(folder):
    """{name: "file" or what else it is} of the folder's own entries, nothing followed."""
    try:
        names = os.listdir(folder)
    except OSError:
        return {}
    found = {}
    for name in names:
        try:
            mode = os.stat(os.path.join(folder, name), follow_symlinks=False).st_mode
        except OSError:
            continue
        found[name] = "file" if stat.S_ISREG(mode) else untrusted.kind(mode)
    return found


def match_notebooks(templates, folder):
    """Pair each template with a submitted file -> ({name: path or None}, flags, extra files)."""
    flags = []
    notebooks = []
    for f, what in sorted(top_level(folder).items()):
        if f.endswith(".ipynb") and not f.startswith("."):
            if what == "file":
                notebooks.append(f)
            else:
                flags.append(f"{f} is {what}; ignored")
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
        text = untrusted.read_file(path, MAX_NOTEBOOK_BYTES).decode("utf-8", "replace")
    except untrusted.Refused:
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
    """A hash of everything the student submitted (names and bytes; a link or special file by
    its name, a file past the caps by its size)."""
    h = hashlib.sha256()
    if os.path.islink(folder) or os.path.islink(os.path.dirname(os.path.abspath(folder))):
        return h.hexdigest()  # not graded: never read through a link
    try:
        found = untrusted.entries(folder, FINGERPRINTED)
    except untrusted.Refused:
        return h.hexdigest()  # no folder
    for entry in sorted(found, key=lambda e: os.path.split(e.rel)):  # os.walk's order
        h.update(entry.rel.encode())
        if entry.data is not None:
            h.update(hashlib.sha256(entry.data).digest())
        elif entry.note:
            h.update(f"\0{entry.what}\0{entry.size}\0{entry.note}".encode())
    return h.hexdigest()


def _skipped(flags):
    """What `copy_student_files` leaves out: notebooks, caches, and hidden folders at the top
    (flagged: the work dir is the kernel's HOME, so .ipython, .config, .jupyter would configure
    the grader's kernel, which they never do in the student's own Jupyter)."""
    def skip(rel, is_folder):
        name = os.path.basename(rel)
        if is_folder and "/" not in rel and name.startswith("."):
            if name != ".ipynb_checkpoints":
                flags.append(f"{name}/ ignored: hidden folders would configure the grader's "
                             "kernel")
            return True
        return name in (".ipynb_checkpoints", "__pycache__") if is_folder else \
            name.endswith(".ipynb")
    return skip


def copy_student_files(folder, work, flags):
    """The student's own non-notebook files into the work dir: regular files only (a link,
    FIFO or device is flagged and left out), within STUDENT_FILES's caps."""
    try:
        found = untrusted.entries(folder, STUDENT_FILES, _skipped(flags))
    except untrusted.Refused as e:
        flags.append(f"the submitted files were not copied: {e}")
        return
    for entry in found:
        if entry.note:
            flags.append(f"{entry.rel} was not copied ({entry.note})")
        elif entry.data is None:
            flags.append(f"{entry.rel} is {entry.what}; ignored")
        if entry.data is None:
            continue
        dest = os.path.join(work, entry.rel)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with open(dest, "wb") as f:
            f.write(entry.data)
