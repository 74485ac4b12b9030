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
    """Open ``path`` (relative to the served folder) and wait for its kernel to be idle."""
    open_lab(page, server, f"lab/tree/{path}", timeout=timeout)
    notebook = page.locator(f"{ACTIVE_NOTEBOOK} .jp-Notebook")
    notebook.locator(".jp-Cell").first.wait_for(timeout=timeout)
    wait_for_kernel_idle(page, timeout=timeout)
    return notebook


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


def run_all(page: Page, timeout: float = 120_000) -> None:
    """Run → Run All Cells, then wait until every cell has run (or the run stopped at an error)."""
    menu(page, "Run", "Run All Cells")
    # The run starts asynchronously: wait until some cell has been queued or has run.
    page.wait_for_function(
        """() => [...document.querySelectorAll(
                '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-InputArea-prompt')]
              .some(p => /\\[(\\*|\\d+)\\]/.test(p.textContent))""",
        timeout=timeout,
        polling=100,
    )
    wait_for_kernel_idle(page, timeout=timeout)


def cells(notebook: Locator) -> Locator:
    return notebook.locator(":scope > .jp-WindowedPanel-outer .jp-Cell, :scope .jp-Cell")


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


def output_text(cell: Locator) -> str:
    """Everything the cell's output area shows, as text."""
    outputs = cell.locator(".jp-OutputArea-output")
    return "\n".join(outputs.all_inner_texts())
