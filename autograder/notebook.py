"""Grade one restored notebook: run its cells and probes in a jailed kernel, judge, write it back.

`grade_notebook(context, sandbox, template, nb, questions)` restores the student's notebook
around the instructor's cells, runs it step by step (`NotebookRun`: a lost kernel is replaced
and the cells that worked are replayed), has the judges rule on what the probes recorded, and
returns the graded notebook with each test cell's outputs in the shape nbgrader scores.
"""

import copy
import os
import re
import time
from dataclasses import dataclass

import nbformat

from . import answers, inert
from .probing import probe_code
from .records import GraderError, Run, Status, Verdict
from .submission import restore, scan


@dataclass
class Step:
    """One piece of code to run: a cell's own code, or the probe that follows a test cell."""

    cell: int  # index in the restored cells
    code: str
    grade_id: str | None = None
    answer: str | None = None  # a probe's .npz path; None for the cell's own code
    run: Run | None = None  # how it went, once run

    @property
    def is_probe(self):
        """This step records a question's outputs (it is not a cell of the notebook)."""
        return self.answer is not None


def _seconds(t):
    """A duration as the feedback writes it."""
    return f"{t:g} s"


_LOST = {Status.KILLED: "ignored the interrupt and was killed", Status.DIED: "killed its kernel"}


class NotebookRun:
    """Executes a restored notebook's steps, restarting the kernel when it is lost."""

    def __init__(self, sandbox, limits, flags):
        """A run of one notebook within `limits`; flags what happens into `flags`."""
        self.sandbox, self.limits, self.flags = sandbox, limits, flags
        self.kernel, self.history, self.restarts = None, [], 0
        self.deadline = time.monotonic() + limits.notebook_timeout
        self.failed_start = None

    def remaining(self):
        """Seconds left of the notebook's time limit."""
        return self.deadline - time.monotonic()

    def _kernel(self):
        """A live kernel with the state of the steps that worked, or None."""
        while self.kernel is None:
            if self.restarts > self.limits.max_restarts or self.remaining() <= 0:
                return None
            try:
                self.kernel = self.sandbox.start_kernel()
            except RuntimeError as e:
                self.failed_start = str(e)
                self.restarts += 1
                continue
            for step in list(self.history):
                run = self.kernel.run(step.code, min(self.limits.cell_timeout, self.remaining()))
                if run.kernel_lost:
                    self.history.remove(step)
                    self._lost(step, run, replay=True)
                    break
        return self.kernel

    def _lost(self, step, run, replay=False):
        """Drop the kernel `step` lost, and flag it."""
        self.restarts += 1
        self.kernel.shutdown()
        self.kernel = None
        what = "a test of " + step.grade_id if step.is_probe else f"cell {step.cell + 1}"
        self.flags.append(f"{what} {_LOST[run.status]}{' when replayed' if replay else ''}; "
                          "a fresh kernel continued")

    def run(self, step):
        """Run `step` in a live kernel -> Run (NOT_RUN_* when no time or kernel is left)."""
        if self.remaining() <= 0:
            return Run(Status.NOT_RUN_TIME)
        kernel = self._kernel()
        if kernel is None:
            return Run(Status.NOT_RUN_TIME if self.remaining() <= 0 else Status.NOT_RUN_RESTARTS)
        run = kernel.run(step.code, min(self.limits.cell_timeout, self.remaining()))
        if run.kernel_lost:
            self._lost(step, run)
        elif not step.is_probe:
            self.history.append(step)
        if run.status == Status.TIMEOUT and not step.is_probe:
            self.flags.append(f"cell {step.cell + 1} was stopped after "
                              f"{_seconds(round(run.seconds))} (time limit per cell)")
        return run

    def close(self):
        """Shut the kernel down."""
        if self.kernel is not None:
            self.kernel.shutdown()
            self.kernel = None


def run_message(run, limits):
    """Why a question got no verdict from its judge, or None (the code ran to its end)."""
    return {
        Status.TIMEOUT: f"stopped after {_seconds(limits.cell_timeout)} (the time limit per "
                        "cell): look for a loop that never ends or work that is far too slow",
        Status.KILLED: f"stopped after {_seconds(limits.cell_timeout)}: the code ignored the "
                       "interrupt, so its kernel was killed",
        Status.DIED: "the kernel died while testing this answer (os._exit, a crash, or too much "
                     "memory); your other answers keep their points",
        Status.NOT_RUN_TIME: f"not run: the notebook used up its time limit of "
                             f"{_seconds(limits.notebook_timeout)}",
        Status.NOT_RUN_RESTARTS: "not run: the kernel died too many times",
    }.get(run.status)


def verdict(run, judged, limits):
    """One question's Verdict from its probe's run and the judge's (passed, message) or None."""
    message = run_message(run, limits)
    if message:
        return Verdict(False, message)
    if judged is None:
        why = next((f"{o['ename']}: {o['evalue']}" for o in run.outputs
                    if o["output_type"] == "error"), "no error was shown")
        return Verdict(False, f"no answer was recorded for this test ({why})")
    passed, message = judged
    return Verdict(passed, coarse_numbers(message))


_DECIMAL = re.compile(r"(?<![\w.])-?\d+\.\d+(?:[eE][+-]?\d+)?(?![\w.])")


def coarse_numbers(message):
    """The judge's message with every decimal number to 3 significant digits: the student sees
    which entry is wrong and by how much, not a hidden case's expected values in full."""
    return _DECIMAL.sub(lambda m: f"{float(m.group()):.3g}", message)


def _test_outputs(outputs, verdict):
    """A test cell's outputs in the shape nbgrader scores: an error output iff it failed."""
    shown = []
    for out in outputs:
        out = dict(out)
        if out["output_type"] == "execute_result":  # never read as partial credit
            out = {"output_type": "display_data", "data": out["data"], "metadata": {}}
        if verdict.passed and out["output_type"] == "error":
            continue
        if verdict.passed and out["output_type"] == "stream" and out["name"] == "stderr":
            out["name"] = "stdout"
        shown.append(out)
    if not verdict.passed:
        shown.append({"output_type": "error", "ename": "AssertionError",
                      "evalue": verdict.message,
                      "traceback": [f"AssertionError: {verdict.message}"]})
    return shown


def _flag_tampering(cells, flags):
    """Flag suspicious code in the cells the student wrote (advice only, never scored)."""
    for i, rc in enumerate(cells):
        if rc.by_student and rc.code:
            for finding in scan(rc.code):
                flags.append(f"suspected tampering in cell {i + 1}: {finding}")


def plan_steps(cells, questions, sandbox):
    """The steps to run: every cell with code, each graded test cell followed by its probe."""
    steps = []
    for i, rc in enumerate(cells):
        if rc.code is None or not rc.code.strip():
            continue
        steps.append(Step(i, rc.code, rc.grade_id))
        if rc.kind == "test" and rc.grade_id in questions:
            answer = os.path.join(sandbox.results, f"{os.urandom(8).hex()}.npz")
            steps.append(Step(i, probe_code(questions[rc.grade_id], sandbox.probes, answer),
                              rc.grade_id, answer))
    return steps


def run_steps(steps, runner):
    """Run every step in order (each gets its `run`); a probe whose test cell did not finish
    is not run: it takes that cell's run, which already shows the code runs away."""
    cell_runs = {}
    for step in steps:
        test_run = cell_runs.get(step.cell)
        if step.is_probe and not test_run.status.finished:
            step.run = test_run
        else:
            step.run = runner.run(step)
        if not step.is_probe:
            cell_runs[step.cell] = step.run


def judge_probes(probes, questions, uid, limits):
    """{grade_id: Verdict} of the probe steps, judged outside the kernel."""
    judged = answers.judge_all([(p.grade_id, questions[p.grade_id], p.answer) for p in probes
                                if p.run.status.finished], uid)
    return {p.grade_id: verdict(p.run, judged.get(p.grade_id), limits) for p in probes}


def graded_notebook(template, cells, cell_runs, verdicts):
    """The graded notebook: the restored cells with their outputs (the student's cleaned of
    anything active), numbered in run order; each test cell shows its verdict."""
    graded = nbformat.v4.new_notebook(metadata=copy.deepcopy(template.metadata))
    count, budget = 0, inert.Budget()
    for i, rc in enumerate(cells):
        cell, run = rc.cell, cell_runs.get(i)
        if rc.by_student:
            inert.clean_cell(cell, budget)
        if cell.cell_type == "code":
            if run is not None and run.status.ran:
                count += 1
                cell.execution_count = count
            outputs = list(run.outputs) if run else []
            if rc.kind == "test":
                outputs = _test_outputs(outputs, verdicts[rc.grade_id])
            cell.outputs = [nbformat.from_dict(o) for o in outputs]
        graded.cells.append(cell)
    return graded


def grade_notebook(context, sandbox, template, nb, questions):
    """Run one restored notebook -> (graded nb, {grade_id: Verdict}, flags)."""
    cells, flags = restore(template, nb)
    _flag_tampering(cells, flags)
    steps = plan_steps(cells, questions, sandbox)
    runner = NotebookRun(sandbox, context.limits, flags)
    try:
        run_steps(steps, runner)
    finally:
        runner.close()
    verdicts = judge_probes([s for s in steps if s.is_probe], questions, sandbox.uid,
                            context.limits)
    cell_runs = {s.cell: s.run for s in steps if not s.is_probe}
    if runner.failed_start and any(r.status == Status.NOT_RUN_RESTARTS
                                   for r in cell_runs.values()):
        raise GraderError(f"no kernel could be started for this notebook: {runner.failed_start}")
    for rc in cells:  # a test cell without a probe fails with the reason
        if rc.kind == "test" and rc.cell.cell_type == "code":
            verdicts.setdefault(rc.grade_id, Verdict(False, f"no hidden test for {rc.grade_id!r}"))
    return graded_notebook(template, cells, cell_runs, verdicts), verdicts, flags
