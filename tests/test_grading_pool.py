"""The worker pool reports a worker that dies or hangs on an item, replaces it, and goes on."""

import os
import time

from autograder.pool import WorkerPool

_state = {}


def _init(tag):
    _state["tag"] = tag


def _work(item):
    if item == "crash":
        os._exit(9)
    if item == "hang":
        time.sleep(60)
    return f"{_state['tag']}:{item}"


def test_a_dead_or_hung_worker_costs_only_its_item():
    pool = WorkerPool(2, _init, ("w",), _work, deadline=3.0)
    try:
        outcomes = {item: (result, why) for item, result, why in
                    pool.run(["a", "crash", "b", "hang", "c", "d"])}
    finally:
        pool.close()
    assert {k: v[0] for k, v in outcomes.items() if v[1] is None} == {
        "a": "w:a", "b": "w:b", "c": "w:c", "d": "w:d"}
    assert outcomes["crash"] == (None, "the grading process died (exit code 9)")
    assert outcomes["hang"] == (None, "the grading process took longer than 3 s")
