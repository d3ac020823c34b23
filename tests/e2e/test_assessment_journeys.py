"""Assessment in the browser: an evaluator fills in a form, a supervisor runs and publishes the period, a civil
servant reads the explanation of their score and appeals it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from assessment.models import Appeal, EvaluationEntry, IndicatorKind, PeriodStatus
from assessment.services import forms
from efficiency_portal.org.models import Role
from tests.assessment.factories import make_period, make_scheme
from tests.e2e.conftest import log_in
from tests.factories import DepartmentFactory, StaffFactory, UserFactory, ensure_official_calendar

pytestmark = [pytest.mark.e2e]


def test_evaluate_run_publish_read_and_appeal(page, browser, browser_context_args, live_server):
    ensure_official_calendar()
    department = DepartmentFactory(name="登记注册科")
    clerk = StaffFactory(department=department, name="张三", user__username="zhangsan")
    evaluator = StaffFactory(department=department, name="李四", user__username="lisi")
    UserFactory(username="xiaonengban", roles=[Role.SUPERVISOR])
    scheme = make_scheme(name="公务员平时考核方案")
    period = make_period(
        scheme,
        start=timezone.localdate() - dt.timedelta(days=30),
        end=timezone.localdate() - dt.timedelta(days=1),
        name="上月",
        forms_close_at=timezone.now() + dt.timedelta(days=3),
    )
    indicator = scheme.indicators.get(kind=IndicatorKind.EVALUATED)
    forms.assign_form(period, indicator=indicator, evaluator=evaluator, subject_ids=[clerk.pk])

    # The evaluator scores their colleague.
    log_in(page, "lisi")
    page.goto(reverse("assessment:my_forms"))
    page.get_by_role("link", name="填写").or_(page.get_by_role("link", name="Fill in")).first.click()
    page.get_by_label("张三").select_option("5")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**{reverse('assessment:my_forms')}")
    assert EvaluationEntry.objects.get(subject_id=clerk.pk).score == 5

    # The supervisor runs and publishes the period.
    supervisor_page = browser.new_context(base_url=live_server.url, **browser_context_args).new_page()
    problems: list[str] = []
    supervisor_page.on("pageerror", lambda error: problems.append(str(error)))
    supervisor_page.on(
        "console",
        lambda message: problems.append(message.text) if "Content Security Policy" in message.text else None,
    )
    log_in(supervisor_page, "xiaonengban")
    supervisor_page.goto(reverse("assessment:period_detail", args=[period.pk]))
    supervisor_page.locator(f"form[action='{reverse('assessment:period_run', args=[period.pk])}'] button").click()
    expect(supervisor_page.locator("#results")).to_contain_text("张三")
    supervisor_page.locator(f"form[action='{reverse('assessment:period_publish', args=[period.pk])}'] button").click()
    expect(supervisor_page.locator("#period-status")).to_be_visible()
    period.refresh_from_db()
    assert period.status == PeriodStatus.PUBLISHED
    # Rankings with the trend chart drawn by the external script (no inline script under the CSP).
    supervisor_page.goto(reverse("assessment:rankings"))
    expect(supervisor_page.locator("main table")).to_contain_text("张三")
    supervisor_page.wait_for_function("document.getElementById('assessment-trend').width > 0")
    assert problems == []

    # The civil servant reads where every point came from, and appeals.
    clerk_page = browser.new_context(base_url=live_server.url, **browser_context_args).new_page()
    log_in(clerk_page, "zhangsan")
    clerk_page.goto(reverse("assessment:my_results"))
    clerk_page.locator("main table a").first.click()
    expect(clerk_page.locator("#explanation")).to_contain_text("民主测评")
    expect(clerk_page.locator("#explanation")).to_contain_text("100.00")
    clerk_page.locator("textarea[name=reason]").fill("按时办结率计算有误，请复核本人的办件记录。")
    clerk_page.locator("main form button[type=submit]").first.click()
    expect(clerk_page.locator("main")).to_contain_text("按时办结率计算有误")
    assert Appeal.objects.get().result.staff_id == clerk.pk
