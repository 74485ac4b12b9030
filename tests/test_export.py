"""`python -m autograder export`: each format checked against its LMS's documented import rules.

Canvas (gradebook import): the header starts with Student, ID, SIS User ID, SIS Login ID,
Section; an optional "Points Possible" row follows it; an assignment column is named "Name" (a
new assignment) or "Name (id)" (an existing one); scores are plain numbers; a blank leaves the
grade unchanged. Moodle (grade import, CSV file): a header of unique, non-empty names; one
column identifies the user by a field Moodle maps from (email, ID number, username, user id);
every row has the header's number of fields; a grade is a number with a decimal point, at most
the grade item's maximum; empty or "-" sets the grade to none, clearing the one in Moodle
(grade/import/csv/classes/load_data.php), so a student without a grade must have no row.
"""

import csv
import json
import re

import pytest

from autograder.cli import main

REPORT = {
    "assignment": "a1",
    "max_score": 10.0,
    "students": {
        "ann": {"score": 9.5, "max_score": 10.0, "raw_score": 9.5, "late_seconds": 0.0,
                "penalty": 0.0, "flags": [], "error": None,
                "questions": {"q1": {"score": 4.5, "max_score": 5.0, "feedback": ""},
                              "q2": {"score": 5.0, "max_score": 5.0, "feedback": ""}}},
        "bob": {"score": 6.0, "max_score": 10.0, "raw_score": 8.0, "late_seconds": 7200.0,
                "penalty": 2.0, "flags": [], "error": None,
                "questions": {"q1": {"score": 3.0, "max_score": 5.0, "feedback": ""},
                              "q2": {"score": 5.0, "max_score": 5.0, "feedback": ""}}},
        "zed": {"score": 10.0, "max_score": 10.0, "flags": [], "error": None,
                "questions": {"q1": {"score": 5.0, "max_score": 5.0, "feedback": ""},
                              "q2": {"score": 5.0, "max_score": 5.0, "feedback": ""}}},
    },
}
ROSTER = """id,first_name,last_name,email,lms_user_id,sis_user_id,sis_login_id,section
ann,Ann,"O'Neil, Jr",ann@uni.example,101,S-101,ann1,Section 1
bob,Bob,Bauer,bob@uni.example,102,S-102,bob2,Section 2
cat,Cat,Chen,cat@uni.example,103,S-103,cat3,Section 1
"""


@pytest.fixture
def course(tmp_path):
    (tmp_path / "grades" / "a1").mkdir(parents=True)
    (tmp_path / "grades" / "a1" / "report.json").write_text(json.dumps(REPORT))
    (tmp_path / "roster.csv").write_text(ROSTER)
    return tmp_path


def export(course, fmt, *extra):
    out = course / f"{fmt}.csv"
    status = main(["--course", str(course), "export", "a1", "--format", fmt, "--roster",
                   str(course / "roster.csv"), "--output", str(out), *extra])
    assert status == 0
    with open(out, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def test_canvas_export_follows_the_gradebook_import_rules(course, capsys):
    rows = export(course, "canvas")
    assert rows[0][:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    assert rows[0][5:] == ["a1"]
    assert rows[1][0] == "Points Possible" and rows[1][5] == "10"
    assert all(len(r) == len(rows[0]) for r in rows)
    by_id = {r[1]: r for r in rows[2:]}
    assert by_id["101"] == ["O'Neil, Jr, Ann", "101", "S-101", "ann1", "Section 1", "9.5"]
    assert by_id["102"][5] == "6"  # after the late penalty
    assert by_id["103"][5] == ""  # no submission: blank, Canvas keeps what it has
    for r in rows[2:]:
        assert r[5] == "" or float(r[5]) >= 0
    assert "zed" in capsys.readouterr().err  # graded, not rostered: named in a warning


def test_canvas_column_can_name_an_existing_assignment_and_missing_can_be_zero(course):
    rows = export(course, "canvas", "--column", "Linear classifiers (4321)", "--missing", "zero")
    assert re.fullmatch(r".+ \(\d+\)", rows[0][5])
    assert {r[1]: r[5] for r in rows[2:]}["103"] == "0"


def test_moodle_export_follows_the_csv_grade_import_rules(course, capsys):
    rows = export(course, "moodle")
    head = rows[0]
    assert len(set(head)) == len(head) and all(h.strip() == h and h for h in head)
    assert head[0] == "Email address" and head[-1] == "a1"
    assert all(len(r) == len(head) for r in rows)
    grades = {r[0]: r[-1] for r in rows[1:]}
    assert grades == {"ann@uni.example": "9.5", "bob@uni.example": "6"}  # cat: see below
    for g in grades.values():
        assert g == "" or (re.fullmatch(r"\d+(\.\d+)?", g) and float(g) <= 10)
    assert "zed" in capsys.readouterr().err


def test_moodle_uses_the_first_identifier_every_student_has(course):
    (course / "roster.csv").write_text("id,username,idnumber\nann,ann1,\nbob,bob2,7\n")
    rows = export(course, "moodle")
    assert rows[0][0] == "Username" and [r[0] for r in rows[1:]] == ["ann1", "bob2"]


def test_plain_csv_has_a_column_per_question_and_keeps_unrostered_students(course):
    rows = export(course, "csv")
    head = rows[0]
    assert head[0] == "student_id" and head[-2:] == ["q1", "q2"]
    table = {r[0]: dict(zip(head, r, strict=True)) for r in rows[1:]}
    assert list(table) == ["ann", "bob", "cat", "zed"]
    assert (table["bob"]["raw_score"], table["bob"]["penalty"], table["bob"]["score"],
            table["bob"]["q1"]) == ("8", "2", "6", "3")
    assert table["cat"]["score"] == "" and table["zed"]["email"] == ""
    assert table["zed"]["score"] == "10"


def test_bad_input_gets_a_clear_error(course, capsys):
    def run(*args):
        return main(["--course", str(course), "export", *args, "--output",
                     str(course / "x.csv")])

    (course / "bad.csv").write_text("name,email\nAnn,a@x\n")
    assert run("a1", "--format", "csv", "--roster", str(course / "bad.csv")) == 2
    assert "needs a header with an `id` column" in capsys.readouterr().err
    (course / "bad.csv").write_text("id,email\nann,a@x\nann,b@x\n")
    assert run("a1", "--format", "csv", "--roster", str(course / "bad.csv")) == 2
    assert "line 3: student ann is listed twice" in capsys.readouterr().err
    (course / "bad.csv").write_text("id,email\nann,a@x\n")
    assert run("a1", "--format", "canvas", "--roster", str(course / "bad.csv")) == 2
    assert "Canvas matches students on lms_user_id" in capsys.readouterr().err
    assert run("a2", "--format", "csv", "--roster", str(course / "roster.csv")) == 2
    assert "run `python -m autograder grade a2 ...` first" in capsys.readouterr().err


def test_moodle_leaves_out_a_student_without_a_grade_so_moodle_keeps_theirs(course):
    rows = export(course, "moodle")
    assert "cat@uni.example" not in [r[0] for r in rows]  # an empty grade would clear hers
    assert all(r[-1] not in ("", "-") for r in rows[1:])
    rows = export(course, "moodle", "--missing", "zero")
    assert {r[0]: r[-1] for r in rows[1:]}["cat@uni.example"] == "0"


def test_scale_writes_points_percent_or_a_rescaled_grade_and_canvas_points_possible(course):
    report = json.loads((course / "grades" / "a1" / "report.json").read_text())
    report["max_score"] = 31.0
    report["students"]["ann"].update(score=25.0, max_score=31.0)
    (course / "grades" / "a1" / "report.json").write_text(json.dumps(report))
    for scale, grade, possible in (("points", "25", "31"), ("percent", "80.65", "100"),
                                   ("100", "80.65", "100"), ("20", "16.13", "20")):
        canvas = export(course, "canvas", "--scale", scale)
        assert canvas[1][5] == possible and canvas[2][5] == grade, scale
        moodle = export(course, "moodle", "--scale", scale)
        assert moodle[1][-1] == grade, scale
        plain = export(course, "csv", "--scale", scale)
        head = plain[0]
        ann = dict(zip(head, plain[1], strict=True))
        assert (ann["score"], ann["max_score"], ann["q1"]) == (grade, possible, "4.5"), scale


def test_a_bad_scale_is_a_clear_error(course, capsys):
    status = main(["--course", str(course), "export", "a1", "--format", "canvas", "--roster",
                   str(course / "roster.csv"), "--output", str(course / "x.csv"),
                   "--scale", "percents"])
    assert status == 2
    assert "--scale wants points, percent or a maximum such as 100, got 'percents'" in \
        capsys.readouterr().err
