"""A jailed Jupyter kernel: start it, run one cell with a time limit, collect capped outputs.

`Kernel(sandbox)` starts ipykernel inside the sandbox's jail (`autograder/jail.py`), forked from
a per-process server that already imported numpy, matplotlib and ipykernel (`jail.py --serve`;
~0.2 s per kernel instead of ~1.2 s), or as a fresh interpreter. `Kernel.run(code, timeout)`
executes one cell and always returns: after the time limit the kernel is interrupted, and if
the code ignores the interrupt the jail's init is killed, and with it every process the student
started.

Output: every kernel caps its stdout/stderr at `Limits.output_kb` per cell while the cell writes
and drops the rest (a cell printing 50 MB sends 64 KB); the grader caps again everything it keeps
(streams, rich outputs and error tracebacks alike; `outputs.py`) for output that bypasses the
kernel's cap.
Figures are drawn inline, as in Jupyter, so that graders see what the student saw; a notebook
keeps at most `Limits.figure_kb` of them.
"""

import json
import os
import queue
import secrets
import signal
import subprocess
import sys
import time

import zmq
from jupyter_client import BlockingKernelClient
from jupyter_client.connect import write_connection_file

from .outputs import Outputs
from .records import Run, Status
from .sandbox import kill_uid

JAIL = os.path.join(os.path.dirname(os.path.abspath(__file__)), "jail.py")
INTERRUPT_GRACE = 2.0  # seconds a kernel gets to stop after SIGINT before it is killed

# Run in every kernel before any student code: stdout and stderr keep at most `limit`
# characters per cell and drop the rest as it is written, so a cell printing 50 MB sends
# 64 KB (in messages of at most 16 KB) instead of building, serializing and shipping 50 MB
# (the grader adds the note); exit() is ignored; figures are shown inline.
KERNEL_SETUP = """\
def __autograder_setup(limit):
    import sys
    from IPython import get_ipython
    used = [0]
    def reset(*_args):
        used[0] = 0
    get_ipython().events.register("pre_run_cell", reset)
    for stream in (sys.stdout, sys.stderr):
        def write(text, _write=stream.write, _flush=stream.flush):
            if not isinstance(text, str):
                return _write(text)
            room = limit - used[0]
            if room > 0 and len(text) <= 16384:
                used[0] += min(room, len(text))
                _write(text[:room])
            elif room > 0:  # sent as messages of at most 16 KB
                kept = text[:room]
                used[0] += len(kept)
                for i in range(0, len(kept), 16384):
                    _write(kept[i:i + 16384])
                    _flush()
            return len(text)
        stream.write = write
    # exit() would end the kernel a moment later, in the middle of whichever cell runs next
    get_ipython().ask_exit = lambda: print("exit() is ignored while grading")
    try:  # figures inline, as in Jupyter (the environment says Agg for other processes)
        get_ipython().run_line_magic("matplotlib", "inline")
    except ImportError:
        pass
__autograder_setup({limit})
del __autograder_setup
"""


class ForkedKernel:
    """A kernel process forked by the server: the Popen calls the Kernel uses, by pid."""

    def __init__(self, pid):
        """A kernel the server forked, known by its `pid`."""
        self.pid = pid

    def poll(self):
        """None while the process runs, -1 once it has exited (as Popen.poll)."""
        try:
            with open(f"/proc/{self.pid}/stat") as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            return -1
        return -1 if state in ("Z", "X") else None

    def wait(self, timeout=None):
        """Wait for the process to exit (as Popen.wait): -1, or TimeoutExpired."""
        deadline = time.monotonic() + (timeout if timeout is not None else 1e9)
        while self.poll() is None:
            if time.monotonic() > deadline:
                raise subprocess.TimeoutExpired("kernel", timeout)
            time.sleep(0.01)
        return -1


class KernelServer:
    """One fork server per grading process (`jail.py --serve`); None when it cannot start."""

    _instance, _pid, _failed = None, None, False

    @classmethod
    def get(cls):
        """This process's fork server, started on first use (it gets ready in the background);
        None if it cannot run."""
        if cls._pid != os.getpid():  # a forked worker starts its own
            cls._instance, cls._pid, cls._failed = None, os.getpid(), False
        if cls._instance is None and not cls._failed:
            try:
                cls._instance = cls()
            except OSError:  # the server could not be started
                cls._failed = True
        if cls._instance is not None and cls._instance.process.poll() is not None:
            cls._instance = None  # it died: the next kernel starts the plain way
            cls._failed = True
        return cls._instance

    def __init__(self):
        """Start `jail.py --serve` with a minimal environment; OSError if it cannot start."""
        env = {"PATH": os.path.dirname(sys.executable) + ":/usr/bin:/bin", "LANG": "C.UTF-8",
               "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1", "PYTHONNOUSERSITE": "1",
               "MPLBACKEND": "Agg", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
               "MKL_NUM_THREADS": "1", "HOME": os.path.expanduser("~")}
        self.process = subprocess.Popen([sys.executable, JAIL, "--serve"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                        env=env, cwd="/")
        self.ready = False  # it says "ready" once it has imported the kernel's modules

    def start(self, config, argv, log):
        """Fork a jailed kernel -> ForkedKernel, or None if the server is gone."""
        try:
            if not self.ready:
                if self.process.stdout.readline() != b"ready\n":
                    self.process.kill()
                    raise OSError("the kernel fork server did not start")
                self.ready = True
            self.process.stdin.write(json.dumps({"config": config, "argv": argv,
                                                 "log": log}).encode() + b"\n")
            self.process.stdin.flush()
            line = self.process.stdout.readline()
            return ForkedKernel(int(line))
        except (OSError, ValueError):
            return None


class Kernel:
    """A jailed ipykernel, talked to over unix sockets in the submission's folder."""

    def __init__(self, sandbox, start_timeout=60.0):
        """Start a kernel in `sandbox`'s jail with the output caps; RuntimeError if it cannot."""
        self.sandbox = sandbox
        tag = secrets.token_hex(4)
        conn = os.path.join(sandbox.work, f".kernel-{tag}.json")  # the kernel rewrites it
        write_connection_file(conn, ip=os.path.join(sandbox.work, f".k{tag}"), transport="ipc",
                              key=secrets.token_hex(16).encode())
        os.chown(conn, sandbox.uid, sandbox.uid)
        kernel_args = ["-f", conn, "--HistoryManager.enabled=False", "--IPKernelApp.quiet=True"]
        self.config, cmd = sandbox.jail_command(
            os.path.join(sandbox.root, f"jail-{tag}.json"),
            [sys.executable, "-m", "ipykernel_launcher", *kernel_args])
        self.log_path = os.path.join(sandbox.root, f"kernel-{tag}.log")
        server = KernelServer.get() if sandbox.limits.fork_kernels else None
        self.process = server.start(self.config, kernel_args, self.log_path) if server else None
        if self.process is None:  # no fork server: a fresh interpreter, jailed the same way
            with open(self.log_path, "wb") as log:
                self.process = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log,
                                                stderr=subprocess.STDOUT,
                                                start_new_session=True)
        self.context = zmq.Context()
        self.context.setsockopt(zmq.LINGER, 0)  # never wait on a dead kernel
        self.client = BlockingKernelClient(connection_file=conn, context=self.context)
        self.client.load_connection_file()
        self.client.start_channels(hb=False)
        self._wait_for_ready(start_timeout)
        cap = self.run(KERNEL_SETUP.format(limit=sandbox.limits.output_kb * 1024 + 1),
                       start_timeout)
        if cap.status != Status.OK:
            self.shutdown()
            raise RuntimeError(f"kernel set-up failed ({cap.status}): {cap.outputs[-1:]}")

    def _wait_for_ready(self, timeout):
        """Wait until the kernel answers and its iopub is subscribed; RuntimeError if not."""
        deadline, asked = time.monotonic() + timeout, 0.0
        while time.monotonic() < deadline and self.alive():
            if time.monotonic() - asked > 1.0:  # ask again: a request sent too early is lost
                self.client.kernel_info()
                asked = time.monotonic()
            try:
                reply = self.client.get_shell_msg(timeout=0.1)
            except queue.Empty:
                continue
            if reply.get("msg_type") != "kernel_info_reply":
                continue
            # iopub subscribes asynchronously: ready only once the kernel's status messages
            # for kernel_info arrive, else the first cell's could be lost (and it would hang)
            try:
                self.client.get_iopub_msg(timeout=0.5)
            except queue.Empty:
                asked = 0.0  # ask again at once
                continue
            self._drain(self.client.get_shell_msg, 0)
            self._drain(self.client.get_iopub_msg, 0.05)
            return
        why = f"did not start within {timeout:.0f} s" if self.alive() else "exited while starting"
        self.shutdown()
        raise RuntimeError(f"kernel {why}: {self.log_tail()}")

    @staticmethod
    def _drain(get, timeout):
        """Discard the messages pending on one channel (`get`: the client's get_*_msg)."""
        while True:
            try:
                get(timeout=timeout)
            except queue.Empty:
                return

    def log_tail(self, n=2000):
        """The last `n` characters of the kernel's log (why it did not start)."""
        try:
            with open(self.log_path, "rb") as f:
                return f.read()[-n:].decode("utf-8", "replace")
        except OSError:
            return ""

    def alive(self):
        """The kernel process is running."""
        return self.process.poll() is None

    def run(self, code, timeout):
        """Execute `code`; give up after `timeout` seconds (interrupt, then kill)."""
        start = time.monotonic()
        if not self.alive():
            return Run(Status.DIED, [], 0.0)
        msg_id = self.client.execute(code, store_history=False, allow_stdin=False,
                                     stop_on_error=False)
        limits = self.sandbox.limits
        collector = Outputs(limits.output_kb * 1024, self.sandbox.figure_room, limits.figure_kb)
        deadline, interrupted, status = start + timeout, False, None
        while status is None:
            now = time.monotonic()
            if now >= deadline:
                if not interrupted:
                    self._signal(signal.SIGINT)
                    interrupted, deadline = True, now + INTERRUPT_GRACE
                    continue
                self.kill()
                status = Status.KILLED
                break
            if not self.alive():
                status = Status.DIED
                break
            try:
                msg = self.client.get_iopub_msg(timeout=min(0.2, deadline - now))
            except queue.Empty:
                continue
            except ValueError:  # a message that fails its signature check is not the kernel's
                collector.unreadable += 1
                continue
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "status" and content.get("execution_state") == "idle":
                status = (Status.TIMEOUT if interrupted else
                          Status.ERROR if collector.error else Status.OK)
            else:
                collector.add(kind, content)
        self._drain(self.client.get_shell_msg, 0)
        self.sandbox.figure_room = collector.figure_room
        if collector.unreadable:
            collector.outputs.append({"output_type": "stream", "name": "stdout",
                                      "text": f"\n[output lost: {collector.unreadable} "
                                              "message(s) could not be read]\n"})
        return Run(status, collector.outputs, time.monotonic() - start)

    def _signal(self, sig):
        """Send `sig` to the kernel (nothing if it is gone)."""
        try:
            os.kill(self.process.pid, sig)
        except ProcessLookupError:
            pass

    def kill(self):
        """Kill the kernel and every process of its uid."""
        self._signal(signal.SIGKILL)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        kill_uid(self.sandbox.uid)

    def shutdown(self):
        """Kill the kernel and everything it started; close the sockets."""
        self.kill()
        self.client.stop_channels()
        self.context.destroy(linger=0)
