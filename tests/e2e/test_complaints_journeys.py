"""Complaints in the browser: an anonymous citizen files with a photo and follows it to the reply; supervisors and
the department handle it on the clock and the civil servant's credit record shows the sanction; a bad rating is
rectified by the department."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from complaints.models import Complaint, ComplaintStatus, RectificationOrder, RectificationStatus
from efficiency_portal.org.models import Role
from tests.complaints.factories import PNG_BYTES
from tests.e2e.conftest import log_in
from tests.factories import (
    CitizenFactory,
    DepartmentFactory,
    ItemFactory,
    StaffFactory,
    ensure_official_calendar,
    make_accepted_case,
    make_head,
)

pytestmark = [pytest.mark.e2e]


@pytest.fixture(autouse=True)
def _private_media(_plain_static, settings, tmp_path) -> Iterator[None]:
    from django.core.files.storage import storages

    private = settings.STORAGES["private"]
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {**private, "OPTIONS": {**private["OPTIONS"], "location": str(tmp_path)}},
    }
    storages._storages.pop("private", None)
    # Filings from the test browser all come from one address: no captcha or limit in these journeys.
    settings.COMPLAINTS_CAPTCHA_AFTER = 1000
    settings.COMPLAINTS_FILING_LIMIT = 1000
    yield
    storages._storages.pop("private", None)


@pytest.fixture
def second(browser, browser_context_args, live_server) -> Iterator:
    context = browser.new_context(base_url=live_server.url, **browser_context_args)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def click(page, selector: str) -> None:
    with page.expect_navigation():
        page.locator(selector).click()


def test_anonymous_complaint_to_reply_with_sanction_in_credit(page, second) -> None:
    ensure_official_calendar()
    office = DepartmentFactory(name="市机关效能建设办公室")
    supervisor = StaffFactory(department=office, name="周敏", roles=[Role.SUPERVISOR])
    department = DepartmentFactory(name="市不动产登记中心")
    head = make_head(department, name="陈科长")
    culprit = StaffFactory(department=department, name="刘窗口", roles=[Role.CLERK])

    # An anonymous citizen files, with a photo, in larger text.
    page.goto(reverse("complaints:file") + "?large=1")
    page.select_option("#id_category", "buck_passing")
    page.select_option("#id_department", str(department.pk))
    page.fill("#id_staff_name", "刘窗口")
    page.fill("#id_description", "同一份材料让我跑了三趟，窗口互相推诿。")
    page.check("#id_anonymous")
    page.set_input_files(
        'input[name="attachments"]', {"name": "现场.png", "mimeType": "image/png", "buffer": PNG_BYTES}
    )
    click(page, "#file-submit")
    code = page.locator("#tracking-code").inner_text().strip()
    secret = page.locator("#tracking-secret").inner_text().strip()
    complaint = Complaint.objects.get(tracking_code=code)
    assert complaint.anonymous and complaint.attachments.count() == 1 and complaint.staff == culprit

    # Before anything is decided the citizen follows it and adds a second photo.
    page.goto(reverse("complaints:track"))
    page.fill("#id_code", code)
    page.fill("#id_secret", secret)
    click(page, 'main form button[type="submit"]')
    page.set_input_files(
        'input[name="evidence-attachments"]', {"name": "收据.png", "mimeType": "image/png", "buffer": PNG_BYTES}
    )
    click(page, "#add-evidence")
    expect(page.locator("#complaint-files")).to_contain_text("收据.png")
    assert complaint.attachments.count() == 2

    # The supervisor accepts and hands it to the department.
    log_in(second, supervisor.user.username)
    second.goto(reverse("complaints:work_list"))
    click(second, f'a[href="{reverse("complaints:detail", args=[complaint.pk])}"]')
    click(second, "#action-accept")
    second.select_option("#id_hand-department", str(department.pk))
    second.fill("#id_hand-instructions", "请核实并报告。")
    click(second, "#action-hand")
    assert Complaint.objects.get(pk=complaint.pk).status == ComplaintStatus.WITH_DEPARTMENT

    # The department head investigates and reports; nothing names the complainant.
    second.context.clear_cookies()
    log_in(second, head.user.username)
    second.goto(reverse("complaints:department_list"))
    click(second, f'a[href="{reverse("complaints:department_detail", args=[complaint.pk])}"]')
    expect(second.locator("main")).to_contain_text("跑了三趟")
    second.fill("#id_report-text", "经调取监控核实，情况属实，已批评教育。")
    click(second, "#send-report")

    # The supervisor records the finding with a sanction on the civil servant and replies.
    second.context.clear_cookies()
    log_in(second, supervisor.user.username)
    second.goto(reverse("complaints:detail", args=[complaint.pk]))
    second.check('input[name="finding-finding"][value="upheld"]')
    second.fill("#id_finding-text", "推诿属实。")
    second.fill("#id_sanction-0-staff", culprit.employee_no)
    second.select_option("#id_sanction-0-sanction", "efficiency_caution")
    click(second, "#action-finding")
    expect(second.locator("#sanctions")).to_contain_text("刘窗口")
    second.fill("#id_reply-text", "经调查，您反映的问题属实，已对相关人员予以效能告诫。")
    click(second, "#action-reply")

    # The civil servant sees the entry in the credit record.
    second.context.clear_cookies()
    log_in(second, culprit.user.username)
    second.goto(reverse("credit:my_record"))
    expect(second.locator("main")).to_contain_text("效能告诫")

    # The citizen follows it with number and secret, reads the reply and rates it.
    page.goto(reverse("complaints:track"))
    page.fill("#id_code", code)
    page.fill("#id_secret", secret)
    click(page, 'main form button[type="submit"]')
    expect(page.locator("#reply")).to_contain_text("效能告诫")
    page.check('input[name="rate-level"][value="4"]')
    click(page, 'button[name="rate"]')
    assert Complaint.objects.get(pk=complaint.pk).status == ComplaintStatus.CLOSED


def test_bad_rating_is_rectified_by_the_department(page, second) -> None:
    ensure_official_calendar()
    department = DepartmentFactory(name="市社保服务窗口")
    make_head(department, name="吴科长")
    clerk = StaffFactory(department=department, name="孙办事员", roles=[Role.CLERK])
    citizen = CitizenFactory()
    case = make_accepted_case(ItemFactory(department=department), applicant=citizen, status="delivered")
    type(case).objects.filter(pk=case.pk).update(decided_at=timezone.now(), delivered_at=timezone.now())

    log_in(page, citizen.username)
    page.goto(reverse("approvals:my_case", args=[case.pk]))
    click(page, f'a[href="{reverse("complaints:rate_case", args=[case.pk])}"]')
    page.check('input[name="level"][value="1"]')
    page.fill("#id_comment", "让我等了两个小时")
    click(page, "#send-rating")
    order = RectificationOrder.objects.get()
    assert order.department == department

    log_in(second, clerk.user.username)
    second.goto(reverse("complaints:rectification_list"))
    click(second, f'a[href="{reverse("complaints:rectification_detail", args=[order.pk])}"]')
    second.fill("#id_note", "已电话联系群众并致歉。")
    click(second, "#record-step")
    second.fill("#id_note", "已调整窗口排班，高峰期增开窗口。")
    click(second, "#record-step")
    order.refresh_from_db()
    assert order.status == RectificationStatus.RECTIFIED


def test_applicant_without_an_account_rates_a_finished_case_from_its_tracking_page(page) -> None:
    ensure_official_calendar()
    department = DepartmentFactory(name="市不动产登记中心")
    case = make_accepted_case(ItemFactory(department=department), status="delivered")
    type(case).objects.filter(pk=case.pk).update(decided_at=timezone.now(), delivered_at=timezone.now())

    page.goto(reverse("approvals:track"))
    page.fill("#id_code", case.tracking_code)
    page.fill("#id_proof", case.applicant_phone)
    click(page, 'main form button[type="submit"]')
    click(page, "#rate-case")
    page.check('input[name="level"][value="5"]')
    page.fill("#id_comment", "一次办好，不用跑腿")
    click(page, "#send-rating")
    expect(page.locator("#case-rated")).to_be_visible()
    rating = case.service_rating
    assert (rating.level, rating.rater, rating.comment) == (5, None, "一次办好，不用跑腿")
