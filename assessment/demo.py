"""Demo assessment: a department scheme and a civil servants' scheme, each with a published quarter (evaluated, run,
published) and an open month (forms assigned, waiting for the evaluators). Safe to run again: schemes, indicators,
rules and periods are found by their natural keys; a published period is left as it is.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from typing import TextIO

from django.db import transaction
from django.utils import timezone

from efficiency_portal.org.models import Department, Role, Staff

from .models import (
    AdjustmentEntry,
    AdjustmentRule,
    EvaluationForm,
    EvaluatorRole,
    FormStatus,
    Indicator,
    IndicatorKind,
    Period,
    PeriodKind,
    PeriodStatus,
    Scheme,
    SubjectKind,
    VetoRule,
)
from .services import forms, publishing, runs

C, E = IndicatorKind.COMPUTED, IndicatorKind.EVALUATED
DEPARTMENT_SCHEME = (
    "机关科室绩效考核方案",
    SubjectKind.DEPARTMENT,
    [
        ("按时办结率", C, "on_time_rate", 35, 20),
        ("提前办结率", C, "early_rate", 5, 20),
        ("红牌", C, "red_cards", 15, 10),
        ("群众满意度", C, "satisfaction", 15, 20),
        ("信用分", C, "credit_score", 10, 20),
        ("领导评价", E, EvaluatorRole.LEADER, 20, 20),
    ],
)
STAFF_SCHEME = (
    "公务员平时考核方案",
    SubjectKind.STAFF,
    [
        ("按时办结率", C, "on_time_rate", 30, 20),
        ("红牌", C, "red_cards", 15, 20),
        ("投诉属实", C, "complaints_upheld", 10, 25),
        ("群众满意度", C, "satisfaction", 10, 20),
        ("民主测评", E, EvaluatorRole.DEMOCRATIC, 20, 20),
        ("领导评价", E, EvaluatorRole.LEADER, 15, 20),
    ],
)
# code, name, points per unit, unit, free units, second tier after, second tier points, cap
STAFF_RULES = (
    ("late", "迟到早退", "-5", "次", "0", None, None, "30"),
    ("leave", "事假（分段）", "-1", "天", "3", "10", "-2", "40"),
    ("absence", "旷工", "-20", "天", "0", None, None, None),
    ("holiday_duty", "节假日值班", "15", "天", "0", None, None, "30"),
    ("commendation", "嘉奖", "10", "次", "0", None, None, None),
)


def _say(stdout: TextIO | None, text: str) -> None:
    if stdout is not None:
        stdout.write(text + "\n")


def _scheme(spec: tuple, **fields) -> Scheme:
    name, kind, indicators = spec
    scheme, _created = Scheme.objects.get_or_create(name=name, defaults={"subject_kind": kind, **fields})
    for order, (label, indicator_kind, source, weight, per_unit) in enumerate(indicators):
        Indicator.objects.update_or_create(
            scheme=scheme,
            name=label,
            defaults={
                "kind": indicator_kind,
                "provider": source if indicator_kind == C else "",
                "evaluator_role": source if indicator_kind == E else "",
                "weight": Decimal(weight),
                "per_unit": Decimal(per_unit),
                "sort_order": order,
            },
        )
    return scheme


def _quarter_before(day: dt.date) -> tuple[dt.date, dt.date, str]:
    first_month = ((day.month - 1) // 3) * 3 + 1
    end = dt.date(day.year, first_month, 1) - dt.timedelta(days=1)
    start = dt.date(end.year, ((end.month - 1) // 3) * 3 + 1, 1)
    return start, end, f"{start.year}年第{(start.month - 1) // 3 + 1}季度"


def _month_of(day: dt.date) -> tuple[dt.date, dt.date, str]:
    start = day.replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return start, end, f"{start.year}年{start.month}月"


def _score(*parts: object) -> int:
    """A stable score from 3 to 5 (sometimes 2), the same on every run."""
    digest = hashlib.sha256("-".join(map(str, parts)).encode()).digest()[0]
    return 2 if digest < 12 else 3 + digest % 3


def _period(scheme: Scheme, kind: str, span: tuple[dt.date, dt.date, str], close_at: dt.datetime) -> Period:
    start, end, name = span
    period, _created = Period.objects.get_or_create(
        scheme=scheme, kind=kind, start=start, defaults={"end": end, "name": name, "forms_close_at": close_at}
    )
    return period


def _assign(period: Period) -> list[EvaluationForm]:
    """民主测评: colleagues of the same department score each other; 领导评价: heads score their people, leaders in
    charge score the departments they lead."""
    made: list[EvaluationForm] = []
    indicators = {i.evaluator_role: i for i in period.scheme.indicators.filter(kind=E)}
    staff = list(Staff.objects.filter(is_active=True).select_related("department"))
    if period.scheme.subject_kind == SubjectKind.STAFF:
        by_department: dict[int, list[Staff]] = {}
        for person in staff:
            by_department.setdefault(person.department_id, []).append(person)
        democratic = indicators.get(EvaluatorRole.DEMOCRATIC)
        leader = indicators.get(EvaluatorRole.LEADER)
        for department in Department.objects.filter(pk__in=by_department).select_related("head"):
            people = by_department[department.pk]
            if democratic is not None:
                for evaluator in people[:3]:
                    others = [p.pk for p in people if p.pk != evaluator.pk]
                    if others:
                        made.append(
                            forms.assign_form(period, indicator=democratic, evaluator=evaluator, subject_ids=others)
                        )
            if leader is not None and department.head is not None:
                others = [p.pk for p in people if p.pk != department.head_id]
                if others:
                    made.append(
                        forms.assign_form(period, indicator=leader, evaluator=department.head, subject_ids=others)
                    )
    else:
        leader = indicators.get(EvaluatorRole.LEADER)
        if leader is not None:
            for evaluator in Staff.objects.filter(user__groups__name=Role.LEADER).distinct():
                led = list(
                    Department.objects.filter(leader_in_charge=evaluator, is_active=True)
                    .exclude(kind=Department.Kind.WINDOW)
                    .values_list("id", flat=True)
                )
                if led:
                    made.append(forms.assign_form(period, indicator=leader, evaluator=evaluator, subject_ids=led))
    return made


def _fill(period: Period, made: list[EvaluationForm]) -> None:
    at = period.forms_close_at - dt.timedelta(hours=1)
    for form in made:
        if form.status == FormStatus.SUBMITTED:
            continue
        scores = {entry.subject_id: _score(form.pk, entry.subject_id) for entry in form.entries.all()}
        forms.submit_form(form, user=form.evaluator.user, scores=scores, at=at)


def _staff_inputs(period: Period, supervisor) -> None:
    rules = {rule.code: rule for rule in period.scheme.adjustment_rules.all()}
    people = list(Staff.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True))
    plan = [
        ("late", 2, 1), ("late", 5, 3), ("leave", 7, 6), ("absence", 11, 1), ("holiday_duty", 3, 2),
        ("commendation", 13, 1), ("holiday_duty", 17, 1),
    ]  # fmt: skip
    for code, position, quantity in plan:
        if position >= len(people) or code not in rules:
            continue
        day = period.start + dt.timedelta(days=position)
        if not AdjustmentEntry.objects.filter(
            period=period, rule=rules[code], subject_id=people[position], fact_date=day
        ).exists():
            forms.record_adjustment(
                period,
                rule=rules[code],
                subject_id=people[position],
                quantity=quantity,
                fact_date=day,
                note="考勤记录",
                actor=supervisor,
            )
    veto = period.scheme.veto_rules.first()
    if veto is not None and len(people) > 19 and not veto.entries.filter(period=period, subject_id=people[19]).exists():
        forms.record_veto(period, rule=veto, subject_id=people[19], reason="违反廉政纪律，一票否决", actor=supervisor)


def load(stdout: TextIO | None = None) -> dict[str, int]:
    supervisor = Staff.objects.filter(user__username="supervisor").select_related("user").first()
    actor = supervisor.user if supervisor else None
    now = timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        department_scheme = _scheme(DEPARTMENT_SCHEME)
        staff_scheme = _scheme(
            STAFF_SCHEME,
            bonus_enabled=True,
            bonus_base=Decimal("2000"),
            bonus_baseline=Decimal("80"),
            bonus_per_point=Decimal("30"),
            bonus_add_cap=Decimal("600"),
            bonus_deduct_cap=Decimal("1000"),
        )
        for code, name, points, unit, free, tier_after, tier_points, cap in STAFF_RULES:
            AdjustmentRule.objects.update_or_create(
                scheme=staff_scheme,
                code=code,
                defaults={
                    "name": name,
                    "points": Decimal(points),
                    "unit": unit,
                    "free_units": Decimal(free),
                    "tier_after": Decimal(tier_after) if tier_after else None,
                    "tier_points": Decimal(tier_points) if tier_points else None,
                    "cap": Decimal(cap) if cap else None,
                },
            )
        VetoRule.objects.get_or_create(scheme=staff_scheme, name="违反廉政纪律", defaults={"cap_grade": "fail"})
        VetoRule.objects.get_or_create(
            scheme=department_scheme, name="发生重大责任事故", defaults={"cap_grade": "pass"}
        )
        quarter = _quarter_before(today)
        month = _month_of(today)
        published = 0
        for scheme in (department_scheme, staff_scheme):
            closed_at = timezone.make_aware(dt.datetime.combine(quarter[1] + dt.timedelta(days=10), dt.time(18)))
            period = _period(scheme, PeriodKind.QUARTER, quarter, closed_at)
            if period.status != PeriodStatus.PUBLISHED:
                _fill(period, _assign(period))
                if scheme is staff_scheme:
                    _staff_inputs(period, actor)
                runs.run_period(period, actor=actor)
                if actor is not None:
                    publishing.publish_period(period, actor=actor)
                    published += 1
            open_until = timezone.make_aware(dt.datetime.combine(month[1] + dt.timedelta(days=5), dt.time(18)))
            open_period = _period(scheme, PeriodKind.MONTH, month, open_until)
            if open_period.status == PeriodStatus.OPEN:
                _assign(open_period)
    counts = {
        "schemes": Scheme.objects.count(),
        "periods": Period.objects.count(),
        "forms": EvaluationForm.objects.count(),
        "published": published,
    }
    _say(
        stdout,
        "assessment: {schemes} schemes, {periods} periods, {forms} evaluation forms "
        "(a published quarter and an open month per scheme)".format(**counts),
    )
    return counts
