"""Approvals in the browser: a citizen's application to its decision, a clerk's case to delivery, a red card explained.

Each journey drives the real pages as a person would. Time cannot be frozen here (the live server answers from
another thread), so a late case is made late by starting its clock in the past.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from playwright.sync_api import expect

from approvals.models import Case, CaseEvent, CaseStatus, ItemMaterial
from approvals.models.cards import Card, ExplanationStatus
from approvals.services import processing
from approvals.services.cards import sync_cards_from_warnings
from efficiency_portal.notifications.models import Notification
from efficiency_portal.org.models import Role
from efficiency_portal.supervision.services import sweep_deadlines
from tests.e2e.conftest import log_in
from tests.factories import (
    PDF_BYTES,
    DepartmentFactory,
    ItemFactory,
    StaffFactory,
    UserFactory,
    ensure_official_calendar,
    make_accepted_case,
    make_head,
    make_intake_desk,
    submit_online,
)

pytestmark = [pytest.mark.e2e]

ITEM_NAME = "餐饮服务食品经营许可（浏览器测试）"


@pytest.fixture(autouse=True)
def _private_media(_plain_static, settings, tmp_path) -> Iterator[None]:
    """Uploaded materials go to a directory of this test, not the portal's private media."""
    from django.core.files.storage import storages

    private = settings.STORAGES["private"]
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {**private, "OPTIONS": {**private["OPTIONS"], "location": str(tmp_path)}},
    }
    storages._storages.pop("private", None)
    yield
    storages._storages.pop("private", None)


@pytest.fixture
def other_page(browser, browser_context_args, live_server) -> Iterator:
    """A second person's browser: own cookies, same checks on script errors and CSP violations as ``page``."""
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


def label(status: str) -> str:
    """A status as the pages show it in Chinese."""
    with translation.override("zh-hans"):
        return str(CaseStatus(status).label)


def pdf(name: str) -> dict:
    return {"name": name, "mimeType": "application/pdf", "buffer": PDF_BYTES}


def public_text(case: Case, action: str) -> str:
    return CaseEvent.objects.filter(case=case, action=action).exclude(public_text="").latest("at").public_text


def wait_for_status(case: Case, status: str) -> Case:
    case.refresh_from_db()
    assert case.status == status, (case.status, status)
    return case


def submit_in(page, action_url: str) -> None:
    """Press the submit button of the form that posts to ``action_url`` and wait for the page that answers."""
    form = page.locator(f'form[action="{action_url}"]')
    with page.expect_navigation():
        form.locator('button[type="submit"]').click()


def track(page, code: str, secret: str) -> None:
    page.goto(reverse("approvals:track"))
    page.fill("#id_code", code)
    page.fill("#id_proof", secret)
    with page.expect_navigation():
        page.locator('main form button[type="submit"]').click()


@pytest.fixture
def office():
    """A published item of a department with an intake desk (clerk A and B) and a head."""
    ensure_official_calendar()
    department = DepartmentFactory(name="市市场监督管理局食品经营许可科")
    item = ItemFactory(department=department, name=ITEM_NAME, summary="开办餐馆、食堂等餐饮服务的许可")
    clerk, _backup = make_intake_desk(item, name="李静")
    head = make_head(department, name="陈科长")
    return {"department": department, "item": item, "clerk": clerk, "head": head}


def test_citizen_applies_supplements_and_tracks_to_the_decision(page, other_page, office) -> None:
    item, clerk = office["item"], office["clerk"]
    licence = ItemMaterial.objects.get(item=item, name="营业执照")
    floor_plan = ItemMaterial.objects.get(item=item, name="经营场所平面图")

    # The citizen finds the item in the catalogue and opens its guide.
    page.goto(reverse("approvals:catalogue"))
    page.fill('input[name="q"]', "餐饮服务")
    with page.expect_navigation():
        page.locator('form[role="search"] button[type="submit"]').click()
    result = page.locator(".item-row").filter(has_text=ITEM_NAME)
    expect(result).to_have_count(1)
    with page.expect_navigation():
        result.get_by_role("link", name=ITEM_NAME).click()
    expect(page.locator("#guide-title")).to_have_text(ITEM_NAME)
    expect(page.locator("dd").filter(has_text="营业执照")).to_be_visible()

    # ... applies online with the required material ...
    with page.expect_navigation():
        page.locator(f'a[href="{reverse("approvals:apply", args=[item.code])}"]').click()
    page.fill("#id_applicant_name", "王芳")
    page.fill("#id_applicant_phone", "13912345678")
    page.set_input_files(f'input[name="material_{licence.pk}"]', pdf("营业执照.pdf"))
    with page.expect_navigation():
        page.locator('main form button[type="submit"]').click()
    page.wait_for_url(f"**{reverse('approvals:apply_done')}")
    code = page.locator("#tracking-code").inner_text().strip()
    secret = page.locator("#tracking-secret").inner_text().strip()
    assert code and secret
    case = Case.objects.get(tracking_code=code)
    assert case.status == CaseStatus.SUBMITTED
    assert case.materials.count() == 1

    # A clerk, in another browser, sends one notice listing what is missing.
    log_in(other_page, clerk.user.username)
    other_page.goto(reverse("approvals:case_work", args=[case.pk]))
    notice_url = reverse("approvals:prereview_notice", args=[case.pk])
    notice = other_page.locator(f'form[action="{notice_url}"]')
    notice.locator(f'input[name="missing"][value="{floor_plan.pk}"]').check()
    notice.locator('textarea[name="note"]').fill("请补交经营场所平面图，标明操作间与就餐区。")
    submit_in(other_page, notice_url)
    wait_for_status(case, CaseStatus.SUPPLEMENT)

    # The citizen tracks the case with the code and secret, reads the notice and supplements the file.
    track(page, code, secret)
    page.wait_for_url(f"**{reverse('approvals:track_case', args=[case.pk])}")
    expect(page.locator("#case-status")).to_have_text(label(CaseStatus.SUPPLEMENT))
    expect(page.locator("#notice")).to_contain_text("经营场所平面图")
    expect(page.locator("#notice")).to_contain_text("标明操作间与就餐区")
    page.set_input_files(f'input[name="material_{floor_plan.pk}"]', pdf("平面图.pdf"))
    with page.expect_navigation():
        page.locator('main form[enctype="multipart/form-data"] button[type="submit"]').click()
    expect(page.locator("#case-status")).to_have_text(label(CaseStatus.SUBMITTED))
    expect(page.locator("#notice")).to_have_count(0)
    wait_for_status(case, CaseStatus.SUBMITTED)
    assert case.materials.filter(material=floor_plan).count() == 1

    # The clerk accepts it on the case page.
    other_page.goto(reverse("approvals:case_work", args=[case.pk]))
    submit_in(other_page, reverse("approvals:prereview_accept", args=[case.pk]))
    expect(other_page.locator("main p.lead .badge")).to_have_text(label(CaseStatus.ACCEPTED))
    case = wait_for_status(case, CaseStatus.ACCEPTED)

    # Review and decision (the clerk's middle steps, through the services).
    processing.assign_case(case, clerk, clerk.user)
    processing.complete_step(Case.objects.get(pk=case.pk), clerk.user, "内部意见：现场核查符合要求")
    processing.decide_case(Case.objects.get(pk=case.pk), clerk.user, approve=True, reason="材料齐全，符合条件")
    case = wait_for_status(case, CaseStatus.APPROVED)

    # The citizen tracks it again and reads the decision in plain words; internal notes stay inside.
    track(page, code, secret)
    page.wait_for_url(f"**{reverse('approvals:track_case', args=[case.pk])}")
    expect(page.locator("#case-status")).to_have_text(label(CaseStatus.APPROVED))
    timeline = page.locator("main ol.list-group")
    expect(timeline).to_contain_text(public_text(case, "approved"))
    expect(timeline).to_contain_text(public_text(case, "notice"))
    expect(page.locator("main")).not_to_contain_text("内部意见")


def test_clerk_accepts_head_assigns_clerk_decides_and_delivers(page, other_page, office) -> None:
    item, clerk, head = office["item"], office["clerk"], office["head"]
    case, _secret = submit_online(item)
    case_url = reverse("approvals:case_work", args=[case.pk])
    badge = page.locator("main p.lead .badge")

    def act(on, action: str) -> None:
        submit_in(on, reverse("approvals:case_action", args=[case.pk, action]))

    log_in(page, clerk.user.username)
    page.goto(case_url)
    expect(badge).to_have_text(label(CaseStatus.SUBMITTED))
    submit_in(page, reverse("approvals:prereview_accept", args=[case.pk]))
    expect(badge).to_have_text(label(CaseStatus.ACCEPTED))
    wait_for_status(case, CaseStatus.ACCEPTED)

    # The head assigns the case to the clerk.
    log_in(other_page, head.user.username)
    other_page.goto(case_url)
    assign = other_page.locator(f'form[action="{reverse("approvals:case_action", args=[case.pk, "assign"])}"]')
    assign.locator('select[name="assign-handler"]').select_option(str(clerk.pk))
    act(other_page, "assign")
    expect(other_page.locator("main p.lead .badge")).to_have_text(label(CaseStatus.PROCESSING))
    case = wait_for_status(case, CaseStatus.PROCESSING)
    assert case.handler_id == clerk.user.pk

    # The clerk finishes the review step, then decides with a reason.
    page.goto(case_url)
    expect(badge).to_have_text(label(CaseStatus.PROCESSING))
    page.fill("#id_complete-step-opinion", "经审查，材料真实有效")
    act(page, "complete-step")
    expect(page.locator("main")).to_contain_text("经审查，材料真实有效")
    page.locator('input[name="decide-approve"][value="yes"]').check()
    page.fill("#id_decide-reason", "符合食品经营许可条件")
    act(page, "decide")
    expect(badge).to_have_text(label(CaseStatus.APPROVED))
    wait_for_status(case, CaseStatus.APPROVED)

    # A decision without its result cannot be delivered; the page says so next to the form.
    page.fill("#id_deliver-method", "窗口领取")
    page.fill("#id_deliver-fee_charged", "0")
    act(page, "deliver")
    deliver_form = page.locator(f'form[action="{reverse("approvals:case_action", args=[case.pk, "deliver"])}"]')
    expect(deliver_form.locator(".invalid-feedback")).to_be_visible()
    wait_for_status(case, CaseStatus.APPROVED)

    page.fill("#id_result-licence_number", "JY13301020000123")
    act(page, "result")
    expect(page.locator("main")).to_contain_text("JY13301020000123")
    page.fill("#id_deliver-method", "窗口领取")
    page.fill("#id_deliver-fee_charged", "0")
    act(page, "deliver")
    expect(badge).to_have_text(label(CaseStatus.DELIVERED))
    expect(page.locator("main")).to_contain_text("窗口领取")
    case = wait_for_status(case, CaseStatus.DELIVERED)
    assert case.decision_reason == "符合食品经营许可条件"
    assert list(case.events.values_list("action", flat=True).order_by("at", "pk")) == [
        "submitted",
        "accepted",
        "assigned",
        "step_done",
        "approved",
        "result_recorded",
        "delivered",
    ]


def test_case_turns_red_and_the_handler_explains_to_the_supervisor(page, other_page) -> None:
    ensure_official_calendar()
    department = DepartmentFactory(name="市住房和城乡建设局建筑业管理科")
    make_head(department)
    item = ItemFactory(department=department, name="建筑工程施工许可证核发（浏览器测试）")
    clerk = StaffFactory(department=department, name="赵磊", roles=[Role.CLERK])
    case = make_accepted_case(item, accepted_at=timezone.now() - dt.timedelta(days=40), clerk=clerk)
    sweep_deadlines()
    assert sync_cards_from_warnings() >= 1
    card = Card.objects.get(case=case, level="red")
    assert card.explanation_status == ExplanationStatus.AWAITING
    supervisor = UserFactory(roles=[Role.SUPERVISOR])

    explain_url = reverse("approvals:card_explain", args=[card.pk])
    asked = Notification.objects.get(recipient=clerk.user, link=explain_url)

    # The handler sees the request in the bell and opens it.
    log_in(page, clerk.user.username)
    expect(page.get_by_test_id("bell-count")).to_be_visible()
    with page.expect_navigation():
        page.locator("#bell").click()
    with page.expect_navigation():
        page.locator(f'a[href="{reverse("notifications:open", args=[asked.pk])}"]').click()
    page.wait_for_url(f"**{explain_url}")
    expect(page.locator("main")).to_contain_text(case.tracking_code)

    explanation = "国庆前后现场核查人员不足，未能按时完成审查；已调整排班并设专人跟踪。"
    page.fill("#id_explanation", explanation)
    with page.expect_navigation():
        page.locator('main form button[type="submit"]').click()
    page.wait_for_url(f"**{reverse('approvals:my_cards')}")
    row = page.locator("main tbody tr").filter(has=page.locator(f'a[href="{explain_url}"]'))
    expect(row).to_contain_text(case.tracking_code)
    expect(row.locator("a.btn-primary")).to_have_count(0)  # nothing left to explain: only a link to view it
    card.refresh_from_db()
    assert card.explanation_status == ExplanationStatus.SUBMITTED
    assert card.explanation == explanation

    log_in(other_page, supervisor.username)
    # The supervisor finds it among the explanations waiting for review and accepts it.
    other_page.goto(reverse("approvals:card_review_list"))
    with other_page.expect_navigation():
        other_page.get_by_role("link", name=case.tracking_code).click()
    other_page.wait_for_url(f"**{reverse('approvals:card_review', args=[card.pk])}")
    expect(other_page.locator("main")).to_contain_text(explanation)
    other_page.locator('input[name="decision"][value="accept"]').check()
    other_page.fill("#id_note", "说明属实，予以认可。")
    with other_page.expect_navigation():
        other_page.locator('main form button[type="submit"]').click()
    other_page.wait_for_url(f"**{reverse('approvals:card_review_list')}")
    card.refresh_from_db()
    assert card.explanation_status == ExplanationStatus.ACCEPTED
