"""Shared pieces of processing: locking a case, its clocks and steps, telling the applicant."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from approvals.models import (
    Case,
    CaseDepartment,
    CaseStep,
    StepStatus,
)
from approvals.selectors.cases import can_act_on
from approvals.services.common import CASE_CLOCK, JOINT_CLOCK, STEP_CLOCK
from efficiency_portal.org.models import Staff
from efficiency_portal.supervision import services as clock
from efficiency_portal.supervision.models import Deadline, DeadlineStatus

RUNNING_CLOCK = (DeadlineStatus.OPEN, DeadlineStatus.PAUSED)
REASON_MAX = 300

# --- helpers ----------------------------------------------------------------------------------------------------


def lock_case(case: Case, allowed_from: tuple[str, ...]) -> Case:
    """Lock the case row for an action that keeps its status, refusing it from any other status."""
    current = Case.objects.select_for_update().select_related("item", "department").get(pk=case.pk)
    if current.status not in allowed_from:
        raise ValidationError(
            {
                "status": _("This case is %(status)s; the action is not possible now.")
                % {"status": current.get_status_display()}
            }
        )
    return current


def require_actor(actor, case: Case) -> None:
    if not can_act_on(actor, case):
        raise PermissionDenied(_("You may not act on this case."))


def clean_text(value: str, field: str, *, required: bool = True, max_length: int | None = None) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: _("This field is required.")})
    if max_length is not None and len(value) > max_length:
        raise ValidationError(
            {field: _("Please keep this under %(max)d characters.") % {"max": max_length}},
        )
    return value


def clock_of(subject, kind: str) -> Deadline | None:
    return Deadline.objects.filter(
        content_type=ContentType.objects.get_for_model(type(subject)), object_id=subject.pk, kind=kind
    ).first()


def case_clock(case: Case) -> Deadline | None:
    return clock_of(case, CASE_CLOCK)


def running_step(case: Case) -> CaseStep | None:
    return (
        CaseStep.objects.select_related("step")
        .filter(case=case, status=StepStatus.RUNNING)
        .order_by("step__sort_order")
        .first()
    )


def part_clocks(case: Case) -> list[Deadline]:
    step_ids = list(CaseStep.objects.filter(case=case).values_list("pk", flat=True))
    part_ids = list(CaseDepartment.objects.filter(case=case).values_list("pk", flat=True))
    return list(
        Deadline.objects.filter(
            Q(content_type=ContentType.objects.get_for_model(CaseStep), object_id__in=step_ids, kind=STEP_CLOCK)
            | Q(
                content_type=ContentType.objects.get_for_model(CaseDepartment),
                object_id__in=part_ids,
                kind=JOINT_CLOCK,
            ),
            status__in=RUNNING_CLOCK,
        )
    )


def ensure_steps(case: Case) -> None:
    """The case's step rows (normally made at acceptance); made here when a case reached processing without them."""
    existing = set(CaseStep.objects.filter(case=case).values_list("step_id", flat=True))
    missing = [CaseStep(case=case, step=step) for step in case.item.steps.all() if step.pk not in existing]
    if missing:
        CaseStep.objects.bulk_create(missing, ignore_conflicts=True)


def start_next_step(case: Case, handler, actor, at: dt.datetime) -> CaseStep | None:
    """Start the first waiting step with its own clock; None when no step waits."""
    step = (
        CaseStep.objects.select_related("step")
        .filter(case=case, status=StepStatus.WAITING)
        .order_by("step__sort_order", "pk")
        .first()
    )
    if step is None:
        return None
    updated = CaseStep.objects.filter(pk=step.pk, status=StepStatus.WAITING).update(
        status=StepStatus.RUNNING, handler=handler, started_at=at
    )
    if not updated:
        raise ValidationError(_("The case was changed by someone else; reload and try again."))
    clock.open_deadline(
        step,
        kind=STEP_CLOCK,
        title=f"{case.tracking_code} · {step.step.name}",
        department=case.department,
        responsible=handler,
        started_at=at,
        limit_days=step.step.limit_days,
        actor=actor,
    )
    return step


def finish_step(step: CaseStep, actor, at: dt.datetime, opinion: str = "") -> None:
    updated = CaseStep.objects.filter(pk=step.pk, status=StepStatus.RUNNING).update(
        status=StepStatus.DONE, finished_at=at, opinion=opinion
    )
    if not updated:
        raise ValidationError(_("The case was changed by someone else; reload and try again."))
    deadline = clock_of(step, STEP_CLOCK)
    if deadline is not None and deadline.status in RUNNING_CLOCK:
        clock.finish_deadline(deadline, actor, at)


def hand_over(deadline: Deadline | None, handler, actor, reason: str) -> None:
    if deadline is not None and deadline.status in RUNNING_CLOCK and deadline.responsible_id != handler.pk:
        clock.change_responsible(deadline, handler, actor, reason)


def public(message, **params) -> str:
    """What the applicant reads, in the portal's default language whoever acted (``message`` is lazy)."""
    with translation.override(settings.LANGUAGE_CODE):
        text = str(message)
        return (
            text % {key: str(value) if isinstance(value, Promise) else value for key, value in params.items()}
            if params
            else text
        )


def tell_staff(recipient, *, kind: str, title: str, body: str, link: str, dedupe_key: str) -> None:
    """A staff member's in-app notice (with e-mail/SMS when they have them), in their own working language."""
    from efficiency_portal.notifications.services import notify

    notify(recipient, kind=kind, title=str(title), body=str(body)[:1000], link=link, dedupe_key=dedupe_key)


def tell_applicant(case: Case, *, key: str, title: str, body: str, urgent: bool = False) -> None:
    """In writing: the public timeline always, plus a notification (in-app with an account, else SMS/e-mail)."""
    from efficiency_portal.notifications.services import notify, notify_address

    if case.applicant_id is None:
        notify_address(
            phone=case.applicant_phone,
            email=case.applicant_email,
            kind="approvals.case",
            title=title,
            body=body,
            link=guest_link(),
            urgent=urgent,
            dedupe_key=f"case:{case.pk}:{key}",
        )
        return
    notify(
        case.applicant,
        kind="approvals.case",
        title=title,
        body=body,
        link=applicant_link(case),
        urgent=urgent,
        dedupe_key=f"case:{case.pk}:{key}",
    )


def guest_link() -> str:
    """Guests follow their case on the tracking page with the code and secret they were given."""
    return reverse("approvals:track")


def applicant_link(case: Case) -> str:
    try:
        return reverse("approvals:my_case", args=[case.pk])
    except NoReverseMatch:
        return ""


def raise_card_for(case: Case, trigger: str, detail: str, at: dt.datetime) -> None:
    # Imported here: cards import the case services' models and would otherwise import this module back.
    from approvals.services.cards import raise_card

    raise_card(case, trigger=trigger, detail=detail[:300], at=at)


def staff_of(user) -> Staff:
    staff = getattr(user, "staff", None) if user is not None else None
    if staff is None:
        raise ValidationError({"handler": _("Choose a staff member.")})
    return staff
