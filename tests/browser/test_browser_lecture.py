"""A student runs the lecture with the playground in JupyterLab: its figures render, and the
playground redraws its figure when a control changes."""

import nbformat
import pytest
import student_workspace
from labpage import ACTIVE_NOTEBOOK, open_notebook, output_text, run_all, shows_error
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PLAYGROUND = ".jupyter-widgets.widget-vbox"


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
