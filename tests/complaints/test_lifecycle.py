"""The whole complaint lifecycle with frozen time: filing, clocks, handing to a department, extension, finding,
reply, the complainant's rating and one reopening."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError

from complaints import crypto
from complaints.models import (
    Complaint,
    ComplaintEvent,
    ComplaintNote,
    ComplaintSanction,
    ComplaintStatus,
    Finding,
    NoteKind,
    Sanction,
)
from complaints.services import handling
from complaints.services.common import ACCEPT_CLOCK, CONCLUDE_CLOCK, REOPEN_CLOCK
from complaints.services.filing import file_complaint, masked_identity, reveal_identity
from efficiency_portal.audit.models import AuditEvent
from efficiency_portal.common.tracking_secrets import check_secret
from efficiency_portal.supervision.models import Deadline, DeadlineStatus
from tests.factories import StaffFactory, seed_calendar

from .factories import file, make_department_with_head, make_supervisor, png_upload

pytestmark = pytest.mark.django_db
TZ = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _calendar():
    seed_calendar(2025, 2026)


def clock(complaint, kind):
    return Deadline.objects.get(
        content_type=ContentType.objects.get_for_model(Complaint), object_id=complaint.pk, kind=kind
    )


def test_filing_stores_identity_encrypted_secret_hashed_and_opens_acceptance_clock():
    supervisor = make_supervisor()
    # Tuesday 30 September 2025, before National Day: 3 working days → Saturday 11 October (make-up day).
    at = dt.datetime(2025, 9, 30, 10, 0, tzinfo=TZ)
    complaint, secret = file(at=at, files=[png_upload()])
    assert complaint.status == ComplaintStatus.SUBMITTED
    assert "张三丰" not in complaint.name_encrypted and "13912345678" not in complaint.phone_encrypted
    assert crypto.decrypt(complaint.name_encrypted) == "张三丰"
    assert check_secret(secret, complaint.tracking_secret_hash).ok and secret not in complaint.tracking_secret_hash
    accept_clock = clock(complaint, ACCEPT_CLOCK)
    assert accept_clock.responsible == supervisor
    assert accept_clock.due_at == dt.datetime(2025, 10, 11, 17, 30, tzinfo=TZ)
    assert complaint.attachments.get().content_type == "image/png"


def test_same_submission_key_files_once():
    first = file_complaint(
        category="rudeness",
        description="态度粗暴",
        department=StaffFactory().department,
        name="李四",
        submission_key="same-token",
    )
    second = file_complaint(
        category="rudeness",
        description="态度粗暴",
        department=first.complaint.department,
        name="李四",
        submission_key="same-token",
    )
    assert second.duplicate and second.secret == first.secret and second.complaint == first.complaint
    assert Complaint.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"category": ""}, "category"),
        ({"description": "   "}, "description"),
        ({"department": None}, "department"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_filing_is_refused_with_field_error(overrides, field):
    with pytest.raises(ValidationError) as error:
        file(**overrides)
    assert field in error.value.message_dict
    assert Complaint.objects.count() == 0


def test_disguised_file_is_refused_and_nothing_is_written():
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("photo.png", b"<html><script>alert(1)</script></html>", content_type="image/png")
    with pytest.raises(ValidationError) as error:
        file(files=[fake])
    assert "attachments" in error.value.message_dict
    assert Complaint.objects.count() == 0


def test_anonymous_complaint_keeps_no_contact():
    complaint, _ = file(anonymous=True)
    assert complaint.anonymous and complaint.name_encrypted == "" and complaint.phone_encrypted == ""


def test_identity_is_masked_and_revealing_is_audited():
    supervisor = make_supervisor()
    complaint, _ = file()
    masked = masked_identity(complaint)
    assert masked.name == "张**" and masked.phone == "139****5678"
    clear = reveal_identity(complaint, supervisor)
    assert clear.name == "张三丰"
    assert AuditEvent.objects.filter(action="complaints.reveal_identity", actor=supervisor, result="success").exists()
    head = make_department_with_head()[1]
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        reveal_identity(complaint, head.user)
    assert AuditEvent.objects.filter(action="complaints.reveal_identity", result="denied").exists()


def test_whole_lifecycle_with_department_extension_finding_reply_reopen():
    supervisor = make_supervisor()
    other = make_supervisor()
    department, head = make_department_with_head()
    culprit = StaffFactory(department=department)
    start = dt.datetime(2026, 2, 10, 9, 0, tzinfo=TZ)
    with time_machine.travel(start, tick=False):
        complaint, _secret = file(department, staff=culprit)
    with time_machine.travel(start + dt.timedelta(days=1), tick=False):
        complaint = handling.accept(complaint, supervisor)
        assert clock(complaint, ACCEPT_CLOCK).status == DeadlineStatus.FINISHED
        conclude = clock(complaint, CONCLUDE_CLOCK)
        # Accepted Wednesday 11 February 2026; 15 working days across Spring Festival (15–23 Feb off,
        # Saturdays 14 and 28 Feb worked): 12, 13, 14, 24, 25, 26, 27, 28 Feb, 2–6 Mar, 9, 10 Mar.
        assert conclude.due_at == dt.datetime(2026, 3, 10, 17, 30, tzinfo=TZ)
        complaint = handling.hand_to_department(complaint, supervisor, department=department, instructions="请核查")
        assert complaint.status == ComplaintStatus.WITH_DEPARTMENT
        assert clock(complaint, CONCLUDE_CLOCK).responsible == head.user
        with pytest.raises(ValidationError):
            handling.department_report(complaint, culprit.user, text="我没有推诿")
        complaint = handling.department_report(complaint, head.user, text="经核实，情况属实。")
        assert complaint.status == ComplaintStatus.INVESTIGATING
        assert clock(complaint, CONCLUDE_CLOCK).responsible == supervisor
        complaint = handling.request_extension(complaint, supervisor, days=5, reason="需要调取监控")
        with pytest.raises(ValidationError):
            handling.request_extension(complaint, supervisor, days=5, reason="再延一次")
        complaint = handling.decide_extension(complaint, other, approve=True)
        assert clock(complaint, CONCLUDE_CLOCK).due_at == dt.datetime(2026, 3, 17, 17, 30, tzinfo=TZ)
        with pytest.raises(ValidationError) as error:
            handling.reply(complaint, supervisor, text="答复")
        assert "text" in error.value.message_dict
        with pytest.raises(ValidationError) as error:
            handling.record_finding(complaint, supervisor, finding=Finding.UPHELD, text="属实")
        assert "sanctions" in error.value.message_dict
        complaint = handling.record_finding(
            complaint,
            supervisor,
            finding=Finding.UPHELD,
            text="属实",
            sanctions=[handling.SanctionInput(Sanction.EFFICIENCY_CAUTION, staff=culprit)],
        )
        assert complaint.status == ComplaintStatus.CONCLUDED
        assert clock(complaint, CONCLUDE_CLOCK).outcome == "early"
        assert ComplaintSanction.objects.get(complaint=complaint).staff == culprit
        complaint = handling.reply(complaint, supervisor, text="经调查属实，已对相关人员效能告诫。")
    with time_machine.travel(start + dt.timedelta(days=3), tick=False):
        with pytest.raises(ValidationError):
            handling.reopen(Complaint.objects.get(pk=complaint.pk), reason="")
        complaint = handling.rate_handling(complaint, level=2, comment="不满意")
        assert complaint.status == ComplaintStatus.REPLIED
        complaint = handling.reopen(complaint, reason="处理太轻")
        assert complaint.status == ComplaintStatus.REOPENED and complaint.reopen_count == 1
        assert clock(complaint, REOPEN_CLOCK).responsible == supervisor
        complaint = handling.handle_self(complaint, supervisor)
        complaint = handling.record_finding(
            complaint, supervisor, finding=Finding.NOT_UPHELD, text="复查维持，不再处理"
        )
        complaint = handling.reply(complaint, supervisor, text="复查答复")
        with pytest.raises(ValidationError) as error:
            handling.reopen(complaint, reason="还要再开")
        assert "only once" in str(error.value)
    actions = list(ComplaintEvent.objects.filter(complaint=complaint).values_list("action", flat=True))
    assert actions[:4] == ["filed", "accepted", "handed_to_department", "department_reported"]
    assert ComplaintNote.objects.filter(complaint=complaint, kind=NoteKind.REPORT).exists()


def test_reopen_window_closes(settings):
    settings.COMPLAINTS_REOPEN_WINDOW_DAYS = 15
    supervisor = make_supervisor()
    complaint, _ = file()
    complaint = handling.accept(complaint, supervisor)
    complaint = handling.handle_self(complaint, supervisor)
    complaint = handling.record_finding(complaint, supervisor, finding=Finding.NOT_UPHELD, text="不属实")
    complaint = handling.reply(complaint, supervisor, text="答复")
    later = complaint.replied_at + dt.timedelta(days=16)
    with time_machine.travel(later, tick=False), pytest.raises(ValidationError) as error:
        handling.reopen(complaint, reason="不服")
    assert "passed" in str(error.value)


def test_department_return_goes_back_to_supervisor():
    supervisor = make_supervisor()
    department, head = make_department_with_head()
    complaint, _ = file(department)
    complaint = handling.accept(complaint, supervisor)
    complaint = handling.hand_to_department(complaint, supervisor, department=department)
    with pytest.raises(ValidationError):
        handling.department_return(complaint, head.user, reason="")
    complaint = handling.department_return(complaint, head.user, reason="不属于本部门职责")
    assert complaint.status == ComplaintStatus.ACCEPTED and complaint.investigating_department is None
    assert ComplaintNote.objects.get(kind=NoteKind.RETURN).text == "不属于本部门职责"


def test_decline_and_transfer_need_a_reason():
    supervisor = make_supervisor()
    complaint, _ = file()
    with pytest.raises(ValidationError):
        handling.decline(complaint, supervisor, reason="")
    complaint = handling.decline(complaint, supervisor, reason="属于信访事项", transfer_to="市信访局")
    assert complaint.status == ComplaintStatus.TRANSFERRED
    assert clock(complaint, ACCEPT_CLOCK).status == DeadlineStatus.FINISHED


def test_only_supervisors_handle():
    department, head = make_department_with_head()
    complaint, _ = file(department)
    with pytest.raises(ValidationError):
        handling.accept(complaint, head.user)


def test_extension_after_expiry_is_refused():
    supervisor = make_supervisor()
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=TZ)
    with time_machine.travel(start, tick=False):
        complaint, _ = file()
        complaint = handling.accept(complaint, supervisor)
        complaint = handling.handle_self(complaint, supervisor)
    with time_machine.travel(start + dt.timedelta(days=40), tick=False), pytest.raises(ValidationError) as error:
        handling.request_extension(complaint, supervisor, days=3, reason="晚了")
    assert "expired" in str(error.value)


def test_unaccepted_complaint_turns_yellow_then_red_and_warns_the_duty_supervisor():
    from efficiency_portal.supervision.models import Light, Warning, WarningRecipient
    from efficiency_portal.supervision.services import sweep_deadlines

    supervisor = make_supervisor()
    # New Year 2026: 1–3 January off, Sunday 4 January worked. Received Wednesday 31 December 2025 at 16:00,
    # the three working days are 4, 5 and 6 January: due Tuesday 6 January, 17:30; yellow from 5 January.
    received = dt.datetime(2025, 12, 31, 16, 0, tzinfo=TZ)
    complaint, _ = file(at=received)
    accept_clock = clock(complaint, ACCEPT_CLOCK)
    assert accept_clock.due_at == dt.datetime(2026, 1, 6, 17, 30, tzinfo=TZ)
    sweep_deadlines(dt.datetime(2026, 1, 5, 9, 0, tzinfo=TZ))
    assert clock(complaint, ACCEPT_CLOCK).light == Light.YELLOW
    sweep_deadlines(dt.datetime(2026, 1, 6, 17, 31, tzinfo=TZ))
    sweep_deadlines(dt.datetime(2026, 1, 6, 17, 32, tzinfo=TZ))  # a second sweep warns nobody twice
    assert clock(complaint, ACCEPT_CLOCK).light == Light.RED
    warnings = Warning.objects.filter(deadline=accept_clock)
    assert warnings.count() == 2
    assert WarningRecipient.objects.filter(warning__in=warnings, user=supervisor).count() == 2
    from complaints import selectors

    assert selectors.dashboard_counts(dt.date(2026, 1, 7))["overdue"] == 1
