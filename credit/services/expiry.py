"""The daily expiry sweep: set-based, idempotent, safe to run twice at once."""

from __future__ import annotations

import datetime as dt

from django.db import models, transaction
from django.db.models import F, Value
from django.db.models.functions import Cast
from django.utils import timezone

from credit.models import CreditEntry, CreditEvent, EntryAction, EntryStatus
from efficiency_portal.common.bulk import insert_from_select

EVENT_FIELDS = ["entry_id", "action", "actor_id", "from_status", "to_status", "at", "reason"]


def _text(value: str):
    return Cast(Value(value), models.CharField())


def expire_entries(today: dt.date | None = None, *, at: dt.datetime | None = None) -> int:
    """Confirmed entries whose validity has ended become expired; one event each (a unique row makes it once)."""
    at = at or timezone.now()
    today = today or timezone.localdate(at)
    due = CreditEntry.objects.filter(status=EntryStatus.CONFIRMED, valid_until__lte=today).order_by()
    with transaction.atomic():
        insert_from_select(
            CreditEvent,
            EVENT_FIELDS,
            due.values(
                entry_id=F("id"),
                action=_text(EntryAction.EXPIRED),
                actor_id=Cast(Value(None), models.BigIntegerField()),
                from_status=_text(EntryStatus.CONFIRMED),
                to_status=_text(EntryStatus.EXPIRED),
                at=Value(at, models.DateTimeField()),
                reason=_text(""),
            ),
        )
        return due.update(status=EntryStatus.EXPIRED)
