"""Start one untrusted process in a jail: private mounts, no network, its own uid, rlimits.

Run as root, standard library only, before any student code exists:

    python -I autograder/jail.py CONFIG.json -- COMMAND [ARG ...]

The JSON config says what to hide and what to keep:
- ``hide``: directories covered by an empty tmpfs (the course, solutions, hidden tests, the
  gradebook, other students, the grader's home), or files covered by /dev/null;
- ``keep``: ``[path, "ro"|"rw"]`` pairs bound back inside hidden directories (the Python
  installation, the submission's own working directory);
- ``scratch``: directories replaced by an empty writable tmpfs (``/tmp``);
- ``uid``/``gid``: the unprivileged identity the command runs as;
- ``limits``: rlimits by name (``AS``, ``NPROC``, ``FSIZE``, ``CPU``, ``NOFILE``, ``CORE``);
- ``net``: false to give the process an empty network namespace;
- ``cwd`` and ``env``: where and with which environment the command starts.
The command is exec'ed, so its process id is the one the caller started; it dies with the caller
(PR_SET_PDEATHSIG).

    python autograder/jail.py --serve

is a fork server for Jupyter kernels: it imports numpy, matplotlib and ipykernel once (no
thread, zmq context or event loop exists yet), then for every request read from stdin (one JSON
line: ``{"config": ..., "log": path, "argv": [ipykernel arguments]}``) forks a child that jails
itself with ``config`` exactly as above and runs the kernel, and answers the child's pid on
stdout. A kernel forked this way starts in ~0.1 s of CPU instead of ~1.5 s (interpreter,
ipykernel and matplotlib imports). The server and its kernels die with the caller.
"""

import ctypes
import json
import os
import resource
import signal
import sys

CLONE_NEWNS = 0x00020000
CLONE_NEWNET = 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_REMOUNT, MS_BIND, MS_REC = 1, 2, 4, 32, 4096, 16384
MS_PRIVATE = 1 << 18
PR_SET_PDEATHSIG = 1

libc = ctypes.CDLL(None, use_errno=True)


def _check(rc, what):
    if rc != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def mount(source, target, fstype, flags, data=""):
    _check(libc.mount(source.encode(), target.encode(), fstype.encode() if fstype else None,
                      ctypes.c_ulong(flags), data.encode() if data else None), f"mount {target}")


def _inside(path, folder):
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def jail(config):
    """Apply the config to this process (mounts, identity, limits), then return."""
    flags = CLONE_NEWNS | (0 if config.get("net", False) else CLONE_NEWNET)
    _check(libc.unshare(flags), "unshare")
    mount("none", "/", None, MS_REC | MS_PRIVATE)

    keep = [(os.path.realpath(p), mode) for p, mode in config.get("keep", [])]
    # Open what must stay visible before covering the folders that contain it.
    keep_fds = [(p, mode, os.open(p, os.O_PATH)) for p, mode in keep if os.path.exists(p)]
    covers = [(os.path.realpath(p), "hide") for p in config.get("hide", [])]
    covers += [(os.path.realpath(p), "scratch") for p in config.get("scratch", [])]
    mounted = []
    # Cover outer folders first so that inner covers land inside them.
    for path, kind in sorted(covers, key=lambda c: c[0].count("/")):
        if os.path.isdir(path):
            mounted.append((path, kind))
            opts = "size=64m,mode=1777" if kind == "scratch" else "size=1m,mode=755"
            mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, opts)
        elif os.path.exists(path):
            mount("/dev/null", path, None, MS_BIND)
    for path, mode, fd in sorted(keep_fds, key=lambda k: k[0].count("/")):
        if not any(_inside(path, c) for c, _ in covers):
            os.close(fd)
            continue
        if os.path.isdir(f"/proc/self/fd/{fd}"):
            os.makedirs(path, exist_ok=True)
        else:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            open(path, "a").close()
        mount(f"/proc/self/fd/{fd}", path, None, MS_BIND | MS_REC)
        if mode == "ro":
            mount("none", path, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)
        os.close(fd)
    # Hidden folders become read-only once what they keep is in place.
    for path, kind in mounted:
        if kind == "hide":
            mount("none", path, None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)

    for name, value in config.get("limits", {}).items():
        limit = getattr(resource, f"RLIMIT_{name}")
        resource.setrlimit(limit, (int(value), int(value)))
    os.setgroups([])
    os.setgid(int(config["gid"]))
    os.setuid(int(config["uid"]))
    # Set after the identity change, which clears it.
    _check(libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "prctl")
    os.chdir(config.get("cwd", "/"))


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
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.setsid()
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
    if argv[1:] == ["--serve"]:
        serve()
        return
    if len(argv) < 4 or argv[2] != "--":
        sys.exit("usage: jail.py CONFIG.json -- COMMAND [ARG ...]")
    with open(argv[1]) as f:
        config = json.load(f)
    jail(config)
    command = argv[3:]
    os.execve(command[0], command, config.get("env", {}))


if __name__ == "__main__":
    main(sys.argv)
