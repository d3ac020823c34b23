"""Objections (异议) of the subject against a confirmed entry, on the deadline clock: accept, then decide."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from credit.conf import setting
from credit.models import (
    CreditEntry,
    CreditObjection,
    EntryAction,
    EntryStatus,
    ObjectionOutcome,
    ObjectionStatus,
)
from credit.services.attachments import save_attachments
from credit.services.common import a_supervisor, may_object, now_or, office_department, record_event
from efficiency_portal.supervision.models import Deadline, DeadlineStatus
from efficiency_portal.workdays.calendar import due_moment

ACCEPT_CLOCK = "credit_objection_accept"
DECIDE_CLOCK = "credit_objection_decide"


def objection_window_ends(entry: CreditEntry) -> dt.datetime | None:
    """The end of the last working day on which the subject may still object."""
    if entry.confirmed_at is None:
        return None
    return due_moment(entry.confirmed_at, setting("CREDIT_OBJECTION_WINDOW_DAYS"))[0]


def _clock(objection: CreditObjection, kind: str) -> Deadline | None:
    from django.contrib.contenttypes.models import ContentType

    return Deadline.objects.filter(
        content_type=ContentType.objects.get_for_model(CreditObjection), object_id=objection.pk, kind=kind
    ).first()


def finish_clock(objection: CreditObjection, kind: str, actor, at: dt.datetime) -> None:
    from efficiency_portal.supervision.services import finish_deadline

    deadline = _clock(objection, kind)
    if deadline is not None and deadline.status != DeadlineStatus.FINISHED:
        finish_deadline(deadline, actor, at=at)


def file_objection(
    entry: CreditEntry | int,
    user,
    reasons: str,
    *,
    files: Iterable[UploadedFile] = (),
    at: dt.datetime | None = None,
) -> CreditObjection:
    """The subject objects; the entry is marked disputed and the two-day acceptance clock starts."""
    from efficiency_portal.supervision.services import open_deadline

    at = now_or(at)
    pk = entry.pk if isinstance(entry, CreditEntry) else entry
    reasons = (reasons or "").strip()
    with transaction.atomic():
        current = (
            CreditEntry.objects.select_for_update(of=("self",))
            .select_related("rule", "staff__user", "staff__department", "department__head")
            .get(pk=pk)
        )
        if not may_object(user, current):
            raise ValidationError(_("Only the civil servant concerned, or the head of the department, may object."))
        if not reasons:
            raise ValidationError({"reasons": _("Please give your reasons.")})
        if CreditObjection.objects.filter(entry=current).exists():
            raise ValidationError(_("An objection to this entry was already filed."))
        if current.status != EntryStatus.CONFIRMED:
            raise ValidationError(
                _("An objection is possible only to a confirmed entry; this one is %(status)s.")
                % {"status": current.get_status_display()}
            )
        window_end = objection_window_ends(current)
        if window_end is not None and at > window_end:
            raise ValidationError(_("The time to object ended on %(day)s.") % {"day": window_end.date().isoformat()})
        objection = CreditObjection.objects.create(entry=current, objector=user, reasons=reasons, submitted_at=at)
        save_attachments(current, files, user, objection)
        CreditEntry.objects.filter(pk=pk, status=EntryStatus.CONFIRMED).update(status=EntryStatus.DISPUTED)
        record_event(
            current,
            EntryAction.OBJECTED,
            user,
            at=at,
            from_status=EntryStatus.CONFIRMED,
            to_status=EntryStatus.DISPUTED,
            reason=reasons,
        )
        responsible = a_supervisor(current.confirmed_by, fallback=user)
        open_deadline(
            objection,
            kind=ACCEPT_CLOCK,
            title=str(_("Accept the credit objection of %(subject)s")) % {"subject": current.subject_name},
            department=office_department(responsible, current),
            responsible=responsible,
            started_at=at,
            limit_days=setting("CREDIT_OBJECTION_ACCEPT_DAYS"),
            actor=user,
        )
        if responsible.pk != user.pk:
            from efficiency_portal.notifications.services import notify

            notify(
                responsible,
                kind="credit_objection",
                title=str(_("A credit entry was objected to")),
                body=str(
                    _("%(subject)s objects to %(rule)s of %(date)s. Please accept it within %(days)s working days.")
                )
                % {
                    "subject": current.subject_name,
                    "rule": current.rule.name,
                    "date": current.fact_date.isoformat(),
                    "days": setting("CREDIT_OBJECTION_ACCEPT_DAYS"),
                },
                link=current.get_absolute_url(),
                dedupe_key=f"credit:objection:{objection.pk}:filed",
            )
    return objection


def accept_objection(objection: CreditObjection | int, actor, *, at: dt.datetime | None = None) -> CreditObjection:
    """A supervisor accepts the objection for review; the ten-day decision clock starts."""
    from efficiency_portal.supervision.services import open_deadline

    at = now_or(at)
    pk = objection.pk if isinstance(objection, CreditObjection) else objection
    with transaction.atomic():
        current = CreditObjection.objects.select_for_update(of=("self",)).select_related("entry").get(pk=pk)
        if current.status != ObjectionStatus.SUBMITTED:
            raise ValidationError(_("This objection was already accepted or decided."))
        CreditObjection.objects.filter(pk=pk, status=ObjectionStatus.SUBMITTED).update(
            status=ObjectionStatus.ACCEPTED, accepted_at=at, accepted_by=actor
        )
        record_event(current.entry, EntryAction.ACCEPTED, actor, at=at)
        finish_clock(current, ACCEPT_CLOCK, actor, at)
        open_deadline(
            current,
            kind=DECIDE_CLOCK,
            title=str(_("Decide the credit objection of %(subject)s")) % {"subject": current.entry.subject_name},
            department=office_department(actor, current.entry),
            responsible=actor,
            started_at=at,
            limit_days=setting("CREDIT_OBJECTION_DECIDE_DAYS"),
            actor=actor,
        )
        current.refresh_from_db()
    return current


def decide_objection(
    objection: CreditObjection | int,
    actor,
    *,
    outcome: str,
    reason: str,
    at: dt.datetime | None = None,
) -> CreditObjection:
    """Uphold the entry or withdraw it; the objector is told. Deciding a submitted objection accepts it first."""
    from efficiency_portal.notifications.services import notify

    at = now_or(at)
    reason = (reason or "").strip()
    errors = {}
    if outcome not in ObjectionOutcome.values:
        errors["outcome"] = _("Please choose to uphold or to withdraw the entry.")
    if not reason:
        errors["reason"] = _("Please give the reasons for the decision.")
    if errors:
        raise ValidationError(errors)
    pk = objection.pk if isinstance(objection, CreditObjection) else objection
    if CreditObjection.objects.filter(pk=pk, status=ObjectionStatus.SUBMITTED).exists():
        accept_objection(pk, actor, at=at)
    with transaction.atomic():
        current = CreditObjection.objects.select_for_update(of=("self",)).select_related("entry__rule").get(pk=pk)
        if current.status != ObjectionStatus.ACCEPTED:
            raise ValidationError(_("This objection was already decided."))
        CreditObjection.objects.filter(pk=pk, status=ObjectionStatus.ACCEPTED).update(
            status=ObjectionStatus.DECIDED, outcome=outcome, decided_at=at, decided_by=actor, decision_reason=reason
        )
        to_status = EntryStatus.CONFIRMED if outcome == ObjectionOutcome.UPHELD else EntryStatus.WITHDRAWN
        CreditEntry.objects.filter(pk=current.entry_id, status=EntryStatus.DISPUTED).update(
            status=to_status, decision_reason=reason[:500]
        )
        record_event(
            current.entry,
            EntryAction.UPHELD if outcome == ObjectionOutcome.UPHELD else EntryAction.WITHDRAWN,
            actor,
            at=at,
            from_status=EntryStatus.DISPUTED,
            to_status=to_status,
            reason=reason,
        )
        finish_clock(current, DECIDE_CLOCK, actor, at)
        current.refresh_from_db()
        notify(
            current.objector,
            kind="credit_objection",
            title=str(_("Your credit objection was decided")),
            body=str(_("%(rule)s: %(outcome)s. %(reason)s"))
            % {"rule": current.entry.rule.name, "outcome": current.get_outcome_display(), "reason": reason},
            link=current.entry.get_absolute_url(),
            dedupe_key=f"credit:objection:{current.pk}:decided",
        )
    return current
