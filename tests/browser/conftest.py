"""Fixtures for the browser tests: real JupyterLab servers on 127.0.0.1 and headless chromium.

Two servers per run, each in its own temporary HOME, config, settings and runtime dirs:
- ``student_lab`` serves what a student receives (the release of a temporary copy of the course
  plus the lectures) with instructor-only imports blocked in the server and its kernels;
- ``instructor_lab`` serves a temporary copy of the course root (the formgrader needs that).
The browser is Debian's chromium (never a downloaded one), one fresh context per test.
Screenshots go to ``artifacts/screenshots/``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import student_env
import student_workspace
from lab_server import (
    QUIET_OVERRIDES,
    STUDENT_DISABLED_EXTENSIONS,
    STUDENT_DISABLED_SERVER_EXTENSIONS,
    TEST_OVERRIDES,
    LabServer,
)

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.user_properties.append(("failed", report.failed))
    return report


@pytest.fixture(scope="session")
def chromium():
    """Debian's chromium, headless, driven by Playwright."""
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    assert executable, "Debian's chromium is required: apt-get install chromium (.ci/run does)"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, timeout=60_000)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, request):
    """A fresh browser page; a screenshot of it is saved if the test fails."""
    (SCREENSHOTS / f"{request.node.name}-failed.png").unlink(missing_ok=True)
    context = chromium.new_context(viewport={"width": 1400, "height": 900})
    context.set_default_timeout(30_000)
    page = context.new_page()
    yield page
    if dict(request.node.user_properties).get("failed", True):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        try:
            page.screenshot(path=SCREENSHOTS / f"{request.node.name}-failed.png", timeout=10_000)
        except Exception as exc:  # the page may be gone; the failure itself is what matters
            print(f"no failure screenshot: {exc}")
    context.close()


@pytest.fixture
def screenshot(page):
    """``screenshot("name")`` saves the page as ``artifacts/screenshots/name.png``."""

    def save(name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=path, timeout=15_000)
        return path

    return save


def exchange(state: Path) -> Path:
    """nbgrader's exchange folder for one server (it must exist and be writable by everyone)."""
    path = state / "exchange"
    path.mkdir(exist_ok=True)
    path.chmod(0o777)
    return path


@pytest.fixture(scope="session")
def course_copy(tmp_path_factory):
    """A temporary copy of the course root (config + source); nbgrader may write into it."""
    ids = student_workspace.assignment_ids()
    assert ids, f"no assignments in {student_workspace.COURSE / 'source'}"
    return student_workspace.copy_course(tmp_path_factory.mktemp("course") / "assignments")


@pytest.fixture(scope="session")
def student_dir(tmp_path_factory):
    """What a student receives: the release of a1_linear and the lectures, in a temporary folder."""
    course = student_workspace.copy_course(tmp_path_factory.mktemp("release") / "assignments")
    release = student_workspace.generate_release(course, ["a1_linear"])
    dest = tmp_path_factory.mktemp("student")
    student_workspace.build(dest, release, ids=["a1_linear"])
    return dest


@pytest.fixture(scope="session")
def student_lab(student_dir, tmp_path_factory):
    """JupyterLab on the student's folder; ``solutions`` and ``hiddentests`` cannot be imported."""
    state = tmp_path_factory.mktemp("student-lab")
    exchange(state)
    server = LabServer(
        student_dir,
        state,
        pythonpath=[str(student_env.write_sitecustomize(state / "blocked-imports"))],
        overrides={**QUIET_OVERRIDES, **TEST_OVERRIDES},
        disabled_extensions=STUDENT_DISABLED_EXTENSIONS,
        disabled_server_extensions=STUDENT_DISABLED_SERVER_EXTENSIONS,
        nbgrader_config={"Exchange": {"root": str(state / "exchange")}},
    )
    with server:
        yield server


@pytest.fixture(scope="session")
def instructor_lab(course_copy, tmp_path_factory):
    """JupyterLab started from a temporary copy of the course root, as the formgrader needs."""
    state = tmp_path_factory.mktemp("instructor-lab")
    exchange(state)
    server = LabServer(
        course_copy,
        state,
        overrides={**QUIET_OVERRIDES, **TEST_OVERRIDES},
        nbgrader_config={"Exchange": {"root": str(state / "exchange")}},
    )
    with server:
        yield server
