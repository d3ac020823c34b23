"""The finding with its sanctions, recorded in credit; after a reopening the new finding replaces the earlier one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint, ComplaintSanction, ComplaintStatus, Finding, Sanction
from complaints.models.complaints import SANCTION_CREDIT_RULES, UPHELD_FINDINGS
from credit.services import record_entry
from efficiency_portal.org.models import Department, Staff

from ..common import CONCLUDE_CLOCK, REOPEN_CLOCK, clean_text, now_or, record_event, transition
from .base import finish_clock, require_supervisor


@dataclass(frozen=True)
class SanctionInput:
    sanction: str
    staff: Staff | None = None
    department: Department | None = None


def _record_credit(sanction: ComplaintSanction, complaint: Complaint, actor) -> int | None:
    rule = SANCTION_CREDIT_RULES.get(sanction.sanction)
    if rule is None:
        return None
    entry = record_entry(
        rule_code=rule,
        fact_date=sanction.decided_at.date(),
        source="complaint",
        source_object=complaint,
        staff=sanction.staff,
        department=sanction.department,
        detail=str(
            _("Complaint %(code)s: %(sanction)s")
            % {"code": complaint.tracking_code, "sanction": sanction.get_sanction_display()}
        ),
        actor=actor,
        # The office's page of the complaint is closed to the subject; the entry links to the neutral finding.
        source_link=reverse("complaints:finding", args=[complaint.pk]),
    )
    return entry.pk


def _subject_key(staff_id: int | None, department_id: int | None, sanction: str) -> tuple:
    return (staff_id, department_id, sanction)


def _check_sanctions(finding: str, sanctions: Sequence[SanctionInput], standing: set[tuple]) -> list[str]:
    """The errors of the sanction lines (empty when they are fine)."""
    if finding in UPHELD_FINDINGS and not sanctions:
        return [_("An upheld complaint needs at least one sanction naming who is at fault.")]
    if finding == Finding.NOT_UPHELD and sanctions:
        return [_("A complaint that is not upheld carries no sanction.")]
    errors: list[str] = []
    seen: set[tuple] = set()
    for item in sanctions:
        if item.sanction not in Sanction.values:
            errors.append(_("Unknown sanction."))
            continue
        if (item.staff is None) == (item.department is None):
            errors.append(_("Each sanction names one civil servant or one department."))
            continue
        key = _subject_key(getattr(item.staff, "pk", None), getattr(item.department, "pk", None), item.sanction)
        subject = item.staff if item.staff is not None else item.department
        if key in seen:
            errors.append(_("%(subject)s is named twice with the same sanction.") % {"subject": subject})
        seen.add(key)
        # A sanction an earlier finding decided is kept as it is; a new one needs someone still in service.
        if key not in standing and not subject.is_active:
            errors.append(_("%(subject)s is no longer active.") % {"subject": subject})
    return errors


def _withdraw_credit(row: ComplaintSanction, complaint: Complaint, finding: str, actor, at: dt.datetime) -> None:
    from credit.models import CreditEntry, EntryStatus
    from credit.services import withdraw_entry

    entry = CreditEntry.objects.filter(pk=row.credit_entry_id).first()
    if entry is None or entry.status not in (EntryStatus.PENDING, EntryStatus.CONFIRMED, EntryStatus.DISPUTED):
        return
    reason = _(
        "Complaint %(code)s was reopened and found again: “%(finding)s”. The sanction “%(sanction)s” no longer stands."
    ) % {
        "code": complaint.tracking_code,
        "finding": Finding(finding).label,
        "sanction": row.get_sanction_display(),
    }
    withdraw_entry(entry, actor, str(reason), at=at)


def record_finding(
    complaint: Complaint,
    actor,
    *,
    finding: str,
    text: str,
    sanctions: Sequence[SanctionInput] = (),
    at: dt.datetime | None = None,
) -> Complaint:
    """属实/部分属实 names who is at fault and the sanction (recorded in credit); 不属实 has none.

    After a reopening the new finding replaces the earlier one: a sanction it repeats (same person or
    department, same sanction) is kept with its credit entry, no second entry; an earlier sanction it leaves
    out is withdrawn, its credit entry through ``credit.services.withdraw_entry``."""
    require_supervisor(actor)
    at = now_or(at)
    errors: dict[str, list] = {}
    if finding not in Finding.values:
        errors["finding"] = [_("Please choose a finding.")]
    try:
        text = clean_text(text, "text")
    except ValidationError as error:
        errors["text"] = error.messages
    standing_rows = list(ComplaintSanction.objects.active().filter(complaint=complaint).order_by("pk"))
    standing = {_subject_key(row.staff_id, row.department_id, row.sanction): row for row in standing_rows}
    sanction_errors = _check_sanctions(finding, sanctions, set(standing))
    if sanction_errors:
        errors["sanctions"] = sanction_errors
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        complaint = transition(
            complaint,
            allowed_from=[ComplaintStatus.INVESTIGATING],
            to=ComplaintStatus.CONCLUDED,
            action="concluded",
            actor=actor,
            at=at,
            note=text,
            finding=finding,
            finding_text=text,
            concluded_at=at,
        )
        finish_clock(complaint, [CONCLUDE_CLOCK, REOPEN_CLOCK], actor, at)
        wanted = {
            _subject_key(getattr(item.staff, "pk", None), getattr(item.department, "pk", None), item.sanction)
            for item in sanctions
        }
        for key, row in standing.items():
            if key in wanted:
                continue
            ComplaintSanction.objects.filter(pk=row.pk, withdrawn_at__isnull=True).update(withdrawn_at=at)
            if row.credit_entry_id is not None:
                _withdraw_credit(row, complaint, finding, actor, at)
            subject = row.staff.name if row.staff_id else row.department.name
            record_event(
                complaint,
                "sanction_withdrawn",
                actor,
                at=at,
                from_status=ComplaintStatus.CONCLUDED,
                note=f"{subject}: {row.get_sanction_display()}",
            )
        for item in sanctions:
            key = _subject_key(getattr(item.staff, "pk", None), getattr(item.department, "pk", None), item.sanction)
            if key in standing:
                continue  # repeated by the new finding: the row and its credit entry stay
            row = ComplaintSanction.objects.create(
                complaint=complaint,
                staff=item.staff,
                department=item.department,
                sanction=item.sanction,
                decided_at=at,
            )
            entry_id = _record_credit(row, complaint, actor)
            if entry_id is not None:
                ComplaintSanction.objects.filter(pk=row.pk).update(credit_entry_id=entry_id)
    return complaint
