"""Searching the catalogue in the browser: from the home page, 开公司 finds the enterprise item; a typo is corrected."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from efficiency_portal.search.defaults import ensure_default_synonyms
from tests.factories import DepartmentFactory, ItemFactory

pytestmark = [pytest.mark.e2e]


@pytest.fixture
def catalogue() -> None:
    ensure_default_synonyms()
    market = DepartmentFactory(name="市市场监督管理局")
    ItemFactory(department=market, code="company-registration", name="企业设立登记", summary="公司设立，一日办结")
    ItemFactory(department=market, code="company-change", name="企业变更登记")
    ItemFactory(department=market, code="food", name="食品经营许可")


def test_start_a_company_from_the_home_page(page, catalogue) -> None:
    page.goto(reverse("home"))
    box = page.locator("#home-search-q")
    expect(box).to_have_attribute("placeholder", "例如：开公司、营业执照、低保、出生证明")
    box.fill("我想开公司")
    with page.expect_navigation():
        page.locator('#home-search button[type="submit"]').click()
    first = page.locator(".item-row").first
    expect(first).to_contain_text("企业设立登记")
    expect(page.locator("#search-synonyms")).to_contain_text("开公司")
    with page.expect_navigation():
        first.get_by_role("link", name="企业设立登记").click()
    expect(page.locator("#guide-title")).to_have_text("企业设立登记")


def test_a_typo_is_answered_with_did_you_mean(page, catalogue) -> None:
    page.goto(reverse("approvals:catalogue") + "?q=企业设立等级")
    suggestion = page.locator("#search-suggestion a")
    expect(page.locator("#search-suggestion")).to_contain_text("您是不是要找")
    with page.expect_navigation():
        suggestion.click()
    expect(page.locator(".item-row").first).to_contain_text("企业设立登记")
