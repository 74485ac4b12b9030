"""Judge halves of the hidden tests: compare recorded outputs with `solutions` (trusted side).

`JUDGES[grade_id](outputs) -> list[str]` (an empty list is a pass).
"""

import importlib

from hiddentests.probes import ASSIGNMENT_MODULES

JUDGES = {}
for _name in ASSIGNMENT_MODULES:
    _module = importlib.import_module(f"hiddentests.judges.{_name}")
    JUDGES.update(_module.JUDGES)
