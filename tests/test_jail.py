"""The allowlist jail seen from inside: a fresh root, own namespaces, no capabilities, limits.

Each test starts one jailed Python the way grading does (a worker's private mounts, a work dir
on tmpfs, the jail config of a Sandbox) and reads what it sees. ~2 s each.
"""

import json
import os
import subprocess
import sys
import tempfile

import pytest

from autograder.sandbox import Limits, Sandbox, UidSlot, python_paths

pytestmark = pytest.mark.slow
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

LOOK = """\
import json, os, socket
seen = {"root": sorted(os.listdir("/")), "pid": os.getpid(), "uid": os.getuid(),
        "procs": sorted(int(p) for p in os.listdir("/proc") if p.isdigit()),
        "project": os.path.exists(%(project)r), "cgroup": open("/proc/self/cgroup").read(),
        "caps": [l.split()[1] for l in open("/proc/self/status") if l.startswith("CapEff")][0],
        "cwd": os.getcwd(), "home": os.path.expanduser("~")}
try:
    socket.create_connection(("127.0.0.1", 22), timeout=1)
    seen["net"] = "connected"
except OSError as e:
    seen["net"] = type(e).__name__
try:
    open("/usr/evil", "w")
    seen["usr"] = "writable"
except OSError:
    seen["usr"] = "read-only"
st = os.statvfs(".")
seen["work_mb"] = st.f_blocks * st.f_frsize // 2**20
print(json.dumps(seen))
"""


def _in_worker(job):
    """Run `job(root, slot) -> bytes` in a forked worker with a kernel uid and a fresh folder
    -> what it returned."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        out = b""
        try:
            slot = UidSlot(Limits())
            root = tempfile.mkdtemp(prefix="jail-test-")
            os.chmod(root, 0o711)
            out = job(root, slot)
            slot.release()
        except BaseException as e:  # noqa: BLE001  (reported to the test)
            out = repr(e).encode()
        finally:
            os.write(write, out)
            os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as f:
        data = f.read()
    os.waitpid(pid, 0)
    return data


def _new_sandbox(root, slot, limits=None):
    """A prepared Sandbox under `root` for kernels of `slot`."""
    sandbox = Sandbox(root, slot.uid, limits or Limits(), slot.cgroups)
    sandbox.prepare()
    return sandbox


def _jailed(code, make_sandbox=_new_sandbox):
    """Run `code` (or `code(sandbox)`) in a jailed Python from a forked worker -> its stdout,
    parsed as JSON."""

    def job(root, slot):
        sandbox = make_sandbox(root, slot)
        code_text = code(sandbox) if callable(code) else code
        _config, cmd = sandbox.jail_command(os.path.join(root, "jail.json"),
                                            [sys.executable, "-c", code_text])
        run = subprocess.run(cmd, capture_output=True, timeout=120)
        sandbox.close()
        return run.stdout or run.stderr

    data = _in_worker(job)
    try:
        return json.loads(data)
    except ValueError:
        raise AssertionError(data.decode(errors="replace")) from None


def test_a_kernel_sees_only_the_allowlist_and_is_alone():
    seen = _jailed(LOOK % {"project": os.path.join(ROOT, "solutions")})
    # the system folders, the work dir, and the first folder of each path the Python needs
    # (a venv inside a clone at /check/repo/.venv shows as /check, holding only that venv)
    python_tops = {p.split("/")[1] for p in python_paths()}
    assert set(seen["root"]) <= {"bin", "dev", "etc", "lib", "lib32", "lib64", "libx32", "proc",
                                 "root", "sbin", "tmp", "usr", "home", "work"} | python_tops, \
        (seen["root"], python_tops)
    assert seen["project"] is False  # the project around the interpreter stays hidden
    assert seen["pid"] == 2 and seen["procs"] == [1, 2]  # its init and itself
    assert seen["caps"] == "0000000000000000"
    assert seen["net"] == "OSError" or seen["net"].endswith("Error")
    assert seen["net"] != "connected"
    assert seen["usr"] == "read-only"
    assert seen["cwd"] == seen["home"] and seen["work_mb"] == Limits().disk_mb


@pytest.mark.skipif(os.getuid() != 0, reason="cgroups and kernel uids are root's")
def test_as_root_a_kernel_runs_under_its_own_uid_and_cgroup():
    seen = _jailed(LOOK % {"project": ROOT})
    assert 62000 <= seen["uid"] < 62256
    if os.path.isdir("/sys/fs/cgroup/memory"):  # cgroup v1, as on this machine
        assert f"memory:/autograder/k{seen['uid']}" in seen["cgroup"]
        assert f"pids:/autograder/k{seen['uid']}" in seen["cgroup"]
        with open(f"/sys/fs/cgroup/pids/autograder/k{seen['uid']}/pids.max") as f:
            assert int(f.read()) == Limits().processes


SHM = """\
import json, os
from multiprocessing import shared_memory
st = os.statvfs("/dev/shm")
with open("/dev/shm/scratch", "wb") as f:
    f.write(b"x" * 4096)
block = shared_memory.SharedMemory(create=True, size=1 << 20)
block.buf[:5] = b"hello"
again = shared_memory.SharedMemory(name=block.name)
print(json.dumps({"mb": st.f_blocks * st.f_frsize // 2**20, "read": bytes(again.buf[:5]).decode(),
                  "files": os.listdir("/dev/shm")}))
again.close()
block.close()
block.unlink()
"""


def test_dev_shm_is_a_small_writable_tmpfs_for_shared_memory():
    seen = _jailed(SHM)
    assert seen["mb"] == 64 and seen["read"] == "hello"
    assert "scratch" in seen["files"]
