"""The bell refreshes its count from the API without a reload (the CSP forbids inline scripts, so this is the only
place the external bell script runs)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from efficiency_portal.notifications.models import Notification
from tests.e2e.conftest import log_in
from tests.factories import NotificationFactory, UserFactory

pytestmark = pytest.mark.e2e


def test_bell_count_follows_new_and_read_notifications(page):
    from playwright.sync_api import expect

    user = UserFactory()
    NotificationFactory(recipient=user)
    page.clock.install()
    log_in(page, user.username)
    page.goto("/")
    badge = page.get_by_test_id("bell-count")
    expect(badge).to_have_text("1")

    NotificationFactory.create_batch(2, recipient=user)
    page.clock.run_for(31_000)
    expect(badge).to_have_text("3")

    Notification.objects.filter(recipient=user).update(read_at=timezone.now())
    page.clock.run_for(31_000)
    expect(badge).to_be_hidden()
