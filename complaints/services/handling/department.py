"""The investigating department's part (its report, or its return when not competent) and the office's notes."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint, ComplaintNote, ComplaintStatus, NoteKind

from ..common import clean_text, now_or, transition
from .base import hand_clock, require_supervisor


def _department_member(actor, complaint: Complaint) -> None:
    from complaints.selectors.access import may_investigate

    if not may_investigate(actor, complaint):
        raise ValidationError(_("Only the investigating department may do this."))


def department_return(complaint: Complaint, actor, *, reason: str, at: dt.datetime | None = None) -> Complaint:
    """退单: a department that is not competent sends the complaint back to the supervisor, with its reason."""
    _department_member(actor, complaint)
    reason = clean_text(reason, "reason")
    at = now_or(at)
    with transaction.atomic():
        department = complaint.investigating_department
        back_to = ComplaintStatus.REOPENED if complaint.reopen_count else ComplaintStatus.ACCEPTED
        complaint = transition(
            complaint,
            allowed_from=[ComplaintStatus.WITH_DEPARTMENT],
            to=back_to,
            action="returned",
            actor=actor,
            at=at,
            note=reason,
            investigating_department=None,
        )
        ComplaintNote.objects.create(
            complaint=complaint, kind=NoteKind.RETURN, author=actor, department=department, text=reason, created_at=at
        )
        hand_clock(complaint, complaint.handler, actor)
    return complaint


def department_report(complaint: Complaint, actor, *, text: str, at: dt.datetime | None = None) -> Complaint:
    """The department's investigation report; the complaint goes back to the supervisor for the finding."""
    _department_member(actor, complaint)
    text = clean_text(text, "text")
    at = now_or(at)
    with transaction.atomic():
        department = complaint.investigating_department
        complaint = transition(
            complaint,
            allowed_from=[ComplaintStatus.WITH_DEPARTMENT],
            to=ComplaintStatus.INVESTIGATING,
            action="department_reported",
            actor=actor,
            at=at,
        )
        ComplaintNote.objects.create(
            complaint=complaint, kind=NoteKind.REPORT, author=actor, department=department, text=text, created_at=at
        )
        hand_clock(complaint, complaint.handler, actor)
    return complaint


def add_note(complaint: Complaint, actor, *, text: str, at: dt.datetime | None = None) -> ComplaintNote:
    require_supervisor(actor)
    text = clean_text(text, "text")
    if not complaint.is_open:
        raise ValidationError(_("The complaint is closed."))
    return ComplaintNote.objects.create(
        complaint=complaint, kind=NoteKind.NOTE, author=actor, text=text, created_at=now_or(at)
    )
