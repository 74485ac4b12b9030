"""A student's markdown, once cleaned, renders in nbgrader's formgrader without live links or
external images; everyday markdown is kept exactly as written.

Each hostile payload is first shown to be live in the formgrader page when left as it is, then
inert once `inert.clean_cell` has cleaned it. The pages are nbgrader's own (`formgrade`
template, see tests/hostile_markdown.py) and the feedback page `report` writes.
"""

import types

import nbformat
import pytest
from hostile_markdown import (
    ATTACHMENTS,
    BENIGN,
    HOSTILE,
    active_parts,
    between,
    formgrade_page,
    notebook,
)

from autograder import inert, report
from autograder.links import safe_image, safe_link
from autograder.notebook import graded_notebook
from autograder.records import RestoredCell


def page_of(tmp_path, cells):
    path = tmp_path / "graded.ipynb"
    nbformat.write(notebook(cells), str(path))
    return formgrade_page(path)


def cleaned(source, attachments=None):
    cell = nbformat.v4.new_markdown_cell(source)
    if attachments:
        cell.attachments = dict(attachments)
    return inert.clean_cell(cell)


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_markdown_is_live_or_breaks_the_formgrader_page_when_left_as_is(tmp_path, name):
    try:
        page = page_of(tmp_path, [nbformat.v4.new_markdown_cell(HOSTILE[name])])
    except Exception as e:  # the formgrader shows an error page instead of the submission
        assert "attachment" in str(e), e
        return
    assert active_parts(between(page, 0)), between(page, 0)


@pytest.fixture(scope="module")
def hostile_page(tmp_path_factory):
    names = sorted(HOSTILE)
    cells = [cleaned(HOSTILE[n]) for n in names]
    page = page_of(tmp_path_factory.mktemp("hostile"), cells)
    return {n: between(page, i) for i, n in enumerate(names)}, dict(zip(names, cells,
                                                                          strict=True))


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_cleaned_hostile_markdown_renders_inert_in_the_formgrader(hostile_page, name):
    fragments, _ = hostile_page
    assert active_parts(fragments[name]) == [], fragments[name]


@pytest.mark.parametrize("name", ["reference_link", "decimal_entity", "nested_brackets",
                                  "image_https", "raw_img_https_alt", "raw_a_tab_entity"])
def test_cleaned_links_and_images_keep_their_text(hostile_page, name):
    _, cells = hostile_page
    source = cells[name].source
    assert not source.startswith(inert.TEXT_NOTE), source
    wanted = {"reference_link": "My answer is", "decimal_entity": "x",
              "nested_brackets": "a [b [c]] d", "image_https": "t",
              "raw_img_https_alt": "my plot", "raw_a_tab_entity": "x"}[name]
    assert wanted in source


def test_markdown_that_cannot_be_cleaned_is_shown_as_text(hostile_page):
    _, cells = hostile_page
    source = cells["image_missing_attachment"].source
    assert source.startswith(inert.TEXT_NOTE)
    assert HOSTILE["image_missing_attachment"] in source


def test_text_shown_as_text_keeps_its_own_code_fences():
    text = "```\n[x](javascript:alert(1))\n```\n![t](attachment:gone.png)"
    shown = inert.as_text(text)
    assert text in shown and "\n````\n" in shown
    assert inert.problem(shown) is None


@pytest.mark.parametrize("name", sorted(BENIGN))
def test_everyday_markdown_is_kept_exactly_and_renders_the_same(tmp_path, name):
    assert inert.clean_markdown(BENIGN[name], ATTACHMENTS) == BENIGN[name]
    page = page_of(tmp_path, [cleaned(BENIGN[name], ATTACHMENTS)])
    fragment = between(page, 0)
    assert active_parts(fragment) == []
    expected = {"links": ['href="https://cs231n.github.io/optimization-2/"',
                          'href="https://numpy.org"', 'href="mailto:ta@uni.example"'],
                "heading_anchor": ['href="#My-derivation"'],
                "attachment": ['src="data:image/png;base64,'],
                "embedded_png": ['src="data:image/png;base64,'],
                "math": ["$x&lt;0$"], "table": ["<table>"], "safe_tags": ["<b>decreases</b>"]}
    for wanted in expected.get(name, []):
        assert wanted in fragment


@pytest.mark.parametrize("url", ["https://numpy.org", " http://a.example", "mailto:a@b.example",
                                 "#Section-1", "&#104;ttps://a.example", "HTTPS://A.EXAMPLE",
                                 "htt\tps://a.example"])
def test_links_to_the_web_mail_or_the_page_are_safe(url):
    assert safe_link(url)


@pytest.mark.parametrize("url", ["javascript:alert(1)", "&#106;avascript:alert(1)",
                                 "javascript&colon;alert(1)", "jav&#x09;ascript:alert(1)",
                                 "\x01javascript:alert(1)", "JaVaScRiPt:alert(1)",
                                 "vbscript:msgbox(1)", "data:text/html,x", "ht tps://a.example",
                                 "http\u017f://a.example", "//evil.example", "page.html", ""])
def test_scripts_data_relative_and_disguised_links_are_not_safe(url):
    assert not safe_link(url)


def test_only_embedded_raster_images_are_safe():
    assert safe_image("attachment:plot.png") and safe_image("data:image/png;base64,iVBO")
    for url in ("https://evil.example/p.png", "//evil.example/p.png", "data:image/svg+xml,x",
                "data:text/html,x", "p.png"):
        assert not safe_image(url), url


def restored(kind, source, grade_id=None):
    meta = {"nbgrader": {"grade_id": grade_id, "solution": True, "grade": True, "points": 1,
                         "locked": False}} if kind == "answer" else {}
    cell = nbformat.v4.new_markdown_cell(source, metadata=meta)
    return RestoredCell(kind, cell, None, grade_id)


def test_free_response_answers_and_added_cells_are_cleaned_in_graded_notebook_and_feedback(
        tmp_path):
    instructor = "Read [the notes](notes.html) first."  # the instructor's cells are kept
    cells = [restored("locked", instructor),
             restored("answer", HOSTILE["reference_link"], "explain"),
             restored("free", HOSTILE["image_https"] + "\n\n" + HOSTILE["raw_a_tab_entity"])]
    graded = graded_notebook(types.SimpleNamespace(metadata={}), cells, {}, {})
    assert graded.cells[0].source == instructor
    marked = notebook(graded.cells[1:])
    path = tmp_path / "graded.ipynb"
    nbformat.write(marked, str(path))
    page = formgrade_page(path)
    assert "explain-comment" in page  # the formgrader shows the answer as one to grade by hand
    feedback = report._to_html(marked)
    for html_page in (page, feedback):
        for i in range(2):
            assert active_parts(between(html_page, i)) == [], between(html_page, i)
    assert "My answer is" in between(page, 0)
