"""Debian's headless Chromium driven by Playwright, for the web page's tests."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager

from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
UI_TIMEOUT_MS = 20_000


@contextmanager
def chromium() -> Iterator[Browser]:
    assert shutil.which(CHROMIUM), "Debian's chromium is needed (.ci/run installs it)"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                              headless=True, timeout=60_000)
        yield launched
        launched.close()


@contextmanager
def new_page(browser: Browser) -> Iterator[Page]:
    """A page in a fresh context; any JavaScript error on it fails the test at the end."""
    context = browser.new_context(viewport={"width": 1200, "height": 1000})
    context.set_default_timeout(UI_TIMEOUT_MS)
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    yield opened
    context.close()
    assert not errors, errors
