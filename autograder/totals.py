"""A student's score from every source: the automatic results, the hand grades a TA entered in
the formgrader (nbgrader's gradebook), and the late penalty, combined in one place.

nbgrader keeps a TA's work in its gradebook: `Grade.manual_score` (a free-response question, or
an automatic score overridden), `Grade.extra_credit`, and `Comment.manual_comment` on answer
cells. `nbgrader export` counts a question as its manual score when there is one, else its
automatic score, plus extra credit, and takes off the late penalty. `fold` does the same to
the pipeline's results, so that `report.json`, `grades.csv`, the summary, each student's
feedback and every LMS export agree with `nbgrader export` to the point:

- `settle(course, assignment, submissions, results)` after grading: hand grades folded in, the
  late policy applied (`late.py`), penalties recorded in the gradebook, feedback rewritten;
- `refresh(course_root, assignment, data, report_path)` before an export: the same from a saved
  report, for hand grades entered since `grade` ran;
- `settle_merged(course, assignment, results)` after `merge --record`: the same for merged
  shards, charging lateness from the submission times the shards recorded.

Folding keeps what the grader gave (`auto_score`, `auto_feedback` in the question's entry),
so that folding again after a TA changes their mind starts from the grader's verdict.
"""

import os
from dataclasses import dataclass

from . import late
from . import report as reports
from .course import Course, CourseError


@dataclass
class HandGrade:
    """What a TA entered for one cell of one student's submission."""

    manual_score: float | None  # None: not graded by hand
    extra_credit: float | None
    comment: str  # "" when none


def read_hand_grades(course, assignment, students):
    """{sid: {cell name: HandGrade}} of every cell a TA scored or commented on (students
    without a submission in the gradebook are left out)."""
    from nbgrader.api import Gradebook, MissingEntry

    found = {}
    with Gradebook(course.db_url, course.course_id) as gb:
        for sid in students:
            try:
                submission = gb.find_submission(assignment, sid)
            except MissingEntry:
                continue
            cells = {}
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    if grade.manual_score is not None or grade.extra_credit:
                        cells[grade.name] = HandGrade(grade.manual_score, grade.extra_credit, "")
                for comment in notebook.comments:
                    text = (comment.manual_comment or "").strip()
                    if text:
                        hand = cells.setdefault(comment.name, HandGrade(None, None, ""))
                        hand.comment = text
            if cells:
                found[sid] = cells
    return found


def _fold_question(q, hand):
    """Question entry `q` with the TA's grade and comment `hand` (a new dict)."""
    q = dict(q)
    auto_score = q.setdefault("auto_score", q["score"])
    feedback = q.setdefault("auto_feedback", q["feedback"])
    if hand is None:
        q["score"], q["feedback"] = auto_score, feedback
        return q
    score = hand.manual_score if hand.manual_score is not None else auto_score
    score += hand.extra_credit or 0.0
    if feedback == reports.MANUAL:
        if hand.manual_score is not None:
            feedback = f"graded by hand: {score:g} / {q['max_score']:g}"
    elif hand.manual_score is not None and hand.manual_score != auto_score:
        feedback += f"\nscore set by hand: {hand.manual_score:g} / {q['max_score']:g}"
    if hand.extra_credit:
        feedback += f"\nextra credit: {hand.extra_credit:g}"
    if hand.comment:
        feedback += f"\nTA's comment: {hand.comment}"
    q["score"], q["feedback"] = score, feedback
    return q


def fold(results, hand_grades):
    """Results with the hand grades folded in -> new dicts; `raw_score` and `score` are the
    sum of the questions (before any late penalty, which `late.apply` takes off)."""
    folded = {}
    for sid, result in results.items():
        hands = hand_grades.get(sid, {})
        questions = {gid: _fold_question(q, hands.get(gid))
                     for gid, q in result["questions"].items()}
        comments = {name: h.comment for name, h in hands.items()
                    if h.comment and name not in questions}
        raw = round(sum(q["score"] for q in questions.values()), 6)
        folded[sid] = dict(result, questions=questions, score=raw, raw_score=raw,
                           comments=comments)
    return folded


def _notebook_ids(course, assignment):
    """{notebook name: set of grade ids} of the assignment's notebooks."""
    return {t.name: set(t.by_id()) for t in course.templates(assignment)}


def publish(course, assignment, entries, policy, record=True):
    """Record the penalties in the gradebook (unless not `record`) and rewrite every student's
    feedback table."""
    if record:
        late.record(course, assignment, entries)
    ids = _notebook_ids(course, assignment)
    for sid, entry in entries.items():
        reports.update_feedback(course.root, assignment, sid, entry, ids, policy)


def settle(course, assignment, submissions, results, log=print, record=True):
    """After grading: fold the gradebook's hand grades into `results`, apply the late policy,
    record (unless not `record`: a shard) and publish -> entries (see `late.apply`)."""
    folded = fold(results, read_hand_grades(course, assignment, results))
    entries = late.settle(course, assignment, submissions, folded, log)
    publish(course, assignment, entries, late.load_policy(course), record)
    return entries


def settle_merged(course, assignment, results):
    """After `merge --record`: fold the hand grades into the merged `results`, charge the late
    penalty from each recorded submission time with today's due date and extensions, record
    and publish -> entries."""
    folded = fold(results, read_hand_grades(course, assignment, results))
    entries = late.recharge(course, assignment, folded)
    publish(course, assignment, entries, late.load_policy(course))
    return entries


def refresh(course_root, assignment, data, report_path):
    """Before an export: fold the gradebook's current hand grades into the saved report `data`
    (read from `report_path`), charge the late penalty again on the new totals, and rewrite the
    report, grades.csv, summary, feedback and gradebook penalties -> the new report dict (or
    `data` as it is, when the course has no gradebook entry for the assignment)."""
    try:
        course = Course(course_root)
        graded_here = course.in_gradebook(assignment)
    except CourseError:
        graded_here = False
    if not graded_here:
        return data
    results = {sid: dict(e, student=sid) for sid, e in data["students"].items()}
    entries = fold(results, read_hand_grades(course, assignment, results))
    policy = late.load_policy(course)
    for entry in entries.values():
        entry["penalty"] = policy.penalty(entry["raw_score"], entry["max_score"],
                                          float(entry.get("late_seconds", 0.0)))
        entry["score"] = round(entry["raw_score"] - entry["penalty"], 6)
    publish(course, assignment, entries, policy)
    out_dir = os.path.dirname(os.path.abspath(report_path))
    report, _table = reports.write_outputs(out_dir, assignment, entries, report_path)
    return report
