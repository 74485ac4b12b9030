"""The feedback page's HTML: remembering highlighted and sanitized pieces changes nothing.

A grading worker exports one page per student; the pieces every student shares (the
instructor's cells, the text) are highlighted and sanitized once (`report._Remembered`). The
pages must be exactly nbconvert's, sanitizing included, whatever the notebook's lexer.
"""

import nbformat
from nbconvert import HTMLExporter

from autograder import report


def _notebook(answer, lexer):
    nb = nbformat.v4.new_notebook()
    nb.metadata["language_info"] = {"name": "python", **({"pygments_lexer": lexer} if lexer
                                                         else {})}
    html_output = nbformat.v4.new_output(
        "display_data", data={"text/html": "<b>bold</b><script>alert('x')</script>"})
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Title\n<img src=x onerror=alert(1)> and **text**"),
        nbformat.v4.new_code_cell("import numpy as np\n%matplotlib inline\nx = np.ones(3)"),
        nbformat.v4.new_code_cell(answer, outputs=[html_output]),
    ]
    return nb


def test_remembered_pages_are_exactly_nbconverts_sanitized_pages():
    plain = HTMLExporter(template_name="lab", sanitize_html=True)
    pages = []
    for answer, lexer in [("def f(x):\n    return 2 * x", None),
                          ("def f(x):\n    return x + x", "ipython3"),
                          ("def f(x):\n    return 2 * x", None),  # seen before: from memory
                          ("def f(x):\n    return x + x", "ipython3")]:
        nb = _notebook(answer, lexer)
        expected, _ = plain.from_notebook_node(nb)
        page = report._to_html(nb)
        assert page == expected
        pages.append(page)
    for page in pages:  # the student's markup shows as text, never as live HTML
        assert "<script>alert" not in page and "<img src=x onerror" not in page
    assert "hl-ipython3" in pages[1] and "hl-python" in pages[0]


def test_long_texts_are_not_kept():
    remembered = report._Remembered(str.upper)
    long_text = "x" * (report.REMEMBERED_CHARS + 1)
    assert remembered(long_text) == long_text.upper() and remembered("ab") == "AB"
    assert list(remembered.kept) == [("ab", "{}")]
