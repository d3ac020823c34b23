"""The reply to the complainant, their rating of the handling and their one reopening."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint, ComplaintNote, ComplaintStatus, NoteKind
from efficiency_portal.supervision.services import open_deadline

from ..common import REOPEN_CLOCK, clean_text, now_or, office_department, portal_text, record_event, transition
from .base import require_supervisor, tell_complainant


def reply(complaint: Complaint, actor, *, text: str, at: dt.datetime | None = None) -> Complaint:
    require_supervisor(actor)
    at = now_or(at)
    text = clean_text(text, "text")
    current = Complaint.objects.get(pk=complaint.pk)
    if current.status != ComplaintStatus.CONCLUDED:
        raise ValidationError({"text": _("A reply can only be sent once the finding is recorded.")})
    with transaction.atomic():
        complaint = transition(
            complaint,
            allowed_from=[ComplaintStatus.CONCLUDED],
            to=ComplaintStatus.REPLIED,
            action="replied",
            actor=actor,
            at=at,
            public_text=_("The reply to your complaint is ready."),
            reply_text=text,
            replied_at=at,
        )
        tell_complainant(
            complaint,
            f"complaint:replied:{complaint.pk}:{complaint.reopen_count}",
            portal_text(_("Reply to your complaint %(code)s"), {"code": complaint.tracking_code}),
            portal_text(_("The reply is ready; read it and rate it on the tracking page.")),
        )
    return complaint


def rate_handling(
    complaint: Complaint, *, level: int, comment: str = "", actor=None, at: dt.datetime | None = None
) -> Complaint:
    """The complainant rates the handling; satisfied closes it, unsatisfied leaves it open to one reopening."""
    at = now_or(at)
    if level not in (1, 2, 3, 4, 5):
        raise ValidationError({"level": _("Please choose how satisfied you are.")})
    comment = clean_text(comment, "comment", required=False, max_length=500)
    if Complaint.objects.get(pk=complaint.pk).status != ComplaintStatus.REPLIED:
        raise ValidationError({"level": _("You can rate the handling once the reply is sent.")})
    satisfied = level >= 3
    return transition(
        complaint,
        allowed_from=[ComplaintStatus.REPLIED],
        to=ComplaintStatus.CLOSED if satisfied else ComplaintStatus.REPLIED,
        action="rated",
        actor=None,  # the complainant: no account in the history, which the office reads
        at=at,
        public_text=_("Thank you for your rating."),
        note=comment,
        feedback_level=level,
        feedback_comment=comment,
        feedback_at=at,
    )


def reopen(complaint: Complaint, *, reason: str, actor=None, at: dt.datetime | None = None) -> Complaint:
    """Once, within the window after the reply: back to a supervisor with its history and a new clock."""
    at = now_or(at)
    reason = clean_text(reason, "reason")
    current = Complaint.objects.get(pk=complaint.pk)
    if current.reopen_count >= 1:
        raise ValidationError({"reason": _("A complaint can be reopened only once.")})
    if current.status != ComplaintStatus.REPLIED or current.replied_at is None:
        raise ValidationError(
            {"reason": _("A complaint can be reopened only after the reply, if you are not satisfied.")}
        )
    if at > current.replied_at + dt.timedelta(days=settings.COMPLAINTS_REOPEN_WINDOW_DAYS):
        raise ValidationError(
            {"reason": _("The %(days)d days to reopen have passed.") % {"days": settings.COMPLAINTS_REOPEN_WINDOW_DAYS}}
        )
    with transaction.atomic():
        updated = Complaint.objects.filter(pk=current.pk, reopen_count=0, status=current.status).update(
            reopen_count=1,
            reopened_at=at,
            status=ComplaintStatus.REOPENED,
            investigating_department=None,
            extension_state="",
            extension_days=0,
            extension_reason="",
            extension_requested_by=None,
        )
        if not updated:
            raise ValidationError({"reason": _("A complaint can be reopened only once.")})
        record_event(
            current,
            "reopened",
            None,  # the complainant: no account in the history, which the office reads
            at=at,
            from_status=current.status,
            to_status=ComplaintStatus.REOPENED,
            public_text=_("You reopened the complaint; it is being looked at again."),
            note=reason,
        )
        ComplaintNote.objects.create(complaint=current, kind=NoteKind.NOTE, author=None, text=reason, created_at=at)
        responsible = current.handler
        if responsible is not None:
            from efficiency_portal.notifications.services import notify

            notify(
                responsible,
                kind="complaint",
                title=str(_("A complaint was reopened")),
                body=str(_("Complaint %(code)s was reopened by the complainant.") % {"code": current.tracking_code}),
                link=current.get_absolute_url(),
                dedupe_key=f"complaint:reopened:{current.pk}",
            )
            open_deadline(
                current,
                kind=REOPEN_CLOCK,
                title=str(_("Conclude reopened complaint %(code)s") % {"code": current.tracking_code}),
                department=office_department(responsible, current.department),
                responsible=responsible,
                started_at=at,
                limit_days=settings.COMPLAINTS_CONCLUDE_DAYS,
                actor=None,
            )
    return Complaint.objects.get(pk=current.pk)
