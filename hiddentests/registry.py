"""QUESTIONS: every auto-graded cell of every assignment, probe and judge joined by grade id."""

from hiddentests.core import Question
from hiddentests.judges import JUDGES
from hiddentests.probes import META, PROBES

if set(PROBES) != set(JUDGES) or set(PROBES) != set(META):
    raise RuntimeError(
        "hidden tests are inconsistent: grade ids with a probe but no judge or metadata: "
        f"{sorted(set(PROBES) ^ set(JUDGES) | set(PROBES) ^ set(META))}"
    )

QUESTIONS = {
    grade_id: Question(
        grade_id=grade_id,
        points=float(META[grade_id][0]),
        names=tuple(META[grade_id][1]),
        probe=PROBES[grade_id],
        judge=JUDGES[grade_id],
    )
    for grade_id in PROBES
}
