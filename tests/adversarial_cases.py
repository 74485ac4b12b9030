"""The adversarial corpus: what students hand in that breaks plain nbgrader, and the exact outcome.

Each case builds one submission of the fixture course (tests/fixture_course.py: test_add 2 pts,
test_scale 3 pts, test_norm 1 pt) and states the expected score per question, substrings that
must appear in the student's flags (and the feedback of a question), and the expected error.
Runaway cases are bounded by the limits the test grades with (2 s per cell, 1536 MB, 48
processes), so a grader without protections still cannot exhaust the machine.
"""

import json
import os
from dataclasses import dataclass, field

import nbformat
from fixture_course import ANSWERS, student
from hostile_markdown import HOSTILE

FULL = {"test_add": 2.0, "test_scale": 3.0, "test_norm": 1.0}


@dataclass
class Case:
    id: str
    what: str
    build: object  # build(release_nb, paths) -> notebook, bytes, None (empty folder) or a dict
    scores: dict
    flags: list = field(default_factory=list)  # substrings, each in some flag
    feedback: dict = field(default_factory=dict)  # grade_id -> substring of its feedback
    error: str | None = None
    name: str = "fx1.ipynb"


def with_answers(**override):
    answers = dict(ANSWERS)
    answers.update(override)
    return answers


def answers_nb(**override):
    return lambda rel, paths: student(rel, with_answers(**override))


def extra_cell(code, after="add", **override):
    """Correct answers plus a free code cell after the answer cell `after`."""
    def build(rel, paths):
        def edit(nb):
            i = next(i for i, c in enumerate(nb.cells)
                     if c.metadata.get("nbgrader", {}).get("grade_id") == after)
            nb.cells.insert(i + 1, nbformat.v4.new_code_cell(code.format(**paths)))
        return student(rel, with_answers(**override), edit)
    return build


def reading(path_key, rel_path=""):
    """`add` is correct only when the file cannot be read: 0 points prove it stayed hidden."""
    code = ("def add(a, b):\n"
            "    with open({path!r}, 'rb') as f:\n"
            "        f.read()\n"
            "    return np.asarray(a) + np.asarray(b)")
    return lambda rel, paths: student(
        rel, with_answers(add=code.format(path=paths[path_key] + rel_path)))


def edit_cells(fn, **override):
    def build(rel, paths):
        return student(rel, with_answers(**override), fn)
    return build


def _by_id(nb, gid):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == gid)


def _delete(gid):
    def fn(nb):
        nb.cells = [c for c in nb.cells
                    if c.metadata.get("nbgrader", {}).get("grade_id") != gid]
    return fn


def _edit_source(gid, source):
    def fn(nb):
        _by_id(nb, gid).source = source
    return fn


def _duplicate(gid):
    def fn(nb):
        i = nb.cells.index(_by_id(nb, gid))
        nb.cells.insert(i + 1, nbformat.from_dict(json.loads(json.dumps(nb.cells[i]))))
        nb.cells[i + 1]["id"] = nb.cells[i]["id"] + "-copy"
    return fn


def _points(gid, points):
    def fn(nb):
        _by_id(nb, gid).metadata["nbgrader"]["points"] = points
    return fn


def as_bytes(fn):
    """A submission given as raw bytes built from the perfect notebook."""
    def build(rel, paths):
        nb = student(rel, ANSWERS)
        return fn(nb)
    return build


def _old_format(nb):
    data = json.loads(nbformat.writes(nb))
    data["nbformat_minor"] = 0
    for cell in data["cells"]:
        cell.pop("id", None)
    return json.dumps(data).encode()


def _latin1(nb):
    nb.cells[0].source += "\n\nCaf\u00e9 na\u00efve"
    return nbformat.writes(nb).encode("latin-1")


def _symlink(rel, paths):
    return {"notebook": student(rel, ANSWERS), "symlink": ("hidden.py", paths["judges"])}


def _with_files(files):
    """The perfect notebook handed in with extra files {relative path: text}."""
    return lambda rel, paths: {"notebook": student(rel, ANSWERS), "files": files}


WRONG_SCALE = "def scale(x, k):\n    return np.asarray(x) * 1.0"


def _answer_bomb():
    """An .npz of a few MB whose one array claims 2 GB: deflated zeros, header included."""
    import io
    import zipfile

    import numpy as np

    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "<f8", "fortran_order": False,
                                                  "shape": (2**28,)})
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as zf:
        with zf.open("out.npy", "w", force_zip64=True) as f:
            f.write(header.getvalue())
            block = bytes(1 << 20)
            for _ in range(2048):
                f.write(block)
    return raw.getvalue()


# the probe saves each answer with numpy.savez: patched, every later answer is the bomb
BOMB_CELL = ("import shutil\n_bomb = open('bomb.npz', 'rb').read()\n"
             "def _savez(path, *args, **kwargs):\n    open(path, 'wb').write(_bomb)\n"
             "np.savez = _savez")

def _bombed(rel, paths):
    def edit(nb):
        at = nb.cells.index(_by_id(nb, "add")) + 1
        nb.cells.insert(at, nbformat.v4.new_code_cell(BOMB_CELL))
    return {"notebook": student(rel, ANSWERS, edit), "binary": {"bomb.npz": _answer_bomb()}}


# `add` is correct only when the code sees no other machine state: no host process in /proc,
# no SysV segment left by anyone, no copy of the course outside the jail
ALONE = ("def add(a, b):\n    import os\n"
         "    pids = [p for p in os.listdir('/proc') if p.isdigit()]\n"
         "    assert len(pids) < 20, f'sees {{len(pids)}} processes'\n"
         "    return np.asarray(a) + np.asarray(b)")
SHM = ("import ctypes\n_libc = ctypes.CDLL(None, use_errno=True)\n"
       "_libc.shmget.restype = ctypes.c_int\n")
SHM_WRITE = SHM + ("_id = _libc.shmget(0x5eed, 64 * 2**20, 0o1666)\n"
                   "print('segment', _id)\n")
SHM_READ = ("def add(a, b):\n    import ctypes\n    libc = ctypes.CDLL(None)\n"
            "    libc.shmget.restype = ctypes.c_int\n"
            "    if libc.shmget(0x5eed, 0, 0) >= 0:\n        return None  # found the segment\n"
            "    return np.asarray(a) + np.asarray(b)")
LEAVE_FILES = ("import os, subprocess, sys\n"
               "for d in ['/tmp', '/var/tmp', '/dev/shm', os.path.expanduser('~')]:\n"
               "    try:\n        open(os.path.join(d, 'left-behind-by-student'), 'w').write('x')\n"
               "    except OSError as e:\n        print(e)\n"
               "for _ in range(3):\n"
               "    subprocess.Popen([sys.executable, '-c', 'while True: pass'],\n"
               "                     start_new_session=True)\n")
FILL_DISK = ("import os\nfor i in range(10):\n    try:\n"
             "        with open(f'fill{{i}}.bin', 'wb') as f:\n"
             "            f.write(os.urandom(60 * 2**20))\n"
             "    except OSError as e:\n        print(type(e).__name__, e)\n        break\n"
             "print(os.statvfs('.').f_bavail * os.statvfs('.').f_frsize // 2**20, 'MB left')")
SCRIPTS_CELL = ("from IPython.display import HTML, Javascript, SVG, display\n"
                "display(HTML('<script>window.stolen = document.cookie</script><b>hi</b>'))\n"
                "display(Javascript('window.stolen = 1'))\n"
                "display(SVG('<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script>"
                "</svg>'))")
SCRIPT_MARKDOWN = ("My answer <img src=x onerror=\"alert('xss')\"> and "
                   "<script>alert('xss')</script> and [a link](javascript:alert(1)).")
MATH_MARKDOWN = "Math without tags stays exactly as written: $x<0$ and $a < b$."


def _markdown_script(nb):
    i = next(i for i, c in enumerate(nb.cells)
             if c.metadata.get("nbgrader", {}).get("grade_id") == "add")
    nb.cells.insert(i + 1, nbformat.v4.new_markdown_cell(SCRIPT_MARKDOWN))
    nb.cells.insert(i + 1, nbformat.v4.new_markdown_cell(MATH_MARKDOWN))
    nb.cells.insert(i + 2, nbformat.v4.new_code_cell(SCRIPTS_CELL))


def _hostile_markdown(nb):
    """Every payload of tests/hostile_markdown.py in a markdown cell of its own, between two
    cells that mark it (BEGIN-i, END-i), after the answer to `add`."""
    i = next(i for i, c in enumerate(nb.cells)
             if c.metadata.get("nbgrader", {}).get("grade_id") == "add")
    cells = []
    for n, name in enumerate(sorted(HOSTILE)):
        cells += [nbformat.v4.new_markdown_cell(text) for text in
                  (f"BEGIN-{n}", HOSTILE[name], f"END-{n}")]
    nb.cells[i + 1:i + 1] = cells


def _malformed_metadata(nb):
    nb.cells.insert(1, nbformat.v4.new_code_cell("x = 1"))
    nb.cells[1].metadata["nbgrader"] = "not a dict"
    deep = {}
    node = deep
    for _ in range(200):
        node["a"] = {}
        node = node["a"]
    nb.cells.insert(1, nbformat.v4.new_markdown_cell("notes"))
    nb.cells[1].metadata["deep"] = deep


def _huge_errors(nb):
    for _ in range(3):
        nb.cells.insert(1, nbformat.v4.new_code_cell("raise ValueError('A' * 3_000_000)"))


def _linked_student(rel, paths):
    return {"link": "perfect"}  # submitted/<case> -> submitted/perfect


def _linked_assignment(rel, paths):
    return {"link_assignment": os.path.join(paths["course"], "source", "fx1")}


def _deep_nested(rel, paths):
    """A notebook whose metadata nests 50,000 arrays: any reader that recurses on it crashes."""
    depth = 50_000
    return ('{"cells": [], "metadata": {"x": ' + "[" * depth + "]" * depth
            + '}, "nbformat": 4, "nbformat_minor": 5}').encode()


def _huge_markdown(nb):
    nb.cells.insert(1, nbformat.v4.new_markdown_cell("[a](http://x.org) **b** <i>c</i>\n"
                                                     * 150_000))  # 5 MB


def _huge_notebook(nb):
    """25 MB: the perfect notebook with a large output kept in it."""
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout",
                                                  text="x" * 25 * 2**20)]
    return nbformat.writes(nb).encode()


def _special_files(rel, paths):
    """The perfect notebook next to a FIFO and a link to /dev/zero (reading either never ends)."""
    return {"notebook": student(rel, ANSWERS), "fifos": ["data.csv"],
            "symlink": ("zeros.npy", "/dev/zero")}


def _fifo_notebook(rel, paths):
    """The notebook itself is a FIFO (opening it for reading waits for a writer forever)."""
    return {"notebook": student(rel, ANSWERS), "fifos": ["fx1-Copy1.ipynb"]}


CASES = [
    # ---- controls
    Case("perfect", "reference answers", answers_nb(), FULL),
    Case("untouched", "the release as handed out", lambda rel, paths: student(rel),
         {"test_add": 0, "test_scale": 0, "test_norm": 0},
         feedback={"test_add": "NotImplementedError"}),
    # ---- runaway code
    Case("infinite_loop", "scale never returns", answers_nb(scale="def scale(x, k):\n"
                                                             "    while True:\n        pass"),
         {**FULL, "test_scale": 0}, feedback={"test_scale": "time limit per cell"}),
    Case("loop_catches_interrupt", "scale loops and swallows KeyboardInterrupt",
         answers_nb(scale="def scale(x, k):\n    import time\n    while True:\n        try:\n"
                          "            time.sleep(0.05)\n        except KeyboardInterrupt:\n"
                          "            pass"),
         {**FULL, "test_scale": 0}, flags=["ignored the interrupt"],
         feedback={"test_scale": "ignored the"}),
    Case("sigint_ignored_cell", "a top-level cell ignores SIGINT and spins",
         extra_cell("import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                    "while True:\n    pass"),
         FULL, flags=["ignored the interrupt and was killed"]),
    Case("sys_exit", "a cell calls sys.exit()", extra_cell("import sys\nsys.exit(3)"), FULL),
    Case("ipython_exit", "a cell calls exit()", extra_cell("exit()"), FULL),
    Case("os_exit_cell", "a cell calls os._exit(1)", extra_cell("import os\nos._exit(1)"),
         FULL, flags=["killed its kernel"]),
    Case("os_exit_in_answer", "scale calls os._exit", answers_nb(
        scale="def scale(x, k):\n    import os\n    os._exit(1)"),
         {**FULL, "test_scale": 0}, feedback={"test_scale": "kernel died"}),
    Case("segfault", "row_norms dereferences NULL through ctypes", answers_nb(
        norm="def row_norms(X):\n    import ctypes\n    return ctypes.string_at(0)"),
         {**FULL, "test_norm": 0}, flags=["ctypes"], feedback={"test_norm": "kernel died"}),
    # np.zeros maps pages without touching them, so the address-space limit, not the
    # per-cell time limit, stops it at once on a slow or busy machine (bytearray zero-fills
    # each block: about 1 s for 1.5 GB here, close enough to the 2 s cell limit to be flaky).
    Case("memory_bomb", "scale allocates without end", answers_nb(
        scale="def scale(x, k):\n    hog = []\n    while True:\n"
              "        hog.append(np.zeros(25 * 2**20))"),
         {**FULL, "test_scale": 0}, feedback={"test_scale": "MemoryError"}),
    Case("fork_bomb", "a cell forks until it cannot (children sleep)", extra_cell(
        "import os, time\nfor _ in range(500):\n    try:\n        pid = os.fork()\n"
        "    except OSError:\n        break\n    if pid == 0:\n        time.sleep(300)\n"
        "        os._exit(0)"), FULL, flags=["forks processes"]),
    Case("huge_stdout", "a cell prints 50 MB", extra_cell("print('x' * 50_000_000)"), FULL),
    Case("huge_stdout_uncapped", "writes 20 MB past the kernel's cap (the grader cuts it)",
         extra_cell("import sys\ntype(sys.stdout).write(sys.stdout, 'x' * 20_000_000)"), FULL),
    Case("figure_flood", "a cell displays 3 MB of images (the notebook keeps 2 MB)", extra_cell(
        "import base64, os\nfrom IPython.display import display\nfor _ in range(10):\n"
        "    display({{'image/png': base64.b64encode(os.urandom(225_000)).decode()}}, raw=True)"),
         FULL),
    Case("print_flood", "a cell prints without end", extra_cell(
        "i = 0\nwhile True:\n    print(i)\n    i += 1"), FULL, flags=["cell 4 "]),
    # stopped by the interrupt, or killed on a busy machine when flushing the flood outlasts
    # the interrupt's grace: either way the notebook goes on
    # ---- tampering with the checks
    Case("patch_allclose", "wrong scale, numpy.allclose patched to always agree", extra_cell(
        "np.allclose = lambda *args, **kwargs: True", scale=WRONG_SCALE),
         {**FULL, "test_scale": 0}, flags=["np.allclose"], feedback={"test_scale": "differ"}),
    Case("patch_np_testing", "wrong scale, numpy.testing and asarray patched", extra_cell(
        "import numpy.testing\nnumpy.testing.assert_allclose = lambda *a, **k: None\n"
        "_real = np.asarray\nnp.asarray = lambda x, *a, **k: _real([2.0, 4.0])",
        scale=WRONG_SCALE),
         {**FULL, "test_scale": 0, "test_add": 0, "test_norm": 0}, flags=["monkeypatching"]),
    Case("lying_eq", "scale returns an object whose __eq__ and __array__ lie", answers_nb(
        scale="class Liar:\n    def __eq__(self, other):\n        return True\n"
              "    def __array__(self, *a, **k):\n        return np.array([2.0, 4.0])\n"
              "def scale(x, k):\n    return Liar()"),
         {**FULL, "test_scale": 0}, flags=["__eq__"]),
    Case("hide_tracebacks", "wrong scale, tracebacks hidden", extra_cell(
        "import sys\nsys.excepthook = lambda *a: None\n"
        "get_ipython().showtraceback = lambda *a, **k: None", scale=WRONG_SCALE),
         {**FULL, "test_scale": 0}, flags=["excepthook"]),
    Case("edit_test_to_pass", "test cell of scale replaced by `pass`, wrong scale",
         edit_cells(_edit_source("test_scale", "pass"), scale=WRONG_SCALE),
         {**FULL, "test_scale": 0}, flags=["'test_scale' was edited"]),
    Case("delete_test_cell", "test cell of scale deleted", edit_cells(_delete("test_scale")),
         FULL, flags=["'test_scale' was deleted"]),
    Case("duplicate_grade_id", "test cell of add copied", edit_cells(_duplicate("test_add")),
         FULL, flags=["duplicated grade cell 'test_add'"]),
    Case("points_raised", "points of test_norm set to 100 in the metadata",
         edit_cells(_points("test_norm", 100)), FULL, flags=["metadata of 'test_norm'"]),
    # ---- cheating: reading or writing what the kernel must not see
    Case("import_solutions", "add imported from the reference solutions", answers_nb(
        add="from fxsolutions import add\nfrom solutions.linear import linear_scores"),
         {**FULL, "test_add": 0}, flags=["imports the reference solutions"]),
    Case("read_hidden_tests", "reads the judges' source by absolute path",
         reading("judges"), {**FULL, "test_add": 0}, flags=["mentions the path"]),
    Case("read_gradebook", "reads the gradebook by absolute path", reading("gradebook"),
         {**FULL, "test_add": 0}, flags=["mentions the path"]),
    Case("read_source", "reads the instructor's source notebook", reading("source_nb"),
         {**FULL, "test_add": 0}, flags=["mentions the path"]),
    Case("read_other_student", "reads another student's submission", reading("perfect_nb"),
         {**FULL, "test_add": 0}),
    Case("read_project", "reads the project's solutions package", reading("project_solutions"),
         {**FULL, "test_add": 0}, flags=["mentions the path"]),
    Case("write_gradebook", "appends to the gradebook and another student's notebook",
         extra_cell("for p in [{gradebook!r}, {perfect_nb!r}]:\n    try:\n"
                    "        open(p, 'a').write('x')\n    except OSError as e:\n"
                    "        print(e)"), FULL, flags=["gradebook"]),
    # ---- broken files
    Case("invalid_json", "truncated JSON", as_bytes(lambda nb: nbformat.writes(nb).encode()[:200]),
         {"test_add": 0, "test_scale": 0, "test_norm": 0}, error="not valid JSON"),
    Case("empty_file", "a 0-byte notebook", lambda rel, paths: b"",
         {"test_add": 0, "test_scale": 0, "test_norm": 0}, error="empty"),
    Case("nbformat_40", "nbformat 4.0 without cell ids", as_bytes(_old_format), FULL,
         flags=["old notebook format 4.0"]),
    Case("renamed", "the notebook saved as a copy", answers_nb(), FULL, flags=["renamed"],
         name="fx1-Copy1.ipynb"),
    Case("empty_folder", "nothing handed in", lambda rel, paths: None,
         {"test_add": 0, "test_scale": 0, "test_norm": 0}, error="empty"),
    Case("non_utf8", "latin-1 bytes in a markdown cell", as_bytes(_latin1), FULL,
         flags=["not valid UTF-8"]),
    Case("symlink", "a symbolic link to the hidden tests next to the notebook", _symlink,
         FULL, flags=["symbolic link; ignored"]),
    Case("ipython_startup", "hands in an IPython startup script that ends every kernel",
         _with_files({".ipython/profile_default/startup/00-exit.py": "import os\nos._exit(1)\n",
                      "data/notes.txt": "my own file\n"}),
         FULL, flags=[".ipython/ ignored"]),
    # ---- what a security review found
    Case("answer_bomb", "answers replaced by a 2 MB .npz whose array claims 2 GB", _bombed,
         {"test_add": 0, "test_scale": 0, "test_norm": 0}, flags=["np.savez"],
         feedback={"test_scale": "recorded answer could not be read"}),
    Case("read_copy_elsewhere", "imports a world-readable copy of the course kept elsewhere",
         reading("copy"), {**FULL, "test_add": 0}, feedback={"test_add": "FileNotFoundError"}),
    Case("sees_only_itself", "add counts the processes it can see", answers_nb(add=ALONE), FULL),
    Case("shm_writer", "leaves a 64 MB SysV shared memory segment", extra_cell(SHM_WRITE), FULL),
    Case("shm_reader", "add works only if it cannot find another student's segment",
         answers_nb(add=SHM_READ), FULL),
    Case("leave_behind", "writes files outside its work dir, starts processes in new sessions",
         extra_cell(LEAVE_FILES), FULL),
    Case("fill_disk", "fills its work dir past the disk limit", extra_cell(FILL_DISK), FULL),
    Case("scripts", "HTML, JavaScript and SVG outputs and a markdown answer with scripts",
         edit_cells(_markdown_script), FULL),
    Case("hostile_markdown", "markdown with script links and external images in every disguise",
         edit_cells(_hostile_markdown), FULL),
    Case("huge_errors", "three cells raise errors with 3 MB messages",
         edit_cells(_huge_errors), FULL),
    Case("malformed_metadata", "non-dict nbgrader metadata and 200-deep nested metadata",
         edit_cells(_malformed_metadata), FULL, flags=["malformed"]),
    Case("linked_student", "the student folder is a symlink to another student's",
         _linked_student, {"test_add": 0, "test_scale": 0, "test_norm": 0},
         flags=["symbolic link"], error="symbolic link"),
    Case("linked_assignment", "the assignment folder is a symlink to the instructor's source",
         _linked_assignment, {"test_add": 0, "test_scale": 0, "test_norm": 0},
         flags=["symbolic link"], error="symbolic link"),
    # ---- work the grader does outside the jail, bounded
    Case("deep_nested", "a notebook nested 50,000 levels deep", _deep_nested,
         {"test_add": 0, "test_scale": 0, "test_norm": 0}, error="nested 50,002 levels deep"),
    Case("huge_markdown", "a 5 MB markdown cell", edit_cells(_huge_markdown), FULL,
         flags=["MB of text; at most 1.0 MB per cell are graded"]),
    Case("huge_notebook", "a 25 MB notebook", as_bytes(_huge_notebook),
         {"test_add": 0, "test_scale": 0, "test_norm": 0},
         error="the notebook is 25.0 MB; at most 20.0 MB are graded"),
    Case("special_files", "a FIFO and a link to /dev/zero among the student's files",
         _special_files, FULL, flags=["data.csv is a FIFO; ignored",
                                      "zeros.npy is a symbolic link; ignored"]),
    Case("fifo_notebook", "a FIFO named like a notebook next to the notebook", _fifo_notebook,
         FULL, flags=["fx1-Copy1.ipynb is a FIFO; ignored"]),
    Case("warning_on_stderr", "a correct scale that warns on stderr", answers_nb(
        scale="import warnings\ndef scale(x, k):\n    warnings.warn('deprecated, but right')\n"
              "    import sys\n    print('noise', file=sys.stderr)\n    return k * np.asarray(x)"),
         FULL),
]
