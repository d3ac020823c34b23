"""A staff member signs in through the login form and signs out again."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from efficiency_portal.org.models import Role
from tests.e2e.conftest import log_in
from tests.factories import StaffFactory

pytestmark = [pytest.mark.e2e]


def test_staff_member_signs_in_and_out(page) -> None:
    staff = StaffFactory(user__display_name="李静", roles=[Role.CLERK])
    logout = page.locator(f'form[action="{reverse("accounts:logout")}"] button[type="submit"]')
    login_link = page.locator(f'a.nav-link[href="{reverse("accounts:login")}"]')

    page.goto("/")
    expect(logout).to_have_count(0)
    login_link.click()
    expect(page).to_have_url(re.compile(re.escape(reverse("accounts:login"))))

    log_in(page, staff.user.username)
    expect(logout).to_be_visible()
    expect(login_link).to_have_count(0)
    # Staff see their own items in the navigation, under "My work".
    my_warnings = page.locator(f'#main-nav a.nav-link[href="{reverse("supervision:my_warnings")}"]')
    expect(my_warnings).to_be_hidden()
    menu = page.locator("#main-nav .dropdown", has=page.locator(f'a[href="{reverse("supervision:my_warnings")}"]'))
    menu.locator(".dropdown-toggle").click()
    expect(my_warnings).to_be_visible()

    logout.click()
    expect(login_link).to_be_visible()
    expect(logout).to_have_count(0)
    # Signed out means signed out: a staff page sends the visitor back to the login form.
    page.goto(reverse("supervision:my_warnings"))
    expect(page).to_have_url(re.compile(re.escape(f"{reverse('accounts:login')}?next=")))


def test_wrong_password_keeps_the_visitor_out(page) -> None:
    staff = StaffFactory()
    page.goto(reverse("accounts:login"))
    page.fill("#id_username", staff.user.username)
    page.fill("#id_password", "not-the-password")
    page.locator('main button[type="submit"]').click()
    expect(page.locator("main [role=alert]").first).to_be_visible()
    expect(page.locator(f'form[action="{reverse("accounts:logout")}"]')).to_have_count(0)
