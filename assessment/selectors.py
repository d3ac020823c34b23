"""Reads of the assessment: published results, one's own results and forms, periods, rankings within a scope."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from efficiency_portal.org.models import Department, Role, Staff
from efficiency_portal.org.roles import has_role, is_staff_member, is_supervisor
from efficiency_portal.org.selectors import descendant_ids, headed_department_ids

from .models import (
    AdjustmentEntry,
    Appeal,
    AppealStatus,
    EvaluationForm,
    FormStatus,
    Period,
    PeriodStatus,
    Result,
    Scheme,
    ScoreLine,
    VetoEntry,
)


def published_results(*, department: Department | None = None, staff: Staff | None = None) -> QuerySet[Result]:
    """Results of published periods, newest first; for one department's people (or itself), or one person."""
    results = Result.objects.filter(period__status=PeriodStatus.PUBLISHED).select_related(
        "period__scheme", "staff", "department"
    )
    if staff is not None:
        results = results.filter(staff=staff)
    if department is not None:
        results = results.filter(department=department)
    return results.order_by("-period__end", "period_id", "rank", "subject_id")


APPEAL_STATES = ("open", "due")


def _end_of(on: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(on + dt.timedelta(days=1), dt.time.min))


def appeals(state: str, on: dt.date) -> QuerySet[Appeal]:
    """Open appeals (``state="open"``), or those among them whose decision clock is due by the end of ``on`` and
    still running (``"due"``); each with its decision clock's due moment and light. Oldest first."""
    from efficiency_portal.supervision.models import Deadline

    from .services.publishing import APPEAL_KIND

    clocks = Deadline.objects.filter(kind=APPEAL_KIND, object_id=OuterRef("pk"))
    rows = Appeal.objects.filter(status=AppealStatus.OPEN)
    if state == "due":
        due = Deadline.objects.filter(kind=APPEAL_KIND, due_at__lt=_end_of(on)).exclude(status="finished")
        rows = rows.filter(pk__in=due.values("object_id"))
    elif state != "open":
        raise ValueError(f"unknown appeal state {state!r}")
    return (
        rows.select_related("result__period__scheme", "result__staff", "result__department", "filed_by")
        .annotate(
            due_at=Subquery(clocks.values("due_at")[:1]),
            light=Subquery(clocks.values("light")[:1]),
        )
        .order_by("filed_at", "pk")
    )


def dashboard_counts(on: dt.date) -> dict[str, int]:
    """Appeals awaiting a decision, and those among them whose decision clock is due by the end of ``on``: the same
    rows the appeals list shows (``assessment:appeal_list?state=open`` / ``?state=due``)."""
    return {
        "appeals_open": appeals("open", on).order_by().count(),
        "appeals_due": appeals("due", on).order_by().count(),
    }


def subject_names(period: Period, ids) -> dict[int, str]:
    model = Staff if period.scheme.subject_kind == "staff" else Department
    return dict(model.objects.filter(pk__in=list(ids)).values_list("id", "name"))


def period_inputs(period: Period) -> tuple[QuerySet, QuerySet]:
    """The add/deduct entries (newest first) and vetoes recorded in the period."""
    adjustments = AdjustmentEntry.objects.filter(period=period).select_related("rule", "recorded_by").order_by("-id")
    vetoes = VetoEntry.objects.filter(period=period).select_related("rule", "recorded_by").order_by("-id")
    return adjustments, vetoes


def my_results(user) -> QuerySet[Result]:
    """Published results of the signed-in person, and of the departments they head."""
    if not is_staff_member(user):
        return Result.objects.none()
    headed = Department.objects.filter(head=user.staff).values("id")
    return (
        Result.objects.filter(period__status=PeriodStatus.PUBLISHED)
        .filter(Q(staff=user.staff) | Q(staff__isnull=True, department_id__in=headed))
        .select_related("period__scheme", "staff", "department")
        .order_by("-period__end", "period_id")
    )


def result_detail(pk: int) -> Result:
    return (
        Result.objects.select_related("period__scheme", "staff__user", "department__head", "adjusted_by")
        .prefetch_related(
            Prefetch("lines", queryset=ScoreLine.objects.order_by("sort_order", "id")),
            Prefetch("appeals", queryset=Appeal.objects.select_related("decided_by").order_by("-filed_at")),
        )
        .get(pk=pk)
    )


def can_view_result(user, result: Result) -> bool:
    """Supervisors see every result; everyone else only their own published ones (or their department's)."""
    if is_supervisor(user):
        return True
    if result.period.status != PeriodStatus.PUBLISHED or not is_staff_member(user):
        return False
    if result.staff_id:
        return result.staff_id == user.staff.pk
    return result.department.head_id == user.staff.pk


def my_forms(user) -> QuerySet[EvaluationForm]:
    if not is_staff_member(user):
        return EvaluationForm.objects.none()
    return (
        EvaluationForm.objects.filter(evaluator=user.staff)
        .select_related("period__scheme", "indicator")
        .annotate(subjects=Count("entries"))
        .order_by("status", "-period__end", "id")
    )


def open_form_count(user) -> int:
    """Forms still to fill in: not submitted, the forms not closed, the period not published."""
    now = timezone.now()
    return (
        my_forms(user)
        .filter(status=FormStatus.OPEN, period__forms_close_at__gt=now)
        .exclude(period__status=PeriodStatus.PUBLISHED)
        .count()
    )


def periods() -> QuerySet[Period]:
    return (
        Period.objects.select_related("scheme")
        .annotate(
            result_count=Count("results", distinct=True),
            open_appeals=Count("results__appeals", filter=Q(results__appeals__status=AppealStatus.OPEN), distinct=True),
        )
        .order_by("-end", "scheme__name")
    )


def schemes() -> QuerySet[Scheme]:
    return Scheme.objects.prefetch_related("indicators", "adjustment_rules", "veto_rules").order_by(
        "subject_kind", "name"
    )


def period_results(period: Period) -> QuerySet[Result]:
    return (
        Result.objects.filter(period=period)
        .select_related("staff", "department")
        .annotate(open_appeals=Count("appeals", filter=Q(appeals__status=AppealStatus.OPEN)))
        .order_by("rank", "subject_id")
    )


def open_appeals(period: Period) -> QuerySet[Appeal]:
    return (
        Appeal.objects.filter(result__period=period, status=AppealStatus.OPEN)
        .select_related("result__staff", "result__department", "filed_by")
        .order_by("filed_at")
    )


def ranking_scope(user) -> set[int] | None:
    """Department ids whose results ``user`` may rank: None for everything (supervisors), else led or headed ones."""
    if is_supervisor(user):
        return None
    scope: set[int] = set(headed_department_ids(user))
    if has_role(user, Role.LEADER) and is_staff_member(user):
        led = Department.objects.filter(leader_in_charge=user.staff).values_list("id", flat=True)
        scope |= descendant_ids(led)
    return scope


def may_rank(user) -> bool:
    """Whether ``ranking_scope`` is not empty, in one query: the navigation asks on every page."""
    if is_supervisor(user):
        return True
    if not is_staff_member(user):
        return False
    answers_for = Q(head=user.staff)
    if has_role(user, Role.LEADER):
        answers_for |= Q(leader_in_charge=user.staff)
    return Department.objects.filter(answers_for).exists()


def ranked_periods(user) -> QuerySet[Period]:
    visible = Period.objects.select_related("scheme").exclude(status=PeriodStatus.OPEN)
    if not is_supervisor(user):
        visible = visible.filter(status=PeriodStatus.PUBLISHED)
    return visible.order_by("-end", "scheme__name")


def ranking(period: Period, scope: set[int] | None) -> QuerySet[Result]:
    rows = Result.objects.filter(period=period).select_related("staff", "department").order_by("rank", "subject_id")
    if scope is not None:
        rows = rows.filter(department_id__in=scope)
    return rows


def trend(period: Period, scope: set[int] | None, *, last: int = 12) -> dict:
    """Average total and the share of each grade over the scheme's last periods of the same kind (for a chart)."""
    history = list(
        Period.objects.filter(scheme=period.scheme, kind=period.kind, end__lte=period.end)
        .exclude(status=PeriodStatus.OPEN)
        .order_by("-end")[:last]
    )[::-1]
    rows = Result.objects.filter(period__in=history)
    if scope is not None:
        rows = rows.filter(department_id__in=scope)
    from django.db.models import Avg

    figures = {
        row["period_id"]: row
        for row in rows.values("period_id").annotate(
            average=Avg("total"),
            count=Count("id"),
            excellent=Count(
                "id", filter=Q(adjusted_grade="excellent") | Q(adjusted_grade="", proposed_grade="excellent")
            ),
            failing=Count("id", filter=Q(adjusted_grade="fail") | Q(adjusted_grade="", proposed_grade="fail")),
        )
    }

    def number(value) -> float | None:
        return float(Decimal(value).quantize(Decimal("0.01"))) if value is not None else None

    return {
        "labels": [p.name for p in history],
        "series": [
            {
                "label": "average",
                "axis": "points",
                "data": [number(figures.get(p.pk, {}).get("average")) for p in history],
            },
            {
                "label": "excellent",
                "axis": "count",
                "data": [figures.get(p.pk, {}).get("excellent", 0) for p in history],
            },
            {"label": "fail", "axis": "count", "data": [figures.get(p.pk, {}).get("failing", 0) for p in history]},
        ],
    }


PAGE_SIZE = 100


def parse_after(token: str | None) -> tuple[int, int] | None:
    """The keyset position "rank-subject" of the last row shown, or None (first page) when missing or malformed."""
    try:
        rank, subject_id = (int(part) for part in (token or "").split("-", 1))
    except ValueError:
        return None
    return rank, subject_id


def keyset(rows: QuerySet[Result], after: str | None, size: int = PAGE_SIZE) -> tuple[list[Result], str | None]:
    """One page of results by (rank, subject) after ``after``; the cost does not grow with the depth of the page."""
    rows = rows.order_by("rank", "subject_id")
    position = parse_after(after)
    if position is not None:
        rank, subject_id = position
        rows = rows.filter(Q(rank__gt=rank) | Q(rank=rank, subject_id__gt=subject_id))
    page = list(rows[: size + 1])
    more = len(page) > size
    page = page[:size]
    return page, (f"{page[-1].rank}-{page[-1].subject_id}" if more else None)
