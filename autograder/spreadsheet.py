"""CSV files a spreadsheet opens without running anything a student or a roster put in them.

A student picks their own id (the name of their folder in the exchange), and roster names come
from outside too. A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is
read as a formula by Excel, LibreOffice and Google Sheets (`=HYPERLINK(...)`, `+cmd|...`,
`@SUM(...)`); OWASP's rule for CSV injection is to prefix such a cell with a single quote,
which makes the spreadsheet show it as text. Every CSV the autograder writes goes through
`writer`.
"""

import csv
import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def inert_cell(value):
    """`value` as a CSV cell no spreadsheet runs: a string starting with a FORMULA_STARTS
    character gets a leading `'`.

    Numbers are left as numbers, on purpose: an int or float, or a string that is exactly a
    decimal number (`-1.5`, `2e-05`, as the grade tables format their scores), is read by every
    spreadsheet as that number and never as a formula, and an LMS import must still read a
    negative score or late penalty as a number. OWASP's rule taken literally would prefix
    `-1.5` too. So only text is changed: ids, names, roster fields, messages.
    """
    if not isinstance(value, str) or _NUMBER.fullmatch(value):
        return value
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def inert_row(row):
    """The cells of `row`, each through `inert_cell`."""
    return [inert_cell(v) for v in row]


class writer:  # noqa: N801 - named and used like csv.writer
    """csv.writer whose rows go through `inert_row`."""

    def __init__(self, f, **kwargs):
        self._writer = csv.writer(f, **kwargs)

    def writerow(self, row):
        """Write one row, made inert."""
        return self._writer.writerow(inert_row(row))

    def writerows(self, rows):
        """Write every row, each made inert."""
        for row in rows:
            self.writerow(row)
