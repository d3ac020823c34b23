"""Shared pieces of the approval services: conditional transitions with their event row, and case clocks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from approvals.models import Case, CaseEvent, CaseStatus

# Deadline kinds (supervision.Deadline.kind) used by approvals.
PRE_REVIEW_CLOCK = "case_prereview"  # the statutory pre-review window, subject: Case
CASE_CLOCK = "case"  # the case's overall limit from acceptance, subject: Case
STEP_CLOCK = "case_step"  # one step's limit, subject: CaseStep
JOINT_CLOCK = "case_joint"  # one department's part of a joint approval, subject: CaseDepartment


def now_or(at: dt.datetime | None) -> dt.datetime:
    return at or timezone.now()


def record_event(
    case: Case,
    action: str,
    actor,
    *,
    at: dt.datetime | None = None,
    from_status: str = "",
    to_status: str = "",
    public_text: str = "",
    note: str = "",
) -> CaseEvent:
    """Append to the case's trail (全程留痕). ``public_text`` is what the applicant reads, in plain words."""
    return CaseEvent.objects.create(
        case=case,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        from_status=from_status,
        to_status=to_status,
        at=now_or(at),
        public_text=str(public_text),
        note=note,
    )


def transition(
    case: Case,
    *,
    allowed_from: Iterable[str],
    to: str,
    action: str,
    actor,
    at: dt.datetime | None = None,
    public_text: str = "",
    note: str = "",
    **fields: Any,
) -> Case:
    """Move ``case`` to ``to`` only if it is still in one of ``allowed_from``; write the event; return it fresh.

    The UPDATE carries the status condition, so two clerks acting at once cannot both succeed.
    """
    allowed = [str(status) for status in allowed_from]
    at = now_or(at)
    with transaction.atomic():
        current = Case.objects.select_for_update().get(pk=case.pk)
        if current.status not in allowed:
            raise ValidationError(
                {
                    "status": _("This case is %(status)s; the action is not possible now.")
                    % {"status": current.get_status_display()}
                }
            )
        fields.setdefault("updated_at", timezone.now())
        updated = Case.objects.filter(pk=case.pk, status=current.status).update(status=to, **fields)
        if not updated:
            raise ValidationError({"status": _("The case was changed by someone else; reload and try again.")})
        record_event(
            current,
            action,
            actor,
            at=at,
            from_status=current.status,
            to_status=to,
            public_text=public_text,
            note=note,
        )
    return Case.objects.get(pk=case.pk)


def status_label(status: str) -> str:
    return str(CaseStatus(status).label)
