"""Accept or decline a complaint, and how it is handled: by the office itself, by another supervisor (交办) or by
the department concerned (转办)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from complaints.models import Complaint, ComplaintNote, ComplaintStatus, HandlingMode, NoteKind
from complaints.models.complaints import HANDLING_STATES
from efficiency_portal.org.models import Department, Staff
from efficiency_portal.org.roles import is_supervisor
from efficiency_portal.supervision.services import open_deadline

from ..common import ACCEPT_CLOCK, CONCLUDE_CLOCK, clean_text, now_or, office_department, portal_text, transition
from .base import finish_clock, hand_clock, require_supervisor, tell_complainant


def accept(complaint: Complaint, actor, *, at: dt.datetime | None = None) -> Complaint:
    require_supervisor(actor)
    at = now_or(at)
    with transaction.atomic():
        complaint = transition(
            complaint,
            allowed_from=[ComplaintStatus.SUBMITTED],
            to=ComplaintStatus.ACCEPTED,
            action="accepted",
            actor=actor,
            at=at,
            public_text=_("Your complaint was accepted and will be investigated."),
            accepted_at=at,
            handler=actor,
        )
        finish_clock(complaint, [ACCEPT_CLOCK], actor, at)
        open_deadline(
            complaint,
            kind=CONCLUDE_CLOCK,
            title=str(_("Conclude complaint %(code)s") % {"code": complaint.tracking_code}),
            department=office_department(actor, complaint.department),
            responsible=actor,
            started_at=at,
            limit_days=settings.COMPLAINTS_CONCLUDE_DAYS,
            actor=actor,
        )
    return complaint


def decline(
    complaint: Complaint, actor, *, reason: str, transfer_to: str = "", at: dt.datetime | None = None
) -> Complaint:
    """Not accepted, with a reason; with ``transfer_to`` it is sent on to the competent authority."""
    require_supervisor(actor)
    at = now_or(at)
    reason = clean_text(reason, "reason")
    transfer_to = clean_text(transfer_to, "transfer_to", required=False, max_length=200)
    to = ComplaintStatus.TRANSFERRED if transfer_to else ComplaintStatus.DECLINED
    public = (
        gettext_noop("Your complaint was sent on to %(to)s, which is competent: %(reason)s")
        if transfer_to
        else gettext_noop("Your complaint was not accepted: %(reason)s")
    )
    params = {"to": transfer_to, "reason": reason} if transfer_to else {"reason": reason}
    with transaction.atomic():
        complaint = transition(
            complaint,
            allowed_from=[ComplaintStatus.SUBMITTED],
            to=to,
            action="declined",
            actor=actor,
            at=at,
            public_text=public,
            public_params=params,
            decline_reason=reason,
            transferred_to=transfer_to,
            handler=actor,
        )
        finish_clock(complaint, [ACCEPT_CLOCK], actor, at)
        tell_complainant(
            complaint,
            f"complaint:declined:{complaint.pk}",
            portal_text(_("About your complaint")),
            portal_text(_(public), params),
        )
    return complaint


def handle_self(complaint: Complaint, actor, *, at: dt.datetime | None = None) -> Complaint:
    require_supervisor(actor)
    with transaction.atomic():
        complaint = transition(
            complaint,
            allowed_from=HANDLING_STATES,
            to=ComplaintStatus.INVESTIGATING,
            action="handle_self",
            actor=actor,
            at=at,
            handling_mode=HandlingMode.SELF,
            handler=actor,
            investigating_department=None,
        )
        hand_clock(complaint, actor, actor)
    return complaint


def assign(complaint: Complaint, actor, *, supervisor, at: dt.datetime | None = None) -> Complaint:
    require_supervisor(actor)
    if not is_supervisor(supervisor):
        raise ValidationError({"supervisor": _("Please choose a supervisor.")})
    with transaction.atomic():
        complaint = transition(
            complaint,
            allowed_from=HANDLING_STATES,
            to=ComplaintStatus.INVESTIGATING,
            action="assigned",
            actor=actor,
            at=at,
            note=str(supervisor),
            handling_mode=HandlingMode.ASSIGNED,
            handler=supervisor,
            investigating_department=None,
        )
        hand_clock(complaint, supervisor, actor)
    return complaint


def investigating_head(department: Department, accused: Staff | None) -> Staff | None:
    """Who investigates for ``department``: its head, or, when it has none or the head is the person complained
    about, the nearest head above it (heads act for the units below them). None when nobody but the accused could."""
    seen: set[int] = set()
    unit: Department | None = department
    while unit is not None and unit.pk not in seen:
        seen.add(unit.pk)
        if unit.head_id is not None and (accused is None or unit.head_id != accused.pk):
            return unit.head
        unit = unit.parent
    return None


def hand_to_department(
    complaint: Complaint, actor, *, department: Department, instructions: str = "", at: dt.datetime | None = None
) -> Complaint:
    """转办: the department concerned investigates and reports; it never learns who complained. The person
    complained about never investigates their own complaint: if they are the only head who could, it is refused."""
    require_supervisor(actor)
    if department is None or not department.is_active:
        raise ValidationError({"department": _("Please choose a department that exists.")})
    current = Complaint.objects.select_related("staff").get(pk=complaint.pk)
    head_staff = investigating_head(department, current.staff)
    if head_staff is None:
        if current.staff_id is not None and department.head_id == current.staff_id:
            message = _(
                "The head of %(department)s is the person complained about and nobody above heads it: hand the "
                "complaint to a unit higher up or handle it in the office."
            )
        else:
            message = _(
                "Nobody heads %(department)s or a unit above it to investigate: hand the complaint to another "
                "department or handle it in the office."
            )
        raise ValidationError({"department": message % {"department": department.name}})
    instructions = clean_text(instructions, "instructions", required=False)
    at = now_or(at)
    with transaction.atomic():
        complaint = transition(
            complaint,
            allowed_from=HANDLING_STATES,
            to=ComplaintStatus.WITH_DEPARTMENT,
            action="handed_to_department",
            actor=actor,
            at=at,
            public_text=_("Your complaint was passed to the department concerned for investigation."),
            note=f"{department}: {instructions}" if instructions else str(department),
            handling_mode=HandlingMode.DEPARTMENT,
            investigating_department=department,
        )
        # The department reads this on its page (never the supervisors' own investigation notes): when it was
        # handed over, to which unit, and the instructions (possibly none).
        ComplaintNote.objects.create(
            complaint=complaint,
            kind=NoteKind.INSTRUCTIONS,
            author=actor,
            department=department,
            text=instructions,
            created_at=at,
        )
        head = head_staff.user
        hand_clock(complaint, head, actor)
        from efficiency_portal.notifications.services import notify

        notify(
            head,
            kind="complaint",
            title=portal_text(_("A complaint to investigate")),
            body=portal_text(_("Complaint %(code)s was handed to your department."), {"code": complaint.tracking_code}),
            link=reverse("complaints:department_detail", args=[complaint.pk]),
            dedupe_key=f"complaint:handed:{complaint.pk}:{department.pk}:{at.timestamp():.0f}",
        )
    return complaint
