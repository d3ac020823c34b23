"""Assignment with A/B routing, steps, and pauses for special procedures (特别程序)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from approvals.models import (
    Case,
    CasePause,
    CaseStatus,
    CaseStep,
    SpecialProcedure,
    StepCode,
)
from approvals.selectors.cases import unit_ids
from approvals.services.common import STEP_CLOCK, now_or, record_event, transition
from efficiency_portal.org.models import Staff
from efficiency_portal.org.selectors import route_to_available
from efficiency_portal.supervision import services as clock
from efficiency_portal.supervision.models import DeadlineStatus

from .base import (
    REASON_MAX,
    case_clock,
    clean_text,
    clock_of,
    ensure_steps,
    finish_step,
    hand_over,
    lock_case,
    part_clocks,
    public,
    require_actor,
    running_step,
    staff_of,
    start_next_step,
    tell_applicant,
    tell_staff,
)

# --- assignment and steps -----------------------------------------------------------------------------------------


def assign_case(case: Case, handler, actor, at: dt.datetime | None = None) -> Case:
    """ACCEPTED → PROCESSING (or hand a case in processing to someone else), routed to the B post when A is away."""
    at = now_or(at)
    require_actor(actor, case)
    staff = handler if isinstance(handler, Staff) else staff_of(handler)
    if not staff.is_active or staff.department_id not in unit_ids(case.department):
        raise ValidationError({"handler": _("Choose an active staff member of the case's department.")})
    chosen = route_to_available(staff, at)
    stood_in = chosen.pk != staff.pk
    note = (
        _("%(a)s is away; the B post %(b)s stands in.") % {"a": staff.name, "b": chosen.name}
        if stood_in
        else _("Assigned to %(name)s.") % {"name": chosen.name}
    )
    with transaction.atomic():
        current = lock_case(case, (CaseStatus.ACCEPTED, CaseStatus.PROCESSING, CaseStatus.PAUSED))
        if current.handler_id == chosen.user_id and current.status != CaseStatus.ACCEPTED:
            raise ValidationError({"handler": _("This person already handles the case.")})
        target = CaseStatus.PROCESSING if current.status == CaseStatus.ACCEPTED else current.status
        updated = transition(
            current,
            allowed_from=(current.status,),
            to=target,
            action="assigned",
            actor=actor,
            at=at,
            public_text=public(gettext_lazy("Your case has been given to a handler.")),
            note=note,
            handler=chosen.user,
        )
        ensure_steps(updated)
        hand_over(case_clock(updated), chosen.user, actor, note)
        running = running_step(updated)
        if running is None:
            start_next_step(updated, chosen.user, actor, at)
        else:
            CaseStep.objects.filter(pk=running.pk).update(handler=chosen.user)
            hand_over(clock_of(running, STEP_CLOCK), chosen.user, actor, note)
        if chosen.user_id != getattr(actor, "pk", None):
            tell_staff(
                chosen.user,
                kind="approvals.assigned",
                title=_("New case %(code)s") % {"code": updated.tracking_code},
                body=f"{updated.item.name}: {note}",
                link=reverse("approvals:case_work", args=[updated.pk]),
                dedupe_key=f"case:{updated.pk}:assigned:{chosen.user_id}:{at.isoformat()}",
            )
    return updated


def complete_step(case: Case, actor, opinion: str = "", at: dt.datetime | None = None) -> Case:
    """Finish the running step (review and other steps before the decision) and start the next one."""
    at = now_or(at)
    require_actor(actor, case)
    opinion = clean_text(opinion, "opinion", required=False, max_length=2000)
    with transaction.atomic():
        current = lock_case(case, (CaseStatus.PROCESSING,))
        step = running_step(current)
        if step is None:
            raise ValidationError({"opinion": _("No step is running.")})
        if step.step.code in (StepCode.DECIDE, StepCode.DELIVER):
            raise ValidationError({"opinion": _("This step ends with the decision or the delivery form.")})
        finish_step(step, actor, at, opinion)
        record_event(
            current,
            "step_done",
            actor,
            at=at,
            from_status=current.status,
            to_status=current.status,
            public_text=public(gettext_lazy("Step finished: %(step)s."), step=step.step.name),
            note=opinion,
        )
        start_next_step(current, current.handler or actor, actor, at)
    return Case.objects.get(pk=case.pk)


# --- special procedures ---------------------------------------------------------------------------------------------


def pause_case(
    case: Case,
    actor,
    *,
    procedure: str,
    reason: str,
    expected_days: int,
    at: dt.datetime | None = None,
) -> Case:
    """PROCESSING → PAUSED for a special procedure; the case clock and every running part clock stop."""
    at = now_or(at)
    require_actor(actor, case)
    errors: dict[str, str] = {}
    if procedure not in SpecialProcedure.values:
        errors["procedure"] = _("Choose a special procedure.")
    try:
        reason = clean_text(reason, "reason", max_length=REASON_MAX)
    except ValidationError as error:
        errors.update(error.message_dict)
    if not isinstance(expected_days, int) or not 1 <= expected_days <= 365:
        errors["expected_days"] = _("Give the expected length in working days (1 to 365).")
    if errors:
        raise ValidationError(errors)
    label = SpecialProcedure(procedure).label
    public_text = public(
        gettext_lazy(
            "Your case is paused for a special procedure (%(procedure)s): %(reason)s. It is expected to take "
            "about %(days)d working days, which do not count towards the time limit."
        ),
        procedure=label,
        reason=reason,
        days=expected_days,
    )
    with transaction.atomic():
        updated = transition(
            case,
            allowed_from=(CaseStatus.PROCESSING,),
            to=CaseStatus.PAUSED,
            action="paused",
            actor=actor,
            at=at,
            public_text=public_text,
            note=f"{label}: {reason}",
        )
        pause = CasePause.objects.create(
            case=updated,
            procedure=procedure,
            reason=reason,
            expected_days=expected_days,
            started_at=at,
            started_by=actor if actor.is_authenticated else None,
        )
        clock_reason = f"{label}: {reason}"
        for deadline in [case_clock(updated), *part_clocks(updated)]:
            if deadline is not None and deadline.status == DeadlineStatus.OPEN:
                clock.pause_deadline(deadline, clock_reason, actor, at)
        tell_applicant(
            updated, key=f"paused:{pause.pk}", title=public(gettext_lazy("Your case is paused")), body=public_text
        )
    return updated


def resume_case(case: Case, actor, at: dt.datetime | None = None) -> Case:
    """PAUSED → PROCESSING; the working days paused move every clock of the case."""
    at = now_or(at)
    require_actor(actor, case)
    with transaction.atomic():
        updated = transition(
            case,
            allowed_from=(CaseStatus.PAUSED,),
            to=CaseStatus.PROCESSING,
            action="resumed",
            actor=actor,
            at=at,
            public_text=public(gettext_lazy("The special procedure is over; work on your case goes on.")),
        )
        pause = CasePause.objects.filter(case=updated, ended_at__isnull=True).first()
        if pause is not None:
            if at < pause.started_at:
                raise ValidationError({"at": _("Work cannot resume before the pause began.")})
            CasePause.objects.filter(pk=pause.pk).update(ended_at=at, ended_by=actor)
        for deadline in [case_clock(updated), *part_clocks(updated)]:
            if deadline is not None and deadline.status == DeadlineStatus.PAUSED:
                clock.resume_deadline(deadline, actor, at)
        due = case_clock(updated)
        body = public(gettext_lazy("Work on your case goes on."))
        if due is not None:
            body = public(
                gettext_lazy("Work on your case goes on; it is now due by %(due)s."),
                due=timezone.localtime(due.due_at).strftime("%Y-%m-%d %H:%M"),
            )
        tell_applicant(
            updated,
            key=f"resumed:{pause.pk if pause else at.isoformat()}",
            title=public(gettext_lazy("Work resumed")),
            body=body,
        )
    return updated
