"""Where and as whom untrusted notebook code runs: limits, kernel identities, private folders.

A `Sandbox` is one submission's private working directory (a size-limited tmpfs, the kernel's
cwd and HOME) plus the identity its kernels run as, and the allowlist jail config that
`autograder/jail.py` builds for them: a fresh root showing only the system libraries, the
Python installation, the probes and the work dir, in new mount, PID, IPC, network and UTS
namespaces.

Two ways to run, one jail:
- as root, each worker reserves a kernel uid of its own (`UidSlot`) and, where the machine
  offers cgroups, a cgroup per uid with memory, process and CPU-weight limits;
- as a normal user, kernels keep the grader's uid inside user namespaces of their own, without
  cgroups: rlimits bound each process (memory, processes, file size, CPU time) and the jail's
  init watches the kernel's namespace as a whole (`jail.Watchdog`): memory and CPU time summed
  over all its processes, every process but the kernel's own at idle priority.
Either way each grading worker first enters a private mount namespace (`enter_private_mounts`),
so the work dirs it mounts, and everything in them, vanish with it, even after `kill -9`.
"""

import ctypes
import fcntl
import json
import os
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import dataclass

from . import jail

UID_BASE, UID_COUNT = 62000, 256  # uids reserved for kernels, one per concurrent worker
LOCK_DIR = "/tmp/autograder-uids"
CGROUP_ROOT = "/sys/fs/cgroup"


@dataclass
class Limits:
    """Resource limits for one submission (times in seconds, sizes in MB)."""

    cell_timeout: float = 30.0
    notebook_timeout: float = 300.0
    memory_mb: int = 2048  # address space; an idle kernel with numpy already maps ~0.9 GB
    processes: int = 64  # processes and threads of one kernel
    file_mb: int = 64  # largest file the kernel may write
    disk_mb: int = 256  # the work dir (a tmpfs): everything the kernel writes there
    cpu_seconds: int = 900  # backstop for processes that escape the time limits
    output_kb: int = 64  # text kept per cell; the rest is dropped with a note
    figure_kb: int = 2048  # figures kept per notebook (a plot is ~30 KB); the rest are noted
    max_restarts: int = 4  # kernel restarts per notebook
    fork_kernels: bool = True  # fork kernels from a preloaded server (jail.py --serve)


def rootless():
    """The grader runs as a normal user (no reserved kernel uids)."""
    return os.getuid() != 0


# ---------------------------------------------------------------- kernel identities

def kill_uid(uid):
    """SIGKILL every process running as `uid` (a kernel, its children, a fork bomb); as root,
    for a reserved kernel uid only."""
    if rootless() or not UID_BASE <= uid < UID_BASE + UID_COUNT:
        return
    for _ in range(20):
        if not _processes_of(uid):
            return
        pid = os.fork()
        if pid == 0:  # a child that becomes `uid` can signal exactly that uid's processes
            try:
                os.setgid(uid)
                os.setuid(uid)
                os.kill(-1, signal.SIGKILL)
            finally:
                os._exit(0)
        os.waitpid(pid, 0)
        time.sleep(0.02)


def _processes_of(uid):
    """Pids of the live processes of `uid`."""
    return _processes_of_range(uid, uid + 1, pids=True)


def _processes_of_range(first, stop, pids=False):
    """Live (non-zombie) processes whose uid is in [first, stop): their pids, or their uids."""
    found = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/status") as f:
                    fields = dict(line.split(":", 1) for line in f if ":" in line)
            except (OSError, ValueError):
                continue
            zombie = fields.get("State", "").strip().startswith("Z")
            uid = int(fields.get("Uid", "-1").split()[0])
            if not zombie and first <= uid < stop:
                found.append(int(name) if pids else uid)
    return found if pids else sorted(set(found))


class UidSlot:
    """The uid this worker's kernels run as: as root a reserved one (a lock file held while the
    process lives, and a cgroup where offered); as a normal user the grader's own."""

    def __init__(self, limits=None):
        """Take a free kernel uid (as root) or the grader's own; RuntimeError if none is free."""
        self.cgroups, self._fd = [], None
        if rootless():
            self.uid = os.getuid()
            return
        os.makedirs(LOCK_DIR, mode=0o700, exist_ok=True)
        for uid in range(UID_BASE, UID_BASE + UID_COUNT):
            fd = os.open(os.path.join(LOCK_DIR, str(uid)), os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue
            self.uid, self._fd = uid, fd
            kill_uid(uid)  # leftovers of a grader that was killed
            self.cgroups = make_cgroups(f"k{uid}", limits or Limits())
            return
        raise RuntimeError(f"all {UID_COUNT} kernel uids from {UID_BASE} are in use")

    def release(self):
        """Kill the uid's processes and free the slot."""
        if self._fd is not None:
            kill_uid(self.uid)
            os.close(self._fd)
            self._fd = None


# ---------------------------------------------------------------- cgroups (root only)

def make_cgroups(name, limits):
    """A cgroup `autograder/<name>` per controller with the limits -> the cgroup.procs files a
    kernel joins; [] where the machine offers no writable cgroups (the rlimits still hold)."""
    mb = 1024 * 1024
    if os.path.exists(os.path.join(CGROUP_ROOT, "cgroup.controllers")):  # cgroup v2
        settings = {"": {"memory.max": limits.memory_mb * mb, "pids.max": limits.processes,
                         "cpu.weight": 100}}
        parent = os.path.join(CGROUP_ROOT, "autograder")
        try:
            os.makedirs(parent, exist_ok=True)
            with open(os.path.join(parent, "cgroup.subtree_control"), "w") as f:
                f.write("+memory +pids +cpu")
        except OSError:
            return []
        bases = {"": parent}
    else:  # cgroup v1: one hierarchy per controller
        settings = {"memory": {"memory.limit_in_bytes": limits.memory_mb * mb},
                    "pids": {"pids.max": limits.processes}, "cpu": {"cpu.shares": 1024}}
        bases = {c: os.path.join(CGROUP_ROOT, c, "autograder") for c in settings}
        try:  # kernels share CPU equally; together they weigh as much as one busy task per core
            os.makedirs(bases["cpu"], exist_ok=True)
            with open(os.path.join(bases["cpu"], "cpu.shares"), "w") as f:
                f.write(str(1024 * (os.cpu_count() or 1)))
        except OSError:
            pass
    procs = []
    for controller, values in settings.items():
        path = os.path.join(bases[controller], name)
        try:
            os.makedirs(path, exist_ok=True)
            for key, value in values.items():
                with open(os.path.join(path, key), "w") as f:
                    f.write(str(value))
        except OSError:
            continue
        procs.append(os.path.join(path, "cgroup.procs"))
    return procs


def cgroups_offered():
    """True when kernels will get cgroups of their own (root, and writable cgroups)."""
    if rootless():
        return False
    if os.path.exists(os.path.join(CGROUP_ROOT, "cgroup.controllers")):  # cgroup v2
        return os.access(CGROUP_ROOT, os.W_OK)
    return os.access(os.path.join(CGROUP_ROOT, "memory"), os.W_OK)


def bounds_note():
    """A sentence for the instructor when kernels run without cgroups, else None."""
    if cgroups_offered():
        return None
    who = "as a normal user" if rootless() else "without writable cgroups"
    return (f"note: grading {who}, kernels get no cgroup; the jail's init bounds each kernel's "
            "processes together instead (memory and CPU time summed, every process but the "
            "kernel's own at idle priority, all killed past a limit)")


# ---------------------------------------------------------------- private mounts of a worker

_private_pid = None
CLONE_NEWNS, CLONE_NEWUSER = 0x00020000, 0x10000000


def enter_private_mounts():
    """Put this process in a mount namespace of its own (and, as a normal user, a user
    namespace where it keeps its uid), so that it may mount the work dirs' tmpfs and nobody
    else sees them. Idempotent per process; must run before the process starts threads."""
    global _private_pid
    if _private_pid == os.getpid():
        return
    libc = ctypes.CDLL(None, use_errno=True)
    uid, gid = os.getuid(), os.getgid()
    flags = CLONE_NEWNS | (CLONE_NEWUSER if uid != 0 else 0)
    if libc.unshare(flags) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"cannot make a private mount namespace: {os.strerror(err)}")
    if uid != 0:
        for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"),
                           ("gid_map", f"{gid} {gid} 1")):
            with open(f"/proc/self/{name}", "w") as f:
                f.write(text)
    jail.mount(None, "/", None, jail.MS_REC | jail.MS_PRIVATE)
    _private_pid = os.getpid()


def python_paths():
    """Folders the kernel's Python needs to see (interpreter, stdlib, site-packages)."""
    paths = {sys.prefix, sys.base_prefix, os.path.dirname(os.path.realpath(sys.executable))}
    paths.update(p for p in sys.path if p and ("site-packages" in p or "dist-packages" in p))
    return sorted(os.path.realpath(p) for p in paths if p and os.path.exists(p))


SYSTEM = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc/ld.so.cache",
          "/etc/localtime", "/etc/alternatives"]


def _foreign_site_packages(kept):
    """Python package folders under /usr that the kernel's Python does not use: covered, so
    that a copy of the course installed there stays unreadable."""
    found = []
    for base in ("/usr/lib", "/usr/local/lib"):
        try:
            names = [n for n in os.listdir(base) if n.startswith("python")]
        except OSError:
            continue
        for name in names:
            for sub in ("site-packages", "dist-packages"):
                path = os.path.realpath(os.path.join(base, name, sub))
                if os.path.isdir(path) and path not in kept:
                    found.append(path)
    return found


class Sandbox:
    """One submission's private folder and the jail its kernels start in."""

    def __init__(self, root, uid, limits, cgroups=()):
        """Make the private folders under `root` for kernels of `uid`."""
        enter_private_mounts()
        self.root, self.uid, self.limits, self.cgroups = root, uid, limits, list(cgroups)
        self.work = os.path.join(root, "work")  # the kernel's cwd and HOME, owned by `uid`
        self.probes = os.path.join(root, "probes")  # probe modules, read-only for the kernel
        self.newroot = os.path.join(root, "jail")  # where each kernel's root is built
        # the probes' answers: a tmpfs of their own, so a student's full work dir costs no
        # answer (only its own cells fail)
        self.results = os.path.join(root, "results")
        for folder in (self.probes, self.newroot, self.work, self.results):
            os.makedirs(folder, exist_ok=True)
        for folder in (self.work, self.results):
            jail.mount("tmpfs", folder, "tmpfs", jail.MS_NOSUID | jail.MS_NODEV,
                       f"size={int(limits.disk_mb)}m,mode=700")
        self.figure_room = limits.figure_kb * 1024  # bytes of figures the notebook may still keep

    def prepare(self):
        """Hand the working folder to the kernel's uid (call after copying files in)."""
        mpl = os.path.join(self.work, ".config", "matplotlib")
        os.makedirs(mpl, exist_ok=True)
        for cache in _matplotlib_cache_files():
            shutil.copy(cache, mpl)
        if not rootless():  # a normal user's kernels keep its own uid and gid
            os.chown(self.results, self.uid, self.uid)
            for folder, dirs, files in os.walk(self.work):
                for name in [folder, *(os.path.join(folder, f) for f in dirs + files)]:
                    os.lchown(name, self.uid, self.uid)
        os.chmod(self.work, 0o700)
        os.chmod(self.root, 0o711)

    def close(self):
        """Unmount the work and answer dirs: whatever the kernels wrote there is gone."""
        for folder in (self.work, self.results):
            jail.libc.umount2(folder.encode(), jail.MNT_DETACH)

    def jail_config(self):
        """What jail.py sets up for a kernel: mounts, environment, limits, cgroups."""
        env = {
            "PATH": os.path.dirname(sys.executable) + ":/usr/local/bin:/usr/bin:/bin",
            "HOME": self.work, "LANG": "C.UTF-8", "PYTHONHASHSEED": "0", "USER": "student",
            "PYTHONDONTWRITEBYTECODE": "1", "PYTHONNOUSERSITE": "1", "MPLBACKEND": "Agg",
            "MPLCONFIGDIR": os.path.join(self.work, ".config", "matplotlib"),
            "IPYTHONDIR": os.path.join(self.work, ".ipython"),
            "JUPYTER_RUNTIME_DIR": os.path.join(self.work, ".jupyter"),
            "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
            "JUPYTER_PLATFORM_DIRS": "1", "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        }
        mb = 1024 * 1024
        lim = self.limits
        python = python_paths()
        empty = [[p, "empty"] for p in _foreign_site_packages(set(python))]
        return {
            "newroot": self.newroot,
            "bind": [[p, "ro"] for p in SYSTEM + python] + empty
            + [[self.probes, "ro"], [self.work, "rw"], [self.results, "rw"]],
            "files": {"/etc/passwd": f"student:x:{self.uid}:{self.uid}::{self.work}:/bin/sh\n",
                      "/etc/group": f"student:x:{self.uid}:\n"},
            "tmpfs": {"/tmp": 64, "/dev/shm": 64},
            "uid": self.uid, "gid": self.uid, "cgroups": self.cgroups, "cwd": self.work,
            "env": env,
            "limits": {"AS": lim.memory_mb * mb, "NPROC": lim.processes,
                       "FSIZE": lim.file_mb * mb, "CPU": lim.cpu_seconds, "CORE": 0,
                       "NICE": 0},
            # without a cgroup, the jail's init bounds the kernel's processes together
            "watchdog": None if self.cgroups else {"memory_bytes": lim.memory_mb * mb,
                                                   "cpu_seconds": lim.cpu_seconds},
        }

    def jail_command(self, config_path, argv):
        """Write this sandbox's jail config to `config_path` -> (config, the command that runs
        `argv` inside the jail)."""
        config = self.jail_config()
        with open(config_path, "w") as f:
            json.dump(config, f)
        return config, [sys.executable, "-I", jail.__file__, config_path, "--", *argv]

    def start_kernel(self):
        """A new jailed Kernel in this sandbox."""
        from .kernel import Kernel

        return Kernel(self)


def check_jail(limits, scratch=None):
    """Start the jail once as grading will (own namespaces and uid, the kernel's imports, a
    read of the course's files must fail) -> None, or raise RuntimeError saying why not."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # a child, so that the private mounts stay out of this process
        os.close(read)
        code = 0
        try:
            _check_jail_child(limits, scratch)
        except BaseException as e:  # noqa: BLE001  (reported to the parent)
            os.write(write, f"{type(e).__name__}: {e}".encode()[-2000:])
            code = 1
        os._exit(code)
    os.close(write)
    with os.fdopen(read, "rb") as f:
        message = f.read().decode("utf-8", "replace")
    _pid, status = os.waitpid(pid, 0)
    if status != 0:
        raise RuntimeError(message or f"the check ended with status {status}")


def _check_jail_child(limits, scratch):
    """In a child process: start one jailed kernel and run a cell, as grading would."""
    import subprocess

    slot = UidSlot(limits)
    root = tempfile.mkdtemp(prefix="grade-check-", dir=scratch)
    os.chmod(root, 0o711)
    try:
        sandbox = Sandbox(root, slot.uid, limits, slot.cgroups)
        sandbox.prepare()
        grader = os.path.abspath(__file__)
        probe = ("import ipykernel, numpy, os\n"
                 f"assert not os.path.exists({grader!r}), 'the grader is visible in the jail'")
        _config, cmd = sandbox.jail_command(os.path.join(root, "jail.json"),
                                            [sys.executable, "-c", probe])
        run = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                             timeout=120)
        if run.returncode != 0:
            lines = (run.stderr or run.stdout).strip().splitlines()
            raise RuntimeError(lines[-1] if lines else f"exit code {run.returncode}")
        sandbox.close()
    finally:
        shutil.rmtree(root, ignore_errors=True)
        slot.release()


def _matplotlib_cache_files():
    """The grader's matplotlib font cache, so that kernels do not rebuild it."""
    try:
        import matplotlib
        import matplotlib.font_manager  # noqa: F401  (builds the cache once)
    except ImportError:
        return []
    folder = matplotlib.get_cachedir()
    return [os.path.join(folder, f) for f in os.listdir(folder) if f.startswith("fontlist")]
