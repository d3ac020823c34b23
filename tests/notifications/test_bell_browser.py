"""The bell refreshes its count from the API in a real browser (the CSP forbids inline scripts, so this is
the only place the external bell script is exercised)."""

from __future__ import annotations

import os
import shutil

import pytest
from django.conf import settings
from django.test import Client

from efficiency_portal.notifications.models import Notification
from tests.factories import NotificationFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    executable = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
    if not executable:
        pytest.skip("Chromium is not installed")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def plain_static(settings):
    """The live server serves static files through the finders, which know no manifest-hashed names."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def test_bell_count_follows_new_and_read_notifications(browser, live_server, plain_static):
    from playwright.sync_api import expect

    user = UserFactory()
    NotificationFactory(recipient=user)
    client = Client()
    client.force_login(user)
    context = browser.new_context()
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.clock.install()
    page.goto(f"{live_server.url}/")
    badge = page.get_by_test_id("bell-count")
    expect(badge).to_have_text("1")

    NotificationFactory.create_batch(2, recipient=user)
    page.clock.run_for(31_000)
    expect(badge).to_have_text("3")

    Notification.objects.filter(recipient=user).update(read_at="2026-03-01T10:00:00+08:00")
    page.clock.run_for(31_000)
    expect(badge).to_be_hidden()
    assert errors == []
    context.close()
