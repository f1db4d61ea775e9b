"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Playwright's browsers are never downloaded: the tests use the Chromium of the system
(`make browser` installs Debian's package) and are skipped, with the reason, when it is absent.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.db import connections

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = os.environ.get("ESSAIM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
TIMEOUT_MS = 10_000


def chromium_missing() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return (
            f"Chromium absent ({CHROMIUM}) : installez le paquet Debian « chromium » "
            "(make browser) ou indiquez son chemin dans ESSAIM_CHROMIUM."
        )
    if importlib.util.find_spec("playwright") is None:
        return "le paquet Python playwright n'est pas installé (pip install -e '.[dev]')."
    return None


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("browser") and (reason := chromium_missing()):
        pytest.skip(reason)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    """A real browser logs in with real passwords; a cheap hasher keeps each test fast."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def browser(live_server, monkeypatch: pytest.MonkeyPatch) -> Iterator[Browser]:
    """A Chromium for one test, started once the test database is ready.

    Playwright's sync API keeps an asyncio event loop running in this thread while it runs, and
    Django then refuses ORM calls "from an async context"; allowing them is the documented way
    for Playwright tests, and the variable is set only while Playwright runs. In that state
    Django also hands out other, per-context, database connections: they are closed before
    Playwright stops, and Playwright runs per test so that the database setup and flush (and
    the restore of migrated data) happen on the usual connection.
    """
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()
            connections.close_all()


@pytest.fixture
def new_page(browser: Browser, live_server) -> Iterator[Callable[..., Page]]:
    """Open a page in a fresh browser context (own cookies), desktop-sized by default."""
    contexts = []

    def open_page(*, viewport: dict[str, int] = DESKTOP, javascript: bool = True) -> Page:
        context = browser.new_context(
            viewport=viewport,
            locale="fr-FR",
            java_script_enabled=javascript,
            base_url=live_server.url,
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: Callable[..., Page]) -> Page:
    return new_page()


@pytest.fixture
def results_dir(request: pytest.FixtureRequest) -> Path:
    """Where screenshots go (git-ignored)."""
    path = Path(request.config.rootpath) / "test-results"
    path.mkdir(exist_ok=True)
    return path
