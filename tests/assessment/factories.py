"""Schemes, periods and facts for the assessment tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from assessment.models import (
    AdjustmentRule,
    EvaluatorRole,
    Indicator,
    IndicatorKind,
    Period,
    PeriodKind,
    Scheme,
    SubjectKind,
    VetoRule,
)
from efficiency_portal.supervision.models import Deadline, DeadlineStatus

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(year: int, month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=SHANGHAI)


def make_scheme(
    subject_kind: str = SubjectKind.STAFF,
    *,
    indicators: list[tuple] | None = None,
    name: str | None = None,
    **fields,
) -> Scheme:
    """``indicators``: (name, kind, provider or evaluator role, weight[, per_unit])."""
    scheme = Scheme.objects.create(
        name=name or f"方案{Scheme.objects.count() + 1}-{subject_kind}", subject_kind=subject_kind, **fields
    )
    for order, spec in enumerate(
        indicators
        or [
            ("按时办结率", IndicatorKind.COMPUTED, "on_time_rate", 40),
            ("红牌", IndicatorKind.COMPUTED, "red_cards", 20),
            ("民主测评", IndicatorKind.EVALUATED, EvaluatorRole.DEMOCRATIC, 40),
        ]
    ):
        label, kind, source, weight, *rest = spec
        Indicator.objects.create(
            scheme=scheme,
            name=label,
            kind=kind,
            provider=source if kind == IndicatorKind.COMPUTED else "",
            evaluator_role=source if kind == IndicatorKind.EVALUATED else "",
            weight=Decimal(str(weight)),
            per_unit=Decimal(str(rest[0])) if rest else Decimal("20"),
            sort_order=order,
        )
    return scheme


def make_rule(scheme: Scheme, code: str = "late", points: str = "-5", **fields) -> AdjustmentRule:
    return AdjustmentRule.objects.create(
        scheme=scheme, code=code, name=fields.pop("name", code), points=Decimal(points), **fields
    )


def make_veto_rule(scheme: Scheme, name: str = "严重违纪", cap_grade: str = "pass") -> VetoRule:
    return VetoRule.objects.create(scheme=scheme, name=name, cap_grade=cap_grade)


def make_period(
    scheme: Scheme,
    *,
    kind: str = PeriodKind.MONTH,
    start: dt.date = dt.date(2026, 3, 1),
    end: dt.date = dt.date(2026, 3, 31),
    forms_close_at: dt.datetime | None = None,
    **fields,
) -> Period:
    return Period.objects.create(
        scheme=scheme,
        kind=kind,
        name=fields.pop("name", f"{start:%Y-%m}"),
        start=start,
        end=end,
        forms_close_at=forms_close_at or timezone.now() + dt.timedelta(days=30),
        **fields,
    )


def finished_case_clock(user, department, *, outcome: str, finished_at: dt.datetime, subject=None) -> Deadline:
    """A finished case clock of ``user``, as the case service leaves it (only the fields the facts read)."""
    subject = subject or department
    number = Deadline.objects.count() + 1
    return Deadline.objects.create(
        content_type=ContentType.objects.get_for_model(subject),
        object_id=subject.pk * 100000 + number,
        kind="case",
        title=f"办件{number}",
        department=department,
        responsible=user,
        started_at=finished_at - dt.timedelta(days=5),
        limit_days=5,
        due_at=finished_at + dt.timedelta(days=1),
        yellow_from=finished_at,
        status=DeadlineStatus.FINISHED,
        finished_at=finished_at,
        outcome=outcome,
    )
