"""Intake services: applying, pre-review, supplementing, acceptance by law, with frozen time across holidays."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from approvals.models import Case, CaseEvent, CaseMaterial, CaseStatus, CaseStep, Channel, StepStatus
from approvals.services import intake
from approvals.services.common import CASE_CLOCK, PRE_REVIEW_CLOCK
from efficiency_portal.notifications.models import Notification
from efficiency_portal.org.models import Role
from efficiency_portal.supervision.models import Deadline, DeadlineStatus, Outcome
from tests.factories import (
    AwayNoticeFactory,
    CitizenFactory,
    ItemFactory,
    StaffFactory,
    make_head,
    make_intake_desk,
    pdf_upload,
    submit_online,
)

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TZ)


def clock(case: Case, kind: str) -> Deadline:
    return Deadline.objects.get(content_type=ContentType.objects.get_for_model(Case), object_id=case.pk, kind=kind)


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            **settings.STORAGES["private"],
            "OPTIONS": {"location": str(tmp_path), "base_url": "/private-files-are-not-served/"},
        },
    }
    from django.core.files.storage import storages

    storages._storages.pop("private", None)
    yield tmp_path
    storages._storages.pop("private", None)


@pytest.fixture
def item():
    return ItemFactory()


@pytest.fixture
def desk(item):
    return make_intake_desk(item)


def test_submit_opens_pre_review_clock_across_national_day(item, desk):
    clerk, _backup = desk
    case, secret = submit_online(item, at=at(2025, 9, 30, 10))
    assert case.status == CaseStatus.SUBMITTED
    assert case.tracking_code.startswith("SP250930") and len(case.tracking_code) == 14
    assert len(secret) >= 8 and secret not in case.tracking_secret_hash
    deadline = clock(case, PRE_REVIEW_CLOCK)
    # 10-01..10-08 holidays, 10-11 (Saturday) a make-up working day: 9, 10, 11, 13, 14.
    assert deadline.due_at == at(2025, 10, 14, 17, 30)
    assert deadline.responsible == clerk.user
    assert case.materials.count() == 1
    assert CaseEvent.objects.get(case=case, action="submitted").public_text


def test_tracking_codes_are_readable_and_unique(item, desk):
    codes = {submit_online(item)[0].tracking_code for _ in range(5)}
    assert len(codes) == 5
    for code in codes:
        assert not set(code[8:]) & set("01OIL")


def test_missing_required_material_refused_and_nothing_written(item, desk):
    with pytest.raises(ValidationError) as error:
        submit_online(item, files={})
    required = item.materials.get(required=True)
    assert f"material_{required.pk}" in error.value.message_dict
    assert Case.objects.count() == 0 and Deadline.objects.count() == 0


def test_bad_file_refused_before_anything_is_stored(item, desk, _private_media):
    required = item.materials.get(required=True)
    optional = item.materials.get(required=False)
    exe = SimpleUploadedFile("plan.pdf", b"MZ\x90\x00" + b"\x00" * 100)
    with pytest.raises(ValidationError) as error:
        submit_online(item, files={required.pk: [pdf_upload()], optional.pk: [exe]})
    assert f"material_{optional.pk}" in error.value.message_dict
    assert Case.objects.count() == 0 and CaseMaterial.objects.count() == 0
    assert not any(p.is_file() for p in _private_media.rglob("*"))


def test_failure_after_files_saved_removes_them(item, desk, _private_media, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("clock down")

    monkeypatch.setattr(intake.applying.clocks, "open_deadline", boom)
    with pytest.raises(RuntimeError):
        submit_online(item)
    assert Case.objects.count() == 0
    assert not any(p.is_file() for p in _private_media.rglob("*"))


def test_window_intake_records_channel_and_first_receiver_without_files(item, desk):
    clerk, _ = desk
    case, _secret = submit_online(item, files={}, channel=Channel.WINDOW, received_by=clerk.user)
    assert case.channel == Channel.WINDOW and case.first_receiver == clerk.user
    with pytest.raises(ValidationError):
        submit_online(item, files={}, channel=Channel.PHONE)  # staff intake must say who received it


def test_unpublished_or_offline_item_refused(desk, item):
    item.is_published = False
    item.save()
    with pytest.raises(ValidationError):
        submit_online(item)


def test_intake_clerk_rule(item):
    head = make_head(item.department)
    assert intake.intake_clerk(item.department) == head
    clerk, backup = make_intake_desk(item)
    assert intake.intake_clerk(item.department) == clerk
    AwayNoticeFactory(staff=clerk)
    assert intake.intake_clerk(item.department) == backup


def test_accept_starts_case_clock_and_steps(item, desk):
    clerk, _ = desk
    applicant = CitizenFactory()
    case, _ = submit_online(item, applicant=applicant, at=at(2025, 9, 29, 9))
    case = intake.accept_case(case, clerk.user, at=at(2025, 9, 30, 16))
    assert case.status == CaseStatus.ACCEPTED and case.accepted_at == at(2025, 9, 30, 16)
    assert case.handler == clerk.user and case.first_receiver == clerk.user
    pre = clock(case, PRE_REVIEW_CLOCK)
    assert pre.status == DeadlineStatus.FINISHED and pre.outcome == Outcome.EARLY
    main = clock(case, CASE_CLOCK)
    # 8 working days from 09-30: 10-09, 10, 11, 13, 14, 15, 16, 17.
    assert main.due_at == at(2025, 10, 17, 17, 30)
    steps = list(CaseStep.objects.filter(case=case).order_by("step__sort_order"))
    assert [s.status for s in steps] == [StepStatus.DONE] + [StepStatus.WAITING] * 3
    assert Notification.objects.filter(recipient=applicant, kind="approvals.accepted").count() == 1
    with pytest.raises(ValidationError):
        intake.accept_case(case, clerk.user)


def test_guest_is_told_by_sms_not_in_a_bell(item, desk):
    clerk, _ = desk
    case, _ = submit_online(item, at=at(2025, 9, 29, 9), phone="13955556666")
    intake.accept_case(case, clerk.user, at=at(2025, 9, 30, 16))
    told = Notification.objects.get(kind="approvals.accepted")
    assert told.recipient is None and told.to_phone == "13955556666"
    assert case.tracking_code in told.title
    assert list(told.deliveries.values_list("channel", flat=True)) == ["sms"]


def test_accept_routes_to_b_post_when_clerk_away(item, desk):
    clerk, backup = desk
    case, _ = submit_online(item)
    AwayNoticeFactory(staff=clerk)
    case = intake.accept_case(case, clerk.user)
    assert case.handler == backup.user


def test_refusal_needs_reason(item, desk):
    clerk, _ = desk
    applicant = CitizenFactory()
    case, _ = submit_online(item, applicant=applicant)
    with pytest.raises(ValidationError) as error:
        intake.refuse_case(case, clerk.user, "   ")
    assert "reason" in error.value.message_dict
    assert Case.objects.get(pk=case.pk).status == CaseStatus.SUBMITTED
    case = intake.refuse_case(case, clerk.user, "不属于本部门职权范围")
    assert case.status == CaseStatus.REFUSED and case.decision_reason == "不属于本部门职权范围"
    assert clock(case, PRE_REVIEW_CLOCK).status == DeadlineStatus.FINISHED
    assert Notification.objects.filter(recipient=applicant, kind="approvals.refused").exists()


def test_notice_only_from_submitted_and_only_once(item, desk):
    clerk, _ = desk
    case, _ = submit_online(item)
    optional = item.materials.get(required=False)
    with pytest.raises(ValidationError):
        intake.issue_supplement_notice(case, clerk.user, missing=[], note="缺材料")
    with pytest.raises(ValidationError):
        intake.issue_supplement_notice(case, clerk.user, missing=[optional], note="")
    other = ItemFactory().materials.first()
    with pytest.raises(ValidationError):
        intake.issue_supplement_notice(case, clerk.user, missing=[other], note="缺材料")
    intake.issue_supplement_notice(case, clerk.user, missing=[optional], note="请补充平面图")
    case.refresh_from_db()
    assert case.status == CaseStatus.SUPPLEMENT and case.materials_complete_at is None
    assert clock(case, PRE_REVIEW_CLOCK).status == DeadlineStatus.PAUSED
    with pytest.raises(ValidationError):
        intake.issue_supplement_notice(case, clerk.user, missing=[optional], note="再补")
    accepted = intake.accept_case(submit_online(item)[0], clerk.user)
    with pytest.raises(ValidationError):
        intake.issue_supplement_notice(accepted, clerk.user, missing=[optional], note="晚了")


def test_supplement_restarts_pre_review_window(item, desk, settings):
    settings.APPROVALS_SUPPLEMENT_MODE = "restart"
    clerk, _ = desk
    optional = item.materials.get(required=False)
    case, _ = submit_online(item, at=at(2025, 9, 26, 9))
    intake.issue_supplement_notice(case, clerk.user, missing=[optional], note="请补充", at=at(2025, 9, 29, 9))
    with pytest.raises(ValidationError):
        intake.supplement_materials(case, files={}, at=at(2025, 9, 30, 10))
    case = intake.supplement_materials(case, files={optional.pk: [pdf_upload()]}, at=at(2025, 9, 30, 10))
    assert case.status == CaseStatus.SUBMITTED and case.materials_complete_at == at(2025, 9, 30, 10)
    deadline = clock(case, PRE_REVIEW_CLOCK)
    assert deadline.status == DeadlineStatus.OPEN and deadline.started_at == at(2025, 9, 30, 10)
    assert deadline.due_at == at(2025, 10, 14, 17, 30)
    assert case.materials.filter(round=2).count() == 1


def test_supplement_in_pause_mode_keeps_days_used(item, desk):
    item.supplement_mode = "pause"
    item.save()
    clerk, _ = desk
    optional = item.materials.get(required=False)
    case, _ = submit_online(item, at=at(2025, 9, 24, 9))  # Wed; window 25, 26, 28(make-up), 29, 30
    assert clock(case, PRE_REVIEW_CLOCK).due_at == at(2025, 9, 30, 17, 30)
    intake.issue_supplement_notice(case, clerk.user, missing=[optional], note="请补充", at=at(2025, 9, 25, 9))
    intake.supplement_materials(case, files={optional.pk: [pdf_upload()]}, at=at(2025, 9, 29, 9))
    deadline = clock(case, PRE_REVIEW_CLOCK)
    # Paused from 09-25 to 09-29: 26, 28, 29 added → 8 working days from 09-24, the last the make-up Saturday.
    assert deadline.started_at == at(2025, 9, 24, 9) and deadline.paused_days == 3
    assert deadline.due_at == at(2025, 10, 11, 17, 30)


def test_supplement_from_wrong_state_refused(item, desk):
    case, _ = submit_online(item)
    with pytest.raises(ValidationError):
        intake.supplement_materials(case, files={})


def test_auto_accept_from_the_day_materials_came(item, desk):
    clerk, _ = desk
    applicant = CitizenFactory()
    old, _ = submit_online(item, applicant=applicant, at=at(2025, 9, 30, 10))
    decided, _ = submit_online(item, at=at(2025, 9, 30, 11))
    intake.refuse_case(decided, clerk.user, "不符合条件", at=at(2025, 10, 9, 9))
    fresh, _ = submit_online(item, at=at(2025, 10, 13, 9))
    assert intake.auto_accept_overdue(now=at(2025, 10, 14, 17, 0)) == 0
    with time_machine.travel(at(2025, 10, 14, 18), tick=False):
        assert intake.auto_accept_overdue() == 1
        assert intake.auto_accept_overdue() == 0  # idempotent
    old.refresh_from_db()
    assert old.status == CaseStatus.ACCEPTED and old.auto_accepted
    assert old.accepted_at == at(2025, 9, 30, 10) and old.handler == clerk.user
    main = clock(old, CASE_CLOCK)
    assert main.started_at == at(2025, 9, 30, 10) and main.due_at == at(2025, 10, 17, 17, 30)
    assert main.events.filter(action="opened").count() == 1
    pre = clock(old, PRE_REVIEW_CLOCK)
    assert pre.status == DeadlineStatus.FINISHED and pre.outcome == Outcome.LATE
    assert CaseStep.objects.filter(case=old, status=StepStatus.DONE).count() == 1
    assert CaseEvent.objects.filter(case=old, action="auto_accepted").count() == 1
    assert Notification.objects.filter(recipient=applicant, kind="approvals.accepted").count() == 1
    assert Case.objects.get(pk=fresh.pk).status == CaseStatus.SUBMITTED
    assert Case.objects.get(pk=decided.pk).status == CaseStatus.REFUSED


def test_auto_accept_after_supplement_counts_from_supplement_day(item, desk):
    clerk, _ = desk
    optional = item.materials.get(required=False)
    case, _ = submit_online(item, at=at(2025, 9, 1, 9))
    intake.issue_supplement_notice(case, clerk.user, missing=[optional], note="请补充", at=at(2025, 9, 2, 9))
    intake.supplement_materials(case, files={optional.pk: [pdf_upload()]}, at=at(2025, 9, 10, 9))
    assert intake.auto_accept_overdue(now=at(2025, 9, 17, 18)) == 1
    case.refresh_from_db()
    assert case.accepted_at == at(2025, 9, 10, 9)


def test_auto_accept_queries_do_not_grow_with_cases(item, desk, django_assert_max_num_queries):
    for _ in range(3):
        submit_online(item, at=at(2025, 9, 1, 9))
    with django_assert_max_num_queries(25) as few:
        assert intake.auto_accept_overdue(now=at(2025, 9, 10, 18)) == 3
    small = len(few.captured_queries)
    for _ in range(12):
        submit_online(item, at=at(2025, 9, 1, 9))
    with django_assert_max_num_queries(small) as many:
        assert intake.auto_accept_overdue(now=at(2025, 9, 10, 18)) == 12
    assert len(many.captured_queries) == small


def test_clerk_of_other_department_is_not_intake_clerk(item, desk):
    other = StaffFactory(roles=[Role.CLERK])
    case, _ = submit_online(item)
    assert clock(case, PRE_REVIEW_CLOCK).responsible != other.user


def test_restart_deadline_only_from_paused(item, desk):
    from efficiency_portal.supervision.services import restart_deadline

    case, _ = submit_online(item)
    with pytest.raises(ValidationError):
        restart_deadline(clock(case, PRE_REVIEW_CLOCK), None)


def test_notice_tells_applicant_with_account(item, desk):
    clerk, _ = desk
    applicant = CitizenFactory()
    case, _ = submit_online(item, applicant=applicant)
    optional = item.materials.get(required=False)
    intake.issue_supplement_notice(case, clerk.user, missing=[optional], note="请补充平面图")
    note = Notification.objects.get(recipient=applicant, kind="approvals.notice")
    assert optional.name in note.body and "请补充平面图" in note.body


def test_auto_accept_task_runs_the_service(item, desk):
    from approvals.tasks import auto_accept_overdue_task

    case, _ = submit_online(item, at=at(2025, 9, 1, 9))
    with time_machine.travel(at(2025, 9, 10, 18), tick=False):
        auto_accept_overdue_task.delay()
        auto_accept_overdue_task.delay()
    assert Case.objects.get(pk=case.pk).status == CaseStatus.ACCEPTED
    assert CaseEvent.objects.filter(case=case, action="auto_accepted").count() == 1
