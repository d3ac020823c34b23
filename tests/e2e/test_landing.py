"""Signing in through the form lands each role where its work is, on a desktop and on a phone, in both languages."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from efficiency_portal.org.models import Role
from tests.e2e.conftest import PHONE, log_in
from tests.factories import TEST_PASSWORD, DepartmentFactory, StaffFactory, make_head

pytestmark = [pytest.mark.e2e]

DESKTOP = {"width": 1280, "height": 900}


def _people() -> dict:
    department = DepartmentFactory(name="市民政局")
    return {
        "supervisor": StaffFactory(name="周敏", roles=[Role.SUPERVISOR]).user,
        "head": make_head(department, name="陈科长").user,
        "clerk": StaffFactory(department=department, name="赵磊", roles=[Role.CLERK]).user,
    }


@pytest.mark.parametrize(
    ("viewport", "locale", "headings"),
    [
        (DESKTOP, "zh-CN", {"supervisor": "指挥中心", "head": "部门办件", "clerk": "我的待办"}),
        (PHONE, "en-US", {"supervisor": "Command centre", "head": "Department queue", "clerk": "My work queue"}),
    ],
    ids=["desktop-zh", "phone-en"],
)
def test_each_role_lands_on_its_work(browser, live_server, viewport, locale, headings) -> None:
    people = _people()
    targets = {
        "supervisor": reverse("dashboards:command_centre"),
        "head": reverse("approvals:department_queue"),
        "clerk": reverse("approvals:my_queue"),
    }
    for who, user in people.items():
        context = browser.new_context(base_url=live_server.url, locale=locale, viewport=viewport)
        page = context.new_page()
        try:
            log_in(page, user.username)
            assert page.url.endswith(targets[who]), (who, page.url)
            expect(page.locator("main h1").first).to_contain_text(headings[who])
        finally:
            context.close()


def test_next_takes_the_clerk_where_they_were_going(page) -> None:
    clerk = StaffFactory(roles=[Role.CLERK]).user
    page.goto(reverse("supervision:my_warnings"))
    page.wait_for_url(lambda url: reverse("accounts:login") in url)
    page.fill("#id_username", clerk.username)
    page.fill("#id_password", TEST_PASSWORD)
    page.locator('main button[type="submit"]').click()
    page.wait_for_url(lambda url: url.endswith(reverse("supervision:my_warnings")))
