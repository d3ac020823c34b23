"""Shared helpers: the event row every change writes, and the error of a state that moved on."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment.models import AssessmentEvent, Period, Result


def record_event(
    period: Period,
    action: str,
    *,
    actor=None,
    result: Result | None = None,
    from_value: str = "",
    to_value: str = "",
    reason: str = "",
    at: dt.datetime | None = None,
) -> AssessmentEvent:
    return AssessmentEvent.objects.create(
        period=period,
        result=result,
        action=action,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        from_value=from_value,
        to_value=to_value,
        reason=reason,
        at=at or timezone.now(),
    )


def stale() -> ValidationError:
    return ValidationError(_("This was changed meanwhile by someone else; please reload the page."))


def require_reason(reason: str, field: str = "reason", minimum: int = 5) -> str:
    cleaned = (reason or "").strip()
    if len(cleaned) < minimum:
        raise ValidationError({field: _("Please give a reason of at least %(n)s characters.") % {"n": minimum}})
    return cleaned
