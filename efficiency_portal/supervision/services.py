"""Every write to a deadline: open, pause, resume, extend, finish, hand over, recompute; plus the sweep.

Each transition checks the state it starts from with a conditional UPDATE (``filter(pk=..., status=old)``) and
writes a :class:`DeadlineEvent` in the same transaction; a transition that lost a race raises ValidationError and
writes nothing.

Pauses: the day a pause begins still counts towards the limit; the working days after it, up to and including the
day work resumes, are added to the limit (``working_days_between(paused, resumed)``). Like the day of receipt, the
day of resumption is therefore not counted, and a pause that begins and ends on the same day adds nothing.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from efficiency_portal.org.models import Department
from efficiency_portal.workdays.calendar import local_date, working_days_between

from .clock import schedule
from .explain import explain_deadline
from .models import (
    Deadline,
    DeadlineEvent,
    DeadlinePause,
    DeadlineStatus,
    EventAction,
    Light,
    Outcome,
    Warning,
    WarningRecipient,
)
from .recompute import lower_lights, on_calendar_changed, recompute_due_dates
from .sweep import SweepResult, sweep_deadlines

__all__ = [
    "SweepResult",
    "acknowledge_warning",
    "change_responsible",
    "explain_deadline",
    "extend_deadline",
    "finish_deadline",
    "on_calendar_changed",
    "open_deadline",
    "pause_deadline",
    "recompute_due_dates",
    "restart_deadline",
    "resume_deadline",
    "sweep_deadlines",
]

RUNNING = (DeadlineStatus.OPEN, DeadlineStatus.PAUSED)
REASON_MAX = DeadlineEvent._meta.get_field("reason").max_length


def _now(at: dt.datetime | None) -> dt.datetime:
    return at or timezone.now()


def _event(
    deadline: Deadline,
    action: str,
    actor,
    at: dt.datetime,
    *,
    from_status: str = "",
    to_status: str = "",
    from_light: str = "",
    to_light: str = "",
    reason: str = "",
) -> DeadlineEvent:
    return DeadlineEvent.objects.create(
        deadline=deadline,
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        from_status=from_status,
        to_status=to_status or from_status,
        from_light=from_light,
        to_light=to_light or from_light,
        at=at,
        reason=reason[:REASON_MAX],
    )


def _clean_reason(reason: str, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({field: _("Please give a reason.")})
    if len(reason) > REASON_MAX:
        raise ValidationError({field: _("Please keep the reason under %(max)d characters.") % {"max": REASON_MAX}})
    return reason


def _fresh(deadline: Deadline | int) -> Deadline:
    pk = deadline.pk if isinstance(deadline, Deadline) else deadline
    return Deadline.objects.get(pk=pk)


def _stale() -> ValidationError:
    return ValidationError(_("The deadline was changed by someone else meanwhile; please reload and try again."))


# --- opening ----------------------------------------------------------------------------------------------------


def open_deadline(
    subject: models.Model,
    *,
    kind: str,
    title: str,
    department: Department,
    responsible,
    started_at: dt.datetime,
    limit_days: int,
    actor=None,
    yellow_days: int | None = None,
) -> Deadline:
    """Start the clock for ``subject``; opening the same (subject, kind) again returns the existing deadline."""
    content_type = ContentType.objects.get_for_model(subject)
    existing = Deadline.objects.filter(content_type=content_type, object_id=subject.pk, kind=kind).first()
    if existing is not None:
        return existing
    errors: dict[str, str] = {}
    if limit_days is None or limit_days < 0:
        errors["limit_days"] = _("The time limit must be zero or more working days.")
    if yellow_days is not None and yellow_days < 0:
        errors["yellow_days"] = _("The warning period must be zero or more working days.")
    if not (title or "").strip():
        errors["title"] = _("Please give a title.")
    if not kind:
        errors["kind"] = _("Please give the kind of subject.")
    if timezone.is_naive(started_at):
        errors["started_at"] = _("The start must carry a time zone.")
    if errors:
        raise ValidationError(errors)
    plan = schedule(started_at, limit_days, yellow_days)
    deadline = Deadline(
        content_type=content_type,
        object_id=subject.pk,
        kind=kind,
        title=title.strip()[:200],
        department=department,
        responsible=responsible,
        started_at=started_at,
        limit_days=limit_days,
        yellow_days=yellow_days,
        due_at=plan.due_at,
        due_provisional=plan.provisional,
        yellow_from=plan.yellow_from,
    )
    try:
        with transaction.atomic():
            deadline.save()
            _event(deadline, EventAction.OPENED, actor, started_at, to_status=DeadlineStatus.OPEN, to_light=Light.GREEN)
    except IntegrityError:
        # Opened at the same moment by someone else: theirs is the one.
        return Deadline.objects.get(content_type=content_type, object_id=subject.pk, kind=kind)
    return deadline


# --- pause and resume -------------------------------------------------------------------------------------------


def pause_deadline(deadline: Deadline, reason: str, actor, at: dt.datetime | None = None) -> Deadline:
    """Stop the clock (特别程序). The sweep leaves a paused deadline's light as it is."""
    at = _now(at)
    reason = _clean_reason(reason)
    with transaction.atomic():
        current = _fresh(deadline)
        if current.status != DeadlineStatus.OPEN:
            raise ValidationError({"status": _("Only a running deadline can be paused.")})
        if at < current.started_at:
            raise ValidationError({"at": _("A pause cannot begin before the deadline started.")})
        updated = Deadline.objects.filter(pk=current.pk, status=DeadlineStatus.OPEN).update(
            status=DeadlineStatus.PAUSED, paused_since=at, updated_at=timezone.now()
        )
        if not updated:
            raise _stale()
        DeadlinePause.objects.create(deadline=current, started_at=at, reason=reason, started_by=_user(actor))
        _event(
            current,
            EventAction.PAUSED,
            actor,
            at,
            from_status=DeadlineStatus.OPEN,
            to_status=DeadlineStatus.PAUSED,
            from_light=current.light,
            reason=reason,
        )
    return _fresh(current)


def _user(actor):
    return actor if actor is not None and actor.is_authenticated else None


def _close_pause(current: Deadline, at: dt.datetime, actor) -> int:
    """End the open pause of ``current`` at ``at``; returns the working days it adds."""
    if current.paused_since is None or at < current.paused_since:
        raise ValidationError({"at": _("Work cannot resume before the pause began.")})
    days = max(working_days_between(current.paused_since, at), 0)
    DeadlinePause.objects.filter(deadline=current, ended_at__isnull=True).update(
        ended_at=at, working_days=days, ended_by=_user(actor)
    )
    return days


def resume_deadline(deadline: Deadline, actor, at: dt.datetime | None = None) -> Deadline:
    """Restart the clock; the working days paused move the due date and the yellow moment."""
    at = _now(at)
    with transaction.atomic():
        current = _fresh(deadline)
        if current.status != DeadlineStatus.PAUSED:
            raise ValidationError({"status": _("Only a paused deadline can be resumed.")})
        days = _close_pause(current, at, actor)
        paused_days = current.paused_days + days
        plan = schedule(
            current.started_at, current.limit_days + paused_days + current.extension_days, current.yellow_days
        )
        updated = Deadline.objects.filter(
            pk=current.pk, status=DeadlineStatus.PAUSED, paused_since=current.paused_since
        ).update(
            status=DeadlineStatus.OPEN,
            paused_since=None,
            paused_days=paused_days,
            due_at=plan.due_at,
            due_provisional=plan.provisional,
            yellow_from=plan.yellow_from,
            updated_at=timezone.now(),
        )
        if not updated:
            raise _stale()
        _event(
            current,
            EventAction.RESUMED,
            actor,
            at,
            from_status=DeadlineStatus.PAUSED,
            to_status=DeadlineStatus.OPEN,
            from_light=current.light,
            reason=str(_("%(days)d working days added") % {"days": days}),
        )
        lower_lights(Deadline.objects.filter(pk=current.pk), timezone.now(), actor)
    return _fresh(current)


def restart_deadline(deadline: Deadline, actor, at: dt.datetime | None = None, *, reason: str = "") -> Deadline:
    """Start a paused clock again from zero at ``at`` (e.g. the pre-review window after missing materials came).

    The earlier run is forgotten: no days paused, no extension, the full limit counted from ``at``.
    """
    at = _now(at)
    with transaction.atomic():
        current = _fresh(deadline)
        if current.status != DeadlineStatus.PAUSED:
            raise ValidationError({"status": _("Only a paused deadline can be restarted.")})
        _close_pause(current, at, actor)
        plan = schedule(at, current.limit_days, current.yellow_days)
        updated = Deadline.objects.filter(
            pk=current.pk, status=DeadlineStatus.PAUSED, paused_since=current.paused_since
        ).update(
            status=DeadlineStatus.OPEN,
            started_at=at,
            paused_since=None,
            paused_days=0,
            extension_days=0,
            extended_at=None,
            extension_reason="",
            due_at=plan.due_at,
            due_provisional=plan.provisional,
            yellow_from=plan.yellow_from,
            light=Light.GREEN,
            previous_light=current.light,
            updated_at=timezone.now(),
        )
        if not updated:
            raise _stale()
        text = _("Restarted: the full limit counts again from this day")
        _event(
            current,
            EventAction.RESUMED,
            actor,
            at,
            from_status=DeadlineStatus.PAUSED,
            to_status=DeadlineStatus.OPEN,
            from_light=current.light,
            to_light=Light.GREEN,
            reason=f"{text}: {reason.strip()}" if reason.strip() else str(text),
        )
    return _fresh(current)


# --- extension, finish, hand-over -------------------------------------------------------------------------------


def extend_deadline(deadline: Deadline, days: int, reason: str, actor, at: dt.datetime | None = None) -> Deadline:
    """Extend once, by ``days`` working days, and only while the deadline has not yet expired."""
    at = _now(at)
    errors: dict[str, str] = {}
    if not isinstance(days, int) or days < 1:
        errors["days"] = _("An extension is one or more working days.")
    try:
        reason = _clean_reason(reason)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = _fresh(deadline)
        if current.status not in RUNNING:
            raise ValidationError({"status": _("A finished deadline cannot be extended.")})
        if current.extended_at is not None:
            raise ValidationError(
                {"days": _("This deadline has already been extended once; it cannot be extended again.")}
            )
        if at >= current.due_at:
            raise ValidationError({"at": _("An extension must be recorded before the deadline expires.")})
        plan = schedule(current.started_at, current.limit_days + current.paused_days + days, current.yellow_days)
        updated = Deadline.objects.filter(
            pk=current.pk,
            status__in=RUNNING,
            extended_at__isnull=True,
            paused_days=current.paused_days,
            due_at__gt=at,
        ).update(
            extension_days=days,
            extended_at=at,
            extension_reason=reason,
            due_at=plan.due_at,
            due_provisional=plan.provisional,
            yellow_from=plan.yellow_from,
            updated_at=timezone.now(),
        )
        if not updated:
            raise _stale()
        _event(
            current,
            EventAction.EXTENDED,
            actor,
            at,
            from_status=current.status,
            from_light=current.light,
            reason=reason,
        )
        lower_lights(Deadline.objects.filter(pk=current.pk), timezone.now(), actor)
    return _fresh(current)


def outcome_for(finished_at: dt.datetime, due_at: dt.datetime) -> str:
    """early: finished on a calendar day before the due day; on time: on the due day by the due moment; late: after."""
    if finished_at > due_at:
        return Outcome.LATE
    if local_date(finished_at) < local_date(due_at):
        return Outcome.EARLY
    return Outcome.ON_TIME


def finish_deadline(deadline: Deadline, actor, at: dt.datetime | None = None) -> Deadline:
    """Stop the clock for good and record the outcome. Finishing while paused closes the pause first."""
    at = _now(at)
    with transaction.atomic():
        current = _fresh(deadline)
        if current.status == DeadlineStatus.FINISHED:
            raise ValidationError({"status": _("This deadline is already finished.")})
        if at < current.started_at:
            raise ValidationError({"at": _("A deadline cannot finish before it started.")})
        paused_days, due_at, yellow_from, provisional = (
            current.paused_days,
            current.due_at,
            current.yellow_from,
            current.due_provisional,
        )
        if current.status == DeadlineStatus.PAUSED:
            paused_days += _close_pause(current, at, actor)
            plan = schedule(
                current.started_at, current.limit_days + paused_days + current.extension_days, current.yellow_days
            )
            due_at, yellow_from, provisional = plan.due_at, plan.yellow_from, plan.provisional
        outcome = outcome_for(at, due_at)
        updated = Deadline.objects.filter(pk=current.pk, status=current.status, paused_days=current.paused_days).update(
            status=DeadlineStatus.FINISHED,
            finished_at=at,
            outcome=outcome,
            paused_since=None,
            paused_days=paused_days,
            due_at=due_at,
            yellow_from=yellow_from,
            due_provisional=provisional,
            updated_at=timezone.now(),
        )
        if not updated:
            raise _stale()
        _event(
            current,
            EventAction.FINISHED,
            actor,
            at,
            from_status=current.status,
            to_status=DeadlineStatus.FINISHED,
            from_light=current.light,
            reason=str(Outcome(outcome).label),
        )
    return _fresh(current)


def change_responsible(deadline: Deadline, responsible, actor, reason: str = "") -> Deadline:
    """Hand the deadline to another person (e.g. the B post while A is away); the clock runs on."""
    with transaction.atomic():
        current = _fresh(deadline)
        if current.status == DeadlineStatus.FINISHED:
            raise ValidationError({"status": _("A finished deadline cannot be handed over.")})
        if current.responsible_id == responsible.pk:
            raise ValidationError({"responsible": _("This person is already responsible.")})
        previous = current.responsible
        updated = Deadline.objects.filter(
            pk=current.pk, status__in=RUNNING, responsible_id=current.responsible_id
        ).update(responsible=responsible, updated_at=timezone.now())
        if not updated:
            raise _stale()
        text = _("From %(old)s to %(new)s") % {"old": previous, "new": responsible}
        if reason.strip():
            text = f"{text}: {reason.strip()}"
        _event(
            current,
            EventAction.RESPONSIBLE,
            actor,
            timezone.now(),
            from_status=current.status,
            from_light=current.light,
            reason=str(text),
        )
    return _fresh(current)


# --- warnings ---------------------------------------------------------------------------------------------------


def acknowledge_warning(warning: Warning, user, at: dt.datetime | None = None) -> bool:
    """Record that ``user`` opened ``warning``; the first recipient to open it acknowledges the warning itself."""
    at = _now(at)
    with transaction.atomic():
        mine = WarningRecipient.objects.filter(warning=warning, user=user, acknowledged_at__isnull=True).update(
            acknowledged_at=at
        )
        is_recipient = mine or WarningRecipient.objects.filter(warning=warning, user=user).exists()
        if not is_recipient:
            return False
        Warning.objects.filter(pk=warning.pk, acknowledged_at__isnull=True).update(
            acknowledged_at=at, acknowledged_by=user
        )
    return bool(mine)
