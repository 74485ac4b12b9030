"""Start one untrusted process in an allowlist jail: a fresh root, its own namespaces, limits.

Standard library only, run before any student code exists, as root or as a normal user:

    python -I autograder/jail.py CONFIG.json -- COMMAND [ARG ...]

The process sees a root built from nothing but what the JSON config allows:
- ``newroot``: an empty directory the jail's root is built in (a small read-only tmpfs);
- ``bind``: ``[path, "ro"|"rw"|"empty"]`` pairs shown at the same path (the Python
  installation, the system libraries, the probes, the submission's working directory; "empty"
  covers a folder inside those, e.g. an unused site-packages); a top-level symlink such as
  ``/lib -> usr/lib`` is recreated as the same symlink;
- ``files``: ``{path: text}`` small files written into the root (``/etc/passwd``);
- ``tmpfs``: ``{path: size_mb}`` empty writable scratch folders (``/tmp``, ``/dev/shm``);
- ``uid``/``gid``: the unprivileged identity the command runs as (used when run as root; a
  normal user stays itself, in a user namespace of its own);
- ``cgroups``: ``cgroup.procs`` files to join before anything else (as root, where offered);
- ``watchdog``: ``{"memory_bytes", "cpu_seconds"}`` for a jail no cgroup holds: its init then
  bounds the namespace's processes together (`Watchdog`: memory and CPU time summed, every
  process but the command's own at idle priority) and setsid does nothing (a new session
  would be a scheduling group of its own);
- ``limits``: rlimits by name (``AS``, ``NPROC``, ``FSIZE``, ``CPU``, ``NOFILE``, ``CORE``);
- ``cwd`` and ``env``: where and with which environment the command starts.

Namespaces: mount, PID, IPC, network (empty: no network), UTS, and as a normal user also a
user namespace. The command runs under a tiny init (PID 1 of the new PID namespace) that reaps
orphans and passes SIGINT on; when the command ends, or the process the caller started is
killed, the init dies and the kernel kills every process left in the namespace. Shared memory
segments die with the IPC namespace, files with the tmpfs folders. The process the caller
started stays outside as a supervisor: the jail's stdout and stderr are pipes it copies to its
own (a log file starts over past ``LOG_CAP``), so the jail writes to no descriptor on a host
file (stdin is the caller's: /dev/null when grading).

Before the command runs, the capability bounding set is emptied (while still privileged), the
process becomes ``uid`` (as root), joins a new session keyring of its own, drops every
capability, sets no_new_privs and installs a seccomp filter (x86_64 and aarch64; other machines
are refused): ``DENIED`` syscalls (new namespaces, mounts, keyrings, ptrace and other
processes' memory, bpf, perf, kernel modules, kexec, file handles, userfaultfd) and clone with
any CLONE_NEW* flag fail with EPERM, clone3 with ENOSYS (the C library then uses clone);
threads, fork and exec work as usual.

    python autograder/jail.py --serve

is a fork server for Jupyter kernels: it imports numpy, matplotlib and ipykernel once (no
thread, zmq context or event loop exists yet), then for every request read from stdin (one JSON
line: ``{"config": ..., "log": path, "argv": [ipykernel arguments]}``) forks a child that jails
itself with ``config`` exactly as above (its supervisor writes the kernel's output to ``log``)
and runs the kernel, and answers the child's pid on stdout. A kernel forked this way starts in
~0.1 s of CPU instead of ~1.5 s. The server and its kernels die with the caller.
"""

import ctypes
import errno
import json
import os
import platform
import resource
import select
import signal
import sys

CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x10000000, 0x20000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT = 1, 2, 4, 8, 32
MS_NOATIME, MS_NODIRATIME, MS_BIND, MS_REC, MS_PRIVATE = 1024, 2048, 4096, 16384, 1 << 18
MS_RELATIME = 1 << 21
MNT_DETACH = 2
PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_SET_SECCOMP = 1, 4, 22
PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS = 24, 38
SYS_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41}.get(platform.machine())
SYS_KEYCTL = {"x86_64": 250, "aarch64": 219}.get(platform.machine())
KEYCTL_JOIN_SESSION_KEYRING = 1
LOG_CAP = 1 << 20  # bytes of the jail's stdout or stderr kept in a log file; then it starts over
DEVICES = ("null", "zero", "full", "random", "urandom")

libc = ctypes.CDLL(None, use_errno=True)


def _check(rc, what):
    """OSError naming `what` and errno when a libc call returned non-zero."""
    if rc != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def mount(source, target, fstype, flags, data=""):
    """mount(2); OSError if it fails."""
    _check(libc.mount(source.encode() if source else None, target.encode(),
                      fstype.encode() if fstype else None, ctypes.c_ulong(flags),
                      data.encode() if data else None), f"mount {target}")


def _write(path, text):
    """Write `text` to `path` (a /proc or cgroup file)."""
    with open(path, "w") as f:
        f.write(text)


# ---------------------------------------------------------------- the new root

def _locked_flags(path):
    """Flags a remount must keep: in a user namespace the kernel refuses to clear them."""
    st = os.statvfs(path)
    flags = MS_NOSUID | MS_NODEV
    for st_flag, ms_flag in ((os.ST_NOEXEC, MS_NOEXEC), (os.ST_NOATIME, MS_NOATIME),
                             (os.ST_NODIRATIME, MS_NODIRATIME), (os.ST_RELATIME, MS_RELATIME)):
        if st.f_flag & st_flag:
            flags |= ms_flag
    return flags


def _bind(new, path, mode):
    """Show host `path` at the same place under `new`: read-only ("ro"), writable ("rw"), or
    as an empty read-only folder ("empty")."""
    target = new + path
    if mode == "empty":
        os.makedirs(target, exist_ok=True)
        mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV | MS_RDONLY, "size=4k")
        return
    if os.path.islink(path) and os.path.dirname(path) == "/":  # /lib -> usr/lib
        if not os.path.lexists(target):
            os.symlink(os.readlink(path), target)
        return
    real = os.path.realpath(path)
    if not os.path.exists(real):
        return
    target = new + real
    if os.path.isdir(real):
        os.makedirs(target, exist_ok=True)
    else:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if not os.path.exists(target):
            open(target, "a").close()
    mount(real, target, None, MS_BIND | MS_REC)
    flags = _locked_flags(real) | MS_REMOUNT | MS_BIND | (MS_RDONLY if mode == "ro" else 0)
    mount(None, target, None, flags)


def _make_dev(new):
    """A small /dev under `new`: the harmless devices and the /proc/self/fd links."""
    os.makedirs(new + "/dev", exist_ok=True)
    mount("tmpfs", new + "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC, "size=64k,mode=755")
    for name in DEVICES:
        open(f"{new}/dev/{name}", "a").close()
        mount(f"/dev/{name}", f"{new}/dev/{name}", None, MS_BIND)
    for name, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"),
                         ("stdout", "/proc/self/fd/1"), ("stderr", "/proc/self/fd/2")):
        os.symlink(target, f"{new}/dev/{name}")


def build_root(config):
    """Build the allowlisted root under config["newroot"], mount /proc, then enter it."""
    new = os.path.realpath(config["newroot"])
    mount(None, "/", None, MS_REC | MS_PRIVATE)
    mount("tmpfs", new, "tmpfs", MS_NOSUID | MS_NODEV, "size=4m,mode=755")
    _make_dev(new)  # first: a tmpfs folder under /dev (/dev/shm) goes on top of it
    for path, size_mb in config.get("tmpfs", {}).items():
        os.makedirs(new + path, exist_ok=True)
        mount("tmpfs", new + path, "tmpfs", MS_NOSUID | MS_NODEV,
              f"size={int(size_mb)}m,mode=1777")
    for path, mode in sorted(config.get("bind", []), key=lambda b: b[0].count("/")):
        _bind(new, os.path.abspath(path), mode)
    for path, text in config.get("files", {}).items():
        os.makedirs(os.path.dirname(new + path), exist_ok=True)
        _write(new + path, text)
    os.makedirs(new + "/proc", exist_ok=True)
    mount("proc", new + "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)  # this PID namespace
    os.chdir(new)
    _check(libc.syscall(SYS_PIVOT_ROOT, b".", b"."), "pivot_root")
    _check(libc.umount2(b".", MNT_DETACH), "umount the host's root")
    os.chdir("/")
    mount(None, "/", None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)


# ---------------------------------------------------------------- identity and limits

def _map_identity(uid, gid):
    """In a new user namespace, be the same uid and gid as outside (a normal user)."""
    _write("/proc/self/setgroups", "deny")
    _write("/proc/self/uid_map", f"{uid} {uid} 1")
    _write("/proc/self/gid_map", f"{gid} {gid} 1")


def _drop_bounding_set():
    """Empty the capability bounding set (needs CAP_SETPCAP: before leaving uid 0)."""
    for cap in range(64):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            if ctypes.get_errno() == errno.EINVAL and cap > 0:  # past the last capability
                return
            _check(-1, f"drop capability {cap} from the bounding set")


def _own_keyring():
    """Join a new anonymous session keyring: no key of an earlier process of this uid is in
    it. A kernel without keyrings, or an outer filter that already denies keyctl, is fine."""
    if SYS_KEYCTL is None:
        return
    if libc.syscall(SYS_KEYCTL, KEYCTL_JOIN_SESSION_KEYRING, None) < 0:
        if ctypes.get_errno() not in (errno.ENOSYS, errno.EPERM):
            _check(-1, "join a new session keyring")


def _drop_privileges(config, program):
    """Empty the bounding set, become the jail's uid (as root), take a keyring of its own,
    drop every capability for good, set no_new_privs and install the syscall filter
    `program`."""
    _drop_bounding_set()
    if os.getuid() == 0 and "uid" in config:
        os.setgroups([])
        os.setgid(int(config["gid"]))
        os.setuid(int(config["uid"]))
    _own_keyring()

    class Header(ctypes.Structure):
        """struct __user_cap_header_struct."""
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        """struct __user_cap_data_struct."""
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                    ("inheritable", ctypes.c_uint32)]

    header, data = Header(0x20080522, 0), (Data * 2)()
    _check(libc.capset(ctypes.byref(header), data), "capset")
    _check(libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")
    install_syscall_filter(program)


# ---------------------------------------------------------------- the syscall filter

# syscalls the jail denies with EPERM, by architecture: new namespaces and mounts, keyrings,
# tracing and other processes' memory, BPF and perf, kernel modules and kexec, file handles,
# userfaultfd; clone3 answers ENOSYS (its flags sit in memory a filter cannot read), so that
# the C library falls back to clone, whose flags are checked
DENIED = {
    "x86_64": {"unshare": 272, "setns": 308, "mount": 165, "umount2": 166, "pivot_root": 155,
               "open_tree": 428, "move_mount": 429, "fsopen": 430, "fsconfig": 431,
               "fsmount": 432, "fspick": 433, "mount_setattr": 442, "keyctl": 250,
               "add_key": 248, "request_key": 249, "ptrace": 101, "process_vm_readv": 310,
               "process_vm_writev": 311, "bpf": 321, "perf_event_open": 298,
               "open_by_handle_at": 304, "kexec_load": 246, "kexec_file_load": 320,
               "init_module": 175, "finit_module": 313, "delete_module": 176,
               "userfaultfd": 323},
    "aarch64": {"unshare": 97, "setns": 268, "mount": 40, "umount2": 39, "pivot_root": 41,
                "open_tree": 428, "move_mount": 429, "fsopen": 430, "fsconfig": 431,
                "fsmount": 432, "fspick": 433, "mount_setattr": 442, "keyctl": 219,
                "add_key": 217, "request_key": 218, "ptrace": 117, "process_vm_readv": 270,
                "process_vm_writev": 271, "bpf": 280, "perf_event_open": 241,
                "open_by_handle_at": 265, "kexec_load": 104, "kexec_file_load": 294,
                "init_module": 105, "finit_module": 273, "delete_module": 106,
                "userfaultfd": 282},
}
CLONE = {"x86_64": (56, 435), "aarch64": (220, 435)}  # clone, clone3
# without a cgroup, setsid succeeds without effect: a new session would be a scheduling group
# of its own (autogroup), whose share no idle priority inside it can lower
SETSID = {"x86_64": 112, "aarch64": 157}
AUDIT_ARCH = {"x86_64": 0xC000003E, "aarch64": 0xC00000B7}
X32_SYSCALL_BIT = 0x40000000  # x86_64's x32 numbers: denied as a whole
CLONE_NEW_ANY = (CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID
                 | CLONE_NEWNET | 0x02000000)  # ... | CLONE_NEWCGROUP
LD_W_ABS, JEQ, JGE, JSET, RET = 0x20, 0x15, 0x35, 0x45, 0x06  # classic BPF opcodes (with K)
RET_KILL_PROCESS, RET_ERRNO, RET_ALLOW = 0x80000000, 0x00050000, 0x7FFF0000


def filter_program(machine, keep_session=False):
    """The seccomp filter for `machine` -> [(code, jt, jf, k)]; RuntimeError if the jail has no
    syscall table for it. `keep_session`: setsid returns 0 and does nothing."""
    if machine not in DENIED:
        raise RuntimeError(f"the jail's syscall filter knows x86_64 and aarch64, not {machine!r}:"
                           " grading is refused on this machine")
    clone, clone3 = CLONE[machine]
    prog = [(LD_W_ABS, 0, 0, 4), (JEQ, 1, 0, AUDIT_ARCH[machine]), (RET, 0, 0, RET_KILL_PROCESS),
            (LD_W_ABS, 0, 0, 0)]  # seccomp_data: nr at 0, arch at 4, args[0] (low half) at 16
    if machine == "x86_64":
        prog += [(JGE, 0, 1, X32_SYSCALL_BIT), (RET, 0, 0, RET_ERRNO | errno.EPERM)]
    for nr in sorted(DENIED[machine].values()):
        prog += [(JEQ, 0, 1, nr), (RET, 0, 0, RET_ERRNO | errno.EPERM)]
    if keep_session:
        prog += [(JEQ, 0, 1, SETSID[machine]), (RET, 0, 0, RET_ERRNO | 0)]
    prog += [(JEQ, 0, 1, clone3), (RET, 0, 0, RET_ERRNO | errno.ENOSYS),
             (JEQ, 0, 3, clone), (LD_W_ABS, 0, 0, 16), (JSET, 0, 1, CLONE_NEW_ANY),
             (RET, 0, 0, RET_ERRNO | errno.EPERM), (RET, 0, 0, RET_ALLOW)]
    return prog


def install_syscall_filter(prog):
    """Install `prog` (filter_program's) on this thread and every process it starts (after
    no_new_privs)."""

    class SockFilter(ctypes.Structure):
        """struct sock_filter: one classic BPF instruction."""
        _fields_ = [("code", ctypes.c_uint16), ("jt", ctypes.c_uint8), ("jf", ctypes.c_uint8),
                    ("k", ctypes.c_uint32)]

    class SockFprog(ctypes.Structure):
        """struct sock_fprog: the program."""
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(SockFilter))]

    insns = (SockFilter * len(prog))(*(SockFilter(*insn) for insn in prog))
    fprog = SockFprog(len(prog), insns)
    _check(libc.prctl(PR_SET_SECCOMP, 2, ctypes.byref(fprog), 0, 0), "seccomp filter")


def _set_limits(config):
    """Set the rlimits `config` names (RLIMIT_<name>: value)."""
    for name, value in config.get("limits", {}).items():
        limit = getattr(resource, f"RLIMIT_{name}")
        resource.setrlimit(limit, (int(value), int(value)))


def _join_cgroups(config):
    """Move this process into the cgroups `config` lists."""
    for procs in config.get("cgroups", []):
        _write(procs, str(os.getpid()))


# ---------------------------------------------------------------- the three processes

def _supervise(child, pipes):
    """The process the caller knows: copy the jail's output to its own stdout and stderr, pass
    SIGINT/SIGTERM to the init, exit with its status."""
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda s, _f: os.kill(child, s))
    for _read, write in pipes:
        os.close(write)
    _relay({read: target for target, (read, _w) in enumerate(pipes, start=1)})
    while True:
        try:
            _pid, status = os.waitpid(child, 0)
            break
        except ChildProcessError:
            status = 1 << 8
            break
    os._exit(os.waitstatus_to_exitcode(status) & 0xFF)


def _relay(targets):
    """Copy each pipe of `targets` ({read end: fd}) to its fd until no process of the jail
    holds it; a file past LOG_CAP bytes starts over, so its end stays readable."""
    written = dict.fromkeys(targets.values(), 0)
    while targets:
        for read in select.select(list(targets), [], [])[0]:
            data, fd = os.read(read, 65536), targets[read]
            if not data:
                os.close(read)
                del targets[read]
                continue
            if written[fd] + len(data) > LOG_CAP:
                written[fd] = 0
                try:
                    os.ftruncate(fd, 0)
                    os.lseek(fd, 0, os.SEEK_SET)
                except OSError:  # a pipe or a terminal: the reader keeps what it wants
                    pass
            try:
                written[fd] += os.write(fd, data)
            except OSError:  # the reader is gone: drop the output, keep draining
                written[fd] += len(data)


def _init(child, watchdog=None):
    """PID 1 of the jail: reap every orphan, pass SIGINT on, end with the command; with a
    `watchdog` config (no cgroup holds the jail), also bound its processes together."""
    signal.signal(signal.SIGINT, lambda s, _f: os.kill(child, s))
    signal.signal(signal.SIGTERM, lambda s, _f: os.kill(child, signal.SIGKILL))
    guard = Watchdog(child, **watchdog) if watchdog else None
    if guard:
        signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGCHLD])
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG if guard else 0)
        except ChildProcessError:
            os._exit(1)
        if pid == child:  # leaving PID 1 kills everything else in the namespace
            os._exit(os.waitstatus_to_exitcode(status) & 0xFF)
        if pid == 0:  # nothing to reap: watch until a child ends or the interval passes
            guard.check()
            signal.sigtimedwait([signal.SIGCHLD], guard.interval)


class Watchdog:
    """What a cgroup would do, for a jail without one, run by its init (the namespace's PID 1)
    over the processes of the namespace (/proc is the namespace's own):

    - every process but the command's own runs at the lowest priority (SCHED_IDLE, nice 19;
      with RLIMIT_NICE 0 it cannot come back): forked helpers and detached loops get only CPU
      time nobody else wants, so they cannot slow other students' kernels;
    - memory is counted over all the processes (proportional set size, shared pages split)
      and the CPU time of all of them, the ended ones included; past `memory_bytes` or
      `cpu_seconds`, every process of the namespace is killed, the init last."""

    def __init__(self, child, memory_bytes, cpu_seconds, interval=0.1):
        """Watch the namespace whose command runs as `child`."""
        self.child, self.memory, self.cpu = child, int(memory_bytes), float(cpu_seconds)
        self.interval, self.demoted = float(interval), set()
        self.page, self.tick = os.sysconf("SC_PAGE_SIZE"), os.sysconf("SC_CLK_TCK")

    def check(self):
        """One look at every process: demote the new ones, end the jail past a limit."""
        rss, cpu = 0, 0.0
        for pid in _pids():
            if pid != self.child and pid != 1:
                self._demote(pid)
            rss += _first_int(f"/proc/{pid}/statm", 1) * self.page
            cpu += sum(_stat_fields(pid, 13, 17)) / self.tick  # utime stime cutime cstime
        if cpu > self.cpu:
            self._end(f"used {cpu:.0f} s of CPU together (limit {self.cpu:.0f} s)")
        if rss > self.memory:  # resident pages count shared ones in every process: look closer
            pss = sum(_pss(pid) for pid in _pids())
            if pss > self.memory:
                self._end(f"held {pss >> 20} MB together (limit {self.memory >> 20} MB)")

    def _demote(self, pid):
        """Every thread of `pid` to SCHED_IDLE at nice 19 (once per thread)."""
        try:
            tids = [int(t) for t in os.listdir(f"/proc/{pid}/task")]
        except OSError:
            return
        for tid in tids:
            if tid in self.demoted:
                continue
            try:
                os.setpriority(os.PRIO_PROCESS, tid, 19)
                os.sched_setscheduler(tid, os.SCHED_IDLE, os.sched_param(0))
                self.demoted.add(tid)
            except OSError:  # it ended meanwhile
                pass

    def _end(self, why):
        """Kill every process of the namespace, say why on stderr, end the init."""
        os.kill(-1, signal.SIGKILL)  # from PID 1: everything in the namespace but itself
        os.write(2, f"\n[jail: the kernel's processes {why}; all were killed]\n".encode())
        os._exit(137)


def _pids():
    """The pids of the namespace (its /proc)."""
    return [int(n) for n in os.listdir("/proc") if n.isdigit()]


def _first_int(path, index):
    """The `index`-th number of the one-line file `path` (0 if it is gone)."""
    try:
        with open(path, "rb") as f:
            return int(f.read().split()[index])
    except (OSError, IndexError, ValueError):
        return 0


def _stat_fields(pid, first, stop):
    """Fields [first, stop) (0-based, after the command name) of /proc/pid/stat, as ints."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            fields = f.read().rpartition(b")")[2].split()
    except OSError:
        return []
    return [int(x) for x in fields[first - 2:stop - 2]]


def _pss(pid):
    """The proportional set size of `pid` in bytes (its resident size if that is hidden)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
            for line in f:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return _first_int(f"/proc/{pid}/statm", 1) * os.sysconf("SC_PAGE_SIZE")


def _fork_as_child_of(role):
    """Fork; the parent becomes `role(child)` for good -> in the child, the read end of a pipe
    that reaches EOF when the parent is gone."""
    alive_r, alive_w = os.pipe()
    child = os.fork()
    if child:
        os.close(alive_r)
        role(child)  # never returns
    os.close(alive_w)
    return alive_r


def _die_with_parent(alive_r):
    """Be killed when the parent dies (`alive_r`: a pipe it holds open)."""
    _check(libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "prctl")
    if select.select([alive_r], [], [], 0)[0]:  # the parent died before the line above
        os._exit(1)
    os.close(alive_r)


def jail(config):
    """Jail this process as the config says; returns only in the command's process.

    The caller's process stays outside as a supervisor, its child is the init of the new PID
    namespace, and the init's child (the one this function returns in) runs the command."""
    # refuses a machine it has no table for
    program = filter_program(platform.machine(), keep_session=bool(config.get("watchdog")))
    uid, gid = os.getuid(), os.getgid()
    rootless = uid != 0
    if not rootless:
        _join_cgroups(config)
    flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWUTS
    _check(libc.unshare(flags | (CLONE_NEWUSER if rootless else 0)), "unshare")
    if rootless:
        _map_identity(uid, gid)
    pipes = [os.pipe(), os.pipe()]  # the jail's stdout and stderr: no descriptor on a host file
    alive = _fork_as_child_of(lambda child: _supervise(child, pipes))
    for fd, (read, write) in enumerate(pipes, start=1):
        os.dup2(write, fd)
        os.close(read)
        os.close(write)
    build_root(config)
    _drop_privileges(config, program)
    _die_with_parent(alive)  # after the identity change, which clears it
    watchdog = config.get("watchdog")
    if watchdog:  # the init reads its processes' /proc files, a setuid made them private
        _check(libc.prctl(PR_SET_DUMPABLE, 1, 0, 0, 0), "dumpable")
    _die_with_parent(_fork_as_child_of(lambda child: _init(child, watchdog)))
    _set_limits(config)
    os.chdir(config.get("cwd", "/"))


# ---------------------------------------------------------------- fork server and command line

PRELOAD = ("numpy", "matplotlib", "matplotlib.pyplot", "IPython", "ipykernel.kernelapp",
           "ipykernel.ipkernel", "matplotlib_inline.backend_inline")


def serve():
    """Fork server: preload the kernel's imports, then fork one jailed kernel per request."""
    import importlib

    _check(libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "prctl")
    here = os.path.dirname(os.path.realpath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.realpath(p or ".") != here]
    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except Exception:  # a missing optional module only costs the child its import
            pass
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
    requests, answers = sys.stdin.buffer, sys.stdout.buffer
    answers.write(b"ready\n")
    answers.flush()
    for line in requests:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            _kernel_child(request)  # never returns
        answers.write(f"{pid}\n".encode())
        answers.flush()


def _kernel_child(request):
    """In a forked child of the server: jail itself as `request` says, then run ipykernel."""
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.setsid()
        _check(libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "prctl")
        log = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.close(log)
        os.close(null)
        config = request["config"]
        jail(config)
        os.environ.clear()
        os.environ.update(config.get("env", {}))
        sys.argv = ["ipykernel_launcher", *request["argv"]]
        import numpy

        numpy.random.seed(int.from_bytes(os.urandom(4), "little"))  # fresh, as a new process
        from ipykernel import kernelapp

        kernelapp.launch_new_instance()
        os._exit(0)
    except BaseException:
        import traceback

        traceback.print_exc()
        sys.stderr.flush()
        os._exit(1)


def main(argv):
    """`jail.py --serve`, or `jail.py CONFIG.json -- COMMAND ...`: run COMMAND jailed."""
    if argv[1:] == ["--serve"]:
        serve()
        return
    if len(argv) < 4 or argv[2] != "--":
        sys.exit("usage: jail.py CONFIG.json -- COMMAND [ARG ...]")
    with open(argv[1]) as f:
        config = json.load(f)
    _check(libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "prctl")
    jail(config)
    command = argv[3:]
    os.execve(command[0], command, config.get("env", {}))


if __name__ == "__main__":
    main(sys.argv)
