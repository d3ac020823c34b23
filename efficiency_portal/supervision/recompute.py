"""Recomputing due dates after a calendar change, and lowering lights a later due date makes wrong.

Both are set-based: due dates are computed in chunks on the in-memory calendar and written with ``bulk_update``;
lights are lowered with one conditional UPDATE per transition, each claiming its rows with a fresh token so the
following INSERT ... SELECT writes one event per changed row.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable

from django.db import models, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from efficiency_portal.common.bulk import insert_from_select
from efficiency_portal.workdays.calendar import local_date

from .clock import bulk_schedule, start_of_day
from .models import Deadline, DeadlineEvent, DeadlineStatus, EventAction, Light
from .sweep import EVENT_FIELDS, event_rows

RUNNING = (DeadlineStatus.OPEN, DeadlineStatus.PAUSED)
RECOMPUTE_CHUNK = 5000


def _actor_id(actor) -> int | None:
    return actor.pk if actor is not None and actor.is_authenticated else None


# --- lights that a later due date makes wrong --------------------------------------------------------------------

_LOWERINGS = (
    # (from, to, extra condition); a light is only lowered here, raising it is the sweep's job (it warns).
    (Light.RED, Light.YELLOW, lambda now: models.Q(due_at__gt=now, yellow_from__lte=now)),
    (Light.RED, Light.GREEN, lambda now: models.Q(yellow_from__gt=now)),
    (Light.YELLOW, Light.GREEN, lambda now: models.Q(yellow_from__gt=now)),
)


def lower_lights(queryset: QuerySet, now: dt.datetime, actor=None) -> int:
    """Set-based: lights of ``queryset`` that the current due date makes too high go down, with an event each."""
    changed = 0
    for old, new, condition in _LOWERINGS:
        token = uuid.uuid4()
        count = (
            queryset.filter(condition(now), light=old, status__in=RUNNING)
            .order_by()
            .update(light=new, previous_light=F("light"), sweep_token=token)
        )
        if count:
            insert_from_select(
                DeadlineEvent,
                EVENT_FIELDS,
                event_rows(token, action=EventAction.LIGHT, at=now, actor_id=_actor_id(actor)),
            )
        changed += count
    return changed


# --- recomputation after a calendar change ---------------------------------------------------------------------


def recompute_due_dates(target: QuerySet | Iterable[dt.date], *, actor=None, now: dt.datetime | None = None) -> int:
    """Recompute due and yellow moments of running deadlines; returns how many moved.

    ``target`` is a queryset of deadlines, or the dates whose status changed (then every running deadline whose
    span from start to due touches them). Computed in chunks on the in-memory calendar and written with
    ``bulk_update``; lights the new dates make too high are lowered (the next sweep raises those too low).
    """
    now = now or timezone.now()
    if isinstance(target, QuerySet):
        queryset = target.filter(status__in=RUNNING)
    else:
        dates = sorted(set(target))
        if not dates:
            return 0
        queryset = Deadline.objects.filter(
            status__in=RUNNING,
            started_at__lt=start_of_day(dates[-1] + dt.timedelta(days=1)),
            due_at__gte=start_of_day(dates[0]),
        )
    moved = 0
    last_pk = 0
    columns = (
        "pk",
        "started_at",
        "limit_days",
        "paused_days",
        "extension_days",
        "yellow_days",
        "due_at",
        "yellow_from",
        "due_provisional",
    )
    while True:
        rows = list(queryset.filter(pk__gt=last_pk).order_by("pk").values_list(*columns)[:RECOMPUTE_CHUNK])
        if not rows:
            break
        last_pk = rows[-1][0]
        plans = bulk_schedule(
            [local_date(row[1]) for row in rows],
            [row[2] + row[3] + row[4] for row in rows],
            [row[5] for row in rows],
        )
        changed = [
            Deadline(pk=row[0], due_at=plan.due_at, yellow_from=plan.yellow_from, due_provisional=plan.provisional)
            for row, plan in zip(rows, plans, strict=True)
            if (row[6], row[7], row[8]) != (plan.due_at, plan.yellow_from, plan.provisional)
        ]
        if not changed:
            continue
        with transaction.atomic():
            Deadline.objects.bulk_update(changed, ["due_at", "yellow_from", "due_provisional"], batch_size=1000)
            ids = [deadline.pk for deadline in changed]
            token = uuid.uuid4()
            Deadline.objects.filter(pk__in=ids).update(sweep_token=token)
            insert_from_select(
                DeadlineEvent,
                EVENT_FIELDS,
                event_rows(token, action=EventAction.RECOMPUTED, at=now, actor_id=_actor_id(actor), keep_light=True),
            )
            lower_lights(Deadline.objects.filter(pk__in=ids), now, actor)
        moved += len(changed)
    return moved


def on_calendar_changed(sender, dates: Iterable[dt.date] = (), change=None, **kwargs) -> int:
    """Receiver of ``workdays.signals.calendar_changed``."""
    actor = getattr(change, "changed_by", None)
    return recompute_due_dates(dates, actor=actor)
