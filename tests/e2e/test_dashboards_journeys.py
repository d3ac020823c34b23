"""Dashboards in the browser: a supervisor drills from a red figure to the case; a citizen reads a department's public
page on a phone."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from efficiency_portal.org.models import Role
from efficiency_portal.supervised_tasks import services as task_services
from efficiency_portal.supervised_tasks.models import TaskKind
from efficiency_portal.supervision.services import sweep_deadlines
from tests.e2e.conftest import PHONE, log_in
from tests.factories import (
    DepartmentFactory,
    ItemFactory,
    StaffFactory,
    UserFactory,
    ensure_official_calendar,
    make_accepted_case,
    make_head,
)

pytestmark = [pytest.mark.e2e]


def test_supervisor_drills_from_the_red_figure_to_the_case(page) -> None:
    ensure_official_calendar()
    department = DepartmentFactory(name="市住房和城乡建设局")
    make_head(department)
    item = ItemFactory(department=department, name="建筑工程施工许可证核发（看板测试）")
    clerk = StaffFactory(department=department, name="赵磊", roles=[Role.CLERK])
    make_accepted_case(item, clerk=clerk)
    sweep_deadlines()
    supervisor = UserFactory(roles=[Role.SUPERVISOR])

    log_in(page, supervisor.username)
    page.goto(reverse("dashboards:command_centre"))
    red = page.locator("#figure-cases_red")
    expect(red.locator("[data-figure]")).to_have_text("0")
    expect(red).not_to_have_class(re.compile(r"tone-danger"))
    expect(page.locator("#figure-cases_open [data-figure]")).to_have_text("1")
    expect(page.locator("#trend-chart")).to_be_visible()

    # Two cases run late meanwhile: the figure and its red emphasis follow without a reload.
    late = make_accepted_case(item, accepted_at=timezone.now() - dt.timedelta(days=40), clerk=clerk)
    make_accepted_case(item, accepted_at=timezone.now() - dt.timedelta(days=41), clerk=clerk)
    sweep_deadlines()
    page.evaluate("document.getElementById('live-board').dispatchEvent(new Event('dashboard:refresh'))")
    expect(red.locator("[data-figure]")).to_have_text("2")
    expect(red).to_have_class(re.compile(r"tone-danger"))
    expect(page.locator("#figure-cases_open [data-figure]")).to_have_text("3")
    with page.expect_navigation():
        red.get_by_role("link").click()
    expect(page.locator("#drill-total")).to_have_text("2")
    with page.expect_navigation():
        page.locator("#drill-list").get_by_role("link", name=late.tracking_code, exact=False).first.click()
    assert page.url.endswith(reverse("approvals:case_work", args=[late.pk]))
    expect(page.locator("main")).to_contain_text(late.tracking_code)


class TestOnAPhone:
    @pytest.fixture
    def browser_context_args(self) -> dict:
        return {"locale": "zh-CN", "viewport": PHONE, "is_mobile": True, "has_touch": True}

    def test_citizen_reads_a_department_public_page_on_a_phone(self, page) -> None:
        ensure_official_calendar()
        department = DepartmentFactory(name="市市场监督管理局", code="scjgj-e2e")
        head = make_head(department, name="陈科长")
        supervisor = StaffFactory(name="周敏", roles=[Role.SUPERVISOR])
        ItemFactory(department=department, name="食品经营许可（公开测试）")
        task_services.assign_task(
            title="企业开办一日办结",
            description="全流程1个工作日内办结。",
            kind=TaskKind.COMMITMENT,
            lead_department=department,
            responsible=head.user,
            limit_days=60,
            is_public=True,
            actor=supervisor.user,
        )

        page.goto(reverse("dashboards:disclosure"))
        with page.expect_navigation():
            page.locator("#public-departments").get_by_role("link", name="市市场监督管理局").click()
        expect(page.locator("#department-name")).to_have_text("市市场监督管理局")
        expect(page.locator("#commitments")).to_contain_text("企业开办一日办结")
        expect(page.locator("#commitments")).to_contain_text("全流程1个工作日内办结。")  # what is promised
        expect(page.locator("#trend-chart")).to_be_visible()
        expect(page.locator("#public-items")).to_contain_text("食品经营许可（公开测试）")
        expect(page.locator("#public-months tbody tr")).to_have_count(12)
        body = page.locator("body").inner_text()
        assert "陈科长" not in body and "周敏" not in body
        # Nothing wider than the phone: no sideways scrolling of the page.
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
