"""The allowlist jail seen from inside: a fresh root, own namespaces, no capabilities, limits.

Each test starts one jailed Python the way grading does (a worker's private mounts, a work dir
on tmpfs, the jail config of a Sandbox) and reads what it sees. ~2 s each.
"""

import errno
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

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


CAPS = """\
import errno
import json
status = dict(l.split(":", 1) for l in open("/proc/self/status"))
print(json.dumps({k: status[k].strip() for k in status if k.startswith("Cap")}))
"""


def test_a_kernel_has_no_capability_left_not_even_in_its_bounding_set():
    seen = _jailed(CAPS)
    assert set(seen) >= {"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"}, seen
    assert all(int(value, 16) == 0 for value in seen.values()), seen


SYSCALLS = """\
import ctypes, errno, json, os
DENIED, (clone, clone3) = %(denied)r, %(clone)r
CLONE_NEWNS, CLONE_NEWUSER = 0x00020000, 0x10000000
libc = ctypes.CDLL(None, use_errno=True)
def call(nr, *args):
    ctypes.set_errno(0)
    rc = libc.syscall(nr, *(ctypes.c_long(a) for a in args))
    if rc == 0 and nr == clone:
        os._exit(0)  # a new child: it must never exist
    return errno.errorcode.get(ctypes.get_errno(), "OK") if rc < 0 else "OK"
status = dict(l.split(":", 1) for l in open("/proc/self/status"))
seen = {"seccomp": status["Seccomp"].strip(),
        "denied": {name: call(nr, 0, 0, 0, 0, 0, 0) for name, nr in DENIED.items()},
        "unshare_user": call(DENIED["unshare"], CLONE_NEWUSER | CLONE_NEWNS),
        "clone_user": call(clone, CLONE_NEWUSER | 17, 0, 0, 0, 0),  # SIGCHLD
        "clone3": call(clone3, 0, 0)}
print(json.dumps(seen))
"""


MUST_DENY = {"unshare", "setns", "mount", "umount2", "pivot_root", "keyctl", "add_key",
             "request_key", "ptrace", "bpf", "perf_event_open", "open_by_handle_at", "kexec_load",
             "init_module", "finit_module", "delete_module", "userfaultfd", "process_vm_readv",
             "process_vm_writev"}


def test_namespace_mount_keyring_trace_and_module_syscalls_fail_with_eperm():
    from autograder import jail

    machine = platform.machine()
    assert MUST_DENY <= set(jail.DENIED[machine])
    seen = _jailed(SYSCALLS % {"denied": jail.DENIED[machine], "clone": jail.CLONE[machine]})
    assert seen["seccomp"] == "2"  # a filter is installed
    assert seen["denied"] == dict.fromkeys(seen["denied"], "EPERM")
    assert seen["unshare_user"] == "EPERM" and seen["clone_user"] == "EPERM"
    assert seen["clone3"] == "ENOSYS"  # so that the C library falls back to clone


KEYS = """\
import ctypes, json, platform
libc = ctypes.CDLL(None, use_errno=True)
add_key, keyctl = {"x86_64": (248, 250), "aarch64": (217, 219)}[platform.machine()]
USER_KEYRING = ctypes.c_long(-4)
key = libc.syscall(add_key, b"user", %(mark)r, b"secret", 6, USER_KEYRING)
err_add = ctypes.get_errno()
ring = libc.syscall(keyctl, 0, USER_KEYRING, 0)  # KEYCTL_GET_KEYRING_ID
err_ctl = ctypes.get_errno()
keys = open("/proc/keys").read()
print(json.dumps({"add_key": [key, err_add], "keyctl": [ring, err_ctl],
                  "seen": %(mark)r.decode() in keys}))
"""


def test_a_kernel_can_neither_add_nor_find_keys_of_an_earlier_kernel_of_its_uid():
    mark = f"left-by-a-student-{os.urandom(4).hex()}".encode()
    first = _jailed(KEYS % {"mark": mark})
    second = _jailed(KEYS % {"mark": mark})  # the next kernel on this worker: the same uid
    assert second["seen"] is False  # the key the first one tried to leave
    for seen in (first, second):
        assert seen["add_key"] == [-1, errno.EPERM] and seen["keyctl"] == [-1, errno.EPERM]


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


WORK = """\
import json, os, subprocess, sys, threading
import matplotlib.pyplot as plt
import numpy as np
done = []
threads = [threading.Thread(target=lambda: done.append(np.ones(3).sum())) for _ in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
pid = os.fork()
if pid == 0:
    os._exit(7)
forked = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
child = subprocess.run([sys.executable, "-c", "print(6 * 7)"], capture_output=True, text=True)
plt.plot([1, 2]); plt.savefig("plot.png")
print(json.dumps({"threads": len(done), "fork": forked, "subprocess": child.stdout.strip(),
                  "plot": os.path.getsize("plot.png") > 0}))
"""


def test_threads_fork_subprocess_numpy_and_matplotlib_work_under_the_filter():
    seen = _jailed(WORK)
    assert seen == {"threads": 4, "fork": 7, "subprocess": "42", "plot": True}


PROBES = """\
import json, os
found = []
for base, _dirs, files in os.walk(%(probes)r):
    found += [os.path.relpath(os.path.join(base, f), %(probes)r) for f in files]
print(json.dumps(sorted(found)))
"""


def _graded_sandbox(assignment):
    """make_sandbox for _jailed: a sandbox opened by the runner for `assignment`'s notebook."""
    from autograder.course import Course
    from autograder.runner import Context, _open_sandbox
    from hiddentests import QUESTIONS

    def make(root, slot):
        template = Course(os.path.join(ROOT, "assignments")).templates(assignment)[0]
        context = Context(ROOT, assignment, [template], "hiddentests", Limits(), root,
                          uid=slot.uid, cgroups=slot.cgroups)
        submission = os.path.join(root, "submission")
        os.makedirs(submission)
        return _open_sandbox(context, root, template, submission, QUESTIONS, [])

    return make


def test_a_kernel_sees_only_the_probes_of_the_assignment_it_grades():
    found = _jailed(lambda sandbox: PROBES % {"probes": sandbox.probes},
                    _graded_sandbox("a1_linear"))
    assert set(found) == {"hiddentests/__init__.py", "hiddentests/probes/__init__.py",
                          "hiddentests/probes/_record.py", "hiddentests/probes/a1_linear.py"}, \
        found


DESCRIPTORS = """\
import json, os, sys
held = {}
for pid in ["self"] + [p for p in os.listdir("/proc") if p.isdigit()]:
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            held[f"{pid}/{fd}"] = os.readlink(f"/proc/{pid}/fd/{fd}")
    except OSError:  # another process of the jail that is not dumpable
        pass
os.write(sys.stderr.fileno(), b"written to the kernel's own stderr\\n")  # the real fd
print(json.dumps(held))
"""


@pytest.mark.parametrize("fork_kernels", [True, False], ids=["forked", "fresh"])
def test_a_kernel_holds_no_descriptor_on_a_host_file_and_its_log_still_works(fork_kernels):
    def job(root, slot):
        sandbox = _new_sandbox(root, slot, Limits(fork_kernels=fork_kernels))
        kernel = sandbox.start_kernel()
        try:
            run = kernel.run(DESCRIPTORS, 30)
            deadline = time.monotonic() + 5
            while "kernel's own stderr" not in kernel.log_tail() and time.monotonic() < deadline:
                time.sleep(0.05)
            return json.dumps({"work": sandbox.work, "status": str(run.status),
                               "out": "".join(o.get("text", "") + "".join(o.get("traceback", []))
                                              for o in run.outputs),
                               "log": kernel.log_tail()}).encode()
        finally:
            kernel.shutdown()
            sandbox.close()

    seen = json.loads(_in_worker(job))
    assert seen["status"] == "ok", seen["out"]
    held = json.loads(seen["out"])
    files = {fd: target for fd, target in held.items() if target.startswith("/")}
    outside = {fd: target for fd, target in files.items()
               if not target.startswith(seen["work"] + "/") and target != "/dev/null"}
    assert len(held) > 3 and outside == {}, held
    assert "kernel's own stderr" in seen["log"]
