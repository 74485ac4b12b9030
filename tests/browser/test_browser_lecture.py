"""A student runs the lecture with the playground in JupyterLab: its figures render, and the
playground redraws its figure when a control changes. A lecture rendered by `make lectures`
reads offline: math typeset by the local MathJax, figures embedded."""

import re
import sys
from pathlib import Path

import nbformat
import pytest
import student_workspace
from labpage import ACTIVE_NOTEBOOK, open_notebook, output_text, run_all, shows_error
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PLAYGROUND = ".jupyter-widgets.widget-vbox"
REPO = Path(__file__).resolve().parents[2]


def playground_lecture() -> str:
    """Name of the lecture notebook that shows the ipywidgets playground."""
    found = [
        p.name
        for p in sorted(student_workspace.LECTURES.glob("*.ipynb"))
        if "coursekit.playground" in p.read_text(encoding="utf-8")
    ]
    assert len(found) == 1, f"expected one lecture using coursekit.playground, found {found}"
    return found[0]


def image_sources(images) -> list[str]:
    return [img.get_attribute("src") or "" for img in images.all()]


def test_lecture_figures_render_and_playground_redraws(page, student_lab, student_dir, screenshot):
    name = playground_lecture()
    nb = nbformat.read(student_dir / "lectures" / name, as_version=4)
    cells = open_notebook(page, student_lab, f"lectures/{name}")
    run_all(page, timeout=150_000)

    code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    for i in code:
        out = output_text(cells.nth(i))
        assert not shows_error(out), f"cell {i} failed:\n{out}"
    # Every cell that shows a matplotlib figure has it as an image, and the image has loaded.
    figure_cells = [i for i in code if "plt.show()" in nb.cells[i].source]
    assert figure_cells, f"{name} shows no figure with plt.show()"
    for i in figure_cells:
        images = cells.nth(i).locator(".jp-OutputArea-output img")
        expect(images.first).to_be_visible()
        assert images.first.evaluate("img => img.complete && img.naturalWidth > 100"), i
    all_images = page.locator(f"{ACTIVE_NOTEBOOK} .jp-OutputArea-output img")
    assert all_images.count() >= len(figure_cells)

    # The playground: controls and a figure inside the widget area.
    playground = page.locator(f"{ACTIVE_NOTEBOOK} {PLAYGROUND}").first
    playground.scroll_into_view_if_needed()
    figure = playground.locator("img")
    expect(figure).to_have_count(1, timeout=60_000)
    before = image_sources(figure)
    screenshot("lecture-playground-before")

    dataset = playground.locator(".widget-dropdown", has_text="dataset").locator("select")
    options = [o for o in dataset.locator("option").all_inner_texts()]
    current = dataset.input_value()
    new = next(o for o in options if o != current)
    dataset.select_option(new)

    # The kernel retrains and replaces the figure: a new image, for the new data set.
    page.wait_for_function(
        """([selector, before]) => {
            const imgs = [...document.querySelectorAll(selector)];
            return imgs.length === 1 && imgs[0].src !== before && imgs[0].complete
                && imgs[0].naturalWidth > 100;
        }""",
        arg=[f"{ACTIVE_NOTEBOOK} {PLAYGROUND} img", before[0]],
        timeout=60_000,
        polling=250,
    )
    expect(playground).to_contain_text("trained", timeout=30_000)
    after = image_sources(figure)
    assert after != before

    # The lecture's question, how many hidden units: move that slider from the keyboard.
    slider = playground.locator(".widget-hslider", has_text="hidden units")
    readout = slider.locator(".widget-readout")
    units_before = readout.inner_text()
    slider.locator(".noUi-handle").focus()
    page.keyboard.press("PageUp")
    expect(readout).not_to_have_text(units_before, timeout=10_000)
    page.wait_for_function(
        """([selector, before]) => {
            const imgs = [...document.querySelectorAll(selector)];
            return imgs.length === 1 && imgs[0].src !== before && imgs[0].complete
                && imgs[0].naturalWidth > 100;
        }""",
        arg=[f"{ACTIVE_NOTEBOOK} {PLAYGROUND} img", after[0]],
        timeout=60_000,
        polling=250,
    )
    playground.scroll_into_view_if_needed()
    screenshot("lecture-playground-after")


def test_rendered_lecture_reads_offline_with_math_typeset_and_figures(page, tmp_path, screenshot):
    """`make lectures`' page of lecture 01, opened with every network request refused: MathJax
    (copied next to the pages) typesets every formula with its own fonts, and every figure of the
    executed notebook is an embedded image that the browser shows."""
    sys.path.insert(0, str(REPO / "lectures"))
    import _render

    name = "01_where_we_are"
    _render.render(_render.lecture_notebooks([name]), tmp_path)
    nb = nbformat.read(REPO / "lectures" / f"{name}.ipynb", as_version=4)
    expected_figures = sum("plt.show()" in c.source for c in nb.cells if c.cell_type == "code")
    assert expected_figures >= 2

    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.context.route(re.compile(r"^(https?|wss?|ftp)://"), lambda route: route.abort())
    page.context.set_offline(True)
    page.goto((tmp_path / f"{name}.html").as_uri())

    page.wait_for_function(
        """() => window.MathJax && MathJax.Hub && MathJax.Hub.queue
            && MathJax.Hub.queue.pending === 0 && !MathJax.Hub.queue.running
            && document.querySelectorAll('span.MathJax').length > 0""",
        timeout=60_000, polling=250)
    typeset = page.locator("span.MathJax")
    assert typeset.count() >= 20, typeset.count()
    expect(typeset.first).to_be_visible()
    assert page.locator(".merror, .MathJax_Error").count() == 0
    prose = page.locator(".jp-RenderedMarkdown").all_inner_texts()
    raw = [t for t in prose if "$" in t or "\\frac" in t or "\\sum" in t]
    assert not raw, f"formulas left as TeX: {raw[:2]}"
    fonts = page.evaluate(
        "() => [...document.fonts].filter(f => f.status === 'loaded').map(f => f.family)")
    assert any("STIX" in family for family in fonts), fonts

    images = page.locator(".jp-OutputArea-output img")
    assert images.count() == expected_figures
    for img in images.all():
        img.scroll_into_view_if_needed()
        expect(img).to_be_visible()
        assert (img.get_attribute("src") or "").startswith("data:image/png;base64,")
        assert img.evaluate("img => img.complete && img.naturalWidth > 100")
    screenshot("lecture-offline-render")
    offline = [url for url in requested if not url.startswith(("file:", "data:", "about:"))]
    assert not offline, f"the page asked the network for {offline}"
    assert any("/mathjax/" in url for url in requested)

    page.goto((tmp_path / "index.html").as_uri())
    link = page.locator(f'a[href="{name}.html"]')
    expect(link).to_have_count(1)
    assert "Where we are" in link.inner_text()
