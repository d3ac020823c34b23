"""An upheld finding records confirmed credit entries through the credit services, linked back to the complaint."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType

from complaints.models import Complaint, ComplaintSanction, Finding, Sanction
from complaints.services import handling
from credit.models import CreditEntry, EntryStatus
from tests.factories import StaffFactory

from .factories import file, make_supervisor

pytestmark = pytest.mark.django_db


def concluded(sanctions, finding=Finding.UPHELD):
    supervisor = make_supervisor()
    complaint, _ = file(sanctions[0].staff.department) if sanctions and sanctions[0].staff else file()
    complaint = handling.accept(complaint, supervisor)
    complaint = handling.handle_self(complaint, supervisor)
    return handling.record_finding(complaint, supervisor, finding=finding, text="经查属实", sanctions=sanctions)


def test_upheld_finding_records_confirmed_entries_linked_to_the_complaint():
    culprit = StaffFactory()
    items = [
        handling.SanctionInput(Sanction.EFFICIENCY_CAUTION, staff=culprit),
        handling.SanctionInput(Sanction.PUBLIC_CRITICISM, department=culprit.department),
        handling.SanctionInput(Sanction.BONUS_WITHHELD, staff=culprit),
    ]
    complaint = concluded(items)
    entries = CreditEntry.objects.filter(
        source_type=ContentType.objects.get_for_model(Complaint), source_id=complaint.pk
    )
    assert entries.count() == 2  # a withheld bonus has no credit entry
    by_rule = {entry.rule.code: entry for entry in entries}
    assert by_rule["efficiency_caution"].staff == culprit
    assert by_rule["public_criticism_1"].department == culprit.department
    assert all(entry.source == "complaint" for entry in entries)
    # Recorded as confirmed at once, and linked back to the complaint they come from.
    assert {entry.status for entry in entries} == {EntryStatus.CONFIRMED}
    assert all(entry.source_id == complaint.pk for entry in entries)
    assert all(entry.source_type == ContentType.objects.get_for_model(Complaint) for entry in entries)
    # Linked to the neutral finding page the subject may open, not to the office's complaint page.
    assert by_rule["efficiency_caution"].source_link == f"/complaints/findings/{complaint.pk}/"
    rows = ComplaintSanction.objects.filter(complaint=complaint)
    linked = {row.sanction: row.credit_entry_id for row in rows}
    assert linked[Sanction.EFFICIENCY_CAUTION] == by_rule["efficiency_caution"].pk
    assert linked[Sanction.BONUS_WITHHELD] is None
    # Nothing about the complainant travels to credit.
    assert all("张三丰" not in entry.detail for entry in entries)


def test_partly_upheld_counts_and_not_upheld_records_nothing():
    culprit = StaffFactory()
    complaint = concluded([handling.SanctionInput(Sanction.REMINDER, staff=culprit)], finding=Finding.PARTLY)
    entry = CreditEntry.objects.get()
    assert entry.rule.code == "talk_reminder" and entry.status == EntryStatus.CONFIRMED
    assert entry.source_id == complaint.pk and entry.staff == culprit
    assert ComplaintSanction.objects.get(complaint=complaint).credit_entry_id == entry.pk
    concluded([], finding=Finding.NOT_UPHELD)
    assert CreditEntry.objects.count() == 1


def test_contract_figures_count_upheld_and_sanctions():
    from django.utils import timezone

    from complaints import selectors

    culprit = StaffFactory()
    for _ in range(2):
        concluded([handling.SanctionInput(Sanction.EFFICIENCY_CAUTION, staff=culprit)])
    today = timezone.localdate()
    assert selectors.sanction_counts(today, today, sanction=Sanction.EFFICIENCY_CAUTION) == {culprit.pk: 2}
    from complaints.selectors.lists import caution_flagged, sanction_history

    assert caution_flagged(sanction_history([culprit.pk])[culprit.pk])
    assert selectors.upheld_counts(today, today, by="department")
    assert all(c.get_absolute_url() for c in selectors.upheld_between(today, today))
    public = selectors.public_counts(today, today)
    assert {row["category"] for row in public} >= {"buck_passing"}
    assert set(public[0]) == {"category", "label", "received", "concluded"}
