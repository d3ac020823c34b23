"""Handling rules: assigning (交办), notes, extensions (asked by one supervisor, decided by another, rejected),
the person complained about never investigating their own complaint, a future date refused at filing, and the
conclusion clock turning yellow then red with its warning recipients."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse

from complaints.models import (
    Complaint,
    ComplaintEvent,
    ComplaintNote,
    ComplaintStatus,
    ExtensionState,
    Finding,
    HandlingMode,
    NoteKind,
)
from complaints.services import handling
from complaints.services.common import CONCLUDE_CLOCK
from efficiency_portal.notifications.models import Notification
from efficiency_portal.org.models import Role
from efficiency_portal.supervision.models import Deadline, Light, RecipientRole, Warning, WarningRecipient
from efficiency_portal.supervision.services import sweep_deadlines
from tests.factories import DepartmentFactory, StaffFactory, make_head, seed_calendar

from .factories import file, make_department_with_head, make_supervisor

pytestmark = pytest.mark.django_db
TZ = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _calendar():
    seed_calendar(2025, 2026)


def conclude_clock(complaint):
    return Deadline.objects.get(
        content_type=ContentType.objects.get_for_model(Complaint), object_id=complaint.pk, kind=CONCLUDE_CLOCK
    )


def accepted(department=None, **kwargs):
    supervisor = kwargs.pop("supervisor", None) or make_supervisor()
    complaint, _ = file(department or DepartmentFactory(), **kwargs)
    return handling.accept(complaint, supervisor), supervisor


# --- 交办, notes ---------------------------------------------------------------------------------------------------


def test_assign_hands_the_complaint_and_its_clock_to_another_supervisor():
    complaint, supervisor = accepted()
    colleague = make_supervisor(department=supervisor.staff.department)
    head = make_department_with_head()[1]
    with pytest.raises(ValidationError) as error:
        handling.assign(complaint, supervisor, supervisor=head.user)
    assert "supervisor" in error.value.message_dict
    with pytest.raises(ValidationError):
        handling.assign(complaint, head.user, supervisor=colleague)
    assert Complaint.objects.get(pk=complaint.pk).status == ComplaintStatus.ACCEPTED
    complaint = handling.assign(complaint, supervisor, supervisor=colleague)
    assert complaint.status == ComplaintStatus.INVESTIGATING
    assert complaint.handling_mode == HandlingMode.ASSIGNED and complaint.handler == colleague
    assert conclude_clock(complaint).responsible == colleague
    event = ComplaintEvent.objects.get(complaint=complaint, action="assigned")
    assert event.actor == supervisor and event.from_status == ComplaintStatus.ACCEPTED
    # Assigned once, it cannot be assigned again from "investigating".
    with pytest.raises(ValidationError):
        handling.assign(complaint, supervisor, supervisor=supervisor)


def test_add_note_for_supervisors_on_open_complaints_only():
    complaint, supervisor = accepted()
    note = handling.add_note(complaint, supervisor, text="  已电话联系窗口负责人  ")
    assert note.kind == NoteKind.NOTE and note.author == supervisor and note.text == "已电话联系窗口负责人"
    with pytest.raises(ValidationError) as error:
        handling.add_note(complaint, supervisor, text="   ")
    assert "text" in error.value.message_dict
    with pytest.raises(ValidationError):
        handling.add_note(complaint, make_department_with_head()[1].user, text="越权")
    declined, _ = file()
    declined = handling.decline(declined, supervisor, reason="不属于受理范围")
    with pytest.raises(ValidationError):
        handling.add_note(declined, supervisor, text="晚了")
    assert ComplaintNote.objects.filter(kind=NoteKind.NOTE).count() == 1


def test_a_future_date_of_the_fact_is_refused():
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=TZ), tick=False):
        with pytest.raises(ValidationError) as error:
            file(happened_on=dt.date(2026, 3, 3))
        assert "happened_on" in error.value.message_dict
        assert not Complaint.objects.exists()
        complaint, _ = file(happened_on=dt.date(2026, 3, 2))
    assert complaint.happened_on == dt.date(2026, 3, 2)


# --- extensions -----------------------------------------------------------------------------------------------------


def test_the_supervisor_who_asked_cannot_approve_the_extension():
    complaint, supervisor = accepted()
    colleague = make_supervisor(department=supervisor.staff.department)
    complaint = handling.handle_self(complaint, supervisor)
    due = conclude_clock(complaint).due_at
    complaint = handling.request_extension(complaint, supervisor, days=5, reason="需要调取监控")
    assert complaint.extension_requested_by == supervisor
    with pytest.raises(ValidationError) as error:
        handling.decide_extension(complaint, supervisor, approve=True)
    assert "another supervisor" in str(error.value)
    complaint.refresh_from_db()
    assert complaint.extension_state == ExtensionState.REQUESTED and conclude_clock(complaint).due_at == due
    assert not ComplaintEvent.objects.filter(complaint=complaint, action="extension_approved").exists()
    complaint = handling.decide_extension(complaint, colleague, approve=True)
    assert complaint.extension_state == ExtensionState.APPROVED and conclude_clock(complaint).due_at > due
    # The asker is told of the decision.
    assert Notification.objects.filter(
        recipient=supervisor, dedupe_key=f"complaint:extension-decided:{complaint.pk}:0"
    ).exists()


def test_the_other_supervisors_are_told_of_an_extension_request():
    complaint, supervisor = accepted()
    colleague = make_supervisor(department=supervisor.staff.department)
    complaint = handling.handle_self(complaint, supervisor)
    handling.request_extension(complaint, supervisor, days=3, reason="当事人出差")
    told = Notification.objects.filter(dedupe_key__startswith=f"complaint:extension:{complaint.pk}:")
    assert [n.recipient for n in told] == [colleague]
    assert told.get().link == reverse("complaints:detail", args=[complaint.pk])


def test_extension_rejection_keeps_the_due_date_and_allows_no_second_request():
    complaint, supervisor = accepted()
    colleague = make_supervisor(department=supervisor.staff.department)
    complaint = handling.handle_self(complaint, supervisor)
    due = conclude_clock(complaint).due_at
    complaint = handling.request_extension(complaint, supervisor, days=5, reason="需要调取监控")
    complaint = handling.decide_extension(complaint, colleague, approve=False)
    assert complaint.extension_state == ExtensionState.REJECTED
    assert conclude_clock(complaint).due_at == due and conclude_clock(complaint).extended_at is None
    event = ComplaintEvent.objects.get(complaint=complaint, action="extension_rejected")
    assert event.actor == colleague and event.public_text == ""  # the complainant is not told of a refusal
    with pytest.raises(ValidationError):
        handling.decide_extension(complaint, colleague, approve=True)
    with pytest.raises(ValidationError) as error:
        handling.request_extension(complaint, supervisor, days=2, reason="再申请")
    assert "only one" in str(error.value)


def test_extension_through_the_page_hides_approval_from_the_asker(client):
    complaint, supervisor = accepted()
    colleague = make_supervisor(department=supervisor.staff.department)
    handling.handle_self(complaint, supervisor)
    url = reverse("complaints:detail", args=[complaint.pk])
    client.force_login(supervisor)
    client.post(url, {"action": "extension", "extension-days": "4", "extension-reason": "需要补充调查"})
    page = client.get(url).content.decode()
    assert 'id="approve-extension"' not in page and "another supervisor approves it" in page
    refused = client.post(url, {"action": "approve_extension"}, follow=True)
    assert "another supervisor must approve it" in refused.content.decode()
    assert Complaint.objects.get(pk=complaint.pk).extension_state == ExtensionState.REQUESTED
    client.force_login(colleague)
    assert 'id="approve-extension"' in client.get(url).content.decode()
    # The queue of requests: the filter on the work list, and its link.
    listed = client.get(reverse("complaints:work_list") + "?extension=requested")
    assert [row.pk for row in listed.context["page"].rows] == [complaint.pk]
    assert 'id="extension-queue"' in client.get(reverse("complaints:work_list")).content.decode()
    client.post(url, {"action": "approve_extension"})
    assert Complaint.objects.get(pk=complaint.pk).extension_state == ExtensionState.APPROVED
    assert client.get(reverse("complaints:work_list") + "?extension=requested").context["page"].rows == []


# --- the person complained about ------------------------------------------------------------------------------------


def test_no_hand_over_when_the_only_head_is_the_person_complained_about():
    department = DepartmentFactory()
    head = make_head(department)
    complaint, supervisor = accepted(department, staff=head)
    with pytest.raises(ValidationError) as error:
        handling.hand_to_department(complaint, supervisor, department=department, instructions="请核查")
    message = " ".join(error.value.message_dict["department"])
    assert "is the person complained about" in message and "handle it in the office" in message
    assert Complaint.objects.get(pk=complaint.pk).status == ComplaintStatus.ACCEPTED
    assert not ComplaintNote.objects.filter(complaint=complaint).exists()
    # The office handles it instead.
    assert handling.handle_self(complaint, supervisor).status == ComplaintStatus.INVESTIGATING


def test_the_head_above_investigates_when_the_head_is_accused_and_the_accused_sees_nothing(client):
    agency = DepartmentFactory()
    agency_head = make_head(agency)
    unit = DepartmentFactory(parent=agency)
    unit_head = make_head(unit)
    complaint, supervisor = accepted(unit, staff=unit_head)
    other, _ = accepted(unit, supervisor=supervisor)
    complaint = handling.hand_to_department(complaint, supervisor, department=unit, instructions="请核查")
    handling.hand_to_department(other, supervisor, department=unit)
    assert complaint.status == ComplaintStatus.WITH_DEPARTMENT
    assert conclude_clock(complaint).responsible == agency_head.user
    assert Notification.objects.filter(recipient=agency_head.user, dedupe_key__startswith="complaint:handed:").count()
    assert not Notification.objects.filter(
        recipient=unit_head.user, dedupe_key__startswith=f"complaint:handed:{complaint.pk}:"
    ).exists()
    # The accused head sees the other complaint of the unit, not the one about them: list, page, actions, API.
    client.force_login(unit_head.user)
    listed = client.get(reverse("complaints:department_list"))
    assert [c.pk for c in listed.context["complaints"]] == [other.pk]
    assert client.get(reverse("complaints:department_detail", args=[complaint.pk])).status_code == 404
    posted = client.post(
        reverse("complaints:department_detail", args=[complaint.pk]), {"action": "report", "report-text": "没有推诿"}
    )
    assert posted.status_code == 404
    assert [row["id"] for row in client.get("/api/complaints/department/").json()["results"]] == [other.pk]
    with pytest.raises(ValidationError):
        handling.department_report(complaint, unit_head.user, text="我没有推诿")
    assert Complaint.objects.get(pk=complaint.pk).status == ComplaintStatus.WITH_DEPARTMENT
    # The head above investigates and reports.
    client.force_login(agency_head.user)
    assert client.get(reverse("complaints:department_detail", args=[complaint.pk])).status_code == 200
    client.post(
        reverse("complaints:department_detail", args=[complaint.pk]), {"action": "report", "report-text": "经核实属实"}
    )
    assert Complaint.objects.get(pk=complaint.pk).status == ComplaintStatus.INVESTIGATING


def test_a_department_nobody_can_investigate_is_refused():
    department = DepartmentFactory()  # no head, nobody above
    complaint, supervisor = accepted(department)
    with pytest.raises(ValidationError) as error:
        handling.hand_to_department(complaint, supervisor, department=department)
    assert "Nobody heads" in " ".join(error.value.message_dict["department"])


def test_hand_over_refusal_shows_on_the_page(client):
    department = DepartmentFactory()
    head = make_head(department)
    complaint, supervisor = accepted(department, staff=head)
    client.force_login(supervisor)
    response = client.post(
        reverse("complaints:detail", args=[complaint.pk]),
        {"action": "hand", "hand-department": department.pk, "hand-instructions": "请核查"},
    )
    assert response.status_code == 200 and "is the person complained about" in response.content.decode()
    assert Complaint.objects.get(pk=complaint.pk).status == ComplaintStatus.ACCEPTED


# --- the conclusion clock -----------------------------------------------------------------------------------------


def test_conclusion_clock_turns_yellow_then_red_and_warns_the_handler_then_the_office_head_and_leader():
    office = DepartmentFactory(name="效能办")
    office_head = make_head(office)
    leader = StaffFactory(roles=[Role.LEADER])
    office.leader_in_charge = leader
    office.save(update_fields=["leader_in_charge"])
    supervisor = make_supervisor(department=office)
    # Accepted Monday 2 March 2026 (no holiday in March): 15 working days are 3–6, 9–13, 16–20 and 23 March.
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=TZ), tick=False):
        complaint, _ = accepted(supervisor=supervisor)
        handling.handle_self(complaint, supervisor)
    clock = conclude_clock(complaint)
    assert clock.due_at == dt.datetime(2026, 3, 23, 17, 30, tzinfo=TZ)
    assert clock.department == office and clock.responsible == supervisor
    sweep_deadlines(clock.yellow_from - dt.timedelta(minutes=1))
    assert conclude_clock(complaint).light == Light.GREEN
    sweep_deadlines(clock.yellow_from + dt.timedelta(minutes=1))
    assert conclude_clock(complaint).light == Light.YELLOW
    yellow = Warning.objects.get(deadline=clock, level="yellow")
    assert {(r.user, r.role) for r in WarningRecipient.objects.filter(warning=yellow)} == {
        (supervisor, RecipientRole.RESPONSIBLE)
    }
    sweep_deadlines(dt.datetime(2026, 3, 23, 17, 29, tzinfo=TZ))
    assert conclude_clock(complaint).light == Light.YELLOW
    sweep_deadlines(dt.datetime(2026, 3, 23, 17, 31, tzinfo=TZ))
    sweep_deadlines(dt.datetime(2026, 3, 23, 17, 35, tzinfo=TZ))  # a second sweep warns nobody twice
    assert conclude_clock(complaint).light == Light.RED
    red = Warning.objects.get(deadline=clock, level="red")
    assert {(r.user, r.role) for r in WarningRecipient.objects.filter(warning=red)} == {
        (supervisor, RecipientRole.RESPONSIBLE),
        (office_head.user, RecipientRole.HEAD),
        (leader.user, RecipientRole.LEADER),
    }
    assert Warning.objects.filter(deadline=clock).count() == 2
    # Concluded late: the clock finishes with that outcome.
    with time_machine.travel(dt.datetime(2026, 3, 24, 10, 0, tzinfo=TZ), tick=False):
        handling.record_finding(complaint, supervisor, finding=Finding.NOT_UPHELD, text="不属实")
    assert conclude_clock(complaint).outcome == "late"
