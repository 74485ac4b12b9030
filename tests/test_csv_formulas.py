"""Every CSV the autograder writes shows a student's or a roster's formula as text, not a formula.

A student chooses their id (their exchange folder's name); roster names come from outside.
Each file is written by its real writer: grades.csv (`report.write_csv`), similarity.csv
(`similarity.write_csv`) and the three exports (`python -m autograder export`).
"""

import csv
import json

import pytest

from autograder import report, similarity
from autograder.cli import main
from autograder.spreadsheet import inert_cell

HYPERLINK = '=HYPERLINK("http://evil.example","x")'
DDE = "+cmd|' /C calc'!A0"
AT_SUM = "@SUM(1+1)*cmd|' /C calc'!A0"
MINUS = "-2+3+cmd|' /C calc'!A0"


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def cells(rows):
    return [c for r in rows for c in r]


def assert_no_formula(rows):
    """No cell starts as a formula; the payloads are there, behind a quote."""
    for cell in cells(rows):
        assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell
        assert not cell.startswith("-") or float(cell) < 0, cell


@pytest.mark.parametrize("text", [HYPERLINK, DDE, AT_SUM, MINUS, "\t=1+1", "\r=1+1", "-",
                                  "-x", "+1"])
def test_text_starting_like_a_formula_gets_a_leading_quote(text):
    assert inert_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["ann", "O'Neil, Jr", "a=b", "", "9.5", "-1.5", "2e-05",
                                   "-0.25", "10", -1.5, 3, None])
def test_plain_text_and_numbers_are_left_as_they_are(value):
    assert inert_cell(value) == value


def result(score, error=None):
    return {"score": score, "max_score": 6.0, "flags": [], "error": error,
            "questions": {"q1": {"score": score, "max_score": 6.0, "feedback": ""}}}


def test_grades_csv_shows_formula_ids_and_errors_as_text_and_keeps_negative_scores(tmp_path):
    path = tmp_path / "grades.csv"
    report.write_csv(str(path), {HYPERLINK: result(4.0), DDE: result(-1.5, error=AT_SUM),
                                 "ann": result(6.0)})
    rows = read(path)
    by_id = {r[0]: r for r in rows[1:]}
    assert set(by_id) == {"'" + HYPERLINK, "'" + DDE, "ann"}
    assert by_id["'" + DDE][1] == "-1.5" and by_id["'" + DDE][-1] == "'" + AT_SUM
    assert_no_formula(rows)


def test_similarity_csv_shows_formula_ids_as_text(tmp_path):
    path = tmp_path / "similarity.csv"
    similarity.write_csv(str(path), [(0.91, 12, HYPERLINK, "ann"), (0.2, 3, "ann", AT_SUM)])
    rows = read(path)
    assert rows[1][:3] == ["'" + HYPERLINK, "ann", "0.9100"]
    assert rows[2][:2] == ["ann", "'" + AT_SUM]
    assert_no_formula(rows)


ROSTER = {"id": HYPERLINK, "first_name": DDE, "last_name": AT_SUM, "email": "=evil@x.example",
          "lms_user_id": MINUS, "sis_user_id": "@S1", "sis_login_id": "+login",
          "section": "=Section"}


@pytest.fixture
def course(tmp_path):
    """A graded assignment whose report holds a student with a formula for an id, a roster
    with formulas in every field (and in a column's name) and a negative score."""
    entry = {"score": -1.5, "max_score": 6.0, "raw_score": 0.5, "late_seconds": 3600.0,
             "penalty": 2.0, "flags": [], "error": None,
             "questions": {"q1": {"score": 0.5, "max_score": 6.0, "feedback": ""}}}
    data = {"assignment": "a1", "max_score": 6.0, "students": {HYPERLINK: entry}}
    (tmp_path / "grades" / "a1").mkdir(parents=True)
    (tmp_path / "grades" / "a1" / "report.json").write_text(json.dumps(data))
    with open(tmp_path / "roster.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow([*ROSTER, "=extra"])
        w.writerow([*ROSTER.values(), "@x"])
    return tmp_path


def export(course, fmt):
    out = course / f"{fmt}.csv"
    assert main(["--course", str(course), "export", "a1", "--format", fmt, "--roster",
                 str(course / "roster.csv"), "--output", str(out)]) == 0
    return read(out)


@pytest.mark.parametrize("fmt", ["canvas", "moodle", "csv"])
def test_exports_show_roster_formulas_as_text_and_keep_the_score_a_number(course, fmt):
    rows = export(course, fmt)
    assert_no_formula(rows)
    row = rows[-1]
    if fmt == "canvas":
        assert row == ["'" + f"{AT_SUM}, {DDE}", "'" + MINUS, "'@S1", "'+login", "'=Section",
                       "-1.5"]
    elif fmt == "moodle":
        assert row == ["'=evil@x.example", "'" + DDE, "'" + AT_SUM, "-1.5"]
    else:
        head = rows[0]
        assert "'=extra" in head and row[head.index("score")] == "-1.5"
        assert row[0] == "'" + HYPERLINK and {"'" + v for v in ROSTER.values()} <= set(row)
