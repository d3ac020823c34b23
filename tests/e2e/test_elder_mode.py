"""The elder mode (长辈版) in the browser: switched from the header, remembered across pages and visits, larger text and
one folded menu, on a phone and a desktop, in both languages."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from efficiency_portal.org.models import Role
from tests.e2e.conftest import PHONE, log_in
from tests.factories import StaffFactory

pytestmark = [pytest.mark.e2e]

DESKTOP = {"width": 1280, "height": 900}
LABELS = {
    "zh-CN": ("大字号 长辈版", "标准版"),
    "en-US": ("Large text (elder mode)", "Standard text"),
}


def root_font_px(page) -> float:
    return page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")


@pytest.mark.parametrize(("viewport", "locale"), [(PHONE, "zh-CN"), (DESKTOP, "en-US")], ids=["phone-zh", "desktop-en"])
def test_a_reader_switches_to_the_elder_mode_and_back(browser, live_server, viewport, locale) -> None:
    on_label, off_label = LABELS[locale]
    context = browser.new_context(base_url=live_server.url, viewport=viewport, locale=locale)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None)
    try:
        page.goto(reverse("approvals:catalogue") + "?q=许可")
        standard_size = root_font_px(page)
        switch = page.locator("#display-switch button")
        expect(switch).to_have_text(on_label)
        with page.expect_navigation():
            switch.click()
        # Back on the same page, query kept, in the elder mode: larger text at once, from the server.
        assert page.url.endswith(reverse("approvals:catalogue") + "?q=%E8%AE%B8%E5%8F%AF")
        expect(page.locator("html")).to_have_class("elder")
        assert root_font_px(page) >= 24 > standard_size
        body_px = page.evaluate("parseFloat(getComputedStyle(document.querySelector('main p, main')).fontSize)")
        assert body_px >= 24  # 18 pt, the main text size of the 适老化 rules
        # The menu is folded behind its button even on a desktop, and its button is a large target.
        toggler = page.locator(".navbar-toggler")
        expect(toggler).to_be_visible()
        box = toggler.bounding_box()
        assert box["height"] >= 60 and box["width"] >= 60
        expect(page.locator("#main-nav")).to_be_hidden()
        toggler.click()
        expect(page.locator("#main-nav")).to_be_visible()
        # Nothing wider than the screen.
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]

        # Remembered on the next page and in a new tab of the same browser, with no flash: the first paint is large.
        page.goto(reverse("complaints:file"))
        expect(page.locator("html")).to_have_class("elder")
        other = context.new_page()
        other.goto(reverse("home"))
        assert other.evaluate("document.documentElement.className") == "elder"
        other.close()

        with page.expect_navigation():
            page.locator("#display-switch button").click()
        expect(page.locator("html")).not_to_have_class("elder")
        expect(page.locator("#display-switch button")).to_have_text(on_label)
        assert root_font_px(page) == standard_size
        assert off_label not in page.locator("header, nav").first.inner_text()
    finally:
        context.close()
    assert errors == []


def test_a_signed_in_clerk_keeps_the_mode_after_signing_in(page) -> None:
    clerk = StaffFactory(roles=[Role.CLERK]).user
    page.goto(reverse("accounts:login"))
    with page.expect_navigation():
        page.locator("#display-switch button").click()
    expect(page.locator("html")).to_have_class("elder")
    log_in(page, clerk.username)
    assert page.url.endswith(reverse("approvals:my_queue"))
    expect(page.locator("html")).to_have_class("elder")
    expect(page.locator("#display-switch button")).to_have_text("标准版")
