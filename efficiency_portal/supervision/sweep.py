"""The sweep: set-based light changes, warnings, recipients and notifications, each exactly once.

For every transition (green → yellow, green/yellow → red) one UPDATE claims the rows it changes by writing a fresh
``sweep_token``; in the same transaction INSERT ... SELECTs keyed on that token write the events, the warning
(unique per deadline and level), who is told (unique per warning and person) and their notifications (deduplicated
per warning and person). Two sweeps at once cannot claim the same row: the UPDATE's condition on the old light is
re-checked after the other sweep's row lock is released, so the loser finds nothing to change. Nothing here loops
over rows in Python.
"""

from __future__ import annotations

import datetime as dt
import string
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat, ExtractHour, ExtractMinute, Left, LPad, TruncDate
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import pgettext_lazy

from efficiency_portal.common.bulk import insert_from_select

from .models import (
    Deadline,
    DeadlineEvent,
    DeadlineStatus,
    EventAction,
    Light,
    RecipientRole,
    Warning,
    WarningLevel,
    WarningRecipient,
)

NOTIFICATION_KIND = {WarningLevel.YELLOW: "deadline_yellow", WarningLevel.RED: "deadline_red"}

# Translators: notification title of a yellow warning; keep {title} and {due}.
YELLOW_TITLE = pgettext_lazy("notification", "[Yellow warning] {title} is due at {due}")
YELLOW_BODY = pgettext_lazy(
    "notification",
    "{title} ({department}) has a time limit of {limit} working days and is due at {due}. Please finish it in time.",
)
# Translators: notification title of a red warning; keep {title}.
RED_TITLE = pgettext_lazy("notification", "[Red warning] {title} is overdue")
RED_BODY = pgettext_lazy(
    "notification",
    "{title} ({department}) was due at {due} and is now overdue. Please finish it at once and give a written "
    "explanation of the delay.",
)


@dataclass
class SweepResult:
    now: dt.datetime
    yellow: int = 0
    red: int = 0
    warnings: int = 0
    recipients: int = 0
    notifications: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> int:
        return self.yellow + self.red


def sweep_deadlines(now: dt.datetime | None = None) -> SweepResult:
    """Turn lights yellow and red as of ``now`` and warn the people concerned; safe to run twice or at once."""
    now = now or timezone.now()
    result = SweepResult(now=now)
    yellow = Q(status=DeadlineStatus.OPEN, light=Light.GREEN, yellow_from__lte=now, due_at__gt=now)
    # The same light condition as the partial index supervision_dl_sweep_red, so the planner can use it.
    red = Q(status=DeadlineStatus.OPEN, light__in=[Light.GREEN, Light.YELLOW], due_at__lte=now)
    for level, new_light, condition in (
        (WarningLevel.YELLOW, Light.YELLOW, yellow),
        (WarningLevel.RED, Light.RED, red),
    ):
        with transaction.atomic():
            token = uuid.uuid4()
            changed = (
                Deadline.objects.filter(condition)
                .order_by()
                .update(light=new_light, previous_light=F("light"), sweep_token=token)
            )
            if not changed:
                continue
            if level == WarningLevel.YELLOW:
                result.yellow = changed
            else:
                result.red = changed
            insert_from_select(DeadlineEvent, EVENT_FIELDS, event_rows(token, action=EventAction.LIGHT, at=now))
            result.warnings += insert_from_select(
                Warning,
                ["deadline_id", "level", "raised_at"],
                Deadline.objects.filter(sweep_token=token)
                .order_by()
                .values(deadline_id=F("id"), level=_text(level), raised_at=Value(now)),
            )
            result.recipients += _tell(token, level, now)
            result.notifications += _notify(token, level)
    result.counts = {
        "yellow": result.yellow,
        "red": result.red,
        "warnings": result.warnings,
        "recipients": result.recipients,
        "notifications": result.notifications,
    }
    return result


EVENT_FIELDS = [
    "deadline_id",
    "action",
    "actor_id",
    "from_status",
    "to_status",
    "from_light",
    "to_light",
    "at",
    "reason",
]


def event_rows(
    token: uuid.UUID, *, action: str, at: dt.datetime, actor_id: int | None = None, keep_light: bool = False
) -> QuerySet:
    """Event rows for the deadlines claimed with ``token`` (from ``previous_light`` to ``light``)."""
    return (
        Deadline.objects.filter(sweep_token=token)
        .order_by()
        .values(
            deadline_id=F("id"),
            action=_text(action),
            actor_id=Cast(Value(actor_id), models.BigIntegerField()),
            from_status=F("status"),
            to_status=F("status"),
            from_light=F("light") if keep_light else F("previous_light"),
            to_light=F("light"),
            at=Value(at, output_field=models.DateTimeField()),
            reason=_text(""),
        )
    )


def _text(value: str) -> Value:
    return Value(str(value), output_field=models.CharField())


def _tell(token: uuid.UUID, level: str, now: dt.datetime) -> int:
    """Record who is told: yellow the responsible person; red also the department head and the leader in charge.

    Inserted in that order, so a person who is both handler and head is told once, as handler.
    """
    warnings = Warning.objects.filter(deadline__sweep_token=token, level=level).order_by()
    sources = [(RecipientRole.RESPONSIBLE, "deadline__responsible_id", None)]
    if level == WarningLevel.RED:
        sources += [
            (RecipientRole.HEAD, "deadline__department__head__user_id", "deadline__department__head__isnull"),
            (
                RecipientRole.LEADER,
                "deadline__department__leader_in_charge__user_id",
                "deadline__department__leader_in_charge__isnull",
            ),
        ]
    told = 0
    for role, user_path, missing in sources:
        rows = warnings.filter(**{missing: False}) if missing else warnings
        told += insert_from_select(
            WarningRecipient,
            ["warning_id", "user_id", "role", "told_at"],
            rows.values(warning_id=F("id"), user_id=F(user_path), role=_text(role), told_at=Value(now)),
        )
    return told


def _url_around(name: str) -> tuple[str, str]:
    """The URL of ``name`` split around its numeric argument, to be joined around an id in SQL."""
    marker = 987654321
    before, after = reverse(name, args=[marker]).split(str(marker))
    return before, after


def _from_template(template: str, parts: dict[str, models.Expression]) -> models.Expression:
    """``template`` with ``{name}`` placeholders as an SQL concatenation of its text and ``parts``."""
    pieces: list[models.Expression] = []
    for literal, name, _spec, _conversion in string.Formatter().parse(template):
        if literal:
            pieces.append(_text(literal))
        if name:
            pieces.append(parts[name])
    if len(pieces) == 1:
        return pieces[0]
    return Concat(*pieces, output_field=models.CharField())


def _as_text(expression) -> Cast:
    return Cast(expression, models.CharField())


def _notify(token: uuid.UUID, level: str) -> int:
    from efficiency_portal.notifications.services import enqueue_from_queryset

    due = "warning__deadline__due_at"
    parts = {
        "title": F("warning__deadline__title"),
        "department": F("warning__deadline__department__name"),
        "limit": _as_text(F("warning__deadline__limit_days")),
        "due": Concat(
            _as_text(TruncDate(due)),
            _text(" "),
            LPad(_as_text(ExtractHour(due)), 2, _text("0")),
            _text(":"),
            LPad(_as_text(ExtractMinute(due)), 2, _text("0")),
            output_field=models.CharField(),
        ),
    }
    title, body = (YELLOW_TITLE, YELLOW_BODY) if level == WarningLevel.YELLOW else (RED_TITLE, RED_BODY)
    before, after = _url_around("supervision:warning_detail")
    with translation.override(settings.LANGUAGE_CODE):
        title_text, body_text = str(title), str(body)
    rows = (
        WarningRecipient.objects.filter(warning__deadline__sweep_token=token, warning__level=level)
        .order_by()
        .values(
            recipient_id=F("user_id"),
            kind=_text(NOTIFICATION_KIND[level]),
            # The notification title holds 200 characters; a long deadline title is cut, the body keeps it whole.
            title=Left(_from_template(title_text, parts), 200),
            body=_from_template(body_text, parts),
            link=Concat(_text(before), _as_text(F("warning_id")), _text(after), output_field=models.CharField()),
            urgent=Value(level == WarningLevel.RED, output_field=models.BooleanField()),
            dedupe_key=Concat(
                _text(f"warning:{level}:"),
                _as_text(F("warning_id")),
                _text(":"),
                _as_text(F("user_id")),
                output_field=models.CharField(),
            ),
        )
    )
    return enqueue_from_queryset(rows)
