"""Rosters as instructors really have them: saved by Excel on Windows (cp1252), with a BOM,
separated by `;` or tabs, or the LMS's own export (Canvas's gradebook CSV, Moodle's e-mails);
each is read, or refused in one line naming the line and the cause. A roster id nbgrader does
not know is refused when the gradebook holds the class list, and named otherwise.

Runs `python -m autograder export` in-process on a saved report (no kernel); the class-list
case uses a real nbgrader gradebook.
"""

import csv
import json
import os

import nbformat
import pytest
from test_export import REPORT

from autograder.cli import main


@pytest.fixture
def course(tmp_path):
    (tmp_path / "grades" / "a1").mkdir(parents=True)
    (tmp_path / "grades" / "a1" / "report.json").write_text(json.dumps(REPORT))
    return tmp_path


def export(course, roster, fmt="canvas", *extra, status=0):
    path = course / "roster.csv"
    path.write_bytes(roster if isinstance(roster, bytes) else roster.encode())
    out = course / f"{fmt}.csv"
    got = main(["--course", str(course), "export", "a1", "--format", fmt, "--roster", str(path),
                "--output", str(out), *extra])
    assert got == status
    if status:
        return None
    with open(out, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def error(capsys):
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    return err


def test_a_roster_saved_by_excel_on_windows_in_cp1252_is_read(course):
    roster = "id,first_name,last_name,lms_user_id\nann,Zoë,Müller,101\nbob,Björn,Åström,102\n"
    rows = export(course, roster.encode("cp1252"))
    assert rows[2][:2] == ["Müller, Zoë", "101"] and rows[3][0] == "Åström, Björn"


def test_a_utf8_roster_with_a_bom_is_read(course):
    rows = export(course, "\ufeffid,lms_user_id\nann,101\n".encode())
    assert rows[2][1:2] == ["101"] and rows[2][5] == "9.5"


@pytest.mark.parametrize("sep", [";", "\t"])
def test_a_semicolon_or_tab_separated_roster_is_read(course, sep):
    rows = export(course, sep.join(["id", "last_name", "lms_user_id"]) + "\n"
                  + sep.join(["ann", "O'Neil, Jr", "101"]) + "\n")
    assert rows[2][:2] == ["O'Neil, Jr", "101"] and rows[2][5] == "9.5"


def test_a_semicolon_roster_with_a_bad_line_names_the_line_and_the_separator(course, capsys):
    export(course, "id;last_name;lms_user_id\nann;Ng;101\nbob;Bauer;Jr;102\n", status=2)
    err = error(capsys)
    assert "line 3: 4 fields separated by ';', but the header has 3" in err


def test_bytes_that_are_neither_utf8_nor_cp1252_name_their_line(course, capsys):
    export(course, b"id,lms_user_id\nann,101\nb\x81b,102\n", status=2)
    assert "line 3: byte 0x81 is neither UTF-8 nor Windows-1252 text" in error(capsys)


CANVAS_EXPORT = """Student,ID,SIS User ID,SIS Login ID,Section,A1 (4321)
    Points Possible,,,,,10.00
"O'Neil, Ann",101,S-101,ann,Section 1,
"Bauer, Bob",102,S-102,bob,Section 2,5.00
"Chen, Cat",103,S-103,cat,Section 1,
"""


def test_canvas_own_export_is_a_roster_with_an_id_column_naming_nbgraders_ids(course, capsys):
    rows = export(course, CANVAS_EXPORT, "canvas", "--id-column", "SIS Login ID")
    assert rows[2:] == [["O'Neil, Ann", "101", "S-101", "ann", "Section 1", "9.5"],
                        ["Bauer, Bob", "102", "S-102", "bob", "Section 2", "6"],
                        ["Chen, Cat", "103", "S-103", "cat", "Section 1", ""]]
    capsys.readouterr()
    export(course, CANVAS_EXPORT, "canvas", status=2)
    assert 'needs a header with an `id` column (nbgrader\'s student id), or --id-column' in \
        error(capsys)


def test_moodle_export_with_ids_from_the_email_local_part(course):
    roster = ("First name,Last name,Email address\nAnn,Ng,ann@uni.example\n"
              "Bob,Bauer,bob@uni.example\n")
    rows = export(course, roster, "moodle", "--id-column", "Email address")
    assert rows == [["Email address", "First name", "Last name", "a1"],
                    ["ann@uni.example", "Ann", "Ng", "9.5"],
                    ["bob@uni.example", "Bob", "Bauer", "6"]]


def test_a_moodle_export_names_the_first_line_without_the_identifier(course, capsys):
    roster = "id,email\nann,ann@uni.example\nbob,\ncat,cat@uni.example\n"
    export(course, roster, "moodle", status=2)
    assert "roster.csv, line 3: bob has no email" in error(capsys)


def _gradebook_with_class(course, students):
    """The course as nbgrader knows it: a1 and the class imported (no submission yet)."""
    from nbgrader.api import Gradebook

    (course / "source" / "a1").mkdir(parents=True)
    nbformat.write(nbformat.v4.new_notebook(), str(course / "source" / "a1" / "a1.ipynb"))
    with Gradebook("sqlite:///" + os.path.join(course, "gradebook.db")) as gb:
        gb.update_or_create_assignment("a1")
        gb.add_notebook("a1", "a1")
        for sid in students:
            gb.update_or_create_student(sid)


def test_an_unknown_roster_id_is_refused_with_its_line_when_nbgrader_has_the_class(
        course, capsys):
    _gradebook_with_class(course, ["ann", "bob", "zed", "carol"])
    roster = "id,lms_user_id\nann,101\nbob,102\ncaroll,104\n"
    export(course, roster, status=2)
    assert "roster.csv, line 4: caroll is not a student in nbgrader's gradebook" in error(capsys)
    rows = export(course, roster.replace("caroll", "carol"))
    assert rows[4] == ["", "104", "", "", "", ""]  # no submission: blank, Canvas keeps hers


def test_an_unknown_roster_id_is_named_when_nbgrader_knows_only_who_handed_in(course, capsys):
    export(course, "id,lms_user_id\nann,101\ncat,103\n")
    assert "no submission and unknown to nbgrader (a typo in" in capsys.readouterr().err
