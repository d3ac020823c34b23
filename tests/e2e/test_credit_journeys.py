"""Credit in the browser: a supervisor confirms a proposed entry; the civil servant sees it and objects; the
supervisor accepts the objection and decides. Time cannot be frozen here (the live server answers from another
thread), so the entry's fact lies a few days back and everything else happens now."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from credit import services
from credit.models import CreditEntry, CreditObjection, EntryStatus, ObjectionOutcome, Source
from efficiency_portal.org.models import Role
from tests.credit.factories import ensure_seeded_rules
from tests.e2e.conftest import log_in
from tests.factories import DepartmentFactory, StaffFactory, ensure_official_calendar

pytestmark = [pytest.mark.e2e]


@pytest.fixture
def other_page(browser, browser_context_args, live_server) -> Iterator:
    """The civil servant's browser: own cookies, failing on a script error or a Content-Security-Policy violation."""
    context = browser.new_context(base_url=live_server.url, **browser_context_args)
    context.set_default_timeout(10_000)
    second = context.new_page()
    problems: list[str] = []
    second.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    second.on(
        "console",
        lambda message: (
            problems.append(f"console: {message.text}")
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    yield second
    context.close()
    assert problems == [], problems


def test_supervisor_confirms_civil_servant_objects_supervisor_decides(page, other_page) -> None:
    ensure_official_calendar()
    ensure_seeded_rules()
    department = DepartmentFactory(name="市市场监督管理局登记注册科")
    clerk = StaffFactory(department=department, name="陈静", roles=[Role.CLERK])
    supervisor = StaffFactory(department=DepartmentFactory(name="市机关效能建设办公室"), roles=[Role.SUPERVISOR])
    entry = services.propose_entry(
        rule_code="red_card_case",
        fact_date=timezone.localdate() - dt.timedelta(days=3),
        source=Source.RED_CARD,
        staff=clerk,
        detail="K20260001 · 超期办结",
    )
    entry_url = reverse("credit:entry_detail", args=[entry.pk])

    # The supervisor confirms the proposal from the list of entries to confirm.
    log_in(page, supervisor.user.username)
    page.goto(reverse("credit:pending_list"))
    expect(page.locator("main")).to_contain_text("陈静")
    with page.expect_navigation():
        page.locator(f'form[action="{reverse("credit:entry_confirm", args=[entry.pk])}"] button').click()
    entry.refresh_from_db()
    assert entry.status == EntryStatus.CONFIRMED
    expect(page.locator("main")).not_to_contain_text("陈静")

    # The civil servant sees the entry in their own record and objects to it.
    log_in(other_page, clerk.user.username)
    other_page.goto(reverse("credit:my_record"))
    expect(other_page.get_by_test_id("credit-points")).to_have_text("995")
    with other_page.expect_navigation():
        other_page.locator(f'main a[href="{entry_url}"]').first.click()
    expect(other_page.get_by_test_id("entry-points")).to_contain_text("-5")
    with other_page.expect_navigation():
        other_page.locator(f'a[href="{reverse("credit:entry_object", args=[entry.pk])}"]').click()
    other_page.fill("#id_reasons", "该件因申请人补正材料延误，已按规定暂停计时，不应计入超期。")
    with other_page.expect_navigation():
        other_page.locator('main form button[type="submit"]').click()
    objection = CreditObjection.objects.get(entry=entry)
    entry.refresh_from_db()
    assert entry.status == EntryStatus.DISPUTED

    # The supervisor finds it among the objections, accepts it for review and withdraws the entry.
    page.goto(reverse("credit:objection_list"))
    with page.expect_navigation():
        page.locator(f'main a[href="{entry_url}"]').click()
    with page.expect_navigation():
        page.locator(f'form[action="{reverse("credit:objection_accept", args=[objection.pk])}"] button').click()
    decide = page.locator(f'form[action="{reverse("credit:objection_decide", args=[objection.pk])}"]')
    decide.locator(f'input[name="outcome"][value="{ObjectionOutcome.WITHDRAWN}"]').check()
    decide.locator('textarea[name="reason"]').fill("系统记录证实补正期间已暂停计时，撤销该记录。")
    with page.expect_navigation():
        decide.locator("button").click()
    expect(page.get_by_test_id("objection-outcome")).to_be_visible()

    objection.refresh_from_db()
    entry.refresh_from_db()
    assert objection.outcome == ObjectionOutcome.WITHDRAWN and entry.status == EntryStatus.WITHDRAWN
    # The civil servant's record is back to the base score.
    other_page.goto(reverse("credit:my_record"))
    expect(other_page.get_by_test_id("credit-points")).to_have_text("1000")
    assert CreditEntry.objects.count() == 1

    # The supervisor's overview draws the grade distribution (an external script: the page's CSP allows no other).
    page.goto(reverse("credit:subject_list"))
    expect(page.locator("main")).to_contain_text("陈静")
    page.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('grade-chart'))")
