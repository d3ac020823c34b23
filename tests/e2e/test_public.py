"""A visitor's first look: the home page in Chinese, the language switch, the phone-sized layout."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE

pytestmark = [pytest.mark.e2e]

HEADLINE = "Administrative efficiency supervision portal"


def headline_in(language: str) -> str:
    with translation.override(language):
        return translation.gettext(HEADLINE)


def test_visitor_switches_from_chinese_to_english_and_back(page) -> None:
    calendar = reverse("workdays:calendar")
    html = page.locator("html")
    page.goto("/")
    expect(html).to_have_attribute("lang", "zh-CN")
    expect(page.locator("h1")).to_have_text(headline_in("zh-hans"))
    # Named in English for the reader who needs it, not "英语".
    expect(page.locator('.language-switch button[value="en"]')).to_have_text("English")

    page.locator('.language-switch button[value="en"]').click()
    expect(html).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text(HEADLINE)
    # The switch now offers the other language, in its own name.
    expect(page.locator('.language-switch button[value="zh-hans"]')).to_have_text("简体中文")
    expect(page.locator('.language-switch button[value="en"]')).to_have_count(0)

    # The choice belongs to the visitor, not to one page.
    page.goto(calendar)
    expect(html).to_have_attribute("lang", "en")

    # Switching back stays on the page the visitor was reading.
    page.locator('.language-switch button[value="zh-hans"]').click()
    expect(html).to_have_attribute("lang", "zh-CN")
    page.wait_for_url(f"**{calendar}")
    page.goto("/")
    expect(page.locator("h1")).to_have_text(headline_in("zh-hans"))


PHONE_CONTEXT = {"locale": "zh-CN", "viewport": PHONE, "has_touch": True}


@pytest.mark.parametrize("browser_context_args", [PHONE_CONTEXT], ids=["phone"])
def test_phone_shows_navigation_through_the_toggler(page) -> None:
    page.goto("/")
    departments = page.locator(f'#main-nav a.nav-link[href="{reverse("org:department_list")}"]')
    toggler = page.locator(".navbar-toggler")
    expect(toggler).to_be_visible()
    expect(departments).to_be_hidden()
    # Nothing wider than the phone: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    toggler.click()
    expect(departments).to_be_visible()
    expect(toggler).to_have_attribute("aria-expanded", "true")
    departments.click()
    page.wait_for_url(f"**{reverse('org:department_list')}")


@pytest.mark.parametrize("browser_context_args", [{"viewport": {"width": 1280, "height": 800}}], ids=["desktop"])
def test_desktop_shows_navigation_without_the_toggler(page) -> None:
    page.goto("/")
    expect(page.locator(".navbar-toggler")).to_be_hidden()
    expect(page.locator(f'#main-nav a.nav-link[href="{reverse("org:department_list")}"]')).to_be_visible()
