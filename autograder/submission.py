"""Read a student's notebook leniently and rebuild it around the instructor's cells.

`load_notebook(path)` accepts what students actually hand in: old nbformat versions, missing or
duplicated cell ids, non-UTF-8 bytes. It raises `SubmissionError` with a plain message for what
cannot be graded (empty file, invalid JSON, not a notebook, a link or a FIFO, more than
MAX_NOTEBOOK_BYTES, JSON nested deeper than MAX_JSON_DEPTH). It reads through
`untrusted.read_file` and checks the nesting before parsing, so nothing after it recurses on a
student's structure unbounded; a cell whose source exceeds MAX_CELL_CHARS is replaced by a note
(flagged) before anything else reads it, and a notebook whose cells hold more than
MAX_SOURCE_CHARS of text in all is refused.

`restore(template, nb)` returns the notebook to grade: the instructor's cells (tests, locked
cells, metadata, points) always come from the template, in the template's order; the student's
answers fill the solution cells; cells the student added stay after the answer they followed.
Every deviation (edited or deleted test cell, duplicated grade id, changed metadata) is flagged.

`scan(code)` lists suspicious things a student's code does (patching numpy or the checks,
importing solutions, touching hidden paths): reported as flags, never used for the score.
"""

import ast
import copy
import json
import re

import nbformat
import numpy as np

from . import untrusted
from .records import RestoredCell

MAX_METADATA_DEPTH = 32  # nesting of a cell's metadata; deeper is dropped
# a solved assignment with its figures weighs ~0.4 MB, its longest cell 8 KB: the caps leave
# room for 50 times that, and bound the grader's own work on a notebook (outside the kernel's
# time limit) to seconds
MAX_NOTEBOOK_BYTES = 20 * 2**20
MAX_CELL_CHARS = 2**20
MAX_SOURCE_CHARS = 2 * 2**20  # all cells' text together (a real notebook: ~80 KB)
# a notebook nests ~6 levels; deeper metadata is dropped with a flag (MAX_METADATA_DEPTH), but
# JSON deeper than this is refused before parsing: readers recurse, up to Python's limit of 1000
MAX_JSON_DEPTH = 256


class SubmissionError(Exception):
    """This submission cannot be graded; the message says why, for the student."""


def _mb(size):
    """A size in bytes as the student reads it."""
    return f"{size / 2**20:.1f} MB"


def read_bytes(path):
    """The bytes of the notebook file `path`; SubmissionError for a link, a FIFO, a device, or
    a file over MAX_NOTEBOOK_BYTES."""
    try:
        return untrusted.read_file(path, MAX_NOTEBOOK_BYTES)
    except untrusted.TooLarge as e:
        raise SubmissionError(f"the notebook is {_mb(e.size)}; at most "
                              f"{_mb(e.limit)} are graded") from None
    except untrusted.Refused as e:
        what = str(e).removeprefix(str(path)).strip()
        raise SubmissionError(f"the notebook {what or 'cannot be read'}; only a regular "
                              "file is graded") from None


_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')


def json_depth(raw):
    """How deep the JSON text `raw` (bytes) nests arrays and objects, without parsing it."""
    brackets = np.frombuffer(_STRING.sub(b"", raw), dtype=np.uint8)
    steps = (np.isin(brackets, (ord("["), ord("{"))).astype(np.int32)
             - np.isin(brackets, (ord("]"), ord("}"))))
    return int(np.cumsum(steps).max(initial=0))


def load_notebook(path):
    """Read `path` as a v4 notebook -> (nb, flags)."""
    raw = read_bytes(path)
    flags = []
    depth = json_depth(raw)
    if depth > MAX_JSON_DEPTH:
        raise SubmissionError(f"the notebook's JSON is nested {depth:,} levels deep; a "
                              f"notebook needs a few, at most {MAX_JSON_DEPTH} are read")
    if not raw.strip():
        raise SubmissionError("the notebook file is empty (0 bytes of content)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        text = raw.decode("utf-8", errors="replace")
        flags.append(f"the file is not valid UTF-8 (first bad byte at offset {e.start}); "
                     "bad bytes were replaced")
    text = text.lstrip("\ufeff")
    try:
        data = json.loads(text)
    except RecursionError as e:
        raise SubmissionError("the notebook's JSON is nested too deeply to be a notebook") from e
    except json.JSONDecodeError as e:
        raise SubmissionError(f"the notebook is not valid JSON (line {e.lineno}, column "
                              f"{e.colno}: {e.msg}); was it edited outside Jupyter?") from e
    if not isinstance(data, dict) or not isinstance(data.get("cells", data.get("worksheets")),
                                                    list):
        raise SubmissionError("the file is JSON but not a Jupyter notebook (no list of cells)")
    version = (data.get("nbformat"), data.get("nbformat_minor"))
    try:
        nb = nbformat.reads(json.dumps(data), as_version=4)
    except Exception:
        nb = _coerce(data)
        flags.append("the notebook's structure was damaged; its cells were read one by one")
    if version[0] != 4 or (version[1] or 0) < 5:
        flags.append(f"old notebook format {version[0]}.{version[1]} upgraded to 4.5")
    _normalize(nb, flags)
    text = sum(len(c.source) for c in nb.cells if isinstance(c.get("source"), str))
    if text > MAX_SOURCE_CHARS:
        raise SubmissionError(f"the notebook's cells hold {_mb(text)} of text; at most "
                              f"{_mb(MAX_SOURCE_CHARS)} are graded")
    return nb, flags


def _coerce(data):
    """Best-effort notebook from a JSON dict that nbformat rejects."""
    nb = nbformat.v4.new_notebook()
    for raw in data.get("cells", []):
        if not isinstance(raw, dict):
            continue
        source = raw.get("source", "")
        source = "".join(map(str, source)) if isinstance(source, list) else str(source)
        make = {"code": nbformat.v4.new_code_cell, "markdown": nbformat.v4.new_markdown_cell}.get(
            raw.get("cell_type"), nbformat.v4.new_raw_cell)
        cell = make(source)
        meta = raw.get("metadata")
        if isinstance(meta, dict) and isinstance(meta.get("nbgrader"), dict):
            cell.metadata["nbgrader"] = meta["nbgrader"]
        nb.cells.append(cell)
    return nb


def _too_deep(obj, depth=0):
    """True when `obj` nests deeper than MAX_METADATA_DEPTH."""
    if depth > MAX_METADATA_DEPTH:
        return True
    if isinstance(obj, dict):
        return any(_too_deep(v, depth + 1) for v in obj.values())
    if isinstance(obj, list):
        return any(_too_deep(v, depth + 1) for v in obj)
    return False


def _clean_metadata(cell, i, flags):
    """Cell metadata grading can rely on: a dict, no deep nesting, nbgrader fields well typed."""
    meta = cell.get("metadata")
    if not isinstance(meta, dict) or _too_deep(meta):
        flags.append(f"cell {i + 1}: malformed metadata was dropped")
        cell["metadata"] = meta = nbformat.NotebookNode()
    nbg = meta.get("nbgrader")
    if nbg is None:
        return
    try:
        ok = isinstance(nbg, dict) and isinstance(nbg.get("grade_id", ""), str)
        float(nbg.get("points") or 0) if ok else None
    except (TypeError, ValueError):
        ok = False
    if not ok:
        flags.append(f"cell {i + 1}: malformed nbgrader metadata was dropped")
        del meta["nbgrader"]


def _cap_source(cell, i, flags):
    """Replace a source longer than MAX_CELL_CHARS by a note (flagged)."""
    source = cell.get("source")
    if not isinstance(source, str) or len(source) <= MAX_CELL_CHARS:
        return
    size = _mb(len(source))
    flags.append(f"cell {i + 1} has {size} of text; at most {_mb(MAX_CELL_CHARS)} per cell "
                 "are graded: it was replaced by a note")
    note = f"[this cell had {size} of text; at most {_mb(MAX_CELL_CHARS)} per cell are graded]"
    cell.source = f"# {note}" if cell.get("cell_type") == "code" else note
    cell.pop("attachments", None)


def _normalize(nb, flags):
    """nbformat 4.5 shape: string sources within MAX_CELL_CHARS, unique cell ids, well-formed
    metadata, no outputs."""
    nb.nbformat, nb.nbformat_minor = 4, 5
    seen = set()
    for i, cell in enumerate(nb.cells):
        _clean_metadata(cell, i, flags)
        if isinstance(cell.get("source"), list):
            cell.source = "".join(cell.source)
        _cap_source(cell, i, flags)
        if cell.get("cell_type") == "code":
            cell["outputs"] = []  # never graded: the notebook runs again
        cid = cell.get("id")
        if not isinstance(cid, str) or not re.fullmatch(r"[a-zA-Z0-9-_]{1,64}", cid) or cid in seen:
            cid = f"cell-{i}"
            while cid in seen:
                cid += "x"
            cell["id"] = cid
        seen.add(cid)


def _grade_id(cell):
    """The nbgrader grade id of `cell`, or None."""
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def restore(template, nb):
    """Merge the student's `nb` into `template` -> (list of RestoredCell, flags)."""
    flags = []
    known = template.by_id()
    anchors, segments = _split_at_grade_cells(nb, known, flags)
    out = [("free", c) for c in segments[None]]
    for tc in template.cells:
        if tc.grade_id is None:
            continue  # the student's copy of an unmarked cell travels as a free cell
        out.append((tc.kind, _restore_cell(tc, anchors.get(tc.grade_id), flags)))
        out.extend(("free", c) for c in segments.get(tc.grade_id, []))
    return [_to_grade(kind, cell, known) for kind, cell in out], flags


def _split_at_grade_cells(nb, known, flags):
    """The student's cells -> ({grade_id: the student's grade cell}, {grade_id or None: the
    cells the student added after it (None: before the first)})."""
    anchors, segments, current = {}, {None: []}, None
    for cell in nb.cells:
        gid = _grade_id(cell)
        if gid in known and gid not in anchors:
            anchors[gid] = cell
            current = gid
            segments[gid] = []
            continue
        if gid in known:  # a second cell claiming the same grade id
            flags.append(f"duplicated grade cell {gid!r}: the copy was "
                         + ("removed" if known[gid].kind in ("test", "locked") else
                            "kept as an ordinary cell"))
            if known[gid].kind in ("test", "locked"):
                continue
        elif gid is not None:
            flags.append(f"unknown grade id {gid!r}: treated as an ordinary cell")
        free = copy.deepcopy(cell)
        free.get("metadata", {}).pop("nbgrader", None)
        segments[current].append(free)
    return anchors, segments


def _restore_cell(tc, student, flags):
    """The instructor's cell `tc`, with the student's answer from `student` (or None) in it."""
    restored = nbformat.from_dict(copy.deepcopy(tc.cell))
    if tc.kind in ("test", "locked"):
        if student is None:
            flags.append(f"{_role(tc)} {tc.grade_id!r} was deleted; restored from the source")
        elif _source(student) != tc.visible or student.cell_type != tc.cell["cell_type"]:
            flags.append(f"{_role(tc)} {tc.grade_id!r} was edited; restored from the source")
    elif student is None:
        flags.append(f"answer cell {tc.grade_id!r} was deleted; graded as unanswered")
    else:
        restored.source = _source(student)
        if student.get("cell_type") != restored.cell_type:
            flags.append(f"answer cell {tc.grade_id!r} changed type; "
                         f"kept as {restored.cell_type}")
    if student is not None and _nbgrader_meta(student) != _nbgrader_meta(tc.cell):
        flags.append(f"nbgrader metadata of {tc.grade_id!r} was changed; restored")
    return restored


def _to_grade(kind, cell, known):
    """A restored cell without outputs, with the code a kernel runs for it."""
    cell = nbformat.from_dict(dict(cell))
    gid = _grade_id(cell)
    code = None
    if cell.cell_type == "code":
        cell.outputs, cell.execution_count = [], None
        code = known[gid].visible if kind == "test" else cell.source
    return RestoredCell(kind, cell, code, gid)


def _role(tc):
    """How a flag names the instructor's cell `tc`."""
    return "test cell" if tc.kind == "test" else "locked cell"


def _source(cell):
    """A cell's source as one string (nbformat allows a list of lines)."""
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _nbgrader_meta(cell):
    """The nbgrader fields that decide grading (nbgrader rewrites the others itself)."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    if not isinstance(meta, dict):
        return None
    return (bool(meta.get("grade")), bool(meta.get("solution")), bool(meta.get("locked")),
            bool(meta.get("task")), meta.get("grade_id"), float(meta.get("points") or 0))


SUSPICIOUS_NAMES = {
    "solutions": "imports the reference solutions",
    "hiddentests": "imports the hidden tests",
    "gradebook": "refers to the gradebook",
    "excepthook": "replaces sys.excepthook (hides tracebacks)",
    "showtraceback": "replaces IPython's traceback display",
    "_exit": "calls os._exit",
    "ctypes": "uses ctypes",
    "fork": "forks processes",
}
PATCHED_MODULES = ("np", "numpy", "coursekit", "autograder", "checks", "gradcheck", "harness",
                   "numerical", "builtins", "testing", "sys", "IPython", "math")


SCANNED_CHARS = 100_000  # longer code is flagged as not scanned (ast costs ~8 s per MB)


def scan(code):
    """Suspicious constructs in the student's `code` -> list of short descriptions."""
    if len(code) > SCANNED_CHARS:
        return [f"{len(code):,} characters of code in one cell, too long to be scanned"]
    found = []
    try:
        tree = ast.parse(code)
    except (SyntaxError, RecursionError, MemoryError):
        return found
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
            for name in names:
                top = name.split(".")[0]
                if "solution" in top:
                    found.append(SUSPICIOUS_NAMES["solutions"])
                elif top in SUSPICIOUS_NAMES:
                    found.append(SUSPICIOUS_NAMES[top])
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            base = node.value
            while isinstance(base, ast.Attribute):
                base = base.value
            if isinstance(base, ast.Name) and base.id in PATCHED_MODULES:
                found.append(f"assigns to {ast.unparse(node)} (monkeypatching)")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id == "setattr" and node.args:
            found.append(f"calls setattr on {ast.unparse(node.args[0])} (monkeypatching)")
        elif isinstance(node, ast.FunctionDef) and node.name in ("__eq__", "__array__", "__bool__"):
            found.append(f"defines {node.name} (objects that may lie in comparisons)")
        elif isinstance(node, ast.Attribute) and node.attr in SUSPICIOUS_NAMES:
            found.append(SUSPICIOUS_NAMES[node.attr])
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            path = _suspicious_path(node.value)
            if path:
                found.append(f"mentions the path {path[:60]!r}")
    return sorted(set(found))


PATH_WORDS = ("solution", "hidden", "gradebook", "/source/", "/submitted/")


def _suspicious_path(text):
    """The first path-like word of `text` (it has a slash) naming instructor files, or None.

    Prose ("the hidden layer", "a solution of ...") is not a path: only words with a slash count.
    """
    for word in re.findall(r"[^\s'\"]*[/\\][^\s'\"]*", text):
        if any(w in word for w in PATH_WORDS):
            return word
    return None
