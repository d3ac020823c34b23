"""A finding after a reopening replaces the earlier one: sanctions it repeats keep their row and credit entry (no
second entry), sanctions it leaves out are withdrawn together with their credit entry."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from complaints import selectors
from complaints.models import Complaint, ComplaintEvent, ComplaintSanction, Finding, Sanction
from complaints.selectors.access import finding_sanctions_for
from complaints.selectors.lists import sanction_history
from complaints.services import handling
from credit.models import CreditEntry, EntryStatus
from tests.factories import DepartmentFactory, StaffFactory, make_head

from .factories import file, make_supervisor

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    department = DepartmentFactory()
    head = make_head(department)
    culprit = StaffFactory(department=department)
    colleague = StaffFactory(department=department)
    supervisor = make_supervisor()
    complaint, _ = file(department, staff=culprit)
    complaint = handling.accept(complaint, supervisor)
    complaint = handling.handle_self(complaint, supervisor)
    complaint = handling.record_finding(
        complaint,
        supervisor,
        finding=Finding.UPHELD,
        text="推诿属实",
        sanctions=[
            handling.SanctionInput(Sanction.EFFICIENCY_CAUTION, staff=culprit),
            handling.SanctionInput(Sanction.REMINDER, staff=colleague),
            handling.SanctionInput(Sanction.PUBLIC_CRITICISM, department=department),
        ],
    )
    complaint = handling.reply(complaint, supervisor, text="已处理")
    complaint = handling.rate_handling(complaint, level=1, comment="不满意")
    complaint = handling.reopen(complaint, reason="处理不当，请复查")
    complaint = handling.handle_self(complaint, supervisor)
    return {
        "department": department,
        "head": head,
        "culprit": culprit,
        "colleague": colleague,
        "supervisor": supervisor,
        "complaint": complaint,
    }


def entries(complaint):
    return CreditEntry.objects.filter(
        source_type=ContentType.objects.get_for_model(Complaint), source_id=complaint.pk
    ).select_related("rule")


def test_not_upheld_after_reopening_withdraws_every_sanction_and_entry(client, world):
    complaint, supervisor, culprit = world["complaint"], world["supervisor"], world["culprit"]
    assert {e.status for e in entries(complaint)} == {EntryStatus.CONFIRMED} and entries(complaint).count() == 3
    complaint = handling.record_finding(complaint, supervisor, finding=Finding.NOT_UPHELD, text="复查不属实")
    rows = ComplaintSanction.objects.filter(complaint=complaint)
    assert rows.count() == 3 and not rows.active().exists()
    assert all(row.withdrawn_at == complaint.concluded_at for row in rows)
    withdrawn = list(entries(complaint))
    assert {e.status for e in withdrawn} == {EntryStatus.WITHDRAWN}
    assert all(complaint.tracking_code in e.decision_reason and "Not upheld" in e.decision_reason for e in withdrawn)
    assert ComplaintEvent.objects.filter(complaint=complaint, action="sanction_withdrawn").count() == 3
    # The figures and the person's history no longer count them.
    today = timezone.localdate()
    assert selectors.sanction_counts(today, today, sanction=Sanction.EFFICIENCY_CAUTION) == {}
    assert sanction_history([culprit.pk]) == {}
    assert selectors.upheld_counts(today, today, by="staff") == {}
    # The finding page shows nothing under "Not upheld" and is closed to the former culprit.
    sanctions = complaint.sanctions.active()
    assert finding_sanctions_for(supervisor, complaint, sanctions) == []
    assert finding_sanctions_for(culprit.user, complaint, sanctions) is None
    client.force_login(culprit.user)
    assert client.get(reverse("complaints:finding", args=[complaint.pk])).status_code == 404
    client.force_login(supervisor)
    page = client.get(reverse("complaints:finding", args=[complaint.pk])).content.decode()
    assert "Not upheld" in page and "Efficiency caution" not in page
    # The office's page still shows them, struck out as withdrawn.
    office = client.get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
    assert office.count("sanction-withdrawn") == 3


def test_a_new_finding_keeps_what_it_repeats_and_withdraws_the_rest(world):
    complaint, supervisor = world["complaint"], world["supervisor"]
    culprit, colleague, department = world["culprit"], world["colleague"], world["department"]
    before = {(e.staff_id, e.department_id, e.rule.code): e.pk for e in entries(complaint)}
    kept_row = ComplaintSanction.objects.get(complaint=complaint, staff=culprit)
    other = DepartmentFactory()
    complaint = handling.record_finding(
        complaint,
        supervisor,
        finding=Finding.PARTLY,
        text="复查部分属实",
        sanctions=[
            handling.SanctionInput(Sanction.EFFICIENCY_CAUTION, staff=culprit),  # repeated: kept
            handling.SanctionInput(Sanction.ADMONITION, staff=colleague),  # a new sanction for the colleague
            handling.SanctionInput(Sanction.REMINDER, department=other),  # a new department
        ],
    )
    active = ComplaintSanction.objects.active().filter(complaint=complaint)
    assert {(r.staff_id, r.department_id, r.sanction) for r in active} == {
        (culprit.pk, None, Sanction.EFFICIENCY_CAUTION),
        (colleague.pk, None, Sanction.ADMONITION),
        (None, other.pk, Sanction.REMINDER),
    }
    kept = active.get(staff=culprit)
    assert kept.pk == kept_row.pk and kept.credit_entry_id == before[(culprit.pk, None, "efficiency_caution")]
    assert kept.decided_at == kept_row.decided_at
    withdrawn = ComplaintSanction.objects.filter(complaint=complaint, withdrawn_at__isnull=False)
    assert {(r.staff_id, r.department_id, r.sanction) for r in withdrawn} == {
        (colleague.pk, None, Sanction.REMINDER),
        (None, department.pk, Sanction.PUBLIC_CRITICISM),
    }
    status = {(e.staff_id, e.department_id, e.rule.code): e.status for e in entries(complaint)}
    assert status == {
        (culprit.pk, None, "efficiency_caution"): EntryStatus.CONFIRMED,  # the same entry, not a second one
        (colleague.pk, None, "talk_reminder"): EntryStatus.WITHDRAWN,
        (None, department.pk, "public_criticism_1"): EntryStatus.WITHDRAWN,
        (colleague.pk, None, "admonition"): EntryStatus.CONFIRMED,
        (None, other.pk, "talk_reminder"): EntryStatus.CONFIRMED,
    }
    assert CreditEntry.objects.filter(staff=culprit, rule__code="efficiency_caution").count() == 1
    reasons = [e.decision_reason for e in entries(complaint) if e.status == EntryStatus.WITHDRAWN]
    assert all("Partly upheld" in reason for reason in reasons)


def test_sanction_lines_are_checked_before_anything_is_written(world):
    complaint, supervisor, culprit = world["complaint"], world["supervisor"], world["culprit"]
    twice = [
        handling.SanctionInput(Sanction.REMINDER, staff=culprit),
        handling.SanctionInput(Sanction.REMINDER, staff=culprit),
    ]
    gone = StaffFactory(is_active=False)
    for sanctions in (twice, [handling.SanctionInput(Sanction.REMINDER, staff=gone)]):
        with pytest.raises(ValidationError) as error:
            handling.record_finding(complaint, supervisor, finding=Finding.UPHELD, text="x", sanctions=sanctions)
        assert "sanctions" in error.value.message_dict
    assert Complaint.objects.get(pk=complaint.pk).status == "investigating"
    assert not ComplaintSanction.objects.filter(complaint=complaint, withdrawn_at__isnull=False).exists()
    assert entries(complaint).filter(status=EntryStatus.WITHDRAWN).count() == 0
