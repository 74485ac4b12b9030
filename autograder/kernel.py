"""A jailed Jupyter kernel: start it, run one cell with a time limit, collect capped outputs.

`Kernel(sandbox)` starts ipykernel inside the sandbox's jail (`autograder/jail.py`), forked from
a per-process server that already imported numpy, matplotlib and ipykernel (`jail.py --serve`;
~0.2 s per kernel instead of ~1.2 s), or as a fresh interpreter. `Kernel.run(code, timeout)`
executes one cell and always returns: after the time limit the kernel is interrupted, and if
the code ignores the interrupt the jail's init is killed, and with it every process the student
started.

Output: every kernel caps its stdout/stderr at `Limits.output_kb` per cell while the cell writes
and drops the rest (a cell printing 50 MB sends 64 KB); the grader caps again everything it keeps
(streams, rich outputs and error tracebacks alike) for output that bypasses the kernel's cap.
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
from dataclasses import dataclass, field

import zmq
from jupyter_client import BlockingKernelClient
from jupyter_client.connect import write_connection_file

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



@dataclass
class Run:
    """What running one cell produced: status is ok, error, timeout, killed or died."""

    status: str
    outputs: list = field(default_factory=list)
    seconds: float = 0.0

    @property
    def kernel_lost(self):
        return self.status in ("killed", "died")



class ForkedKernel:
    """A kernel process forked by the server: the Popen calls the Kernel uses, by pid."""

    def __init__(self, pid):
        self.pid = pid

    def poll(self):
        try:
            with open(f"/proc/{self.pid}/stat") as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            return -1
        return -1 if state in ("Z", "X") else None

    def wait(self, timeout=None):
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
        if cls._pid != os.getpid():  # a forked worker starts its own
            cls._instance, cls._pid, cls._failed = None, os.getpid(), False
        if cls._instance is None and not cls._failed:
            try:
                cls._instance = cls()
            except (OSError, RuntimeError):
                cls._failed = True
        if cls._instance is not None and cls._instance.process.poll() is not None:
            cls._instance = None  # it died: the next kernel starts the plain way
            cls._failed = True
        return cls._instance

    def __init__(self):
        env = {"PATH": os.path.dirname(sys.executable) + ":/usr/bin:/bin", "LANG": "C.UTF-8",
               "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1", "PYTHONNOUSERSITE": "1",
               "MPLBACKEND": "Agg", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
               "MKL_NUM_THREADS": "1", "HOME": os.path.expanduser("~")}
        self.process = subprocess.Popen([sys.executable, JAIL, "--serve"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                        env=env, cwd="/")
        if self.process.stdout.readline() != b"ready\n":
            self.process.kill()
            raise RuntimeError("the kernel fork server did not start")

    def start(self, config, argv, log):
        """Fork a jailed kernel -> ForkedKernel, or None if the server is gone."""
        try:
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
        if cap.status != "ok":
            self.shutdown()
            raise RuntimeError(f"kernel set-up failed ({cap.status}): {cap.outputs[-1:]}")

    def _wait_for_ready(self, timeout):
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
            self._drain_shell()
            self._drain_iopub()
            return
        why = f"did not start within {timeout:.0f} s" if self.alive() else "exited while starting"
        self.shutdown()
        raise RuntimeError(f"kernel {why}: {self.log_tail()}")

    def _drain_iopub(self):
        while True:
            try:
                self.client.get_iopub_msg(timeout=0.05)
            except queue.Empty:
                return

    def log_tail(self, n=2000):
        try:
            with open(self.log_path, "rb") as f:
                return f.read()[-n:].decode("utf-8", "replace")
        except OSError:
            return ""

    def alive(self):
        return self.process.poll() is None

    def run(self, code, timeout):
        """Execute `code`; give up after `timeout` seconds (interrupt, then kill)."""
        start = time.monotonic()
        if not self.alive():
            return Run("died", [], 0.0)
        msg_id = self.client.execute(code, store_history=False, allow_stdin=False,
                                     stop_on_error=False)
        limits = self.sandbox.limits
        collector = _Outputs(limits.output_kb * 1024, self.sandbox.figure_room, limits.figure_kb)
        deadline, interrupted, status = start + timeout, False, None
        while status is None:
            now = time.monotonic()
            if now >= deadline:
                if not interrupted:
                    self._signal(signal.SIGINT)
                    interrupted, deadline = True, now + INTERRUPT_GRACE
                    continue
                self.kill()
                status = "killed"
                break
            if not self.alive():
                status = "died"
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
                status = "timeout" if interrupted else ("error" if collector.error else "ok")
            else:
                collector.add(kind, content)
        self._drain_shell()
        self.sandbox.figure_room = collector.figure_room
        if collector.unreadable:
            collector.outputs.append({"output_type": "stream", "name": "stdout",
                                      "text": f"\n[output lost: {collector.unreadable} "
                                              "message(s) could not be read]\n"})
        return Run(status, collector.outputs, time.monotonic() - start)

    def _signal(self, sig):
        try:
            os.kill(self.process.pid, sig)
        except ProcessLookupError:
            pass

    def _drain_shell(self):
        while True:
            try:
                self.client.get_shell_msg(timeout=0)
            except queue.Empty:
                return

    def kill(self):
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


# Outputs kept in graded notebooks and feedback: text and raster images only. HTML, JavaScript,
# SVG (which may carry scripts), Markdown and widget views a student's code displays would run
# or render in the TA's browser, in the origin where grades are edited.
INERT_MIMETYPES = ("text/plain", "image/png", "image/jpeg", "image/gif")
ERROR_MIN_KB = 4  # an error keeps at least this much of its message and traceback


def _clip(text, n):
    n = max(0, n)
    return text if len(text) <= n else text[:n] + f"... [{len(text) - n} characters cut]"


class _Outputs:
    """Collects iopub messages into notebook outputs, keeping at most `limit` bytes of text
    and `figure_room` bytes of images (what is left of the notebook's `figure_kb`)."""

    def __init__(self, limit, figure_room, figure_kb):
        self.outputs, self.limit, self.size, self.dropped, self.error = [], limit, 0, 0, False
        self.figure_room, self.figure_kb, self.figure_noted = figure_room, figure_kb, False
        self.unreadable = 0  # messages dropped because they could not be read

    def _fits(self, n):
        if self.size + n > self.limit:
            self.dropped += n
            return False
        self.size += n
        return True

    def add(self, kind, content):
        if kind == "stream":
            text = str(content.get("text", ""))
            name = "stderr" if content.get("name") == "stderr" else "stdout"
            room = max(0, self.limit - self.size)
            kept = text[:room]
            self.size += len(kept)
            last = self.outputs[-1] if self.outputs else None
            if kept and last and last["output_type"] == "stream" and last["name"] == name:
                last["text"] += kept
            elif kept:
                self.outputs.append({"output_type": "stream", "name": name, "text": kept})
            if len(kept) < len(text):
                self._note_dropped()
        elif kind in ("display_data", "execute_result"):
            data = {k: v for k, v in dict(content.get("data", {})).items()
                    if k in INERT_MIMETYPES and isinstance(v, str)}
            if not data and content.get("data"):  # HTML, JavaScript, SVG, widgets: not kept
                data = {"text/plain": "[rich output not kept: only text and PNG/JPEG/GIF images "
                                      "are shown to graders]"}
            images = [k for k in data if k.startswith("image/")]
            image_size = sum(len(str(data[k])) for k in images)
            dropped = image_size > self.figure_room
            if dropped:  # its text stays ("<Figure size 640x480 with 1 Axes>")
                data = {k: v for k, v in data.items() if k not in images}
            else:
                self.figure_room -= image_size
            text_size = sum(len(str(v)) for k, v in data.items() if k not in images)
            if data and self._fits(text_size):
                out = {"output_type": kind, "data": data, "metadata": {}}
                if kind == "execute_result":
                    out["execution_count"] = content.get("execution_count")
                self.outputs.append(out)
            elif data:
                self._note_dropped()
            if dropped and not self.figure_noted:
                self.figure_noted = True
                self._note("\n[figures not kept from here on: the graded notebook keeps at most "
                           f"{self.figure_kb} KB of figures]\n")
        elif kind == "error":
            self.error = True
            # an error counts against the cell's text budget like any output, with room for
            # a short message however much was printed before
            room = max(self.limit - self.size, ERROR_MIN_KB * 1024)
            evalue = _clip(str(content.get("evalue", "")), room // 2)
            tb, left = [], room - len(evalue)
            for line in [str(line) for line in content.get("traceback", [])][:200]:
                line = _clip(line, left)
                tb.append(line)
                left -= len(line)
                if left <= 0:
                    break
            self.size += room - left
            self.outputs.append({"output_type": "error",
                                 "ename": _clip(str(content.get("ename", "")), 200),
                                 "evalue": evalue, "traceback": tb})
        elif kind == "clear_output":
            self.outputs, self.size = [], 0

    def _note_dropped(self):
        self._note(f"\n[output truncated: more than {self.limit // 1024} KB]\n")

    def _note(self, note):
        """Append `note` to the outputs unless it is already the last one."""
        last = self.outputs[-1] if self.outputs else None
        if not (last and last.get("text", "").endswith(note)):
            self.outputs.append({"output_type": "stream", "name": "stdout", "text": note})
