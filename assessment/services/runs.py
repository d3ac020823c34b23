"""Running a period: read every fact of the period once per indicator, compute and explain every score, grade.

A run is repeatable until the period is published. It rewrites only what it derives from the facts (score lines,
totals, ranks, proposed grades, bonus); adjusted grades with their reasons, evaluator scores, add/deduct entries,
vetoes and appeals are inputs or decisions, never touched.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Avg, Count, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from assessment import providers
from assessment.models import (
    AdjustmentEntry,
    AssessmentEvent,
    EvaluationEntry,
    FormStatus,
    Grade,
    Indicator,
    IndicatorKind,
    Period,
    PeriodKind,
    PeriodStatus,
    Result,
    Run,
    RunState,
    ScoreLine,
    SubjectKind,
    VetoEntry,
)
from efficiency_portal.common.tasks import enqueue
from efficiency_portal.org.models import Department, Staff

from . import grading
from .common import record_event
from .schemes import check_scheme

NEUTRAL_EVALUATION = Decimal("3")
LINE_BATCH = 2000


@dataclass
class Draft:
    subject_id: int
    department_id: int
    staff_id: int | None
    lines: list[ScoreLine] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    ceiling: str = Grade.EXCELLENT
    flagged: bool = False

    @property
    def total(self) -> Decimal:
        return sum((line.points for line in self.lines), Decimal("0"))


def population_of(period: Period) -> tuple[providers.Population, dict[int, tuple[int, int | None]]]:
    """The subjects of the period and, per subject, (department id, staff id)."""
    if period.scheme.subject_kind == SubjectKind.STAFF:
        rows = list(Staff.objects.filter(is_active=True).values_list("id", "user_id", "department_id"))
        population = providers.Population(SubjectKind.STAFF, [row[0] for row in rows], {row[0]: row[1] for row in rows})
        return population, {row[0]: (row[2], row[0]) for row in rows}
    ids = list(
        Department.objects.filter(is_active=True).exclude(kind=Department.Kind.WINDOW).values_list("id", flat=True)
    )
    return providers.Population(SubjectKind.DEPARTMENT, ids), {pk: (pk, None) for pk in ids}


def _evaluations(period: Period, indicator: Indicator) -> dict[int, dict]:
    rows = (
        EvaluationEntry.objects.filter(
            form__period=period, form__indicator=indicator, form__status=FormStatus.SUBMITTED
        )
        .values("subject_id")
        .annotate(
            average=Avg("score"),
            scored=Count("score"),
            unknown=Count("id", filter=Q(unknown=True)),
        )
    )
    return {row["subject_id"]: row for row in rows}


def _evaluation_value(row: dict | None) -> providers.Value:
    if row is None or not row["scored"]:
        unknown = row["unknown"] if row else 0
        text = _("No evaluator scored (%(unknown)s answered “not known”): a neutral 3 of 5") % {"unknown": unknown}
        return providers.Value(None, text, NEUTRAL_EVALUATION * 20, [])
    average = Decimal(str(row["average"])).quantize(providers.FOUR)
    text = _("Average %(avg)s of 5 from %(n)s evaluator(s), %(unknown)s “not known” left out") % {
        "avg": average.quantize(Decimal("0.01")),
        "n": row["scored"],
        "unknown": row["unknown"],
    }
    return providers.Value(average, text, average * 20, [providers.fact(text)])


def _indicator_values(period: Period, indicator: Indicator, population: providers.Population) -> tuple[dict, object]:
    if indicator.kind == IndicatorKind.EVALUATED:
        rows = _evaluations(period, indicator)
        return {sid: _evaluation_value(row) for sid, row in rows.items()}, _evaluation_value
    provider = providers.get(indicator.provider)
    assert provider is not None  # checked by check_scheme
    return provider.compute(period, indicator, population), provider


def _add_indicator_lines(period: Period, drafts: dict[int, Draft], population: providers.Population) -> None:
    for order, indicator in enumerate(period.scheme.indicators.all()):
        values, source = _indicator_values(period, indicator, population)
        default = (
            _evaluation_value(None) if indicator.kind == IndicatorKind.EVALUATED else source.missing(indicator)  # type: ignore[union-attr]
        )
        for subject_id, draft in drafts.items():
            value = values.get(subject_id, default)
            draft.lines.append(
                ScoreLine(
                    kind=ScoreLine.Kind.INDICATOR,
                    indicator=indicator,
                    label=indicator.name[:120],
                    weight=indicator.weight,
                    raw_value=value.raw,
                    raw_text=value.text[:200],
                    score=grading.q(value.score),
                    points=grading.weighted_points(indicator.weight, value.score),
                    facts=value.facts,
                    sort_order=order,
                )
            )


def _add_adjustment_lines(period: Period, drafts: dict[int, Draft]) -> None:
    grouped: dict[tuple[int, int], list[AdjustmentEntry]] = defaultdict(list)
    for entry in AdjustmentEntry.objects.filter(period=period).select_related("rule").order_by("fact_date", "id"):
        grouped[(entry.subject_id, entry.rule_id)].append(entry)
    for (subject_id, _rule_id), entries in sorted(grouped.items()):
        draft = drafts.get(subject_id)
        if draft is None:
            continue
        rule = entries[0].rule
        quantity = sum((entry.quantity for entry in entries), Decimal("0"))
        draft.lines.append(
            ScoreLine(
                kind=ScoreLine.Kind.ADJUSTMENT,
                rule=rule,
                label=rule.name[:120],
                raw_value=quantity,
                raw_text=(
                    _("%(quantity)s %(unit)s at %(points)s each")
                    % {
                        "quantity": quantity.normalize(),
                        "unit": rule.unit,
                        "points": rule.points,
                    }
                )[:200],
                points=grading.adjustment_points(rule, quantity),
                facts=[
                    providers.fact(f"{entry.fact_date.isoformat()} × {entry.quantity.normalize()} {entry.note}".strip())
                    for entry in entries
                ],
                sort_order=100,
            )
        )


def _apply_vetoes(period: Period, drafts: dict[int, Draft]) -> None:
    for veto in VetoEntry.objects.filter(period=period).select_related("rule"):
        draft = drafts.get(veto.subject_id)
        if draft is not None:
            draft.ceiling = grading.cap(draft.ceiling, veto.rule.cap_grade)
            draft.notes.append(
                _("Veto (一票否决) “%(name)s”: %(reason)s") % {"name": veto.rule.name, "reason": veto.reason}
            )


def _apply_blocks(period: Period, drafts: dict[int, Draft]) -> None:
    """效能告诫 in the year: one → not excellent, two → incompetent proposed; incompetent two years running → flag."""
    if period.scheme.subject_kind != SubjectKind.STAFF:
        return
    try:
        from complaints import selectors as complaint_selectors

        sanction_counts = complaint_selectors.sanction_counts
    except (ImportError, AttributeError):
        sanction_counts = None
    if sanction_counts is not None:
        counts = sanction_counts(dt.date(period.end.year, 1, 1), period.end, sanction="efficiency_caution")
        for subject_id, count in counts.items():
            draft = drafts.get(subject_id)
            if draft is None or not count:
                continue
            if count >= 2:
                draft.ceiling = grading.cap(draft.ceiling, Grade.FAIL)
                draft.notes.append(
                    _("%(n)s efficiency cautions (效能告诫) this year: incompetent proposed") % {"n": count}
                )
            else:
                draft.ceiling = grading.cap(draft.ceiling, Grade.GOOD)
                draft.notes.append(_("An efficiency caution (效能告诫) this year: not excellent"))


def _flag_repeated_fail(period: Period, results: dict[int, Result]) -> None:
    if period.kind != PeriodKind.YEAR:
        return
    previous = (
        Period.objects.filter(
            scheme=period.scheme, kind=PeriodKind.YEAR, end__lt=period.start, status=PeriodStatus.PUBLISHED
        )
        .order_by("-end")
        .first()
    )
    if previous is None:
        return
    failed_before = set(
        Result.objects.filter(period=previous)
        .filter(Q(adjusted_grade=Grade.FAIL) | Q(adjusted_grade="", proposed_grade=Grade.FAIL))
        .values_list("subject_id", flat=True)
    )
    for subject_id, result in results.items():
        if subject_id in failed_before and result.proposed_grade == Grade.FAIL:
            result.flagged = True
            result.notes.append(_("Incompetent two years running: flagged for the supervisors"))


def _grade(period: Period, drafts: dict[int, Draft], now: dt.datetime) -> dict[int, Result]:
    scheme = period.scheme
    totals = {sid: draft.total for sid, draft in drafts.items()}
    ranking = grading.ranks(totals)
    results: dict[int, Result] = {}
    candidates: list[tuple[int, Decimal]] = []
    for subject_id, draft in drafts.items():
        computed = grading.grade_by_points(scheme, totals[subject_id])
        proposed = grading.cap(computed, draft.ceiling)
        if draft.ceiling == Grade.FAIL:
            proposed = Grade.FAIL
        if proposed == Grade.EXCELLENT:
            candidates.append((subject_id, totals[subject_id]))
        results[subject_id] = Result(
            period=period,
            subject_id=subject_id,
            staff_id=draft.staff_id,
            department_id=draft.department_id,
            total=totals[subject_id],
            rank=ranking[subject_id],
            computed_grade=computed,
            proposed_grade=proposed,
            notes=list(draft.notes),
            flagged=draft.flagged,
            bonus=grading.bonus(scheme, totals[subject_id], period_kind=period.kind),
            computed_at=now,
        )
    _kept, lost = grading.apply_quota(candidates, len(drafts), scheme.excellent_quota)
    for subject_id in lost:
        results[subject_id].proposed_grade = Grade.GOOD
        results[subject_id].notes.append(
            _("Beyond the quota on excellent (%(quota)s%%) by rank") % {"quota": scheme.excellent_quota}
        )
    _flag_repeated_fail(period, results)
    return results


def stale_before(now: dt.datetime) -> dt.datetime:
    # A worker that died leaves a run queued or running for ever; after this long a new run may be queued.
    return now - dt.timedelta(minutes=int(getattr(settings, "ASSESSMENT_RUN_STALE_MINUTES", 30)))


def queue_run(period: Period, *, actor=None) -> None:
    """Check that the period can be run now, mark it queued, then run it in the background once the caller's
    transaction commits (a run over thousands of people takes seconds). A second request while a run is queued or in
    progress is refused, unless that run has been stuck for ``ASSESSMENT_RUN_STALE_MINUTES`` (30)."""
    if period.status == PeriodStatus.PUBLISHED:
        raise ValidationError(_("This period is published; its results can no longer be re-run."))
    check_scheme(period.scheme)
    now = timezone.now()
    busy = [RunState.QUEUED, RunState.RUNNING]
    claimed = (
        Period.objects.filter(pk=period.pk)
        .exclude(status=PeriodStatus.PUBLISHED)
        .filter(~Q(run_state__in=busy) | Q(run_requested_at__lt=stale_before(now)) | Q(run_requested_at__isnull=True))
        .update(run_state=RunState.QUEUED, run_requested_at=now, run_started_at=None, run_message="")
    )
    if not claimed:
        raise ValidationError(_("A run of this period is already queued or in progress; please wait for it."))
    from assessment.tasks import run_period_task

    actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    # With the broker away the period stays queued and requeue_waiting_runs (beat) sends it when it is back.
    transaction.on_commit(lambda: enqueue(run_period_task, period.pk, actor_id))


# A queued run not started after this long was probably never received by a worker (broker down when queued).
RUN_WAITING_MINUTES = 2


def requeue_waiting_runs(now: dt.datetime | None = None) -> list[int]:
    """Queue again the runs queued for a while and never started; each is claimed by a conditional update of its
    request time, so two beats (or two runs of this) queue it once."""
    from assessment.tasks import run_period_task

    now = now or timezone.now()
    waiting = Period.objects.filter(
        run_state=RunState.QUEUED,
        run_started_at__isnull=True,
        run_requested_at__lt=now - dt.timedelta(minutes=RUN_WAITING_MINUTES),
    ).values_list("pk", "run_requested_at")
    queued = []
    for pk, requested_at in waiting:
        if Period.objects.filter(pk=pk, run_state=RunState.QUEUED, run_requested_at=requested_at).update(
            run_requested_at=now
        ) and enqueue(run_period_task, pk, None):
            queued.append(pk)
    return queued


def run_in_background(period_id: int, *, actor=None) -> Run | None:
    """What the Celery task does: mark the period's run in progress (committed at once, so the period page shows
    it), run, and mark it finished or failed with the reason. A published or missing period is left alone."""
    claimed = (
        Period.objects.filter(pk=period_id)
        .exclude(status=PeriodStatus.PUBLISHED)
        .update(run_state=RunState.RUNNING, run_started_at=timezone.now(), run_message="")
    )
    if not claimed:
        return None
    period = Period.objects.select_related("scheme").get(pk=period_id)
    try:
        return run_period(period, actor=actor)
    except ValidationError as error:
        message = " ".join(error.messages)
        Period.objects.filter(pk=period_id, run_state=RunState.RUNNING).update(
            run_state=RunState.FAILED, run_finished_at=timezone.now(), run_message=message[:300]
        )
        return None
    except Exception:
        Period.objects.filter(pk=period_id, run_state=RunState.RUNNING).update(
            run_state=RunState.FAILED,
            run_finished_at=timezone.now(),
            run_message=_("The run stopped on an unexpected error; the administrators find it in the worker's log."),
        )
        raise


def run_period(period: Period, *, actor=None) -> Run:
    """Compute every result of ``period``; refused once it is published.

    The explanations (raw values in words, fact labels, notes) are stored as text, so they are written in the
    portal's default language whatever the language of whoever starts the run. Results of subjects no longer
    assessed (deactivated since the last run, a department turned into a window) are deleted in the same
    transaction, adjusted grades included; their events stay in the period's history, detached from the result."""
    started = timezone.now()
    with transaction.atomic():
        period = Period.objects.select_for_update().select_related("scheme").get(pk=period.pk)
        if period.status == PeriodStatus.PUBLISHED:
            raise ValidationError(_("This period is published; its results can no longer be re-run."))
        check_scheme(period.scheme)
        with translation.override(settings.LANGUAGE_CODE):
            return _compute(period, actor=actor, started=started)


def _compute(period: Period, *, actor, started: dt.datetime) -> Run:
    population, where = population_of(period)
    drafts = {sid: Draft(sid, department_id, staff_id) for sid, (department_id, staff_id) in where.items()}
    _add_indicator_lines(period, drafts, population)
    _add_adjustment_lines(period, drafts)
    _apply_vetoes(period, drafts)
    _apply_blocks(period, drafts)
    before = {
        row[0]: (row[1], row[2], row[3])
        for row in Result.objects.filter(period=period).values_list("subject_id", "total", "proposed_grade", "id")
    }
    results = _grade(period, drafts, started)
    saved = Result.objects.bulk_create(
        list(results.values()),
        update_conflicts=True,
        unique_fields=["period", "subject_id"],
        update_fields=[
            "staff",
            "department",
            "total",
            "rank",
            "computed_grade",
            "proposed_grade",
            "notes",
            "flagged",
            "bonus",
            "computed_at",
        ],
        batch_size=LINE_BATCH,
    )
    ids = {result.subject_id: result.pk for result in saved}
    if any(pk is None for pk in ids.values()):
        ids = dict(Result.objects.filter(period=period).values_list("subject_id", "id"))
    ScoreLine.objects.filter(result_id__in=Result.objects.filter(period=period).values("id"))._raw_delete(
        ScoreLine.objects.db
    )
    removed = _remove_results_no_longer_assessed(period, [row[2] for sid, row in before.items() if sid not in drafts])
    lines: list[ScoreLine] = []
    for subject_id, draft in drafts.items():
        for line in draft.lines:
            line.result_id = ids[subject_id]
            lines.append(line)
    ScoreLine.objects.bulk_create(lines, batch_size=LINE_BATCH)
    changed = removed + sum(
        1
        for sid, result in results.items()
        if before.get(sid, (None, None))[:2] != (result.total, result.proposed_grade)
    )
    number = (period.runs.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    old_status = period.status
    Period.objects.filter(pk=period.pk, status=old_status).update(status=PeriodStatus.COMPUTED)
    finished = timezone.now()
    Period.objects.filter(pk=period.pk).update(run_state=RunState.DONE, run_finished_at=finished, run_message="")
    run = Run.objects.create(
        period=period,
        number=number,
        started_at=started,
        finished_at=finished,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        subjects=len(results),
        lines=len(lines),
        changed=changed,
    )
    reason = _("Run %(n)s: %(s)s assessed, %(c)s changed") % {"n": number, "s": len(results), "c": changed}
    if removed:
        reason += " · " + _("%(r)s result(s) of people or departments no longer assessed removed") % {"r": removed}
    record_event(period, "run", actor=actor, from_value=old_status, to_value=PeriodStatus.COMPUTED, reason=reason)
    return run


def _remove_results_no_longer_assessed(period: Period, result_ids: list[int]) -> int:
    """Delete the results of subjects the run no longer assesses. A period that can be run is not published, so
    none of them has an appeal; a grade adjustment's event is kept in the period's history, detached."""
    if not result_ids:
        return 0
    AssessmentEvent.objects.filter(result_id__in=result_ids).update(result=None)
    Result.objects.filter(pk__in=result_ids, period=period).delete()
    return len(result_ids)
