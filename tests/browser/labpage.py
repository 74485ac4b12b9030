"""What a person does in JupyterLab, as Playwright steps: open a notebook, run it, read outputs.

Selectors are JupyterLab 4's own CSS classes (``jp-*``); every wait is bounded.
"""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page

ACTIVE_NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden)"
# The execution indicator in the notebook toolbar says what the kernel is doing.
KERNEL_STATUS = f"{ACTIVE_NOTEBOOK} .jp-Notebook-ExecutionIndicator"


def open_lab(page: Page, server, path: str = "lab", timeout: float = 60_000) -> None:
    """Load JupyterLab (``path`` relative to the server) and wait for its shell."""
    page.goto(server.url(path), timeout=timeout)
    page.wait_for_selector("#jp-main-dock-panel", timeout=timeout)


def open_notebook(page: Page, server, path: str, timeout: float = 60_000) -> Locator:
    """Open ``path`` (relative to the served folder): wait until every cell is on the page and
    its kernel has started and is idle. Returns the locator of the notebook's cells, in order.

    A notebook without kernel metadata makes JupyterLab ask the student to pick a kernel: that
    fails here (the notebook's metadata should name the kernel).
    """
    n_cells = len(server.api(f"api/contents/{path}?content=1")["content"]["cells"])
    open_lab(page, server, f"lab/tree/{path}", timeout=timeout)
    cells = page.locator(f"{ACTIVE_NOTEBOOK} .jp-Notebook .jp-Cell")
    page.wait_for_function(
        "([selector, n]) => document.querySelectorAll(selector).length === n",
        arg=[f"{ACTIVE_NOTEBOOK} .jp-Notebook .jp-Cell", n_cells],
        timeout=timeout,
        polling=250,
    )
    # Wait for a kernel, or for JupyterLab to ask which one to start.
    page.wait_for_function(
        """([name]) => {
            const dialog = [...document.querySelectorAll('.jp-Dialog')]
                .some(d => d.textContent.includes('Select Kernel'));
            const el = document.querySelector(name);
            return dialog || (el && el.textContent.trim() && !el.textContent.includes('No Kernel'));
        }""",
        arg=[f"{ACTIVE_NOTEBOOK} .jp-Toolbar-kernelName"],
        timeout=timeout,
        polling=250,
    )
    assert not page.locator(".jp-Dialog", has_text="Select Kernel").count(), (
        f"JupyterLab asks which kernel to start for {path}: its metadata has no kernelspec "
        "(expected python3, as nbformat writes it for a Python 3 notebook)"
    )
    wait_for_kernel_idle(page, timeout=timeout)
    return cells


def wait_for_kernel_idle(page: Page, timeout: float = 90_000) -> None:
    """Wait until the kernel is idle and no cell is queued or running (``[*]``)."""
    page.wait_for_function(
        """(selector) => {
            const status = document.querySelector(selector);
            if (!status || status.getAttribute('data-status') !== 'idle') return false;
            const prompts = document.querySelectorAll(
                '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-InputArea-prompt');
            return ![...prompts].some(p => p.textContent.includes('*'));
        }""",
        arg=KERNEL_STATUS,
        timeout=timeout,
        polling=250,
    )


def menu(page: Page, top: str, item: str) -> None:
    """Click ``top`` in the menu bar, then ``item`` in its menu."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{re.escape(top)}$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(f"^{re.escape(item)}$")).first.click()


_PROMPTS = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-InputArea-prompt"
_LAST_COUNT = """(selector) => Math.max(0, ...[...document.querySelectorAll(selector)]
    .map(p => parseInt((p.textContent.match(/\\[(\\d+)\\]/) || [0, 0])[1])))"""


def _run(page: Page, top: str, item: str, timeout: float) -> None:
    """Click a Run menu item, wait until the kernel has started on it, then until it is idle."""
    before = page.evaluate(_LAST_COUNT, _PROMPTS)
    menu(page, top, item)
    page.wait_for_function(
        f"""([selector, before]) => [...document.querySelectorAll(selector)]
              .some(p => p.textContent.includes('*')) || ({_LAST_COUNT})(selector) > before""",
        arg=[_PROMPTS, before],
        timeout=timeout,
        polling=100,
    )
    wait_for_kernel_idle(page, timeout=timeout)


def run_all(page: Page, timeout: float = 120_000) -> None:
    """Run → Run All Cells; wait until the run is over (all ran, or it stopped at an error)."""
    _run(page, "Run", "Run All Cells", timeout)


def run_below(page: Page, cell: Locator, timeout: float = 120_000) -> None:
    """Select ``cell``, then Run → Run Selected Cell and All Below; wait until the run is over."""
    cell.locator(".jp-InputPrompt").click()
    _run(page, "Run", "Run Selected Cell and All Below", timeout)


def prompt(cell: Locator) -> str:
    """The execution prompt of a code cell: ``[ ]:`` (not run), ``[*]:`` or ``[7]:``."""
    return cell.locator(".jp-InputArea-prompt").inner_text().strip()


def set_cell_source(page: Page, cell: Locator, source: str) -> None:
    """Replace a cell's text as typed through its editor (select all, then insert the text).

    Inserting the text in one piece keeps CodeMirror from auto-indenting line by line.
    """
    editor = cell.locator(".cm-content")
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(source)
    page.keyboard.press("Escape")  # back to command mode


def cell_text(cell: Locator) -> str:
    """The source as shown in the cell's editor."""
    return "\n".join(cell.locator(".cm-content .cm-line").all_inner_texts())


def shows_error(text: str) -> bool:
    """Whether output text holds a Python exception (a traceback or ``SomethingError: ...``)."""
    return "Traceback" in text or re.search(r"^\w*(Error|Exception): ", text, re.M) is not None


def output_text(cell: Locator) -> str:
    """Everything the cell's output area shows, as text."""
    outputs = cell.locator(".jp-OutputArea-output")
    return "\n".join(outputs.all_inner_texts())
