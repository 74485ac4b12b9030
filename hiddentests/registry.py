"""QUESTIONS: every auto-graded cell of every assignment, from `hiddentests.questions`.

Each assignment's module `hiddentests/questions/<assignment>.py` holds one `Question` per graded
cell (grade id, points, probe, judge); a new assignment is a new module there. The registry
refuses a grade id declared twice or declared by another assignment's module, with a message
naming it (and assignments/build.py a test cell without an entry, or an entry without one).
"""

import importlib
import pkgutil

from hiddentests import questions
from hiddentests.core import RegistryError

ASSIGNMENTS = sorted(m.name for m in pkgutil.iter_modules(questions.__path__))


def collect(assignments=ASSIGNMENTS):
    """{grade_id: Question} of the assignments' question modules, checked for consistency."""
    questions = {}
    for assignment in assignments:
        module = importlib.import_module(f"hiddentests.questions.{assignment}")
        prefix = assignment.split("_")[0] + "_"
        for question in module.QUESTIONS:
            if not question.grade_id.startswith(prefix):
                raise RegistryError(
                    f"{question.grade_id} is declared in hiddentests/questions/{assignment}.py "
                    f"but its grade id does not start with {prefix!r}"
                )
            if question.grade_id in questions:
                raise RegistryError(f"{question.grade_id} is declared twice")
            questions[question.grade_id] = question
    return questions


QUESTIONS = collect()
