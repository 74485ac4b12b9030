"""A TA opens a hostile student's submission in nbgrader's formgrader: nothing of it runs or loads.

The submission's graded notebook is a1_linear's release with every payload of
tests/hostile_markdown.py added, each cleaned as grading cleans a student's cells
(`inert.clean_cell`). Chromium opens the formgrader's page of that submission; every link and
image the student wrote is judged by the browser's own URL parser, and no dialog may open and
no request may leave for the payloads' host.
"""

import warnings

import nbformat
import pytest
import student_workspace
from hostile_markdown import HOSTILE

from autograder import inert

pytestmark = [pytest.mark.browser, pytest.mark.slow]
STUDENT = "mallory"
A = "a1_linear"
STUDENT_PARTS = """() => {
    const bad = [];
    const cells = [...document.querySelectorAll('.text_cell_render')];
    for (const cell of cells) {
        for (const a of cell.querySelectorAll('a[href]'))
            if (!['http:', 'https:', 'mailto:'].includes(a.protocol))
                bad.push('link ' + a.getAttribute('href'));
        for (const img of cell.querySelectorAll('img[src]'))
            if (!img.src.startsWith('data:image/')) bad.push('image ' + img.src);
        for (const el of cell.querySelectorAll('*')) {
            if (['SCRIPT', 'IFRAME', 'SVG', 'FORM', 'OBJECT', 'EMBED', 'STYLE'].includes(
                    el.tagName.toUpperCase())) bad.push('tag ' + el.tagName);
            for (const attr of el.attributes)
                if (attr.name.startsWith('on')) bad.push('attribute ' + attr.name);
        }
    }
    return {cells: cells.length, text: cells.map(c => c.innerText).join('\\n'), bad: bad};
}"""


@pytest.fixture(scope="module")
def hostile_submission(course_copy):
    """The formgrader's id of a submission whose graded notebook holds every hostile payload."""
    from nbgrader.api import Gradebook
    from sqlalchemy.exc import SAWarning

    release = student_workspace.generate_release(course_copy, [A])  # A and its cells in the db
    nb = nbformat.read(release / A / f"{A}.ipynb", as_version=4)
    nb.cells[1:1] = [inert.clean_cell(nbformat.v4.new_markdown_cell(HOSTILE[name]))
                     for name in sorted(HOSTILE)]
    folder = course_copy / "autograded" / STUDENT / A
    folder.mkdir(parents=True)
    nbformat.write(nb, str(folder / f"{A}.ipynb"))
    with Gradebook(f"sqlite:///{course_copy / 'gradebook.db'}") as gb, warnings.catch_warnings():
        # nbgrader's add_submission makes SQLAlchemy warn about its own autoflush
        warnings.simplefilter("ignore", SAWarning)
        gb.update_or_create_student(STUDENT)
        gb.add_submission(A, STUDENT)
        return gb.find_submission_notebook(A, A, STUDENT).id


def test_ta_opening_a_hostile_submission_meets_no_live_link_script_or_external_image(
        page, instructor_lab, hostile_submission, screenshot):
    requests, dialogs = [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    response = page.goto(instructor_lab.url(f"formgrader/submissions/{hostile_submission}/"),
                         timeout=60_000)
    assert response.status == 200, response.status  # a cell nbconvert cannot render: error 500
    page.wait_for_selector(".text_cell_render", timeout=60_000)
    page.wait_for_load_state("load", timeout=60_000)
    page.wait_for_timeout(1_000)  # a failed image load would run its onerror by now
    found = page.evaluate(STUDENT_PARTS)
    screenshot("formgrader-hostile-submission")

    assert found["cells"] >= len(HOSTILE), found["cells"]
    assert "My answer is" in found["text"]  # the student's words are there, as text
    assert found["bad"] == []
    assert dialogs == []
    assert [u for u in requests if "evil.example" in u] == []
