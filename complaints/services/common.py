"""Shared pieces: conditional transitions with their event row, clock kinds, the duty supervisor."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint, ComplaintEvent
from efficiency_portal.org.models import Department, Role

# Deadline kinds (supervision.Deadline.kind) used by this app.
ACCEPT_CLOCK = "complaint_accept"  # accept or decline, subject: Complaint
CONCLUDE_CLOCK = "complaint_conclude"  # the finding, subject: Complaint
REOPEN_CLOCK = "complaint_reopen"  # the finding after a reopening, subject: Complaint
CONTACT_CLOCK = "rating_contact"  # contact the citizen after a bad rating, subject: RectificationOrder
RECTIFY_CLOCK = "rating_rectify"  # rectify after a bad rating, subject: RectificationOrder

TEXT_MAX = 5000


def now_or(at: dt.datetime | None) -> dt.datetime:
    return at or timezone.now()


def clean_text(value: str, field: str, *, required: bool = True, max_length: int = TEXT_MAX) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: _("Please fill this in.")})
    if len(value) > max_length:
        raise ValidationError({field: _("Please keep this under %(max)d characters.") % {"max": max_length}})
    return value


def record_event(
    complaint: Complaint,
    action: str,
    actor,
    *,
    at: dt.datetime | None = None,
    from_status: str = "",
    to_status: str = "",
    public_text: str = "",
    public_params: dict[str, Any] | None = None,
    note: str = "",
) -> ComplaintEvent:
    """Write the event row. ``public_text`` is a message marked for translation (``gettext_noop`` or lazy) and
    ``public_params`` its placeholders: the message is stored untranslated and translated when the complainant
    reads it, so a supervisor working in English does not write English into a Chinese citizen's timeline."""
    return ComplaintEvent.objects.create(
        complaint=complaint,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        from_status=from_status,
        to_status=to_status or from_status,
        at=now_or(at),
        public_text=untranslated(public_text)[:500],
        public_params={key: str(value) for key, value in (public_params or {}).items()},
        note=note,
    )


def untranslated(message) -> str:
    """The message id of a lazy or ``gettext_noop`` message (any plain text is returned as it is)."""
    with translation.override(None):
        return str(message)


def transition(
    complaint: Complaint,
    *,
    allowed_from: Iterable[str],
    to: str,
    action: str,
    actor,
    at: dt.datetime | None = None,
    public_text: str = "",
    public_params: dict[str, Any] | None = None,
    note: str = "",
    **changes: Any,
) -> Complaint:
    """Move ``complaint`` to ``to`` if it is still in one of ``allowed_from``; else ValidationError, nothing written."""
    allowed = tuple(allowed_from)
    at = now_or(at)
    with transaction.atomic():
        current = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if current.status not in allowed:
            raise ValidationError(
                {
                    "status": _("This cannot be done while the complaint is “%(status)s”.")
                    % {"status": current.get_status_display()}
                }
            )
        updated = Complaint.objects.filter(pk=current.pk, status=current.status).update(status=to, **changes)
        if not updated:
            raise ValidationError(_("The complaint was changed meanwhile; please reload and try again."))
        record_event(
            current,
            action,
            actor,
            at=at,
            from_status=current.status,
            to_status=to,
            public_text=public_text,
            public_params=public_params,
            note=note,
        )
    return Complaint.objects.get(pk=complaint.pk)


def duty_supervisor():
    """Who answers for a new complaint's acceptance clock until someone accepts it: the longest-serving
    active supervisor (or None when the portal has none yet)."""
    user_model = get_user_model()
    return user_model.objects.filter(is_active=True, groups__name=Role.SUPERVISOR).order_by("date_joined", "pk").first()


def office_department(user, fallback: Department) -> Department:
    """The department a supervisor's clock belongs to (their own), so red warnings reach the office's head."""
    staff = getattr(user, "staff", None) if user is not None else None
    return staff.department if staff is not None else fallback


def portal_text(message, params: dict[str, Any] | None = None) -> str:
    """A stored message for readers whose language is not known (notifications): the portal's language."""
    with translation.override(settings.LANGUAGE_CODE):
        text = str(message)
    return text % params if params else text


def tell_supervisors(*, key: str, title, body: str, link: str, exclude=None) -> int:
    """One in-app notification (with its e-mail/SMS) to every active supervisor but ``exclude``, set-based;
    ``key`` makes it once per supervisor. Returns how many were new."""
    from django.db.models import CharField, F, Value
    from django.db.models.functions import Cast, Concat

    from efficiency_portal.notifications.services import enqueue_from_queryset

    # The membership rows (user, group) rather than the users: the user model has a field named like a column of
    # the notification (``kind``), which a values() annotation may not shadow.
    memberships = get_user_model().groups.through.objects.filter(group__name=Role.SUPERVISOR, user__is_active=True)
    if exclude is not None and getattr(exclude, "pk", None) is not None:
        memberships = memberships.exclude(user_id=exclude.pk)
    return enqueue_from_queryset(
        memberships.order_by().values(
            recipient_id=F("user_id"),
            kind=Value("complaint", output_field=CharField()),
            title=Value(portal_text(title)[:200], output_field=CharField()),
            body=Value(body, output_field=CharField()),
            link=Value(link, output_field=CharField()),
            urgent=Value(False),
            dedupe_key=Concat(Value(f"{key}:"), Cast(F("user_id"), CharField()), output_field=CharField()),
        )
    )
