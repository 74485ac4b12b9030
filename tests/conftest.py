"""Shared test set-up: the maintainers' tools (tools/) are importable from every test, and the
assignments graded by real nbgrader once per run (for the nbgrader tests and for the
pipeline's question-by-question agreement with nbgrader)."""

import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

TOOLS = Path(__file__).resolve().parents[1] / "tools"
if str(TOOLS) not in sys.path:
    sys.path.insert(0, str(TOOLS))


@pytest.fixture(scope="session")
def nbgrader_graded(tmp_path_factory):
    """{assignment: assignment_harness.grade_with_nbgrader's dict} for every assignment under
    test, graded two at a time, each in its own temporary course."""
    from assignment_harness import AVAILABLE, grade_with_nbgrader

    roots = {a: tmp_path_factory.mktemp(a) for a in AVAILABLE}
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {a: pool.submit(grade_with_nbgrader, roots[a], a) for a in AVAILABLE}
        return {a: f.result() for a, f in futures.items()}
