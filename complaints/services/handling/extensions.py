"""One extension of the time to investigate: a supervisor asks, another one decides."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint, ComplaintStatus, ExtensionState
from complaints.models.complaints import HANDLING_STATES
from efficiency_portal.supervision.services import extend_deadline

from ..common import clean_text, now_or, portal_text, record_event, tell_supervisors
from .base import conclude_clock, require_supervisor

INVESTIGATION_STATES = (ComplaintStatus.INVESTIGATING, ComplaintStatus.WITH_DEPARTMENT)


def request_extension(
    complaint: Complaint, actor, *, days: int, reason: str, at: dt.datetime | None = None
) -> Complaint:
    """Ask once, before the finding is due, for more working days; another supervisor approves."""
    require_supervisor(actor)
    at = now_or(at)
    reason = clean_text(reason, "reason", max_length=300)
    if not days or days < 1 or days > settings.COMPLAINTS_MAX_EXTENSION_DAYS:
        raise ValidationError(
            {"days": _("Please ask for 1 to %(max)d working days.") % {"max": settings.COMPLAINTS_MAX_EXTENSION_DAYS}}
        )
    if complaint.extension_state:
        raise ValidationError({"days": _("An extension was already asked for; there is only one.")})
    clock = conclude_clock(complaint)
    if clock is None or complaint.status not in (*HANDLING_STATES, *INVESTIGATION_STATES):
        raise ValidationError(_("Only a complaint under investigation can be extended."))
    if at >= clock.due_at:
        raise ValidationError({"days": _("The time limit has already expired; an extension must be asked before.")})
    with transaction.atomic():
        updated = Complaint.objects.filter(pk=complaint.pk, extension_state="").update(
            extension_state=ExtensionState.REQUESTED,
            extension_days=days,
            extension_reason=reason,
            extension_requested_by=actor,
        )
        if not updated:
            raise ValidationError({"days": _("An extension was already asked for; there is only one.")})
        record_event(complaint, "extension_requested", actor, at=at, from_status=complaint.status, note=reason)
        # Another supervisor decides: tell them all (the one asking is left out).
        tell_supervisors(
            key=f"complaint:extension:{complaint.pk}:{complaint.reopen_count}",
            title=_("An extension to decide"),
            body=portal_text(
                _("%(who)s asks for %(days)d more working days on complaint %(code)s: %(reason)s"),
                {"who": _person(actor), "days": days, "code": complaint.tracking_code, "reason": reason},
            ),
            link=complaint.get_absolute_url(),
            exclude=actor,
        )
    return Complaint.objects.get(pk=complaint.pk)


def _person(user) -> str:
    staff = getattr(user, "staff", None)
    return staff.name if staff is not None else user.get_username()


def decide_extension(complaint: Complaint, actor, *, approve: bool, at: dt.datetime | None = None) -> Complaint:
    """Another supervisor than the one who asked approves or rejects the extension."""
    require_supervisor(actor)
    at = now_or(at)
    current = Complaint.objects.get(pk=complaint.pk)
    if approve and current.extension_requested_by_id is not None and current.extension_requested_by_id == actor.pk:
        raise ValidationError(_("You asked for this extension: another supervisor must approve it."))
    with transaction.atomic():
        rows = Complaint.objects.filter(pk=complaint.pk, extension_state=ExtensionState.REQUESTED)
        if approve:
            # Conditional on who asked too, so that a request re-asked meanwhile is not approved by its asker.
            rows = rows.exclude(extension_requested_by=actor)
        updated = rows.update(extension_state=ExtensionState.APPROVED if approve else ExtensionState.REJECTED)
        if not updated:
            raise ValidationError(_("There is no extension request to decide."))
        complaint.refresh_from_db()
        if approve:
            clock = conclude_clock(complaint)
            if clock is None:
                raise ValidationError(_("The complaint has no running clock."))
            extend_deadline(clock, complaint.extension_days, complaint.extension_reason, actor, at=at)
        record_event(
            complaint,
            "extension_approved" if approve else "extension_rejected",
            actor,
            at=at,
            from_status=complaint.status,
            public_text=_("The time to investigate was extended.") if approve else "",
        )
        asker = complaint.extension_requested_by
        if asker is not None and asker.pk != actor.pk:
            from efficiency_portal.notifications.services import notify

            notify(
                asker,
                kind="complaint",
                title=portal_text(_("Extension approved") if approve else _("Extension rejected")),
                body=portal_text(
                    _("Your extension request on complaint %(code)s was decided by %(who)s."),
                    {"code": complaint.tracking_code, "who": _person(actor)},
                ),
                link=complaint.get_absolute_url(),
                dedupe_key=f"complaint:extension-decided:{complaint.pk}:{complaint.reopen_count}",
            )
    return complaint
