"""Processing services: lifecycle across National Day 2025, pauses, extensions, decision, delivery, A/B routing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from approvals.models import (
    Card,
    CardTrigger,
    CasePause,
    CaseStatus,
    CaseStep,
    ExtensionRequest,
    ExtensionStatus,
    SpecialProcedure,
    StepStatus,
)
from approvals.services import processing
from approvals.services.common import STEP_CLOCK
from efficiency_portal.notifications.models import Notification
from efficiency_portal.org.models import Role
from efficiency_portal.supervision.models import DeadlineStatus, Outcome
from tests.factories import (
    AwayNoticeFactory,
    CitizenFactory,
    ItemFactory,
    PostFactory,
    StaffFactory,
    make_accepted_case,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Uploaded files go to a directory of this test, not the portal's private media."""
    from django.core.files.storage import storages

    private = settings.STORAGES["private"]
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {**private, "OPTIONS": {**private["OPTIONS"], "location": str(tmp_path)}},
    }
    storages._storages.pop("private", None)
    yield
    storages._storages.pop("private", None)


TZ = ZoneInfo("Asia/Shanghai")


def at(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=TZ)


def national_day_case(**kwargs):
    """Accepted on 30 September 2025, the last working day before National Day, with a 5-working-day limit."""
    item = ItemFactory(
        promised_limit_days=5,
        statutory_limit_days=10,
        fee_amount=Decimal("0.00"),
        steps=[("accept", 1), ("review", 2), ("decide", 1), ("deliver", 1)],
    )
    return make_accepted_case(item, accepted_at=at(2025, 9, 30, 9), **kwargs)


def leader_of(department):
    leader = StaffFactory(roles=[Role.LEADER])
    department.leader_in_charge = leader
    department.save(update_fields=["leader_in_charge"])
    return leader


def test_national_day_due_date_pause_extension_late_decision_and_delivery():
    applicant = CitizenFactory()
    case = national_day_case(applicant=applicant)
    clerk = case.handler
    due = processing.case_clock(case)
    # 9, 10, 11 (make-up Saturday), 13, 14 October.
    assert due.due_at == at(2025, 10, 14, 17, 30)

    case = processing.assign_case(case, clerk.staff, clerk, at=at(2025, 10, 9, 9))
    assert case.status == CaseStatus.PROCESSING
    review = CaseStep.objects.get(case=case, step__code="review")
    assert review.status == StepStatus.RUNNING
    review_clock = processing.clock_of(review, STEP_CLOCK)
    assert review_clock.due_at == at(2025, 10, 11, 17, 30)  # 10 October, then the make-up Saturday

    # Expert review from Friday 10 to Tuesday 14 October: 11 (Sat, worked), 13, 14 → 3 working days added.
    case = processing.pause_case(
        case,
        clerk,
        procedure=SpecialProcedure.EXPERT_REVIEW,
        reason="组织专家评审",
        expected_days=3,
        at=at(2025, 10, 10, 9),
    )
    assert case.status == CaseStatus.PAUSED
    assert processing.case_clock(case).status == DeadlineStatus.PAUSED
    assert processing.clock_of(review, STEP_CLOCK).status == DeadlineStatus.PAUSED
    event = case.events.get(action="paused")
    assert "专家评审" in event.public_text or "Expert review" in event.public_text
    assert Notification.objects.filter(recipient=applicant, dedupe_key__startswith=f"case:{case.pk}:paused").exists()
    pause = CasePause.objects.get(case=case)
    assert pause.expected_days == 3 and pause.procedure == SpecialProcedure.EXPERT_REVIEW

    case = processing.resume_case(case, clerk, at=at(2025, 10, 14, 9))
    clock = processing.case_clock(case)
    assert clock.paused_days == 3
    assert clock.due_at == at(2025, 10, 17, 17, 30)  # 14 October + 15, 16, 17
    assert CasePause.objects.get(case=case).ended_at == at(2025, 10, 14, 9)

    # Extension of 3 working days, approved by the leader in charge: moves the due date once.
    leader = leader_of(case.department)
    request = processing.request_extension(case, clerk, 3, "需补充现场核查", at=at(2025, 10, 16, 9))
    processing.decide_extension(request, leader.user, True, at=at(2025, 10, 16, 10))
    clock = processing.case_clock(case)
    assert clock.extension_days == 3
    assert clock.due_at == at(2025, 10, 22, 17, 30)  # 20, 21, 22
    second = processing.request_extension  # a second extension is refused: the clock was extended once
    with pytest.raises(ValidationError) as error:
        second(case, clerk, 1, "再次延期", at=at(2025, 10, 17, 9))
    assert "days" in error.value.message_dict

    case = processing.complete_step(case, clerk, "材料齐全，符合条件", at=at(2025, 10, 20, 9))
    assert CaseStep.objects.get(case=case, step__code="decide").status == StepStatus.RUNNING

    # Decided on 24 October, after the due moment: a late-decision red card.
    case = processing.decide_case(case, clerk, approve=True, reason="", at=at(2025, 10, 24, 9))
    assert case.status == CaseStatus.APPROVED
    assert Card.objects.filter(case=case, trigger=CardTrigger.LATE_DECISION, level="red").exists()
    assert CaseStep.objects.get(case=case, step__code="deliver").status == StepStatus.RUNNING

    case = processing.record_result(case, clerk, licence_number="JY12345", at=at(2025, 10, 24, 10))
    case = processing.deliver_case(case, clerk, method="窗口领取", fee_charged="0", at=at(2025, 10, 24, 11))
    assert case.status == CaseStatus.DELIVERED
    clock = processing.case_clock(case)
    assert clock.status == DeadlineStatus.FINISHED and clock.outcome == Outcome.LATE
    assert not Card.objects.filter(case=case, trigger=CardTrigger.WRONG_FEE).exists()
    assert all(step.status == StepStatus.DONE for step in CaseStep.objects.filter(case=case))


def test_on_time_delivery_and_wrong_fee_card():
    case = national_day_case()
    clerk = case.handler
    case = processing.assign_case(case, clerk, clerk, at=at(2025, 10, 9, 9))
    case = processing.complete_step(case, clerk, at=at(2025, 10, 9, 10))
    case = processing.decide_case(case, clerk, approve=True, reason="符合条件", at=at(2025, 10, 9, 11))
    assert not Card.objects.filter(case=case).exists()
    case = processing.record_result(case, clerk, licence_number="JY1", at=at(2025, 10, 9, 12))
    case = processing.deliver_case(case, clerk, method="邮寄", fee_charged="50", at=at(2025, 10, 9, 14))
    assert processing.case_clock(case).outcome == Outcome.EARLY
    card = Card.objects.get(case=case, trigger=CardTrigger.WRONG_FEE)
    assert card.level == "red"


def test_deny_needs_a_reason_and_is_told():
    applicant = CitizenFactory()
    case = national_day_case(applicant=applicant)
    clerk = case.handler
    case = processing.assign_case(case, clerk, clerk, at=at(2025, 10, 9, 9))
    case = processing.complete_step(case, clerk, at=at(2025, 10, 9, 10))
    with pytest.raises(ValidationError) as error:
        processing.decide_case(case, clerk, approve=False, reason="  ", at=at(2025, 10, 9, 11))
    assert "reason" in error.value.message_dict
    case.refresh_from_db()
    assert case.status == CaseStatus.PROCESSING
    case = processing.decide_case(case, clerk, approve=False, reason="经营场所不符合要求", at=at(2025, 10, 9, 11))
    assert case.status == CaseStatus.DENIED
    assert "经营场所不符合要求" in case.events.get(action="denied").public_text
    assert Notification.objects.filter(recipient=applicant, dedupe_key=f"case:{case.pk}:decided").exists()
    with pytest.raises(ValidationError):
        processing.record_result(case, clerk, licence_number="JY2")
    # A denial is delivered without a licence.
    case = processing.deliver_case(case, clerk, method="邮寄", fee_charged=0, at=at(2025, 10, 9, 15))
    assert case.status == CaseStatus.DELIVERED


def test_decide_before_review_is_refused():
    case = national_day_case()
    clerk = case.handler
    case = processing.assign_case(case, clerk, clerk, at=at(2025, 10, 9, 9))
    with pytest.raises(ValidationError) as error:
        processing.decide_case(case, clerk, approve=True, reason="", at=at(2025, 10, 9, 10))
    assert "approve" in error.value.message_dict


@pytest.mark.parametrize(
    ("action", "kwargs"),
    [
        ("complete_step", {}),
        ("pause_case", {"procedure": "hearing", "reason": "听证", "expected_days": 2}),
        ("resume_case", {}),
        ("decide_case", {"approve": True, "reason": ""}),
        ("record_result", {"licence_number": "X1"}),
        ("deliver_case", {"method": "邮寄", "fee_charged": 0}),
    ],
)
def test_wrong_state_transitions_are_refused(action, kwargs):
    case = national_day_case()  # ACCEPTED, not yet assigned
    with pytest.raises(ValidationError) as error:
        getattr(processing, action)(case, case.handler, at=at(2025, 10, 9, 9), **kwargs)
    assert error.value.message_dict
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED
    assert not case.events.exists()


def test_pause_input_is_checked():
    case = national_day_case()
    clerk = case.handler
    case = processing.assign_case(case, clerk, clerk, at=at(2025, 10, 9, 9))
    with pytest.raises(ValidationError) as error:
        processing.pause_case(case, clerk, procedure="nap", reason="", expected_days=0, at=at(2025, 10, 9, 10))
    assert set(error.value.message_dict) == {"procedure", "reason", "expected_days"}
    case.refresh_from_db()
    assert case.status == CaseStatus.PROCESSING and not CasePause.objects.exists()


# --- extensions -------------------------------------------------------------------------------------------------------


def processing_case():
    case = national_day_case()
    return processing.assign_case(case, case.handler, case.handler, at=at(2025, 10, 9, 9))


def test_extension_after_expiry_is_refused():
    case = processing_case()
    with pytest.raises(ValidationError) as error:
        processing.request_extension(case, case.handler, 2, "太迟了", at=at(2025, 10, 14, 18))
    assert "days" in error.value.message_dict
    assert not ExtensionRequest.objects.exists()


def test_extension_over_the_cap_is_refused():
    case = processing_case()  # limit 5, statutory 10, cap 10 + 10
    with pytest.raises(ValidationError):
        processing.request_extension(case, case.handler, 16, "太多", at=at(2025, 10, 9, 10))
    request = processing.request_extension(case, case.handler, 15, "正好", at=at(2025, 10, 9, 10))
    assert request.status == ExtensionStatus.PENDING


def test_one_pending_extension_at_a_time():
    case = processing_case()
    processing.request_extension(case, case.handler, 2, "第一次", at=at(2025, 10, 9, 10))
    with pytest.raises(ValidationError):
        processing.request_extension(case, case.handler, 2, "第二次", at=at(2025, 10, 9, 11))
    assert ExtensionRequest.objects.count() == 1


def test_only_the_leader_in_charge_decides_an_extension():
    case = processing_case()
    leader_of(case.department)
    request = processing.request_extension(case, case.handler, 2, "需要", at=at(2025, 10, 9, 10))
    other_leader = StaffFactory(roles=[Role.LEADER])
    for user in (case.handler, other_leader.user, StaffFactory(roles=[Role.SUPERVISOR]).user):
        with pytest.raises(PermissionDenied):
            processing.decide_extension(request, user, True, at=at(2025, 10, 9, 11))
    request.refresh_from_db()
    assert request.status == ExtensionStatus.PENDING
    assert processing.case_clock(case).extension_days == 0


def test_leader_rejects_with_a_note_and_approval_after_expiry_fails():
    case = processing_case()
    leader = leader_of(case.department)
    request = processing.request_extension(case, case.handler, 2, "需要", at=at(2025, 10, 9, 10))
    with pytest.raises(ValidationError):
        processing.decide_extension(request, leader.user, False, note="", at=at(2025, 10, 9, 11))
    # The leader was too slow: approving after the due moment is refused, and nothing is half-written.
    with pytest.raises(ValidationError):
        processing.decide_extension(request, leader.user, True, at=at(2025, 10, 15, 9))
    request.refresh_from_db()
    assert request.status == ExtensionStatus.PENDING
    processing.decide_extension(request, leader.user, False, note="理由不充分", at=at(2025, 10, 10, 9))
    request.refresh_from_db()
    assert request.status == ExtensionStatus.REJECTED
    told = Notification.objects.get(recipient=case.handler, dedupe_key=f"extension:{request.pk}:decided")
    assert told.body == "理由不充分"
    assert Notification.objects.filter(recipient=leader.user, dedupe_key=f"extension:{request.pk}:requested").exists()


# --- A/B routing ------------------------------------------------------------------------------------------


def test_ab_routing_gives_the_case_to_the_b_post_when_a_is_away():
    item = ItemFactory()
    post = PostFactory(department=item.department)
    now = at(2025, 10, 9, 9)
    AwayNoticeFactory(staff=post.holder, starts_at=now - dt.timedelta(hours=1), ends_at=now + dt.timedelta(days=2))
    case = make_accepted_case(item, accepted_at=at(2025, 10, 9, 8))
    with time_machine.travel(now, tick=False):
        case = processing.assign_case(case, post.holder, case.handler, at=now)
    assert case.handler == post.backup.user
    event = case.events.get(action="assigned")
    assert post.backup.name in event.note
    assert processing.case_clock(case).responsible == post.backup.user
    running = CaseStep.objects.get(case=case, status=StepStatus.RUNNING)
    assert running.handler == post.backup.user
    # The B post is told of the new work, with a link to the case page.
    told = Notification.objects.get(recipient=post.backup.user, kind="approvals.assigned")
    assert case.tracking_code in told.title and str(case.pk) in told.link
    assert not Notification.objects.filter(recipient=post.holder.user, kind="approvals.assigned").exists()


def test_ab_routing_keeps_a_when_both_are_away():
    item = ItemFactory()
    post = PostFactory(department=item.department)
    now = at(2025, 10, 9, 9)
    for staff in (post.holder, post.backup):
        AwayNoticeFactory(staff=staff, starts_at=now - dt.timedelta(hours=1), ends_at=now + dt.timedelta(days=2))
    case = make_accepted_case(item, accepted_at=at(2025, 10, 9, 8))
    case = processing.assign_case(case, post.holder, case.handler, at=now)
    assert case.handler == post.holder.user


def test_assign_to_staff_of_another_department_is_refused():
    case = national_day_case()
    stranger = StaffFactory()
    with pytest.raises(ValidationError) as error:
        processing.assign_case(case, stranger, case.handler, at=at(2025, 10, 9, 9))
    assert "handler" in error.value.message_dict


def test_clerk_of_another_department_may_not_act():
    case = national_day_case()
    stranger = StaffFactory(roles=[Role.CLERK])
    with pytest.raises(PermissionDenied):
        processing.assign_case(case, case.handler, stranger.user, at=at(2025, 10, 9, 9))


def test_from_online_application_to_delivery_with_intake():
    """The whole run: applied online, accepted at pre-review, processed, decided, delivered; the applicant is told."""
    from approvals.services.intake import accept_case
    from tests.factories import make_intake_desk, submit_online

    applicant = CitizenFactory()
    item = ItemFactory(promised_limit_days=5, statutory_limit_days=10)
    clerk, _backup = make_intake_desk(item)
    case, _secret = submit_online(item, applicant=applicant, at=at(2025, 9, 29, 9))
    case = accept_case(case, clerk.user, at=at(2025, 9, 30, 9))
    assert processing.case_clock(case).due_at == at(2025, 10, 14, 17, 30)
    case = processing.assign_case(case, clerk, clerk.user, at=at(2025, 10, 9, 9))
    case = processing.complete_step(case, clerk.user, "符合条件", at=at(2025, 10, 10, 9))
    case = processing.decide_case(case, clerk.user, approve=True, reason="", at=at(2025, 10, 13, 9))
    case = processing.record_result(case, clerk.user, licence_number="JY0001", at=at(2025, 10, 13, 10))
    case = processing.deliver_case(case, clerk.user, method="邮寄", fee_charged="0", at=at(2025, 10, 14, 9))
    assert case.status == CaseStatus.DELIVERED
    # Delivered on the due day, before 17:30: on time.
    assert processing.case_clock(case).outcome == Outcome.ON_TIME
    assert not Card.objects.filter(case=case).exists()
    public = [text for text in case.events.order_by("at", "pk").values_list("public_text", flat=True) if text]
    assert len(public) >= 6
    assert Notification.objects.filter(recipient=applicant, dedupe_key=f"case:{case.pk}:delivered").exists()
