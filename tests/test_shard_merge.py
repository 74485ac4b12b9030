"""Merging shards loses nobody and nothing: a missing or repeated shard is refused with the
students it would lose, `--partial` says what is partial, and `merge --record` brings the late
penalties, timestamps, extensions and hand grades into the gradebook as `grade` does on one
machine, so that `nbgrader export` agrees with the merged report.

The fixture course gets a free-response question, a per-day late policy, a due date and an
extension; four students hand in, graded as two shards (never touching the gradebook). Costs
~1 min: two shard runs, then merges.
"""

import csv
import datetime
import json
import os

import pytest
from fixture_course import ANSWERS, make_course, released, student, submit
from test_grading_adversarial import cli
from test_grading_late import ARGS, nbgrader
from test_hand_grades import DUE, POLICY, hand_grade

pytestmark = pytest.mark.slow
STAMPS = {"ann": "2026-03-01 16:00:00 UTC",  # on time
          "bob": "2026-03-02 18:00:00 UTC",  # 25 h late: 2 started days, -1.6
          "cat": "2026-03-01 12:00:00 UTC",
          "dan": "2026-03-02 23:00:00 UTC"}  # 30 h late, but a 48 h extension


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("shards")
    paths = make_course(tmp, free_response=True)
    with open(os.path.join(paths["course"], "nbgrader_config.py"), "a") as f:
        f.write(POLICY)
    with open(os.path.join(paths["course"], "extensions.csv"), "w") as f:
        f.write("student,assignment,hours\ndan,fx1,48\n")
    assert cli(paths, "release", "fx1").returncode == 0
    nbgrader(paths["course"], "db", "assignment", "add", "fx1",
             f"--duedate={DUE:%Y-%m-%d %H:%M:%S} UTC")
    rel = released(paths["course"])
    wrong = dict(ANSWERS, scale="def scale(x, k):\n    return x")
    for sid, stamp in STAMPS.items():
        folder = submit(paths["submitted"], sid, student(rel, wrong if sid == "cat" else ANSWERS))
        with open(os.path.join(folder, "timestamp.txt"), "w") as f:
            f.write(stamp)
    paths["shards"] = []
    for k in (1, 2):
        out = str(tmp / "shards" / str(k))
        run = cli(paths, "grade", "fx1", "--submissions", paths["submitted"], "--shard",
                  f"{k}/2", "--output", out, *ARGS)
        assert run.returncode == 0, run.stdout + run.stderr
        paths["shards"].append(os.path.join(out, "report.json"))
    paths["tmp"] = str(tmp)
    return paths


def one_line_error(run):
    assert run.returncode == 2, run.stdout + run.stderr
    assert "Traceback" not in run.stderr and len(run.stderr.strip().splitlines()) == 1, run.stderr
    return run.stderr


def nbgrader_export(paths):
    out = os.path.join(paths["tmp"], "nbgrader-export.csv")
    nbgrader(paths["course"], "export", "--to", out)
    with open(out, newline="") as f:
        return {r["student_id"]: r for r in csv.DictReader(f)}


def test_a_shard_report_records_its_slice_and_the_class_it_was_cut_from(course):
    with open(course["shards"][0]) as f:
        shard = json.load(f)["shard"]
    assert shard == {"k": 1, "n": 2, "students": ["ann", "cat"],
                     "class": ["ann", "bob", "cat", "dan"]}


def test_merging_one_of_two_shards_is_refused_naming_the_missing_students(course, tmp_path):
    out = str(tmp_path / "merged")
    err = one_line_error(cli(course, "merge", course["shards"][0], "--output", out))
    assert "shard(s) 2/2 missing" in err and "2 student(s) of the class: bob, dan" in err
    assert not os.path.exists(os.path.join(out, "report.json"))
    # a Slurm task that failed leaves no report: the glob finds one shard, and that is refused
    err = one_line_error(cli(course, "merge", os.path.join(course["tmp"], "shards", "*",
                                                           "report.jsn"), "--output", out))
    assert "no shard report" in err


def test_a_repeated_or_missing_shard_file_is_one_line_error(course, tmp_path):
    out = str(tmp_path / "merged")
    err = one_line_error(cli(course, "merge", *course["shards"], course["shards"][0],
                             "--output", out))
    assert "shard 1/2 is given twice" in err
    err = one_line_error(cli(course, "merge", course["shards"][0], str(tmp_path / "nope.json"),
                             "--output", out))
    assert f"no shard report {tmp_path / 'nope.json'}" in err


def test_a_partial_merge_is_allowed_only_when_asked_and_says_so(course, tmp_path):
    out = str(tmp_path / "partial")
    run = cli(course, "merge", course["shards"][1], "--output", out, "--partial")
    assert run.returncode == 0, run.stderr
    with open(os.path.join(out, "report.json")) as f:
        report = json.load(f)
    assert sorted(report["students"]) == ["bob", "dan"]
    assert report["partial"] == {"shards": [2], "of": 2, "missing": ["ann", "cat"]}
    with open(os.path.join(out, "summary.txt")) as f:
        assert f.readline().startswith("PARTIAL: only shard(s) 2 of 2 merged; not graded "
                                       "here: ann, cat")
    assert run.stdout.startswith("PARTIAL")


def test_merge_record_brings_penalties_extensions_and_hand_grades_to_the_gradebook(course):
    from nbgrader.api import Gradebook

    out = os.path.join(course["course"], "grades", "fx1")
    run = cli(course, "merge", *course["shards"], "--output", out, "--record")
    assert run.returncode == 0, run.stderr
    expected = {"ann": 6.0, "bob": 4.4, "cat": 3.0, "dan": 6.0}
    exported = nbgrader_export(course)
    assert {s: float(r["score"]) for s, r in exported.items()} == pytest.approx(expected)
    assert float(exported["bob"]["late_submission_penalty"]) == pytest.approx(1.6)
    assert exported["bob"]["timestamp"].startswith("2026-03-02 18:00:00")
    with Gradebook("sqlite:///" + os.path.join(course["course"], "gradebook.db")) as gb:
        assert gb.find_submission("fx1", "dan").extension == datetime.timedelta(hours=48)
    with open(os.path.join(out, "report.json")) as f:
        merged = json.load(f)
    assert {s: e["score"] for s, e in merged["students"].items()} == pytest.approx(expected)

    hand_grade(course, "ann", "explain", 2.0, comment="Right.")
    hand_grade(course, "bob", "explain", 1.0)
    with open(os.path.join(course["course"], "extensions.csv"), "a") as f:
        f.write("bob,fx1,26\n")
    run = cli(course, "merge", *course["shards"], "--output", out, "--record")
    assert run.returncode == 0, run.stderr
    expected = {"ann": 8.0, "bob": 7.0, "cat": 3.0, "dan": 6.0}
    exported = nbgrader_export(course)
    assert {s: float(r["score"]) for s, r in exported.items()} == pytest.approx(expected)
    with open(os.path.join(out, "report.json")) as f:
        merged = json.load(f)
    assert {s: e["score"] for s, e in merged["students"].items()} == pytest.approx(expected)
    with open(os.path.join(course["course"], "feedback", "ann", "fx1", "fx1.html")) as f:
        page = f.read()
    assert "Score: <b>8 / 8</b>" in page and "TA&#x27;s comment: Right." in page
