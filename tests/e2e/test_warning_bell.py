"""A staff member signs in, sees a red warning in the bell and opens it.

The warning is made the way production makes it: a deadline whose due moment has already passed, then one sweep.
(Time cannot be frozen here: the live server answers from another thread.)
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from efficiency_portal.notifications.models import Notification
from efficiency_portal.org.models import Role
from efficiency_portal.supervision.models import Warning
from efficiency_portal.supervision.services import open_deadline, sweep_deadlines
from tests.e2e.conftest import log_in
from tests.factories import DepartmentFactory, StaffFactory, ensure_official_calendar, make_head

pytestmark = [pytest.mark.e2e]

TITLE = "食品经营许可证核发（浏览器测试）"


def test_staff_member_sees_red_warning_in_the_bell_and_opens_it(page) -> None:
    ensure_official_calendar()
    department = DepartmentFactory(name="市市场监督管理局登记注册科")
    make_head(department)
    clerk = StaffFactory(department=department, name="李静", roles=[Role.CLERK])
    deadline = open_deadline(
        clerk.user,
        kind="e2e-case",
        title=TITLE,
        department=department,
        responsible=clerk.user,
        started_at=timezone.now() - dt.timedelta(days=30),
        limit_days=3,
    )
    assert deadline.due_at < timezone.now()
    result = sweep_deadlines()
    assert result.red == 1
    warning = Warning.objects.get(deadline=deadline, level="red")
    assert Notification.objects.filter(recipient=clerk.user, urgent=True).count() == 1

    log_in(page, clerk.user.username)
    bell = page.locator("#bell")
    badge = page.get_by_test_id("bell-count")
    expect(badge).to_have_text("1")

    bell.click()
    page.wait_for_url(f"**{reverse('notifications:list')}")
    item = page.get_by_test_id("notification").filter(has_text=TITLE)
    expect(item).to_have_count(1)
    expect(item.locator(".badge.bg-danger")).to_be_visible()  # urgent

    item.locator("a.notification-title").click()
    page.wait_for_url(f"**{reverse('supervision:warning_detail', args=[warning.pk])}")
    heading = page.locator("main h1")
    expect(heading).to_contain_text(TITLE)
    expect(heading.locator(".light-badge-red")).to_be_visible()
    # Opening it read it: the bell is quiet again.
    expect(badge).to_be_hidden()
