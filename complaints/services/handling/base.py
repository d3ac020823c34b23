"""What the handling steps share: the complaint's clocks, the supervisor check and word to the complainant."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint
from efficiency_portal.org.roles import is_supervisor
from efficiency_portal.supervision.models import Deadline, DeadlineStatus
from efficiency_portal.supervision.services import change_responsible, finish_deadline

from ..common import CONCLUDE_CLOCK, REOPEN_CLOCK
from ..filing import contact_of


def running_clock(complaint: Complaint, kinds: Sequence[str]) -> Deadline | None:
    content_type = ContentType.objects.get_for_model(Complaint)
    return (
        Deadline.objects.filter(content_type=content_type, object_id=complaint.pk, kind__in=kinds)
        .exclude(status=DeadlineStatus.FINISHED)
        .first()
    )


def conclude_clock(complaint: Complaint) -> Deadline | None:
    return running_clock(complaint, (CONCLUDE_CLOCK, REOPEN_CLOCK))


def finish_clock(complaint: Complaint, kinds: Sequence[str], actor, at: dt.datetime) -> None:
    clock = running_clock(complaint, kinds)
    if clock is not None:
        finish_deadline(clock, actor, at=max(at, clock.started_at))


def hand_clock(complaint: Complaint, user, actor) -> None:
    clock = conclude_clock(complaint)
    if clock is not None and user is not None and clock.responsible_id != user.pk:
        change_responsible(clock, user, actor)


def require_supervisor(actor) -> None:
    if not is_supervisor(actor):
        raise ValidationError(_("Only the supervision office may do this."))


def tell_complainant(complaint: Complaint, key: str, title: str, body: str) -> None:
    """In-app to the complainant's account, and SMS/e-mail to the contact left (anonymous complaints: none)."""
    from efficiency_portal.notifications.services import notify, notify_address

    if complaint.complainant_id is not None:
        notify(complaint.complainant, kind="complaint", title=title, body=body, dedupe_key=f"{key}:account")
    if not complaint.anonymous:
        phone, email = contact_of(complaint)
        notify_address(phone=phone, email=email, kind="complaint", title=title, body=body, dedupe_key=f"{key}:address")
