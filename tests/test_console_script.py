"""The instructor's commands work as the README says without activating the environment:
`make setup` installs an `autograder` console script in .venv/bin that runs with a bare PATH,
and the shipped course config's exchange and late-policy block is valid when uncommented (and
changes nothing while commented).
"""

import os
import re
import shutil
import subprocess
import sys

from autograder.course import Course
from autograder.late import load_policy

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BARE_PATH = "/usr/local/bin:/usr/bin:/bin"


def test_the_autograder_script_in_the_venv_runs_without_activating_it(tmp_path):
    script = os.path.join(os.path.dirname(sys.executable), "autograder")
    assert os.access(script, os.X_OK), "make setup (pip install -e .) installs it"
    env = {"PATH": BARE_PATH, "HOME": str(tmp_path)}
    run = subprocess.run([script, "--help"], env=env, cwd=tmp_path, capture_output=True,
                         text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert "release,collect,grade,release-feedback,merge,export,similarity,demo" in run.stdout
    run = subprocess.run([script, "--course", str(tmp_path), "merge", "nothing.json"], env=env,
                         cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and run.stderr.startswith("error: no shard report nothing.json")


def test_the_shipped_config_documents_exchange_and_late_policy_commented_out(tmp_path):
    with open(os.path.join(ROOT, "assignments", "nbgrader_config.py")) as f:
        text = f.read()
    block = re.findall(r"^# (c\.(?:Exchange|LatePolicy)\.\w+ = .*)$", text, re.M)
    assert [line.split(" =")[0] for line in block] == [
        "c.Exchange.root", "c.LatePolicy.method", "c.LatePolicy.grace_minutes",
        "c.LatePolicy.rate", "c.LatePolicy.cap", "c.LatePolicy.extensions"]
    assert load_policy(Course(os.path.join(ROOT, "assignments"))).method == "none"
    os.makedirs(tmp_path / "source")
    shutil.copy(os.path.join(ROOT, "assignments", "nbgrader_config.py"), tmp_path)
    with open(tmp_path / "nbgrader_config.py", "a") as f:
        f.write("\n".join(block) + "\n")  # as an instructor uncomments it
    policy = load_policy(Course(str(tmp_path)))
    assert (policy.method, policy.grace_minutes, policy.rate, policy.cap) == \
        ("per_day", 15, 0.1, 0.5)
