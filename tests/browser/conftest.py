"""One JupyterLab server and one Chromium for the whole browser suite.

Both are started by netcourse/tools/labdriver.py (the screenshot tool starts them the same way).
The server runs from the repository's .venv on a free loopback port with a token and a
temporary root dir (a copy of notebooks/, plus scratch notebooks the widget tests write), and is
always stopped. The browser is Debian's /usr/bin/chromium driven by Playwright; no browser is
ever downloaded. Screenshots go to artifacts/screenshots/ (git-ignored).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from labdriver import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,  # noqa: F401 (tests/hub/ reads these names from here)
    LAB_SETTINGS,  # noqa: F401
    NOTEBOOKS,
    REPO,
    Lab,
    LabPage,
    chromium_context,
    start_lab,
    stop_lab,
)
from labdriver import free_port as _free_port  # noqa: E402, F401

ARTIFACTS = REPO / "artifacts" / "screenshots"


def _venv_python() -> str:
    candidate = REPO / ".venv" / "bin" / "python"
    return str(candidate) if candidate.exists() else sys.executable


def _browser_or_skip():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (Debian package chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright for Python is not installed (pip install playwright)")
    return sync_playwright


@pytest.fixture(scope="session")
def lab(tmp_path_factory) -> Iterator[Lab]:
    """A JupyterLab server on a free loopback port, serving a temporary copy of notebooks/."""
    _browser_or_skip()
    server = start_lab(tmp_path_factory.mktemp("lab"), NOTEBOOKS, python=_venv_python())
    try:
        yield server
    finally:
        stop_lab(server.process)


@pytest.fixture(scope="module")
def browser_context(tmp_path_factory):
    """One headless Chromium (Debian's) with a fresh profile, for the whole session."""
    sync_playwright = _browser_or_skip()
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as p:
        context = chromium_context(p, profile, 1280, 900)
        try:
            yield context
        finally:
            context.close()


@pytest.fixture(scope="module")
def lab_page(lab, browser_context):
    """The JupyterLab page, loaded once and reused by every test (a fresh workspace)."""
    page = browser_context.pages[0] if browser_context.pages else browser_context.new_page()
    page.set_default_timeout(30_000)
    lab_view = LabPage(page, lab)
    lab_view.load()
    return lab_view


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """Where screenshots go: artifacts/screenshots/ (git-ignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
