"""Read an instructor's CSV as spreadsheets save it: UTF-8 (with or without BOM) or Windows-1252,
comma, semicolon or tab separated; every problem is one CourseError naming the line and the cause.

Excel on Windows saves "CSV" in the machine's code page (cp1252 in Western Europe and the
Americas) and, where the decimal mark is a comma, separates fields with `;`. `read_table`
tries UTF-8 first (a BOM is dropped), then cp1252, and takes the separator the header line
uses most among `,`, `;` and tab.
"""

import csv
import io

from .course import CourseError

DELIMITERS = (",", ";", "\t")
SHOWN = {",": "','", ";": "';'", "\t": "a tab"}


def decode(data, path):
    """`data` (bytes) as text -> (text, encoding name); CourseError naming the first line that
    is neither UTF-8 nor cp1252."""
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError as e:
        utf8_error = e
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        line = data[:utf8_error.start].count(b"\n") + 1
        raise CourseError(f"{path}, line {line}: byte {data[utf8_error.start]:#04x} is neither "
                          "UTF-8 nor Windows-1252 text: save the file as CSV UTF-8") from None


def delimiter(header_line):
    """The separator the header line uses most among `,`, `;` and tab (`,` when none)."""
    counts = {d: header_line.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_table(path, what):
    """The CSV at `path` -> (header [str], [(line number, {column: value})]); `what` names the
    file in errors (e.g. "the roster"). Values and column names are stripped; a row with more
    fields than the header is a CourseError naming its line and the separator."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise CourseError(f"cannot read {what} {path}: {e.strerror or e}") from None
    text, _encoding = decode(data, path)
    first = text.split("\n", 1)[0]
    sep = delimiter(first)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    try:
        rows = list(reader)
    except csv.Error as e:
        raise CourseError(f"{path}, line {reader.line_num}: {e}") from None
    if not rows or not any(c.strip() for c in rows[0]):
        raise CourseError(f"{what} {path} is empty: it needs a header line")
    header = [c.strip() for c in rows[0]]
    table, line = [], 1
    for raw in rows[1:]:
        line += 1
        if not any(c.strip() for c in raw):
            continue
        if len(raw) > len(header):
            raise CourseError(f"{path}, line {line}: {len(raw)} fields separated by "
                              f"{SHOWN[sep]}, but the header has {len(header)}: quote values "
                              f"that contain {SHOWN[sep]}, or save with another separator")
        table.append((line, {h: c.strip() for h, c in zip(header, raw, strict=False) if h}))
    return header, table
