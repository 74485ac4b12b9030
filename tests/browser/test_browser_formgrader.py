"""An instructor opens nbgrader's formgrader in JupyterLab and sees the course's assignments."""

import pytest
import student_workspace
from labpage import menu, open_lab

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_instructor_sees_every_assignment_in_the_formgrader(page, instructor_lab, screenshot):
    expected = student_workspace.assignment_ids()
    assert {"a1_linear", "a2_activations", "a3_forward", "a4_backprop",
            "a5_autograd"} <= set(expected)

    open_lab(page, instructor_lab)
    menu(page, "Nbgrader", "Formgrader")
    formgrader = page.frame_locator(".jp-MainAreaWidget:not(.lm-mod-hidden) iframe")
    # Rows arrive after "Loading, please wait...": each assignment's name links to its page.
    names = formgrader.locator("table tbody tr td:first-child a")
    names.first.wait_for(timeout=60_000)
    listed = [n.strip() for n in names.all_inner_texts()]
    screenshot("formgrader-assignments")

    assert sorted(listed) == sorted(expected), f"formgrader lists {listed}, course has {expected}"
    assert formgrader.locator("h1", has_text="Manage Assignments").is_visible()
