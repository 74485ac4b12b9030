"""Command line of the grading pipeline: release, grade, merge, export, similarity, demo.

    python -m autograder release [ASSIGNMENT ...]
    python -m autograder collect ASSIGNMENT [--student ID] [--no-owner-check]
    python -m autograder collect ASSIGNMENT --from FILE.zip --roster FILE [--id-column COLUMN]
    python -m autograder grade ASSIGNMENT --submissions DIR [--jobs N] [--report FILE]
                               [--force] [--student ID] [--shard K/N|auto[/N]] [--output DIR]
                               [limits...]
    python -m autograder release-feedback ASSIGNMENT
    python -m autograder merge REPORT ... [--output DIR] [--report FILE] [--record] [--partial]
    python -m autograder export ASSIGNMENT --format canvas|moodle|csv --roster FILE --output FILE
    python -m autograder similarity ASSIGNMENT --submissions DIR --output DIR [--threshold T]
    python -m autograder demo

Exit status: 0 when every submission was processed (bad submissions included: they get a
per-student error), 2 when the instructor's side is broken (missing assignment, unreadable course).
"""

import os
import sys

from .course import CourseError
from .options import parser, shard_from_env  # noqa: F401 (shard_from_env: for callers)


def _release(args):
    """`release`: build the student release and list what was written."""
    from .release import release

    for path in release(args.course, args.assignments):
        print(f"released {path}")


def _collect(args):
    """`collect`: take the submissions in; name every refused folder and why."""
    from .collect import collect
    from .lms_download import import_download

    if args.download:
        if not args.roster:
            raise CourseError("collect --from needs --roster: the LMS names students by its "
                              "own ids, the roster maps them to nbgrader's")
        outcome = import_download(args.course, args.assignment, args.download, args.roster,
                                  args.id_column)
    else:
        outcome = collect(args.course, args.assignment, student=args.student,
                          owner_check=args.owner_check)
    print(f"collected {len(outcome.collected)} submission(s) of {args.assignment}"
          + (f", {len(outcome.unchanged)} unchanged" if outcome.unchanged else "")
          + f" into {os.path.join(os.path.abspath(args.course), 'submitted')}")
    for sid, why in outcome.refused:
        print(f"refused {sid}: {why}", file=sys.stderr)


def _grade(args):
    """`grade`: grade the class, print the summary and where grades and feedback are."""
    from .grade import grade_assignment
    from .sandbox import Limits

    cell_timeout = args.cell_timeout
    if cell_timeout is None:
        from .course import Course

        cell_timeout = Course(args.course).cell_timeout(Limits().cell_timeout)
    limits = Limits(cell_timeout=cell_timeout, notebook_timeout=args.notebook_timeout,
                    memory_mb=args.memory_mb, processes=args.processes,
                    fork_kernels=not args.fresh_kernels)
    _report, table, output = grade_assignment(
        args.assignment, args.submissions, course_root=args.course, jobs=args.jobs,
        report=args.report, output=args.output, force=args.force, shard=args.shard,
        limits=limits, hidden_module=args.hidden, progress=not args.quiet,
        student=args.student)
    print(table)
    print(f"\ngrades: {os.path.join(output, 'grades.csv')}")
    print(f"feedback: {os.path.join(os.path.abspath(args.course), 'feedback')}"
          f"/<student>/{args.assignment}/")


def _release_feedback(args):
    """`release-feedback`: feedback to the exchange; name who has to get it another way."""
    from .course import Course
    from .exchange import release_feedback

    released, without = release_feedback(Course(args.course), args.assignment)
    print(f"released the feedback of {len(released)} student(s) to the exchange")
    if without:
        print(f"not through the exchange (no timestamp.txt and submission_secret.txt: a folder "
              f"drop or an LMS download), give them COURSE/feedback/<student>/"
              f"{args.assignment}/ another way: {', '.join(without)}", file=sys.stderr)


def _merge(args):
    """`merge`: join shard reports; with --record, record them in the gradebook."""
    from .merge import find_reports, merge_reports, record_merged

    _report, table = merge_reports(find_reports(args.reports), args.output, args.report,
                                   partial=args.partial)
    if args.record:
        _report, table = record_merged(args.course, args.output, args.report)
    print(table)


def _export(args):
    """`export`: write the grades for an LMS; warn about graded students not in the roster."""
    from .export import export

    unrostered, unknown = export(args.course, args.assignment, args.format, args.roster,
                                 args.output, report=args.report, column=args.column,
                                 missing=args.missing, scale=args.scale,
                                 id_column=args.id_column)
    print(f"wrote {args.output}")
    if unknown:
        print(f"note: no submission and unknown to nbgrader (a typo in {args.roster}?), so "
              f"left {'out' if args.format == 'moodle' else 'blank'}: {', '.join(unknown)}",
              file=sys.stderr)
    if unrostered:
        print(f"warning: graded but not in the roster {args.roster}, so not matched in "
              f"the LMS: {', '.join(unrostered)}", file=sys.stderr)


def _similarity(args):
    """`similarity`: compare the submissions; print the pairs above the threshold."""
    from .similarity import similarity

    rows, page = similarity(args.course, args.assignment, args.submissions, args.output,
                            threshold=args.threshold, top=args.top)
    above = [r for r in rows if r[0] >= args.threshold]
    print(f"{len(rows)} pairs compared, {len(above)} at or above {args.threshold:g}")
    for score, _shared, a, b in above[:10]:
        print(f"  {score:.2f}  {a}  {b}")
    print(f"report: {os.path.abspath(page)}")
    print(f"all pairs: {os.path.join(os.path.abspath(args.output), 'similarity.csv')}")


def _demo(args, given_course):
    """`demo`: the whole workflow on a sample class (in the project's course unless given)."""
    from .demo import main as demo
    from .grade import PROJECT_ROOT

    return demo(course=given_course or os.path.join(PROJECT_ROOT, "assignments"))


COMMANDS = {"release": _release, "collect": _collect, "grade": _grade, "merge": _merge,
            "release-feedback": _release_feedback, "export": _export,
            "similarity": _similarity}


def tools_on_path():
    """Put this interpreter's bin folder first on PATH: nbgrader runs `alembic` from PATH to
    open a gradebook, which fails when the environment was not activated."""
    bin_dir = os.path.dirname(sys.executable)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")


def main(argv=None):
    """Run one command -> exit status (0 done, 2 the instructor's side is broken, 130 stopped)."""
    args = parser().parse_args(argv)
    tools_on_path()
    given_course, args.course = args.course, args.course or "assignments"
    try:
        if args.command == "demo":
            return _demo(args, given_course)
        COMMANDS[args.command](args)
    except CourseError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: results saved so far are kept; run again to resume",
              file=sys.stderr)
        return 130
    return 0
