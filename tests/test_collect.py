"""`python -m autograder collect` on a hand-made exchange: who may submit as whom, what is
refused, which time counts. The Unix user here plays every owner (root, or whoever runs the
tests); `test_exchange_loop.py` does the same with real students and nbgrader's own submit."""

import json
import os
import pwd
import subprocess
import sys
import time

import pytest
from fixture_course import make_course

from autograder.collect import collect, load_record, parse_name

ME = pwd.getpwuid(os.getuid()).pw_name
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture
def course(tmp_path):
    paths = make_course(tmp_path)
    inbound = tmp_path / "exchange" / "fixture" / "inbound"
    inbound.mkdir(parents=True)
    with open(os.path.join(paths["course"], "nbgrader_config.py"), "a") as f:
        f.write(f"c.Exchange.root = {str(tmp_path / 'exchange')!r}\n")
    paths["inbound"] = str(inbound)
    return paths


def hand_in(inbound, name, notebook=b'{"cells": []}', claimed="2026-01-01 10:00:00 UTC"):
    folder = os.path.join(inbound, name)
    os.makedirs(folder)
    with open(os.path.join(folder, "fx1.ipynb"), "wb") as f:
        f.write(notebook)
    for receipt, text in (("timestamp.txt", claimed), ("submission_secret.txt", "s" * 128)):
        with open(os.path.join(folder, receipt), "w") as f:
            f.write(text)
    return folder


def submitted(course, sid):
    folder = os.path.join(course["course"], "submitted", sid, "fx1")
    if not os.path.isdir(folder):
        return None
    return {n: open(os.path.join(folder, n), "rb").read() for n in sorted(os.listdir(folder))}


def test_folder_names_follow_nbgrader_submit():
    assert parse_name("ann+fx1+2026-01-01 10:00:00 UTC+AbC", "fx1") == "ann"
    assert parse_name("ann+fx1+2026-01-01 10:00:00 UTC", "fx1") == "ann"
    assert parse_name("a+b+fx1+2026-01-01 10:00:00 UTC+AbC", "fx1") == "a+b"
    assert parse_name("ann+fx2+2026-01-01 10:00:00 UTC+AbC", "fx1") is None
    assert parse_name("fx1", "fx1") is None


def test_the_latest_folder_of_its_owner_is_collected_with_the_exchange_time(course):
    hand_in(course["inbound"], f"{ME}+fx1+2026-01-01 10:00:00 UTC+a", b'{"first": 1}')
    time.sleep(0.05)
    # the second hand-in claims an earlier time in its name and its timestamp.txt
    hand_in(course["inbound"], f"{ME}+fx1+2025-01-01 10:00:00 UTC+b", b'{"second": 2}',
            claimed="2025-01-01 10:00:00 UTC")
    outcome = collect(course["course"], "fx1")
    assert outcome.collected == [ME] and outcome.refused == []
    files = submitted(course, ME)
    assert files["fx1.ipynb"] == b'{"second": 2}'  # the newest change, whatever it claims
    written = files["timestamp.txt"].decode()
    record = load_record(course["course"], "fx1")[ME]
    assert written == record["time"] and written.startswith(time.strftime("%Y-", time.gmtime()))
    assert record["claimed"] == "2025-01-01 10:00:00 UTC"
    assert files["submission_secret.txt"] == b"s" * 128  # release_feedback needs it
    again = collect(course["course"], "fx1")
    assert again.unchanged == [ME] and again.collected == []


def test_a_folder_named_after_someone_else_is_refused_and_never_replaces_theirs(course):
    victim = "nobody" if ME != "nobody" else "root"
    hand_in(course["inbound"], f"{victim}+fx1+2030-01-01 10:00:00 UTC+x", b'{"forged": 1}')
    outcome = collect(course["course"], "fx1")
    assert submitted(course, victim) is None
    assert outcome.refused == [(victim, f"{victim}+fx1+2030-01-01 10:00:00 UTC+x: it claims "
                                        f"to be {victim}'s but belongs to {ME}; not collected")]


def test_a_student_id_that_is_not_a_plain_folder_name_is_refused(course):
    hand_in(course["inbound"], "..+fx1+2026-01-01 10:00:00 UTC+x")
    hand_in(course["inbound"], ".hidden+fx1+2026-01-01 10:00:00 UTC+x")
    outcome = collect(course["course"], "fx1", owner_check=False)
    assert [sid for sid, _ in outcome.refused] == ["..", ".hidden"]
    assert all("not a plain folder name" in why for _, why in outcome.refused)
    assert not os.path.exists(os.path.join(course["course"], "fx1"))


def test_links_and_fifos_refuse_only_their_own_student(course):
    source = os.path.join(course["course"], "source", "fx1", "fx1.ipynb")
    linked = hand_in(course["inbound"], f"{ME}+fx1+2026-01-01 10:00:00 UTC+x")
    os.symlink(source, os.path.join(linked, "answers.ipynb"))  # the instructor's solutions
    os.mkfifo(os.path.join(course["inbound"], "zed+fx1+2026-01-01 10:00:00 UTC+x"))
    outcome = collect(course["course"], "fx1", owner_check=False)
    assert outcome.collected == []
    assert submitted(course, ME) is None and submitted(course, "zed") is None
    reasons = dict(outcome.refused)
    assert "answers.ipynb is a symbolic link" in reasons[ME]
    assert "is a FIFO, not a folder" in reasons["zed"]


def test_the_command_names_every_refused_folder_and_exits_0(course):
    hand_in(course["inbound"], f"{ME}+fx1+2026-01-01 10:00:00 UTC+a")
    hand_in(course["inbound"], "nobody+fx1+2026-01-01 10:00:00 UTC+a")
    run = subprocess.run([sys.executable, "-m", "autograder", "--course", course["course"],
                          "collect", "fx1"], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    assert "collected 1 submission(s) of fx1" in run.stdout
    assert "refused nobody: nobody+fx1+2026-01-01 10:00:00 UTC+a: it claims to be nobody's" \
        in run.stderr
    with open(os.path.join(course["course"], "collected", "fx1.json")) as f:
        assert set(json.load(f)) == {ME}
