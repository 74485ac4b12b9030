"""Similar submissions: the students' code compared pairwise after normalization.

    python -m autograder similarity ASSIGNMENT --submissions DIR --output DIR

Each student's code is the solution cells of their notebooks plus the code cells they added
(the instructor's locked and test cells are the same for everyone and left out). Python's own
tokenizer reads it; comments, docstrings, blank lines and spacing are dropped; every name a
student chooses becomes `V` (keywords, builtins, attribute names such as `.shape` and numbers
stay); strings become `S`. A submission's fingerprints are the hashes of every run of K
normalized tokens, minus every fingerprint of the release's own code (the starter code and
stubs a student received). Two submissions' score is the Jaccard index of their fingerprint
sets, in [0, 1]: renaming variables, rewriting comments, reformatting or reordering functions
leaves it near 1, while solutions written independently share little beyond short idioms.

Notebooks are read as grading reads them (`submission.load_notebook`: never through a link,
never a FIFO or device, size and nesting capped); a student whose folder or notebooks cannot be
read is left out of the pairs and named, with why, on the page; everyone else is compared.

Writes `similarity.csv` (every pair: student_a, student_b, score, highest first, plus the
number of shared fingerprints) and `similarity.html`: the pairs at or above the threshold (at
least the top few), side by side, with the lines they share marked. Student code is shown as
escaped text; the page runs no script.
"""

import builtins
import io
import keyword
import os
import stat
import tokenize
import zlib
from dataclasses import dataclass, field

import numpy as np

from . import spreadsheet
from .course import CourseError
from .layout import top_level
from .submission import SubmissionError, load_notebook

MAX_SHOWN = 100  # pairs on the page at most (similarity.csv has them all)
K = 12  # tokens per fingerprint: longer than an idiom such as `V [ V . arange ( V ) , V ]`
KEEP = set(dir(builtins)) | set(keyword.kwlist) | set(keyword.softkwlist)
SKIP = {tokenize.COMMENT, tokenize.NL, tokenize.ENCODING, tokenize.ENDMARKER}


@dataclass
class Submission:
    """One student's code, tokenized and fingerprinted."""
    student: str
    cells: list  # [(label, source)] of the student's own code
    prints: dict = field(default_factory=dict)  # fingerprint -> [(cell index, line), ...]
    note: str = ""  # why nothing could be read


# ---------------------------------------------------------------- normalization

def tokens(source):
    """[(normalized token, line)] of Python source; IPython magics and shell lines are left
    out, and code that stops parsing keeps the tokens read so far."""
    lines = [ln if not ln.lstrip().startswith(("%", "!")) else "" for ln in
             source.splitlines()]
    raw = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO("\n".join(lines) + "\n").readline):
            raw.append(tok)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    out, after_docstring = [], False
    for i, tok in enumerate(raw):
        if tok.type in SKIP or tok.type == tokenize.ERRORTOKEN and not tok.string.strip():
            continue
        if after_docstring and tok.type == tokenize.NEWLINE:
            after_docstring = False
            continue  # the docstring's statement goes with it
        if tok.type == tokenize.STRING and _is_docstring(raw, i):
            after_docstring = True
            continue
        text = {tokenize.NEWLINE: ";", tokenize.INDENT: "{", tokenize.DEDENT: "}"}.get(tok.type)
        if text is None:
            text = tok.string
            if tok.type == tokenize.NAME and text not in KEEP and not _is_attribute(raw, i):
                text = "V"
            elif tok.type == tokenize.STRING:
                text = "S"
        out.append((text, tok.start[0]))
    return out


def _significant(raw, i, step):
    """The next token from `i` in direction `step` that is not a comment or blank line."""
    j = i + step
    while 0 <= j < len(raw) and raw[j].type in (tokenize.COMMENT, tokenize.NL):
        j += step
    return raw[j] if 0 <= j < len(raw) else None


def _is_docstring(raw, i):
    """A string that is a statement of its own (a docstring or a comment in quotes)."""
    before, after = _significant(raw, i, -1), _significant(raw, i, 1)
    starts = before is None or before.type in (tokenize.NEWLINE, tokenize.INDENT,
                                               tokenize.DEDENT, tokenize.ENCODING)
    return starts and (after is None or after.type in (tokenize.NEWLINE, tokenize.ENDMARKER))


def _is_attribute(raw, i):
    """Token `i` follows a dot (an attribute name)."""
    before = _significant(raw, i, -1)
    return before is not None and before.type == tokenize.OP and before.string == "."


def fingerprints(toks, k=K):
    """{hash of k consecutive tokens: (first line, last line) of its first run}; a text
    shorter than k tokens is one run. Hashes are 64-bit polynomial hashes of crc32s."""
    if not toks:
        return {}
    ids = np.fromiter((_token_id(t) for t, _ in toks), dtype=np.uint64, count=len(toks))
    lines = np.fromiter((line for _, line in toks), dtype=np.int64, count=len(toks))
    k = min(k, len(toks))
    windows = np.lib.stride_tricks.sliding_window_view(ids, k)
    with np.errstate(over="ignore"):  # the hash wraps around modulo 2**64 on purpose
        hashes = (windows * _POWERS[-k:]).sum(axis=1, dtype=np.uint64)
    firsts, lasts = lines[: len(hashes)].tolist(), lines[k - 1:].tolist()
    prints = {}
    for h, first, last in zip(hashes.tolist(), firsts, lasts, strict=True):
        prints.setdefault(h, (first, last))
    return prints


_ids = {}
_POWERS = np.array([pow(1_000_003, K - 1 - i, 2**64) for i in range(K)], dtype=np.uint64)


def _token_id(text):
    """A token's number, the same in every process (crc32, not Python's salted hash)."""
    value = _ids.get(text)
    if value is None:
        value = _ids[text] = zlib.crc32(text.encode()) + 1
    return value


# ---------------------------------------------------------------- reading the class

def notebook_cells(nb, skip_ids):
    """[(label, source)] of the code cells of a notebook (as load_notebook read it) that a
    student wrote: solution cells and cells without nbgrader metadata (their own), not the
    instructor's."""
    cells = []
    for i, cell in enumerate(nb.cells):
        if cell.get("cell_type") != "code":
            continue
        meta = cell.get("metadata", {}).get("nbgrader") or {}
        gid = meta.get("grade_id")
        if gid in skip_ids or (meta.get("locked") and not meta.get("solution")):
            continue
        cells.append((gid or f"cell {i + 1}", cell.get("source", "")))
    return cells


def read_submission(folder, student, skip_ids):
    """A student's code from every notebook in their folder (a link, a special file or a
    notebook that cannot be graded: a note)."""
    cells, notes = [], []
    listing = top_level(folder) if folder else {}
    names = sorted(n for n in listing if n.endswith(".ipynb"))
    for name in names:
        if listing[name] != "file":
            notes.append(f"{name} is {listing[name]}; skipped")
            continue
        try:
            nb, _flags = load_notebook(os.path.join(folder, name))
        except SubmissionError as e:
            notes.append(f"{name}: {e}")
            continue
        cells.extend(notebook_cells(nb, skip_ids))
    return Submission(student, cells, note="; ".join(notes) or ("" if names else "no notebook"))


def student_folders(submissions, assignment):
    """[(student, their assignment folder or None, why None)] of `submissions`: a student or
    assignment folder that is a symbolic link is never followed."""
    found = []
    for sid in sorted(os.listdir(submissions)):
        path = os.path.join(submissions, sid)
        mode = os.lstat(path).st_mode
        if sid.startswith(".") or not (stat.S_ISDIR(mode) or stat.S_ISLNK(mode)):
            continue
        folder = os.path.join(path, assignment)
        try:
            inner = os.lstat(folder).st_mode if stat.S_ISDIR(mode) else mode
        except FileNotFoundError:
            found.append((sid, None, "no notebook"))
            continue
        if stat.S_ISLNK(inner):
            found.append((sid, None, "the submission folder is a symbolic link; skipped"))
        else:
            found.append((sid, folder if stat.S_ISDIR(inner) else None, "no notebook"))
    return found


def starter_prints(course, assignment):
    """Fingerprints of everything the release gives a student, and the instructor's grade ids."""
    prints, instructor_ids = set(), set()
    for template in course.templates(assignment):
        for cell in template.cells:
            if cell.cell.get("cell_type") != "code":
                continue
            prints |= set(fingerprints(tokens(cell.visible)))
            if cell.kind in ("test", "locked") and cell.grade_id:
                instructor_ids.add(cell.grade_id)
    return prints, instructor_ids


def fingerprint_submission(sub, starter):
    """Fill `sub.prints`: fingerprint -> places, without the starter code's."""
    for index, (_label, source) in enumerate(sub.cells):
        for digest, lines in fingerprints(tokens(source)).items():
            if digest not in starter:
                sub.prints.setdefault(digest, []).append((index, lines))
    return sub


# ---------------------------------------------------------------- scores

def pair_scores(subs):
    """[(score, shared, a, b)] for every pair of students, highest score first.

    Shared fingerprints of every pair at once: M M^T with M the sparse student x fingerprint
    incidence matrix (scipy, which scikit-learn brings)."""
    from scipy import sparse

    names = sorted(s.student for s in subs)
    keys = [np.fromiter(s.prints, dtype=np.uint64, count=len(s.prints))
            for s in sorted(subs, key=lambda s: s.student)]
    sizes = np.array([len(k) for k in keys], dtype=np.int64)
    _, columns = np.unique(np.concatenate(keys + [np.zeros(0, np.uint64)]), return_inverse=True)
    rows = np.repeat(np.arange(len(names)), sizes)
    m = sparse.csr_matrix((np.ones(len(columns), np.float64), (rows, columns.ravel())),
                          shape=(len(names), int(columns.max(initial=-1)) + 1))
    shared = np.rint((m @ m.T).toarray()).astype(np.int64)
    out = []
    for i, j in zip(*np.triu_indices(len(names), k=1), strict=True):
        union = sizes[i] + sizes[j] - shared[i, j]
        score = round(float(shared[i, j] / union), 4) if union else 0.0
        out.append((score, int(shared[i, j]), names[i], names[j]))
    out.sort(key=lambda r: (-r[0], -r[1], r[2], r[3]))
    return out


def _read_one(args):
    """Read and fingerprint one submission (a worker's job); whatever goes wrong costs only
    this student, as a note."""
    folder, student, skip_ids, starter, why = args
    if folder is None:
        return Submission(student, [], note=why)
    try:
        return fingerprint_submission(read_submission(folder, student, skip_ids), starter)
    except Exception as e:  # noqa: BLE001  (one student's files must not stop the report)
        return Submission(student, [], note=f"could not be read ({type(e).__name__}: {e})")


def analyze(course_root, assignment, submissions, jobs=None):
    """(submissions by student, pair scores) of an assignment's class; the notebooks are read
    and fingerprinted by `jobs` processes (default: the cores)."""
    import multiprocessing

    from .course import Course

    course = Course(course_root)
    course.check_assignment(assignment)
    if not os.path.isdir(submissions):
        raise CourseError(f"submissions folder {submissions} does not exist")
    starter, instructor_ids = starter_prints(course, assignment)
    work = [(folder, sid, instructor_ids, starter, why)
            for sid, folder, why in student_folders(submissions, assignment)]
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(work) // 20 or 1))
    if jobs == 1:
        subs = [_read_one(w) for w in work]
    else:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            subs = pool.map(_read_one, work, chunksize=max(1, len(work) // (4 * jobs)))
    compared = [s for s in subs if s.cells or not s.note]  # the skipped have no row
    return {s.student: s for s in subs}, pair_scores(compared)


def write_csv(path, rows):
    """similarity.csv: every pair, highest score first."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = spreadsheet.writer(f, lineterminator="\n")
        w.writerow(["student_a", "student_b", "score", "shared_fingerprints"])
        for score, shared, a, b in rows:
            w.writerow([a, b, f"{score:.4f}", shared])


def similarity(course_root, assignment, submissions, output, threshold=0.5, top=10):
    """Write similarity.csv and similarity.html in `output` -> (rows, html path)."""
    from .similarity_page import write_page

    subs, rows = analyze(course_root, assignment, submissions)
    os.makedirs(output, exist_ok=True)
    write_csv(os.path.join(output, "similarity.csv"), rows)
    shown = [r for i, r in enumerate(rows) if r[0] >= threshold or i < top][:max(top, MAX_SHOWN)]
    page = os.path.join(output, "similarity.html")
    write_page(page, assignment, subs, shown, threshold, len(rows))
    return rows, page
