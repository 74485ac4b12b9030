"""`python -m autograder similarity` on planted pairs of the real assignments (no kernel).

Per assignment: the reference and the corpus's correct variants are two independent solutions;
each is also copied and disguised (names, order of functions, comments, docstrings, layout).
Every planted pair must rank above every independent pair, the planted ones at or above the
default threshold, the independent ones below it.
"""

import csv
import os
import shutil

import nbformat
import pytest
from similarity_class import disguise, hand_in, independent, release_notebook

from autograder.cli import main
from autograder.course import Course
from autograder.similarity import tokens

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
THRESHOLD = 0.5
PLANTED = {("ref", "ref_copy"), ("var", "var_copy")}


def course_copy(tmp, assignment):
    root = os.path.join(tmp, "course")
    os.makedirs(os.path.join(root, "source"))
    shutil.copy(os.path.join(REPO, "assignments", "nbgrader_config.py"), root)
    shutil.copytree(os.path.join(REPO, "assignments", "source", assignment),
                    os.path.join(root, "source", assignment), symlinks=False,
                    ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
    return Course(root)


def run(course, assignment, submitted, out):
    status = main(["--course", course.root, "similarity", assignment, "--submissions",
                   submitted, "--output", out])
    assert status == 0
    with open(os.path.join(out, "similarity.csv"), newline="") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize("assignment", ["a1_linear", "a2_activations", "a4_backprop"])
def test_planted_copies_rank_above_every_independent_pair(tmp_path, assignment):
    course = course_copy(str(tmp_path), assignment)
    release = release_notebook(course, assignment)
    ref, var = independent(course, assignment)
    submitted = str(tmp_path / "submitted")
    class_ = {"ref": ref, "var": var, "untouched": {},
              "ref_copy": {g: disguise(s, seed=1) for g, s in ref.items()},
              "var_copy": {g: disguise(s, seed=2) for g, s in var.items()}}
    for sid, answers in class_.items():
        hand_in(release, answers, submitted, sid, assignment)
    rows = run(course, assignment, submitted, str(tmp_path / "out"))
    assert len(rows) == 10 and list(rows[0]) == ["student_a", "student_b", "score",
                                                  "shared_fingerprints"]
    scores = {(r["student_a"], r["student_b"]): float(r["score"]) for r in rows}
    assert [float(r["score"]) for r in rows] == sorted(scores.values(), reverse=True)
    assert all(0 <= s <= 1 for s in scores.values())
    planted = {p: scores[p] for p in PLANTED}
    independent_pairs = {p: s for p, s in scores.items() if p not in PLANTED}
    assert min(planted.values()) > max(independent_pairs.values()), scores
    assert min(planted.values()) >= THRESHOLD, planted
    assert max(independent_pairs.values()) < THRESHOLD, independent_pairs
    assert all(s == 0 for p, s in scores.items() if "untouched" in p)  # starter code removed


def test_normalization_ignores_comments_spacing_names_and_docstrings():
    a = 'def f(x, W):\n    """Scores."""\n    s = x @ W  # the scores\n    return s.max(axis=1)\n'
    b = ("def g(inp,  weights):\n\n    # a comment of mine\n    out=inp@weights\n"
         "    return out.max(axis = 1)\n")
    assert [t for t, _ in tokens(a)] == [t for t, _ in tokens(b)]
    assert "max" in [t for t, _ in tokens(a)]  # attribute names are kept
    c = "def f(x, W):\n    return (x @ W).min(axis=1)\n"
    assert [t for t, _ in tokens(a)] != [t for t, _ in tokens(c)]


def test_code_that_does_not_parse_still_gets_tokens():
    assert [t for t, _ in tokens("%matplotlib inline\nx = (1 +\n")][:3] == ["V", "=", "("]


def test_report_page_shows_student_code_as_inert_text(tmp_path):
    assignment = "a1_linear"
    course = course_copy(str(tmp_path), assignment)
    release = release_notebook(course, assignment)
    ref, _var = independent(course, assignment)
    evil = dict(ref)
    gid = sorted(evil)[0]
    evil[gid] += ('\n# <img src=x onerror="alert(1)">\n'
                  'NOTE = "</pre></div><script>alert(document.cookie)</script>"\n')
    submitted = str(tmp_path / "submitted")
    hand_in(release, evil, submitted, "mallory", assignment)
    hand_in(release, evil, submitted, "mallory_twin", assignment)
    os.makedirs(os.path.join(submitted, "broken", assignment))
    with open(os.path.join(submitted, "broken", assignment, f"{assignment}.ipynb"), "w") as f:
        f.write('{"cells": [')
    rows = run(course, assignment, submitted, str(tmp_path / "out"))
    assert (rows[0]["student_a"], rows[0]["student_b"], rows[0]["score"]) == \
        ("mallory", "mallory_twin", "1.0000")
    with open(tmp_path / "out" / "similarity.html", encoding="utf-8") as f:
        page = f.read()
    assert "<script" not in page and "<img" not in page
    assert "&lt;script&gt;alert(document.cookie)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page
    assert "default-src 'none'" in page  # and the browser runs nothing from the page
    assert "broken: " in page  # the unreadable notebook is named, not skipped silently


def _hostile_class(submitted, assignment):
    """Students whose files the report must not follow, read whole or recurse into -> {student:
    words their note must hold}."""
    def folder(sid):
        path = os.path.join(submitted, sid, assignment)
        os.makedirs(path)
        return os.path.join(path, f"{assignment}.ipynb")

    depth = 50_000
    with open(folder("deep"), "w") as f:
        f.write('{"cells": [], "metadata": {"x": ' + "[" * depth + "]" * depth + "}}")
    os.mkfifo(folder("fifo"))  # opening it for reading would wait for a writer forever
    os.symlink("/dev/zero", folder("zeros"))  # reading it would never end
    big = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1\n" * 4_000_000)])
    nbformat.write(big, folder("huge"))
    os.symlink(os.path.join(submitted, "ref"), os.path.join(submitted, "linked"))
    return {"deep": "nested 50,002 levels deep", "fifo": "is a FIFO", "huge": "at most 20.0 MB",
            "zeros": "is a symbolic link", "linked": "symbolic link"}


@pytest.mark.timeout(120)
def test_hostile_notebooks_cost_only_their_own_row(tmp_path):
    assignment = "a1_linear"
    course = course_copy(str(tmp_path), assignment)
    release = release_notebook(course, assignment)
    ref, var = independent(course, assignment)
    submitted = str(tmp_path / "submitted")
    for sid, answers in {"ref": ref, "var": var,
                         "ref_copy": {g: disguise(s, seed=1) for g, s in ref.items()}}.items():
        hand_in(release, answers, submitted, sid, assignment)
    hostile = _hostile_class(submitted, assignment)
    out = str(tmp_path / "out")
    rows = run(course, assignment, submitted, out)
    assert {(r["student_a"], r["student_b"]) for r in rows} == {
        ("ref", "ref_copy"), ("ref", "var"), ("ref_copy", "var")}
    with open(os.path.join(out, "similarity.html"), encoding="utf-8") as f:
        page = f.read()
    skipped = page.split("Could not be read", 1)[1]
    for sid, why in hostile.items():
        line = next(ln for ln in skipped.split("<li>") if ln.startswith(f"{sid}:"))
        assert why in line, line
