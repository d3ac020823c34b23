"""Publishing a period, adjusting a grade with a reason, appeals on the deadline clock and their decisions."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import CharField, F, Q, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from assessment.models import Appeal, AppealStatus, Grade, Period, PeriodStatus, Result, SubjectKind
from assessment.models.schemes import max_quota
from efficiency_portal.audit import services as audit
from efficiency_portal.notifications.services import enqueue_from_queryset, notify
from efficiency_portal.supervision import services as clocks
from efficiency_portal.workdays.calendar import due_moment

from .common import record_event, require_reason, stale

APPEAL_KIND = "assessment_appeal"


def appeal_decision_days() -> int:
    return int(getattr(settings, "ASSESSMENT_APPEAL_DECISION_DAYS", 10))


def _recipients(period: Period):
    """Who is told of a result: the person, or the head of an assessed department."""
    results = Result.objects.filter(period=period)
    if period.scheme.subject_kind == SubjectKind.STAFF:
        return results.filter(staff__isnull=False), F("staff__user_id")
    return results.filter(department__head__isnull=False), F("department__head__user_id")


def publish_period(period: Period, *, actor, at: dt.datetime | None = None) -> Period:
    """Computed → published: results become visible, each person is told, the appeal window opens."""
    now = at or timezone.now()
    with transaction.atomic():
        current = Period.objects.select_for_update().get(pk=period.pk)
        if current.status != PeriodStatus.COMPUTED:
            if current.status == PeriodStatus.PUBLISHED:
                raise ValidationError(_("This period is published already."))
            raise ValidationError(_("Run the period before publishing it."))
        appeal_until, _provisional = due_moment(now, current.appeal_days)
        updated = Period.objects.filter(pk=current.pk, status=PeriodStatus.COMPUTED).update(
            status=PeriodStatus.PUBLISHED, published_at=now, published_by=actor, appeal_until=appeal_until
        )
        if not updated:
            raise stale()
        record_event(current, "published", actor=actor, from_value=PeriodStatus.COMPUTED, to_value="published", at=now)
        rows, recipient = _recipients(current)
        # Messages are stored as text: in the portal's language, whatever the language of the supervisor.
        with translation.override(settings.LANGUAGE_CODE):
            title = _("Your assessment result of %(period)s") % {"period": current.name}
            body = _("Your result is published. You may appeal until %(until)s.") % {
                "until": timezone.localtime(appeal_until).strftime("%Y-%m-%d %H:%M")
            }
        enqueue_from_queryset(
            rows.values(
                recipient_id=recipient,
                kind=Value("assessment_published"),
                title=Value(title),
                body=Value(body),
                link=Concat(
                    Value("/assessment/results/"), Cast("id", CharField()), Value("/"), output_field=CharField()
                ),
                urgent=Value(False),
                dedupe_key=Concat(Value("assessment-published-"), Cast("id", CharField()), output_field=CharField()),
            )
        )
        audit.record(actor, "assessment.published", current)
    current.refresh_from_db()
    return current


def excellent_places(period: Period) -> tuple[int, int]:
    """(results graded excellent now, after adjustments; the places the hard maximum allows in the period)."""
    rows = Result.objects.filter(period=period)
    taken = rows.filter(
        Q(adjusted_grade=Grade.EXCELLENT) | Q(adjusted_grade="", proposed_grade=Grade.EXCELLENT)
    ).count()
    population = rows.count()
    return taken, math.floor(Decimal(population) * max_quota() / Decimal(100))


def adjust_grade(result: Result, *, grade: str, reason: str, actor) -> Result:
    """A supervisor sets a grade other than the proposed one; the reason is required and logged. Raising someone
    to excellent is refused when the period's excellent grades would exceed the hard maximum (25 %)."""
    reason = require_reason(reason)
    if grade not in Grade.values:
        raise ValidationError({"grade": _("Choose one of the grades.")})
    with transaction.atomic():
        # The period row serialises adjustments of one period, so two of them cannot both take the last place.
        period = Period.objects.select_for_update().get(pk=result.period_id)
        current = Result.objects.select_for_update().select_related("period").get(pk=result.pk)
        if period.status == PeriodStatus.OPEN:
            raise ValidationError(_("Run the period before adjusting grades."))
        old = current.grade
        if grade == Grade.EXCELLENT and old != Grade.EXCELLENT:
            taken, places = excellent_places(period)
            if taken + 1 > places:
                raise ValidationError(
                    {
                        "grade": _(
                            "Excellent cannot be given: %(taken)s of the period's assessed are excellent already and "
                            "the hard maximum of %(max)s%% allows %(places)s. Lower someone else's grade first."
                        )
                        % {"taken": taken, "max": max_quota(), "places": places}
                    }
                )
        Result.objects.filter(pk=current.pk).update(
            adjusted_grade=grade, adjusted_reason=reason, adjusted_by=actor, adjusted_at=timezone.now()
        )
        record_event(
            current.period, "grade_adjusted", actor=actor, result=current, from_value=old, to_value=grade, reason=reason
        )
        audit.record(actor, "assessment.grade_adjusted", current, detail={"from": old, "to": grade, "reason": reason})
    current.refresh_from_db()
    return current


def may_appeal(result: Result, user) -> bool:
    if result.staff_id:
        return result.staff.user_id == user.pk
    head = result.department.head
    return head is not None and head.user_id == user.pk


def file_appeal(result: Result, *, user, reason: str, at: dt.datetime | None = None) -> Appeal:
    now = at or timezone.now()
    reason = require_reason(reason, minimum=10)
    period = result.period
    if not may_appeal(result, user):
        raise PermissionDenied
    if period.status != PeriodStatus.PUBLISHED:
        raise ValidationError(_("Results can be appealed only once published."))
    if period.appeal_until is None or now > period.appeal_until:
        raise ValidationError(_("The appeal window of this period has closed."))
    with transaction.atomic():
        Result.objects.select_for_update().filter(pk=result.pk).first()
        if result.appeals.filter(status=AppealStatus.OPEN).exists():
            raise ValidationError(_("An appeal of this result is awaiting its decision already."))
        appeal = Appeal.objects.create(result=result, filed_by=user, reason=reason, filed_at=now)
        with translation.override(settings.LANGUAGE_CODE):
            clock_title = _("Assessment appeal: %(name)s, %(period)s") % {
                "name": result.subject_name,
                "period": period.name,
            }
            title = _("Assessment appeal to decide")
            body = _("%(name)s appealed the result of %(period)s.") % {
                "name": result.subject_name,
                "period": period.name,
            }
        clocks.open_deadline(
            appeal,
            kind=APPEAL_KIND,
            title=clock_title,
            department=result.department,
            responsible=period.published_by,
            started_at=now,
            limit_days=appeal_decision_days(),
            actor=user,
        )
        record_event(
            period, "appeal_filed", actor=user, result=result, to_value=AppealStatus.OPEN, reason=reason, at=now
        )
        notify(
            period.published_by,
            kind="assessment_appeal",
            title=title,
            body=body,
            link=result.get_absolute_url(),
            dedupe_key=f"assessment-appeal-{appeal.pk}",
        )
    return appeal


def decide_appeal(appeal: Appeal, *, actor, upheld: bool, decision: str, grade: str = "") -> Appeal:
    """Record the decision; an upheld appeal may set a new grade, logged like any adjustment."""
    decision = require_reason(decision, field="decision")
    to_status = AppealStatus.UPHELD if upheld else AppealStatus.REJECTED
    if upheld and grade and grade not in Grade.values:
        raise ValidationError({"grade": _("Choose one of the grades.")})
    with transaction.atomic():
        now = timezone.now()
        updated = Appeal.objects.filter(pk=appeal.pk, status=AppealStatus.OPEN).update(
            status=to_status, decided_by=actor, decided_at=now, decision=decision
        )
        if not updated:
            raise ValidationError(_("This appeal has been decided already."))
        appeal.refresh_from_db()
        result = appeal.result
        if upheld and grade and grade != result.grade:
            with translation.override(settings.LANGUAGE_CODE):
                why = _("Appeal upheld: %(d)s") % {"d": decision}
            adjust_grade(result, grade=grade, reason=why, actor=actor)
        record_event(
            result.period,
            "appeal_decided",
            actor=actor,
            result=result,
            from_value=AppealStatus.OPEN,
            to_value=to_status,
            reason=decision,
            at=now,
        )
        from efficiency_portal.supervision.models import Deadline

        deadline = Deadline.objects.filter(object_id=appeal.pk, kind=APPEAL_KIND).first()
        if deadline is not None and deadline.status != "finished":
            clocks.finish_deadline(deadline, actor, at=now)
        with translation.override(settings.LANGUAGE_CODE):
            title = _("Your assessment appeal was decided")
        notify(
            appeal.filed_by,
            kind="assessment_appeal_decided",
            title=title,
            body=decision,
            link=result.get_absolute_url(),
            dedupe_key=f"assessment-appeal-decided-{appeal.pk}",
        )
    return appeal
