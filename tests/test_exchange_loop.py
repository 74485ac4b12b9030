"""A whole assignment's round trip through nbgrader's exchange, with students as Unix users.

The instructor (root) releases the fixture course's assignment to a local exchange; five
students, each a Unix user with a private home, fetch it, answer and submit; the due date
passes and one student submits again, late (the latest counts). Two students then attack the
exchange: eve edits her submission in the inbound folder after the deadline, dating it back
(timestamp.txt and the files' times), and plants a submission in ann's name; dan links the
instructor's source notebook and /etc/shadow into his submission and leaves a FIFO in
inbound. The instructor collects with `python -m autograder collect`, grades with
`python -m autograder grade` (the course's late policy applies), releases the feedback, and
each student fetches their own, and only their own.

The students' nbgrader runs under their own uid in a private mount namespace where the
Python installation is reachable even when it lives under a folder only root can enter
(e.g. /root/.pyenv); nothing else changes for them. Needs root (useradd, setpriv, unshare).
Costs ~1-2 min: about twenty nbgrader commands and one grading run.
"""

import datetime
import glob
import json
import os
import pwd
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

import nbformat
import pytest
from fixture_course import ANSWERS, make_course, released, student
from test_grading_adversarial import cli, closed_ancestors, python_paths

pytestmark = pytest.mark.slow
STUDENTS = ("ann", "bob", "cat", "dan", "eve")
GRADED = ("ann", "bob", "cat", "eve")  # dan's submission is refused at collect
POLICY = """
c.LatePolicy.method = "per_hour"
c.LatePolicy.rate = 0.1
c.LatePolicy.cap = 0.5
"""
GRADE_ARGS = ["--hidden", "fxhidden", "--jobs", "2", "--cell-timeout", "2",
              "--notebook-timeout", "30", "--quiet"]


class Students:
    """Unix users with private homes, and a way to run a command as one of them."""

    def __init__(self, base, exchange, tag):
        self.base, self.exchange = base, exchange
        self.names = {s: f"st{tag}{s}" for s in STUDENTS}  # nbgrader id = the user name
        self.homes = {s: os.path.join(base, "home", s) for s in STUDENTS}
        self.exposed = python_paths()
        self.stash = os.path.join(base, "stash")  # root only: mount points for the binds
        for i in range(len(self.exposed)):
            os.makedirs(os.path.join(self.stash, str(i)))
        os.chmod(self.stash, 0o700)
        self.ids = {}

    def create(self):
        for s, user in self.names.items():
            subprocess.run(["useradd", "--no-create-home", "--home-dir", self.homes[s],
                            "--shell", "/usr/sbin/nologin", "--user-group", user], check=True)
            os.makedirs(self.homes[s])
            entry = pwd.getpwnam(user)
            self.ids[s] = (entry.pw_uid, entry.pw_gid)
            os.chown(self.homes[s], *self.ids[s])
            os.chmod(self.homes[s], 0o700)

    def remove(self):
        for user in self.names.values():
            subprocess.run(["userdel", user], capture_output=True)

    def run(self, s, *argv, cwd=None, check=True):
        """`argv` as student `s` (their uid, groups, home, a clean environment)."""
        uid, gid = self.ids[s]
        q = shlex.quote
        lines = ["set -e"]
        for i, path in enumerate(self.exposed):
            lines.append(f"mount --bind {q(path)} {q(os.path.join(self.stash, str(i)))}")
        for folder in closed_ancestors(self.exposed):
            lines.append(f"mount -t tmpfs -o mode=0755,size=1m none {q(folder)}")
        for i, path in enumerate(self.exposed):
            lines.append(f"mkdir -p {q(path)}")
            lines.append(f"mount --bind {q(os.path.join(self.stash, str(i)))} {q(path)}")
        env = {"HOME": self.homes[s], "USER": self.names[s], "LOGNAME": self.names[s],
               "PATH": f"{os.path.dirname(sys.executable)}:/usr/bin:/bin",
               "JUPYTER_PREFER_ENV_PATH": "1", "LANG": "C.UTF-8"}
        lines.append(f"cd {q(cwd or self.homes[s])}")
        lines.append(f"exec setpriv --reuid={uid} --regid={gid} --init-groups env -i "
                     + " ".join(f"{k}={q(v)}" for k, v in env.items()) + " "
                     + " ".join(q(a) for a in argv))
        run = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c",
                              "\n".join(lines)], capture_output=True, text=True, timeout=180)
        if check:
            assert run.returncode == 0, f"{argv} as {s}:\n{run.stdout}\n{run.stderr}"
        return run

    def nbgrader(self, s, *args):
        return self.run(s, sys.executable, "-m", "nbgrader", *args, "--course", "fixture",
                        f"--Exchange.root={self.exchange}")

    def hand_in(self, s, answers):
        """Write answers into the student's fetched notebook (as them) and submit it."""
        path = os.path.join(self.homes[s], "fx1", "fx1.ipynb")
        nb = student(nbformat.read(path, as_version=4), answers)
        nbformat.write(nb, path)
        os.chown(path, *self.ids[s])
        self.nbgrader(s, "submit", "fx1")


def instructor(course, *args):
    env = dict(os.environ, JUPYTER_PREFER_ENV_PATH="1")
    run = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env,
                         capture_output=True, text=True, timeout=180)
    assert run.returncode == 0, f"nbgrader {args}:\n{run.stdout}\n{run.stderr}"
    return run


@pytest.fixture(scope="module")
def term(tmp_path_factory):
    assert os.geteuid() == 0, "the exchange loop creates Unix users: run the tests as root"
    paths = make_course(tmp_path_factory.mktemp("loop"))
    base = tempfile.mkdtemp(prefix="exchange-loop-")  # outside pytest's root-only tmp
    os.chmod(base, 0o755)
    exchange = os.path.join(base, "exchange")
    os.makedirs(exchange)
    os.chmod(exchange, 0o1777)  # like /tmp: everyone writes, nobody removes others' files
    os.makedirs(os.path.join(base, "home"))
    os.chmod(os.path.join(base, "home"), 0o755)
    with open(os.path.join(paths["course"], "nbgrader_config.py"), "a") as f:
        f.write(POLICY + f"c.Exchange.root = {exchange!r}\n")
    students = Students(base, exchange, os.getpid() % 100000)
    students.create()
    try:
        yield run_term(paths, students)
    finally:
        students.remove()
        shutil.rmtree(base, ignore_errors=True)


def run_term(paths, students):
    """The whole loop; returns what the assertions look at."""
    course = paths["course"]
    assert cli(paths, "release", "fx1").returncode == 0
    instructor(course, "release_assignment", "fx1")
    for s in STUDENTS:
        students.nbgrader(s, "fetch_assignment", "fx1")
    wrong_scale = dict(ANSWERS, scale="def scale(x, k):\n    return x")
    students.hand_in("ann", ANSWERS)
    students.hand_in("bob", wrong_scale)  # on time, but wrong
    students.hand_in("cat", wrong_scale)
    students.hand_in("dan", ANSWERS)
    students.hand_in("eve", wrong_scale)
    due = datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=1)
    instructor(course, "db", "assignment", "add", "fx1",
               f"--duedate={due:%Y-%m-%d %H:%M:%S.%f} UTC")
    time.sleep(max(0.0, (due - datetime.datetime.now(datetime.UTC)).total_seconds())
               + 1)
    students.hand_in("bob", ANSWERS)  # fixed, after the deadline: this one counts
    attack(paths, students, wrong_scale)
    collected = cli(paths, "collect", "fx1")
    assert collected.returncode == 0, collected.stdout + collected.stderr
    submitted = os.path.join(course, "submitted")
    dropped = os.path.join(submitted, "fay", "fx1")  # a folder drop: no exchange receipts
    os.makedirs(dropped)
    nbformat.write(student(released(course), ANSWERS), os.path.join(dropped, "fx1.ipynb"))
    grade = cli(paths, "grade", "fx1", "--submissions", submitted, *GRADE_ARGS)
    assert grade.returncode == 0, grade.stdout + grade.stderr
    feedback_out = cli(paths, "release-feedback", "fx1")
    assert feedback_out.returncode == 0, feedback_out.stdout + feedback_out.stderr
    fetched = {s: students.nbgrader(s, "fetch_feedback", "fx1") for s in GRADED}
    with open(os.path.join(course, "grades", "fx1", "report.json")) as f:
        report = json.load(f)["students"]
    return {"paths": paths, "students": students, "report": report, "fetched": fetched,
            "due": due, "collected": collected, "feedback_out": feedback_out}


def inbound_folder(students, s):
    """The inbound folder `nbgrader submit` made for student `s` (as root sees it)."""
    inbound = os.path.join(students.exchange, "fixture", "inbound")
    mine = [n for n in os.listdir(inbound) if n.startswith(students.names[s] + "+")]
    assert len(mine) == 1, mine
    return os.path.join(inbound, mine[0])


def attack(paths, students, wrong_answers):
    """After the deadline: eve fixes her work in inbound and dates it back, and submits in
    ann's name; dan links the instructor's files into his submission, and leaves a FIFO."""
    eve, dan = inbound_folder(students, "eve"), inbound_folder(students, "dan")
    fixed = os.path.join(students.homes["eve"], "fixed.ipynb")
    nbformat.write(student(released(paths["course"]), ANSWERS), fixed)
    os.chown(fixed, *students.ids["eve"])
    with open(os.path.join(eve, "timestamp.txt")) as f:
        claimed = f.read()
    students.run("eve", "sh", "-c", 'cp "$1" "$2/fx1.ipynb" && printf %s "$3" > '
                 '"$2/timestamp.txt" && touch -d "2020-01-01" "$2"/* "$2"', "sh", fixed, eve,
                 claimed)
    forged = os.path.join(os.path.dirname(eve), f"{students.names['ann']}+fx1+{claimed}+evil")
    bad = os.path.join(students.homes["eve"], "bad.ipynb")
    nbformat.write(student(released(paths["course"]), wrong_answers), bad)
    os.chown(bad, *students.ids["eve"])
    students.run("eve", "sh", "-c", 'mkdir "$1" && cp "$2" "$1/fx1.ipynb" && printf %s "$3" > '
                 '"$1/timestamp.txt"', "sh", forged, bad, claimed)
    students.run("dan", "mkfifo", os.path.join(os.path.dirname(dan),
                                               f"{students.names['dan']}+fx1+{claimed}+fifo"))
    time.sleep(0.05)
    source = os.path.join(paths["course"], "source", "fx1", "fx1.ipynb")
    students.run("dan", "ln", "-s", source, os.path.join(dan, "answers.ipynb"))
    students.run("dan", "ln", "-s", "/etc/shadow", os.path.join(dan, "shadow.txt"))


def feedback_files(term, s):
    return sorted(glob.glob(os.path.join(term["students"].homes[s], "fx1", "feedback", "*",
                                         "*.html")))


def test_every_honest_submission_is_collected_and_graded_the_latest_counting(term):
    names = term["students"].names
    report = term["report"]
    assert set(report) == {names[s] for s in GRADED} | {"fay"}
    scores = {s: (report[names[s]]["raw_score"], report[names[s]]["penalty"],
                  report[names[s]]["score"]) for s in GRADED}
    assert scores["ann"] == (6.0, 0.0, 6.0)
    assert scores["cat"] == (3.0, 0.0, 3.0)
    assert scores["bob"] == (6.0, pytest.approx(0.6), pytest.approx(5.4))  # 1 started hour
    assert 0 < report[names["bob"]]["late_seconds"] < 600
    assert report[names["ann"]]["late_seconds"] == 0
    assert {report[names[s]]["time_source"] for s in GRADED} == {"exchange"}
    assert report["fay"]["time_source"] is None  # a folder drop without a time: flagged
    assert "no submission time is known" in " ".join(report["fay"]["flags"])


def test_a_submission_edited_in_inbound_after_the_deadline_is_late_whatever_it_claims(term):
    eve = term["report"][term["students"].names["eve"]]
    assert eve["time_source"] == "exchange"
    assert eve["raw_score"] == 6.0  # the files she put in after the deadline...
    assert eve["late_seconds"] > 0 and eve["penalty"] == pytest.approx(0.6)  # ...are late


def test_a_folder_in_someone_elses_name_is_refused_and_theirs_is_graded(term):
    names = term["students"].names
    ann = term["report"][names["ann"]]
    assert (ann["raw_score"], ann["penalty"]) == (6.0, 0.0)  # her own work, on time
    refusals = term["collected"].stderr
    assert f"refused {names['ann']}: {names['ann']}+fx1+" in refusals
    assert f"it claims to be {names['ann']}'s but belongs to {names['eve']}" in refusals


def test_links_and_fifos_in_inbound_bring_nothing_in_and_stop_no_one(term):
    names, course = term["students"].names, term["paths"]["course"]
    assert names["dan"] not in term["report"]
    assert not os.path.exists(os.path.join(course, "submitted", names["dan"]))
    assert "is a symbolic link; the latest submission was not collected" in \
        term["collected"].stderr
    for folder in ("submitted", "autograded", "feedback"):
        for base, _dirs, files in os.walk(os.path.join(course, folder)):
            for name in files:
                with open(os.path.join(base, name), "rb") as f:
                    assert b"root:" not in f.read()  # nothing of /etc/shadow


def test_each_student_fetches_their_own_feedback_and_no_one_elses(term):
    names = term["students"].names
    for s in GRADED:
        files = feedback_files(term, s)
        assert len(files) == 1, (s, files, term["fetched"][s].stderr)
        with open(files[0], encoding="utf-8") as f:
            page = f.read()
        assert f"Feedback: {names[s]}" in page
        for other in STUDENTS:
            if other != s:
                assert names[other] not in page
    with open(feedback_files(term, "bob")[0], encoding="utf-8") as f:
        bob = f.read()
    assert "<b>5.4 / 6</b>" in bob and "late penalty 0.6" in bob
    assert "released the feedback of 4 student(s)" in term["feedback_out"].stdout
    assert "another way: fay" in term["feedback_out"].stderr  # named, and not fatal


def test_students_cannot_see_each_others_homes_or_the_exchange_listings(term):
    students = term["students"]
    exchange = os.path.join(students.exchange, "fixture")
    for folder in (students.homes["bob"], os.path.join(exchange, "inbound"),
                   os.path.join(exchange, "feedback")):
        listing = students.run("ann", "ls", folder, check=False)
        assert listing.returncode != 0 and "Permission denied" in listing.stderr, folder
