"""`collect --from FILE.zip`: Canvas's and Moodle's bulk downloads of submissions reach
`submitted/` through the roster, an unsafe zip (a path out, a link, too many members, a bomb)
is refused, the missing submission time is flagged, and a notebook one folder too deep is
named where it was found.

The fixture course is released once; the downloads are built here as the LMSs name them. Costs
~40 s: one real grading of the four imported students.
"""

import json
import os
import stat
import zipfile

import nbformat
import pytest
from fixture_course import ANSWERS, make_course, released, student
from test_grading_adversarial import cli
from test_grading_late import ARGS

from autograder.cli import main

ROSTER = ("id,first_name,last_name,lms_user_id,participant\n"
          "ann,Ann,Ng,101,\nbob,Bob,Bauer,102,\ncat,Cat,Chen,,Participant 3001\n"
          "dan,Dan,Diaz,,3002\n")


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("lms")
    paths = make_course(tmp)
    assert cli(paths, "release", "fx1").returncode == 0
    paths["notebook"] = nbformat.writes(student(released(paths["course"]), ANSWERS))
    paths["roster"] = str(tmp / "roster.csv")
    with open(paths["roster"], "w") as f:
        f.write(ROSTER)
    return paths


def make_zip(path, members):
    """A zip of {name: text or bytes}; a name ending in '@' is written as a symbolic link."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            if name.endswith("@"):
                info = zipfile.ZipInfo(name[:-1])
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
                zf.writestr(info, data)
            else:
                zf.writestr(name, data)
    return str(path)


def collect(course, download, *extra):
    return cli(course, "collect", "fx1", "--from", download, "--roster", course["roster"],
               *extra)


def test_canvas_and_moodle_downloads_reach_submitted_through_the_roster_and_are_graded(
        course, tmp_path):
    nb = course["notebook"]
    canvas = make_zip(tmp_path / "canvas.zip", {
        "ngann_101_9001_fx1.ipynb": nb,
        "bauerbob_LATE_102_9002_555_fx1.ipynb": nb,
        "bauerbob_LATE_102_9002_556_data.txt": "2",
    })
    moodle = make_zip(tmp_path / "moodle.zip", {
        "Cat Chen_3001_assignsubmission_file_/fx1.ipynb": nb,
        "Dan Diaz_3002_assignsubmission_file_/my work/fx1.ipynb": nb,  # one folder too deep
        "Dan Diaz_3002_assignsubmission_onlinetext_/onlinetext.html": "<p>see file</p>",
    })
    for download in (canvas, moodle):
        run = collect(course, download)
        assert run.returncode == 0, run.stderr
        assert run.stderr == ""
    submitted = os.path.join(course["course"], "submitted")
    assert sorted(os.listdir(submitted)) == ["ann", "bob", "cat", "dan"]
    assert sorted(os.listdir(os.path.join(submitted, "bob", "fx1"))) == ["data.txt", "fx1.ipynb"]
    assert os.path.isfile(os.path.join(submitted, "dan", "fx1", "my work", "fx1.ipynb"))
    with open(os.path.join(course["course"], "collected", "fx1.json")) as f:
        record = json.load(f)
    assert {s: (r["source"], r["time"], r["late_mark"]) for s, r in record.items()} == {
        "ann": ("canvas", None, False), "bob": ("canvas", None, True),
        "cat": ("moodle", None, False), "dan": ("moodle", None, False)}
    assert not os.path.exists(os.path.join(submitted, "ann", "fx1", "timestamp.txt"))

    report = str(tmp_path / "report.json")
    run = cli(course, "grade", "fx1", "--submissions", submitted, "--report", report, *ARGS)
    assert run.returncode == 0, run.stdout + run.stderr
    with open(report) as f:
        students = json.load(f)["students"]
    assert students["ann"]["score"] == 6.0 and students["cat"]["score"] == 6.0
    assert students["bob"]["time_source"] == "canvas"
    assert any("no trustworthy submission time (Canvas marked it late)" in f
               for f in students["bob"]["flags"])
    assert students["dan"]["error"] == (
        "no notebook (.ipynb) was found at the top of the submission folder: found "
        "my work/fx1.ipynb in a folder inside it; notebooks are graded only at the top of the "
        "submission folder, move them there")


@pytest.mark.parametrize("members, wanted", [
    ({"../../evil_101_1_2_fx1.ipynb": "{}"}, "a path outside the archive"),
    ({"/etc/ngann_101_1_2_fx1.ipynb": "{}"}, "a path outside the archive"),
    ({"ngann_101_1_2_fx1.ipynb@": "/etc/passwd"}, "a symbolic link"),
    ({f"x{i}_101_1_{i}_f.txt": "" for i in range(5001)}, "5001 members, more than 5000"),
])
def test_an_unsafe_download_is_refused_whole(course, tmp_path, capsys, members, wanted):
    download = make_zip(tmp_path / "bad.zip", members)
    status = main(["--course", course["course"], "collect", "fx1", "--from", download,
                   "--roster", course["roster"]])
    err = capsys.readouterr().err
    assert status == 2 and wanted in err and len(err.strip().splitlines()) == 1, err


def test_a_zip_bomb_or_an_unknown_student_refuses_only_that_student(course, tmp_path, capsys):
    download = make_zip(tmp_path / "bomb.zip", {
        "ngann_101_9001_fx1.ipynb": course["notebook"],
        "bauerbob_102_9002_big.bin": b"\0" * (25 * 2**20 + 1),  # deflates to ~25 kB
        "nobody_999_9003_fx1.ipynb": course["notebook"],
    })
    status = main(["--course", course["course"], "collect", "fx1", "--from", download,
                   "--roster", course["roster"]])
    err = capsys.readouterr().err
    assert status == 0
    assert "refused bob: bauerbob_102_9002_big.bin: more than a submission may hold" in err
    assert "refused nobody: nobody_999_9003_fx1.ipynb: no single roster row has " \
           "lms_user_id 999" in err
