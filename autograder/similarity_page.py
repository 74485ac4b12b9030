"""The similarity report's HTML page: the most similar pairs side by side, shared lines marked.

Student code is HTML-escaped line by line, so a submission's `<script>` shows as text, and the
page forbids scripts and outside resources (Content-Security-Policy): it is safe to open
whatever the students wrote.
"""

import html

from .similarity import tokens

STYLE = """
body { font-family: system-ui, sans-serif; margin: 1.5em; }
table.pairs { border-collapse: collapse; margin-bottom: 1em; }
table.pairs td, table.pairs th { border: 1px solid #ccc; padding: 2px 8px; text-align: left; }
.side { display: grid; grid-template-columns: 1fr 1fr; gap: 1em; }
.side h4 { margin: 0.6em 0 0.2em; font-family: monospace; }
pre.code { margin: 0; padding: 4px; overflow-x: auto; font-size: 12px; background: #f6f8fa; }
pre.code .hll { background-color: #ffe08a; }
section.pair { border-top: 2px solid #888; margin-top: 1.5em; }
"""


def _shared_lines(sub, shared, code_lines):
    """{cell index: line numbers} of `sub` that hold tokens of the shared fingerprints."""
    lines = {}
    for digest in shared:
        for index, (first, last) in sub.prints.get(digest, ()):
            lines.setdefault(index, set()).update(range(first, last + 1))
    return {i: v & code_lines[i] for i, v in lines.items()}


def _prepare(sub):
    """Per cell: (escaped lines, the lines holding code) of the cells that have code of the
    student's own (a cell the release gave and nobody changed is left out), else None."""
    own = {index for places in sub.prints.values() for index, _ in places}
    return [(html.escape(source).split("\n"), {line for _, line in tokens(source)})
            if index in own else None for index, (_label, source) in enumerate(sub.cells)]


def _column(sub, shared, cache):
    """One student's cells, escaped once (cached), with the shared lines marked."""
    if sub.student not in cache:
        cache[sub.student] = _prepare(sub)
    cells = cache[sub.student]
    marked = _shared_lines(sub, shared, [c[1] if c else set() for c in cells])
    parts = [f"<h3>{html.escape(sub.student)}</h3>"]
    if sub.note:
        parts.append(f"<p><i>{html.escape(sub.note)}</i></p>")
    for index, ((label, _source), cell) in enumerate(zip(sub.cells, cells, strict=True)):
        if cell is None:
            continue
        mark = marked.get(index, set())
        code = "\n".join(f"<span class='hll'>{line}</span>" if n in mark else line
                         for n, line in enumerate(cell[0], start=1))
        parts.append(f"<h4>{html.escape(label)}</h4><pre class='code'>{code}\n</pre>")
    return "<div>" + "".join(parts) + "</div>"


def pair_section(number, row, subs, cache):
    """The HTML section of one pair: both students' code with the shared lines marked."""
    score, count, a, b = row
    shared = set(subs[a].prints) & set(subs[b].prints)
    return (f"<section class='pair' id='pair-{number}'>"
            f"<h2>{number}. {html.escape(a)} and {html.escape(b)}: {score:.2f} "
            f"({count} shared fingerprints)</h2>"
            f"<div class='side'>{_column(subs[a], shared, cache)}"
            f"{_column(subs[b], shared, cache)}</div>"
            "</section>")


def write_page(path, assignment, subs, rows, threshold, total_pairs):
    """The HTML report of `rows` [(score, shared, a, b)] (already chosen and sorted)."""
    summary = "".join(
        f"<tr><td><a href='#pair-{i}'>{i}</a></td><td>{html.escape(a)}</td>"
        f"<td>{html.escape(b)}</td><td>{score:.2f}</td><td>{count}</td></tr>"
        for i, (score, count, a, b) in enumerate(rows, start=1))
    cache = {}
    body = "".join(pair_section(i, row, subs, cache) for i, row in enumerate(rows, start=1))
    notes = "".join(f"<li>{html.escape(s.student)}: {html.escape(s.note)}</li>"
                    for s in subs.values() if s.note)
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Similarity: {html.escape(assignment)}</title>
<style>{STYLE}</style></head>
<body><h1>Similar submissions: {html.escape(assignment)}</h1>
<p>{len(subs)} students, {total_pairs} pairs compared. Score: the share of normalized code
(comments, spacing and names ignored, the release's starter code removed) that two submissions
have in common, from 0 to 1. Shown: the pairs at or above {threshold:g} and at least the top
few; every pair is in similarity.csv. A high score is a reason to look, not a verdict: the
lines the pair shares are marked.</p>
<table class='pairs'><tr><th>#</th><th>student</th><th>student</th><th>score</th>
<th>shared</th></tr>{summary}</table>
{f"<p>Could not be read:</p><ul>{notes}</ul>" if notes else ""}
{body}
</body></html>
"""
    with open(path, "w", encoding="utf-8") as f:
        f.write(page)
