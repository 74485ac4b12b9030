"""What grading produces: graded notebooks, feedback HTML, the grades CSV, JSON report, summary.

- `save_graded` writes `autograded/<student>/<assignment>/<nb>.ipynb` (what formgrader shows) and
  `feedback/<student>/<assignment>/<nb>.html`: a per-question table on top of the notebook, with
  the hidden tests removed.
- `write_outputs` writes `grades.csv` (a row per student, a column per question), the JSON report
  of the contract and `summary.txt` (the table `summary_table` prints).
"""

import copy
import glob
import html
import json
import os
import re

import nbformat
from nbgrader.preprocessors import ClearHiddenTests

from . import late, spreadsheet

_exporter = None
MANUAL = "graded by hand in formgrader"
LATE_FIELDS = ("raw_score", "late_seconds", "penalty")
TIME_FIELDS = ("submitted", "time_source", "time_note", "extension_hours")  # when, and how


class _Remembered:
    """A pure text filter of nbconvert, remembered by its arguments.

    Most of a feedback page is the same for every student (the instructor's cells, the text),
    and highlighting and sanitizing it is most of the page's cost; a worker grading many
    students computes each piece once. Texts over REMEMBERED_CHARS are not kept.
    """

    def __init__(self, fn, size=2048):
        self.fn, self.size, self.kept = fn, size, {}

    def __call__(self, text, **kwargs):
        """fn(text, **kwargs), from memory when this text was seen with these arguments."""
        if not isinstance(text, str | bytes) or len(text) > REMEMBERED_CHARS:
            return self.fn(text, **kwargs)
        key = (text, json.dumps(kwargs, sort_keys=True, default=str))
        if key not in self.kept:
            if len(self.kept) >= self.size:
                self.kept.clear()
            self.kept[key] = self.fn(text, **kwargs)
        return self.kept[key]


REMEMBERED_CHARS = 5_000  # with at most 2048 texts kept: some tens of MB per worker at worst


def _html_exporter():
    """nbconvert's HTML exporter, sanitizing, made once per process."""
    global _exporter
    if _exporter is None:
        from nbconvert import HTMLExporter
        from nbconvert.filters import clean_html

        # sanitized: a student's markdown or output must not run in the reader's browser
        _exporter = HTMLExporter(template_name="lab", sanitize_html=True,
                                 filters={"clean_html": _Remembered(clean_html)})
    return _exporter


_highlighters = {}
HIGHLIGHTED_CHARS = 20_000  # longer code is shown as plain text (pygments: ~6 s per 100 KB)


class _Plain:
    """A code highlighter that leaves code over HIGHLIGHTED_CHARS as escaped plain text."""

    def __init__(self, highlight):
        self.highlight = highlight

    def __call__(self, text, *args, **kwargs):
        """`text` highlighted, or escaped in the same markup when it is too long."""
        if isinstance(text, str) and len(text) > HIGHLIGHTED_CHARS:
            return f'<div class="highlight"><pre>{html.escape(text)}</pre></div>'
        return self.highlight(text, *args, **kwargs)


def _to_html(nb):
    """The HTML page of `nb`, its code highlighted with the lexer its metadata names."""
    from nbconvert.filters import Highlight2HTML

    exporter = _html_exporter()
    info = nb.metadata.get("language_info", {})
    lexer = info.get("pygments_lexer", info.get("name"))
    if lexer not in _highlighters:
        _highlighters[lexer] = _Plain(_Remembered(Highlight2HTML(pygments_lexer=lexer,
                                                                 parent=exporter)))
    exporter.filters["highlight_code"] = _highlighters[lexer]
    body, _ = exporter.from_notebook_node(nb)
    return body


def preload():
    """Import what writing feedback needs (before forking workers, so that they share it)."""
    _html_exporter()
    import nbgrader.preprocessors  # noqa: F401


def atomic_write(path, text):
    """Write `text` to `path` through a temporary file, so readers never see half of it."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def question_table(result, names=None, policy=None):
    """The feedback's head for one student: the score line, the per-question table (scores,
    messages, hand grades), the TA's comments and notes, between markers that let
    `update_feedback` replace it. `names`: the grade ids of this notebook (default: all)."""
    rows = []
    for gid, q in result["questions"].items():
        if names is not None and gid not in names:
            continue
        ok = q["score"] >= q["max_score"]
        rows.append(
            f"<tr><td><code>{html.escape(gid)}</code></td>"
            f"<td style='text-align:right'>{q['score']:g} / {q['max_score']:g}</td>"
            f"<td style='color:{'#1a7f37' if ok else '#cf222e'}'><pre style='margin:0;"
            f"white-space:pre-wrap'>{html.escape(q['feedback'])}</pre></td></tr>")
    notes = "".join(f"<li>{html.escape(f.splitlines()[0])}</li>" for f in result["flags"])
    comments = "".join(f"<li><code>{html.escape(cell)}</code>: {html.escape(text)}</li>"
                       for cell, text in (result.get("comments") or {}).items())
    error = (f"<p><b>This submission could not be fully graded:</b> "
             f"{html.escape(result['error'])}</p>" if result.get("error") else "")
    return (
        f"{TABLE_START}<h2>Feedback: {html.escape(result['student'])}</h2>"
        f"{late.score_paragraph(result, policy)}{error}"
        "<table><tr><th>question</th><th>score</th><th>message</th></tr>"
        + "".join(rows) + "</table>"
        + (f"<p>Comments from your TA:</p><ul>{comments}</ul>" if comments else "")
        + (f"<p>Notes from grading:</p><ul>{notes}</ul>" if notes else "") + TABLE_END)


TABLE_START, TABLE_END = "<!-- feedback -->", "<!-- /feedback -->"
_TABLE = re.compile(re.escape(TABLE_START) + ".*?" + re.escape(TABLE_END), re.S)


def update_feedback(course_root, assignment, sid, entry, ids, policy=None):
    """Rewrite the head of each of the student's feedback pages from `entry` (only when it
    changes); `ids`: {notebook name: its grade ids}."""
    folder = os.path.join(course_root, "feedback", sid, assignment)
    for path in glob.glob(os.path.join(glob.escape(folder), "*.html")):
        name = os.path.basename(path)[:-len(".html")]
        with open(path, encoding="utf-8") as f:
            text = f.read()
        new = question_table(dict(entry, student=sid), ids.get(name), policy)
        updated = _TABLE.sub(lambda m, new=new: new, text, count=1)
        if updated != text:
            atomic_write(path, updated)


def save_graded(context, student_id, name, graded, result):
    """Write the graded notebook and its feedback HTML -> their paths."""
    graded_path = os.path.join(context.course_root, "autograded", student_id,
                               context.assignment, f"{name}.ipynb")
    atomic_write(graded_path, nbformat.writes(graded))
    feedback = copy.deepcopy(graded)
    feedback, _ = ClearHiddenTests().preprocess(feedback, {})
    ids = {c.metadata.get("nbgrader", {}).get("grade_id") for c in feedback.cells}
    # nbconvert sanitizes raw HTML cells (h2, p, th, style... would show as text): the table
    # goes in after the export, in place of a plain-text token
    token = f"autograder-feedback-table-{os.urandom(8).hex()}"
    table = nbformat.v4.new_raw_cell(token, metadata={"raw_mimetype": "text/html"})
    feedback.cells.insert(0, table)
    body = _to_html(feedback)
    body = body.replace(token, question_table(result, ids), 1)
    feedback_path = os.path.join(context.course_root, "feedback", student_id,
                                 context.assignment, f"{name}.html")
    atomic_write(feedback_path, body)
    return {"graded": graded_path, "feedback": feedback_path}


def question_ids(results):
    """Every grade id of `results`, in first-seen order."""
    ids = []
    for r in results.values():
        for gid in r["questions"]:
            if gid not in ids:
                ids.append(gid)
    return ids


def contract_report(assignment, results):
    """The JSON report of contract.md."""
    students = {}
    for sid in sorted(results):
        r = results[sid]
        students[sid] = {
            "score": r["score"], "max_score": r["max_score"],
            "questions": {g: dict(q) for g, q in r["questions"].items()},
            "flags": list(r["flags"]), "error": r["error"],
        }
        students[sid].update({k: r[k] for k in LATE_FIELDS + TIME_FIELDS if k in r})  # late.py
    max_score = max((r["max_score"] for r in results.values()), default=0.0)
    return {"assignment": assignment, "max_score": max_score, "students": students}


def write_csv(path, results):
    """grades.csv: a row per student, a column per question."""
    ids = question_ids(results)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = spreadsheet.writer(f)
        w.writerow(["student_id", "score", "max_score", *LATE_FIELDS, *ids, "flags", "error"])
        for sid in sorted(results):
            r = results[sid]
            w.writerow([sid, f"{r['score']:g}", f"{r['max_score']:g}",
                        *(f"{r[k]:g}" if k in r else "" for k in LATE_FIELDS),
                        *(f"{r['questions'][g]['score']:g}" if g in r["questions"] else ""
                          for g in ids),
                        len(r["flags"]), r["error"] or ""])


def summary_table(results):
    """A plain-text grade table: a row per student, a column per question (legend below)."""
    ids = question_ids(results)
    cols = [f"q{i + 1}" for i in range(len(ids))]
    name_w = max([7] + [len(s) for s in results])
    head = f"{'student':<{name_w}}  {'score':>11}  " + " ".join(f"{c:>4}" for c in cols)
    lines = [head + "  notes", "-" * (len(head) + 7)]
    for sid in sorted(results):
        r = results[sid]
        cells = []
        for g in ids:
            q = r["questions"].get(g)
            manual = q and q["feedback"] == MANUAL
            cells.append(f"{'m':>4}" if manual else f"{(q['score'] if q else 0):>4g}")
        note = r["error"] or (f"{len(r['flags'])} flag(s): {r['flags'][0].splitlines()[0]}"
                              if r["flags"] else "")
        if r.get("penalty"):  # see late.py
            note = f"late {late.duration(r['late_seconds'])}: -{r['penalty']:g}; " + note
        if len(note) > 70:
            note = note[:69] + "…"
        score = f"{r['score']:g} / {r['max_score']:g}"
        lines.append(f"{sid:<{name_w}}  {score:>11}  " + " ".join(cells) + f"  {note}")
    columns = ", ".join(f"{c}={g}" for c, g in zip(cols, ids, strict=True))
    legend = "m = graded by hand in formgrader; " + columns
    return "\n".join(lines) + "\n\n" + "\n".join(_wrap(legend, 100))


def _wrap(text, width):
    """`text` wrapped to `width` columns (one empty line when empty)."""
    import textwrap

    return textwrap.wrap(text, width) or [""]


def write_outputs(out_dir, assignment, results, report_path=None, extra=None, note=None):
    """grades.csv, report.json and summary.txt in `out_dir` (and the report at `report_path`);
    `extra`: more top-level fields of the report (a shard's record, a partial merge's gaps);
    `note`: a line on top of the summary."""
    report = contract_report(assignment, results)
    report.update(extra or {})
    text = json.dumps(report, indent=2, sort_keys=False)
    atomic_write(os.path.join(out_dir, "report.json"), text)
    if report_path:
        atomic_write(os.path.abspath(report_path), text)
    write_csv(os.path.join(out_dir, "grades.csv"), results)
    table = summary_table(results)
    if note:
        table = f"{note}\n\n{table}"
    atomic_write(os.path.join(out_dir, "summary.txt"), table + "\n")
    return report, table
