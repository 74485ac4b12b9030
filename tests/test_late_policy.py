"""The late policy at its edges: on time, in the grace period, at and past the cap, extensions,
a late resubmission, and the instructor's extensions CSV (no kernel, no nbgrader command)."""

import datetime
import os

import pytest
from traitlets.config import Config

from autograder.course import CourseError
from autograder.late import (
    LatePolicy,
    apply,
    claimed_time,
    handed_in,
    late_seconds,
    read_extensions,
    score_paragraph,
)

DUE = datetime.datetime(2026, 3, 1, 17, 0, 0)
HOUR, DAY = 3600.0, 86400.0


def policy(**settings):
    config = Config()
    for name, value in settings.items():
        setattr(config.LatePolicy, name, value)
    return LatePolicy(config=config)


PER_DAY = dict(method="per_day", grace_minutes=15, rate=0.1, cap=0.3)


def test_on_time_costs_nothing():
    assert policy(**PER_DAY).penalty(8.0, 10.0, 0.0) == 0.0


def test_within_the_grace_period_costs_nothing_up_to_its_last_second():
    p = policy(**PER_DAY)
    assert p.penalty(8.0, 10.0, 60.0) == 0.0
    assert p.penalty(8.0, 10.0, 15 * 60.0) == 0.0
    assert p.penalty(8.0, 10.0, 15 * 60.0 + 1) == pytest.approx(1.0)  # 1 started day


def test_every_started_day_costs_the_rate_of_the_maximum():
    p = policy(**PER_DAY)
    assert p.penalty(8.0, 10.0, DAY) == pytest.approx(1.0)
    assert p.penalty(8.0, 10.0, DAY + 1) == pytest.approx(2.0)
    assert p.penalty(8.0, 10.0, 2 * DAY) == pytest.approx(2.0)


def test_exactly_at_the_cap_and_past_it_the_penalty_is_the_cap():
    p = policy(**PER_DAY)
    assert p.penalty(9.0, 10.0, 3 * DAY) == pytest.approx(3.0)  # 3 x 0.1 = the cap
    assert p.penalty(9.0, 10.0, 3 * DAY + 1) == pytest.approx(3.0)
    assert p.penalty(9.0, 10.0, 30 * DAY) == pytest.approx(3.0)


def test_a_penalty_never_takes_more_than_was_earned():
    assert policy(**PER_DAY).penalty(1.5, 10.0, 10 * DAY) == pytest.approx(1.5)
    assert policy(**PER_DAY).penalty(0.0, 10.0, 10 * DAY) == 0.0


def test_per_hour_counts_started_hours():
    p = policy(method="per_hour", rate=0.05, cap=1.0)
    assert p.penalty(10.0, 10.0, 1.0) == pytest.approx(0.5)
    assert p.penalty(10.0, 10.0, 2 * HOUR + 1) == pytest.approx(1.5)
    assert p.penalty(10.0, 10.0, 100 * HOUR) == pytest.approx(10.0)


def test_zero_takes_everything_after_the_grace_period():
    p = policy(method="zero", grace_minutes=5)
    assert p.penalty(7.0, 10.0, 4 * 60.0) == 0.0
    assert p.penalty(7.0, 10.0, 5 * 60.0 + 1) == 7.0


def test_none_never_penalizes():
    assert policy().penalty(7.0, 10.0, 100 * DAY) == 0.0


def test_extension_moves_the_due_date_of_one_student():
    submitted = DUE + datetime.timedelta(hours=30)
    assert late_seconds(submitted, DUE) == 30 * HOUR
    assert late_seconds(submitted, DUE, extension_hours=24) == 6 * HOUR
    assert late_seconds(submitted, DUE, extension_hours=48) == 0.0
    assert late_seconds(None, DUE) == 0.0 and late_seconds(submitted, None) == 0.0


def _submit(root, sid, when):
    folder = os.path.join(root, sid, "a1")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "timestamp.txt"), "w") as f:
        f.write(when)


def _result(score, max_score=10.0):
    return {"score": score, "max_score": max_score, "questions": {}, "flags": [], "error": None}


def test_apply_reads_nbgrader_timestamps_and_extensions(tmp_path):
    root = str(tmp_path)
    _submit(root, "ann", "2026-03-01 16:59:59.000000 UTC")  # on time
    _submit(root, "bob", "2026-03-01 18:00:59.500000 Europe/Paris")  # 59.5 s late, in the grace
    _submit(root, "cat", "2026-03-02 17:00:01 UTC")  # a second into day 2
    _submit(root, "dan", "2026-03-03 17:00:01 UTC")  # 2 d 1 s late, with a 24 h extension
    _submit(root, "eve", "2026-03-09 12:00:00 UTC")  # a week late: the cap
    results = {s: _result(8.0) for s in ("ann", "bob", "cat", "dan", "eve", "fay")}  # fay: none
    entries = apply(policy(**PER_DAY), DUE, {("dan", "a1"): 24.0}, "a1", root, results)
    got = {s: (e["late_seconds"], e["penalty"], e["score"], e["raw_score"])
           for s, e in entries.items()}
    assert got["ann"] == (0.0, 0.0, 8.0, 8.0)
    assert got["bob"] == (pytest.approx(59.5), 0.0, 8.0, 8.0)
    assert got["cat"] == (DAY + 1, pytest.approx(2.0), pytest.approx(6.0), 8.0)
    assert got["dan"] == (DAY + 1, pytest.approx(2.0), pytest.approx(6.0), 8.0)
    assert got["eve"][1:] == (pytest.approx(3.0), pytest.approx(5.0), 8.0)
    assert got["fay"] == (0.0, 0.0, 8.0, 8.0)  # no timestamp.txt: nothing to call late
    assert results["cat"]["score"] == 8.0  # the graded results keep the raw score
    # none of these times was collected from the exchange: each entry says so
    assert entries["ann"]["time_source"] == "timestamp.txt"
    assert "which the student can edit" in entries["ann"]["time_note"]
    assert any("which the student can edit" in f for f in entries["ann"]["flags"])
    assert entries["fay"]["time_source"] is None
    assert "no submission time is known" in entries["fay"]["time_note"]


def test_a_late_resubmission_counts_from_its_own_time(tmp_path):
    root = str(tmp_path)
    results = {"ann": _result(9.0)}
    _submit(root, "ann", "2026-03-01 12:00:00 UTC")
    first = apply(policy(**PER_DAY), DUE, {}, "a1", root, results)["ann"]
    _submit(root, "ann", "2026-03-01 20:00:00 UTC")  # collected again: the latest counts
    again = apply(policy(**PER_DAY), DUE, {}, "a1", root, results)["ann"]
    assert (first["penalty"], again["penalty"]) == (0.0, pytest.approx(1.0))
    assert again["late_seconds"] == 3 * HOUR


def test_an_unreadable_timestamp_counts_as_none(tmp_path):
    folder = tmp_path / "x"
    folder.mkdir()
    (folder / "timestamp.txt").write_text("last tuesday-ish")
    assert claimed_time(str(folder)) is None
    assert claimed_time(str(tmp_path / "missing")) is None


def test_a_timestamp_linked_to_an_endless_file_or_a_fifo_is_not_read(tmp_path):
    folder = tmp_path / "x"
    folder.mkdir()
    os.symlink("/dev/zero", folder / "timestamp.txt")  # read to the end, it fills the memory
    assert claimed_time(str(folder)) is None
    os.unlink(folder / "timestamp.txt")
    os.mkfifo(folder / "timestamp.txt")  # opened for reading, it blocks forever
    assert claimed_time(str(folder)) is None
    os.unlink(folder / "timestamp.txt")
    (folder / "timestamp.txt").write_text("2026-03-01 12:00:00 UTC" + " " * 10_000)
    assert claimed_time(str(folder)) is None  # longer than any timestamp: not read


COLLECTED = {"time": "2026-03-02 18:00:00.000000 UTC", "claimed": "2026-03-01 12:00:00 UTC",
             "folder": "ann+a1+2026-03-01 12:00:00 UTC+x", "fingerprint": "f1"}


def test_the_collected_time_counts_over_a_forged_timestamp(tmp_path):
    root = str(tmp_path)
    _submit(root, "ann", "2026-03-01 12:00:00 UTC")  # what she wrote after the deadline
    results = {"ann": dict(_result(10.0), fingerprint="f1")}
    entry = apply(policy(**PER_DAY), DUE, {}, "a1", root, results, {"ann": COLLECTED})["ann"]
    assert entry["time_source"] == "exchange"
    assert entry["late_seconds"] == DAY + HOUR
    assert entry["penalty"] == pytest.approx(2.0)
    assert "timestamp.txt claims 2026-03-01 12:00:00 UTC" in entry["time_note"]
    assert "the exchange&#x27;s time counts" in score_paragraph(entry)  # escaped for HTML


def test_a_collected_time_is_trusted_only_for_the_files_it_was_collected_with(tmp_path):
    folder = str(tmp_path)
    replaced = handed_in(COLLECTED, folder, "another fingerprint")  # the folder was replaced
    assert replaced.source is None and replaced.time is None
    assert handed_in(COLLECTED, folder, None).source is None
    same = handed_in(dict(COLLECTED, claimed="2026-03-02 17:58:00 UTC"), folder, "f1")
    assert same.source == "exchange" and same.note == ""  # claim and exchange agree


def test_extensions_csv_is_read_and_bad_lines_are_named(tmp_path):
    path = tmp_path / "extensions.csv"
    assert read_extensions(str(path)) == {}  # no file: no extensions
    path.write_text("student,assignment,hours\nann,a1,24\nbob,a1,1.5\n")
    assert read_extensions(str(path)) == {("ann", "a1"): 24.0, ("bob", "a1"): 1.5}
    path.write_text("student,hours\nann,24\n")
    with pytest.raises(CourseError, match="needs the header student,assignment,hours"):
        read_extensions(str(path))
    path.write_text("student,assignment,hours\nann,a1,a day\n")
    with pytest.raises(CourseError, match="line 2: expected .* hours >= 0, got ann,a1,a day"):
        read_extensions(str(path))
    path.write_text("student,assignment,hours\nann,a1,24\nann,a1,48\n")
    with pytest.raises(CourseError, match="line 3: a second extension for ann on a1"):
        read_extensions(str(path))


def test_a_bad_policy_setting_is_a_clear_error():
    from autograder.late import load_policy

    class FakeCourse:
        root = "/course"
        config = Config()

    FakeCourse.config.LatePolicy.cap = 1.5
    with pytest.raises(CourseError, match=r"c.LatePolicy.cap must be in \[0, 1\], got 1.5"):
        load_policy(FakeCourse)
    FakeCourse.config.LatePolicy.cap = 0.5
    FakeCourse.config.LatePolicy.method = "per_week"
    with pytest.raises(CourseError, match="bad late policy"):
        load_policy(FakeCourse)


def test_feedback_score_line_shows_the_penalty_only_when_late():
    on_time = score_paragraph({"score": 8.0, "max_score": 10.0})
    assert "<b>8 / 10</b>" in on_time and "late" not in on_time
    late = score_paragraph({"score": 6.0, "max_score": 10.0, "raw_score": 8.0,
                            "late_seconds": DAY + 61, "penalty": 2.0, "extension_hours": 0.0},
                           policy(**PER_DAY))
    assert "<b>6 / 10</b>" in late and "earned 8" in late and "1 d 1 min late" in late
    assert "late penalty 2" in late and "10% of the maximum per started day" in late
