"""Worker processes that grade one student at a time, and say so when one dies or hangs.

`multiprocessing.Pool` never reports a worker that was killed (out of memory, a crash in a
library): its task is lost and the run waits forever. `WorkerPool.run(items)` yields, for each
item, either `(item, result, None)` or, when the worker died or ran past `deadline` seconds on
it, `(item, None, why)`; the worker is then replaced and the run goes on.
"""

import ctypes
import multiprocessing
import os
import signal
import time
from multiprocessing.connection import wait

PR_SET_PDEATHSIG = 1


def _die_with_parent(parent):
    """A worker dies with the grading process, even if that one is killed with SIGKILL."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # it died before the line above
        os._exit(1)


def _worker_main(conn, parent, init, init_args, work):
    """A worker's loop: `init` once, then `work` each item received, until None."""
    _die_with_parent(parent)
    init(*init_args)
    while True:
        try:
            item = conn.recv()
        except EOFError:
            return
        if item is None:
            return
        conn.send(work(item))


class _Worker:
    """One forked worker process and the pipe to it."""

    def __init__(self, ctx, init, init_args, work):
        """Fork the worker (it dies with this process)."""
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main,
                                   args=(child, os.getpid(), init, init_args, work), daemon=True)
        self.process.start()
        child.close()
        self.item, self.started = None, 0.0

    def give(self, item):
        """Send `item` to the worker and start its clock."""
        self.item, self.started = item, time.monotonic()
        self.conn.send(item)

    def stop(self, kill=False):
        """End the worker: ask it to stop (or kill it), then reap it."""
        if kill:
            self.process.kill()
        else:
            try:
                self.conn.send(None)
            except OSError:
                pass
        self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()


class WorkerPool:
    """`jobs` forked workers, each running `init(*init_args)` once, then `work(item)` per item."""

    def __init__(self, jobs, init, init_args, work, deadline):
        """Start `jobs` workers; `deadline`: seconds one item may take."""
        self._ctx = multiprocessing.get_context("fork")
        self._spec = (init, init_args, work)
        self.deadline = deadline  # seconds one item may take before its worker is killed
        self.workers = [_Worker(self._ctx, *self._spec) for _ in range(jobs)]

    def run(self, items):
        """Yield (item, result, why) as items finish; `why` says why a worker failed, else None."""
        todo, idle, busy = list(items), list(self.workers), []
        while todo or busy:
            while idle and todo:
                worker = idle.pop()
                worker.give(todo.pop(0))
                busy.append(worker)
            ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout=1.0)
            for worker in list(busy):
                outcome = self._outcome(worker, ready)
                if outcome is None:
                    continue
                busy.remove(worker)
                item, worker.item = worker.item, None
                result, why = outcome
                if why is not None:
                    worker.stop(kill=True)
                    self.workers.remove(worker)
                    worker = _Worker(self._ctx, *self._spec)
                    self.workers.append(worker)
                idle.append(worker)
                yield item, result, why

    def _outcome(self, worker, ready):
        """(result, None), (None, why the worker failed), or None while it is still working."""
        if worker.conn in ready or worker.process.sentinel in ready:
            try:
                if worker.conn.poll():
                    return worker.conn.recv(), None
            except (EOFError, OSError):
                pass
            worker.process.join(1)
            code = worker.process.exitcode
            return None, f"the grading process died (exit code {code})"
        if time.monotonic() - worker.started > self.deadline:
            return None, f"the grading process took longer than {self.deadline:g} s"
        return None

    def close(self, kill=False):
        """Stop every worker."""
        for worker in self.workers:
            worker.stop(kill=kill)
        self.workers = []
