"""Evaluator forms (民主测评, 领导评价), add/deduct entries and vetoes: the inputs of a run."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment.models import (
    AdjustmentEntry,
    AdjustmentRule,
    EvaluationEntry,
    EvaluationForm,
    FormStatus,
    Indicator,
    IndicatorKind,
    Period,
    PeriodStatus,
    SubjectKind,
    VetoEntry,
    VetoRule,
)
from efficiency_portal.audit import services as audit
from efficiency_portal.org.models import Department, Staff

from .common import record_event, require_reason

UNKNOWN = "unknown"


def _subject_names(period: Period, ids: Iterable[int]) -> dict[int, str]:
    model = Staff if period.scheme.subject_kind == SubjectKind.STAFF else Department
    return dict(model.objects.filter(pk__in=list(ids)).values_list("id", "name"))


def _editable(period: Period) -> None:
    if period.status == PeriodStatus.PUBLISHED:
        raise ValidationError(_("This period is published; its inputs can no longer change."))


def form_open(period: Period, now: dt.datetime | None = None) -> bool:
    """Evaluators may fill in (and change) their forms until the forms close, also after a run: a period is
    computed as often as needed before it is published, and a later run takes the new scores."""
    return period.status != PeriodStatus.PUBLISHED and (now or timezone.now()) < period.forms_close_at


def assign_form(
    period: Period, *, indicator: Indicator, evaluator: Staff, subject_ids: Iterable[int], actor=None
) -> EvaluationForm:
    """Give ``evaluator`` a form of ``indicator`` listing the subjects; assigning again adds the missing ones.

    Refused once the period is published, for an indicator that is not evaluated or belongs to another scheme, for
    an inactive evaluator, and for evaluators asked to score themselves. (The assignment page also refuses periods
    whose forms have closed; the demo back-fills closed periods through this function.)"""
    _editable(period)
    if indicator.scheme_id != period.scheme_id or indicator.kind != IndicatorKind.EVALUATED:
        raise ValidationError({"indicator": _("Choose an evaluated indicator of this period's scheme.")})
    if not evaluator.is_active:
        raise ValidationError({"evaluator": _("This evaluator is no longer active.")})
    wanted = {int(sid) for sid in subject_ids}
    if period.scheme.subject_kind == SubjectKind.STAFF and evaluator.pk in wanted:
        raise ValidationError({"subjects": _("An evaluator does not score themselves.")})
    names = _subject_names(period, wanted)
    if not names:
        raise ValidationError({"subjects": _("Choose at least one person or department to evaluate.")})
    with transaction.atomic():
        form, _created = EvaluationForm.objects.get_or_create(period=period, indicator=indicator, evaluator=evaluator)
        added = EvaluationEntry.objects.bulk_create(
            [EvaluationEntry(form=form, subject_id=sid, subject_name=name[:100]) for sid, name in names.items()],
            ignore_conflicts=True,
        )
        if actor is not None:
            record_event(
                period,
                "form_assigned",
                actor=actor,
                to_value=indicator.evaluator_role,
                reason=f"{evaluator} · {indicator}: {len(added)}",
            )
    return form


def submit_form(
    form: EvaluationForm, *, user, scores: Mapping[int, object], at: dt.datetime | None = None
) -> EvaluationForm:
    """Save every score of the form (1–5 or "unknown" for 不了解); may be changed again until the form closes
    (:func:`form_open`: not published, before ``forms_close_at``), also after a run (the next run takes it)."""
    now = at or timezone.now()
    if getattr(getattr(user, "staff", None), "pk", None) != form.evaluator_id:
        raise PermissionDenied
    period = Period.objects.get(pk=form.period_id)
    if not form_open(period, now):
        raise ValidationError(_("This form is closed."))
    entries = {entry.subject_id: entry for entry in form.entries.all()}
    errors: dict[str, str] = {}
    parsed: dict[int, int | None] = {}
    for subject_id, raw in scores.items():
        if subject_id not in entries:
            errors[f"score_{subject_id}"] = _("You are not assigned to evaluate this person or department.")
            continue
        if raw == UNKNOWN:
            parsed[subject_id] = None
            continue
        try:
            value = int(str(raw))
        except (TypeError, ValueError):
            value = 0
        if not 1 <= value <= 5:
            errors[f"score_{subject_id}"] = _("Give a score from 1 to 5, or “not known”.")
            continue
        parsed[subject_id] = value
    missing = set(entries) - set(scores)
    for subject_id in missing:
        errors[f"score_{subject_id}"] = _("Please score everyone on the form, or mark “not known”.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # Locked and read again: a period published meanwhile takes no more scores.
        period = Period.objects.select_for_update().get(pk=form.period_id)
        if not form_open(period, now):
            raise ValidationError(_("This form is closed."))
        for subject_id, value in parsed.items():
            EvaluationEntry.objects.filter(pk=entries[subject_id].pk).update(score=value, unknown=value is None)
        EvaluationForm.objects.filter(pk=form.pk).update(status=FormStatus.SUBMITTED, submitted_at=now)
        record_event(
            period, "form_submitted", actor=user, to_value=FormStatus.SUBMITTED, at=now, reason=str(form.indicator)
        )
    form.refresh_from_db()
    return form


def _subject_in_scheme(period: Period, subject_id: int) -> None:
    if subject_id not in _subject_names(period, [subject_id]):
        raise ValidationError({"subject": _("Choose someone assessed by this scheme.")})


def record_adjustment(
    period: Period,
    *,
    rule: AdjustmentRule,
    subject_id: int,
    quantity: object,
    fact_date: dt.date,
    note: str = "",
    actor,
) -> AdjustmentEntry:
    _editable(period)
    if rule.scheme_id != period.scheme_id:
        raise ValidationError({"rule": _("Choose a rule of this period's scheme.")})
    try:
        amount = Decimal(str(quantity))
    except (InvalidOperation, ValueError) as error:
        raise ValidationError({"quantity": _("The number of units must be a number.")}) from error
    if amount <= 0 or amount > 1000:
        raise ValidationError({"quantity": _("The number of units must be above 0 and at most 1000.")})
    if not period.start <= fact_date <= period.end:
        raise ValidationError({"fact_date": _("The date must lie within the period.")})
    _subject_in_scheme(period, subject_id)
    with transaction.atomic():
        _locked_editable(period)
        entry = AdjustmentEntry.objects.create(
            period=period,
            rule=rule,
            subject_id=subject_id,
            quantity=amount,
            fact_date=fact_date,
            note=note[:200],
            recorded_by=actor,
        )
        record_event(period, "adjustment", actor=actor, to_value=rule.code, reason=f"{subject_id} × {amount} {note}")
    return entry


def record_veto(period: Period, *, rule: VetoRule, subject_id: int, reason: str, actor) -> VetoEntry:
    _editable(period)
    reason = require_reason(reason)
    if rule.scheme_id != period.scheme_id:
        raise ValidationError({"rule": _("Choose a veto of this period's scheme.")})
    _subject_in_scheme(period, subject_id)
    with transaction.atomic():
        _locked_editable(period)
        if VetoEntry.objects.filter(period=period, rule=rule, subject_id=subject_id).exists():
            raise ValidationError(
                {"rule": _("This veto is recorded against them already; delete it first to record it again.")}
            )
        try:
            with transaction.atomic():
                entry = VetoEntry.objects.create(
                    period=period, rule=rule, subject_id=subject_id, reason=reason, recorded_by=actor
                )
        except IntegrityError as error:
            # Recorded by someone else meanwhile.
            raise ValidationError(
                {"rule": _("This veto is recorded against them already; delete it first to record it again.")}
            ) from error
        record_event(period, "veto", actor=actor, to_value=rule.cap_grade, reason=f"{subject_id}: {reason}")
    return entry


def _locked_editable(period: Period) -> Period:
    """The period row locked, so that deleting an input and publishing the period do not cross."""
    current = Period.objects.select_for_update().get(pk=period.pk)
    _editable(current)
    return current


def delete_adjustment_entry(entry: AdjustmentEntry, *, reason: str, actor) -> None:
    """Delete a recorded add/deduct entry (recorded by mistake) before the period is published; the reason and
    what was deleted are logged as an event of the period and in the audit log."""
    reason = require_reason(reason)
    with transaction.atomic():
        period = _locked_editable(entry.period)
        deleted = AdjustmentEntry.objects.filter(pk=entry.pk, period=period).delete()[0]
        if not deleted:
            raise ValidationError(_("This entry was deleted meanwhile."))
        what = f"{entry.subject_id} × {entry.quantity} {entry.rule.code} {entry.fact_date.isoformat()} {entry.note}"
        record_event(period, "adjustment_deleted", actor=actor, from_value=entry.rule.code, reason=f"{what}: {reason}")
        audit.record(
            actor,
            "assessment.input_deleted",
            period,
            detail={
                "input": "adjustment",
                "rule": entry.rule.code,
                "subject_id": entry.subject_id,
                "quantity": str(entry.quantity),
                "fact_date": entry.fact_date.isoformat(),
                "note": entry.note,
                "reason": reason,
            },
        )


def delete_veto_entry(entry: VetoEntry, *, reason: str, actor) -> None:
    """Delete a recorded veto before the period is published; logged like :func:`delete_adjustment_entry`."""
    reason = require_reason(reason)
    with transaction.atomic():
        period = _locked_editable(entry.period)
        deleted = VetoEntry.objects.filter(pk=entry.pk, period=period).delete()[0]
        if not deleted:
            raise ValidationError(_("This entry was deleted meanwhile."))
        record_event(
            period,
            "veto_deleted",
            actor=actor,
            from_value=entry.rule.cap_grade,
            reason=f"{entry.subject_id} {entry.rule.name} ({entry.reason}): {reason}",
        )
        audit.record(
            actor,
            "assessment.input_deleted",
            period,
            detail={
                "input": "veto",
                "rule": entry.rule.name,
                "subject_id": entry.subject_id,
                "recorded_reason": entry.reason,
                "reason": reason,
            },
        )
