"""Browser tests: headless Debian Chromium driven by Playwright against pytest-django's live server.

One browser serves the whole package. It is package-scoped rather than session-scoped on purpose: while a sync
Playwright is running, the test thread counts as being inside an event loop, which would leak into every later
test outside this package (and a second sync Playwright, as another browser test starts, refuses to run there).
pytest-django runs transactional tests after the others, so this package's tests run together.

Without Chromium (or Playwright) the tests are skipped on a developer's machine and fail under CI=true, so a CI
run can never pass without having driven a browser.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from django.urls import reverse

from tests.factories import TEST_PASSWORD

# Playwright's sync API keeps an event loop running in the test thread; the ORM calls made by the tests and
# fixtures in that thread are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def _unavailable(reason: str) -> None:
    if _in_ci():
        pytest.fail(f"Browser tests cannot run: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="package")
def browser() -> Iterator:
    executable = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not os.access(executable, os.X_OK):
        _unavailable(f"Chromium not found at {executable} (apt-get install chromium, or set CHROMIUM_PATH)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _plain_static(settings) -> None:
    """The live server serves static files through the finders, which know no manifest-hashed names."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def browser_context_args() -> dict:
    """Arguments of the page's browser context; a test overrides this fixture for another viewport or locale."""
    return {"locale": "zh-CN"}


@pytest.fixture(autouse=True)
def _seeded_reference_data(transactional_db) -> None:
    """Browser tests run on a flushed database (each transactional test empties every table afterwards), so the
    rows that data migrations seed, such as the credit rule table, are put back first."""
    from tests.credit.factories import ensure_seeded_rules

    ensure_seeded_rules()


@pytest.fixture
def page(browser, browser_context_args, live_server, transactional_db) -> Iterator:
    """A fresh page (own cookies) that fails the test on a script error or a Content-Security-Policy violation."""
    context = browser.new_context(base_url=live_server.url, **browser_context_args)
    context.set_default_timeout(10_000)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on(
        "console",
        lambda message: (
            problems.append(f"console: {message.text}")
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    yield page
    context.close()
    assert problems == [], problems


def log_in(page, username: str, password: str = TEST_PASSWORD) -> None:
    """Sign in through the real login form, as a person would, and wait until the portal has let us in."""
    login_path = reverse("accounts:login")
    page.goto(login_path)
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator(f'form[action="{login_path}"] button[type="submit"]').click()
    page.wait_for_url(lambda url: login_path not in url)
