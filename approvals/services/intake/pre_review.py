"""Pre-review by the department's clerk: accept (the case clock starts, the steps are laid out), refuse with a
written reason (不予受理), or send the one notice listing everything missing (一次性告知)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from approvals.models import Case, CaseStatus, ItemMaterial, SupplementNotice
from approvals.services.common import CASE_CLOCK, PRE_REVIEW_CLOCK, now_or, transition
from efficiency_portal.notifications.services import notify, notify_address
from efficiency_portal.org.selectors import route_to_available
from efficiency_portal.supervision import services as clocks
from efficiency_portal.supervision.models import DeadlineStatus

from .base import case_deadline, lay_out_steps, note_first_receiver, public


def _case_link(case: Case) -> str:
    return reverse("approvals:my_case", args=[case.pk])


def _tell_applicant(case: Case, *, kind: str, title: str, body: str, key: str) -> None:
    """In-app (and e-mail/SMS) message to an applicant with an account; SMS/e-mail to a guest's contact."""
    if case.applicant_id is None:
        notify_address(
            phone=case.applicant_phone,
            email=case.applicant_email,
            kind=kind,
            title=title,
            body=body,
            link=reverse("approvals:track"),
            dedupe_key=key,
        )
        return
    notify(case.applicant, kind=kind, title=title, body=body, link=_case_link(case), dedupe_key=key)


def _finish_pre_review(case: Case, actor, at: dt.datetime) -> None:
    deadline = case_deadline(case, PRE_REVIEW_CLOCK)
    if deadline is not None and deadline.status != DeadlineStatus.FINISHED:
        clocks.finish_deadline(deadline, actor, at)


def accept_case(case: Case, actor, at: dt.datetime | None = None) -> Case:
    """SUBMITTED → ACCEPTED: the case clock starts (the item's promised limit), the steps are laid out."""
    at = now_or(at)
    item = case.item
    handler = route_to_available(actor.staff, at).user if hasattr(actor, "staff") else actor
    with transaction.atomic():
        case = transition(
            case,
            allowed_from=[CaseStatus.SUBMITTED],
            to=CaseStatus.ACCEPTED,
            action="accepted",
            actor=actor,
            at=at,
            public_text=public(
                _("Your application was accepted. It will be finished within %(days)d working days."),
                days=item.promised_limit_days,
            ),
            accepted_at=at,
            handler=handler,
        )
        note_first_receiver(case, actor)
        _finish_pre_review(case, actor, at)
        clocks.open_deadline(
            case,
            kind=CASE_CLOCK,
            title=f"{case.tracking_code} {item.name}"[:200],
            department=case.department,
            responsible=handler,
            started_at=at,
            limit_days=item.promised_limit_days,
            actor=actor,
        )
        lay_out_steps([case], {case.pk: (actor, at)})
        _tell_applicant(
            case,
            kind="approvals.accepted",
            title=public(_("Application %(code)s accepted"), code=case.tracking_code),
            body=public(
                _("“%(item)s” will be finished within %(days)d working days."),
                item=item.name,
                days=item.promised_limit_days,
            ),
            key=f"approvals:accepted:{case.pk}",
        )
    return Case.objects.get(pk=case.pk)


def refuse_case(case: Case, actor, reason: str, at: dt.datetime | None = None) -> Case:
    """Not accepted (不予受理): only with a written reason, which the applicant reads."""
    at = now_or(at)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("A refusal needs a written reason.")})
    with transaction.atomic():
        case = transition(
            case,
            allowed_from=[CaseStatus.SUBMITTED, CaseStatus.SUPPLEMENT],
            to=CaseStatus.REFUSED,
            action="refused",
            actor=actor,
            at=at,
            public_text=public(_("Your application was not accepted. Reason: %(reason)s"), reason=reason)[:500],
            decided_at=at,
            decision_reason=reason,
        )
        note_first_receiver(case, actor)
        _finish_pre_review(case, actor, at)
        _tell_applicant(
            case,
            kind="approvals.refused",
            title=public(_("Application %(code)s not accepted"), code=case.tracking_code),
            body=reason,
            key=f"approvals:refused:{case.pk}",
        )
    return case


def issue_supplement_notice(
    case: Case, actor, *, missing: list[ItemMaterial], note: str, at: dt.datetime | None = None
) -> SupplementNotice:
    """一次性告知: one notice listing everything missing; the pre-review clock waits for the applicant."""
    at = now_or(at)
    note = (note or "").strip()
    missing = list(missing)
    errors: dict[str, str] = {}
    if not missing:
        errors["missing"] = _("Tick every material that is missing.")
    elif any(m.item_id != case.item_id for m in missing):
        errors["missing"] = _("Only materials of this item can be asked for.")
    if not note:
        errors["note"] = _("Say what is missing and how to put it right.")
    if errors:
        raise ValidationError(errors)
    if SupplementNotice.objects.filter(case=case).exists():
        raise ValidationError(
            {"missing": _("A notice was already sent for this case: one notice must list everything missing.")}
        )
    names = "、".join(m.name for m in missing)
    with transaction.atomic():
        case = transition(
            case,
            allowed_from=[CaseStatus.SUBMITTED],
            to=CaseStatus.SUPPLEMENT,
            action="notice",
            actor=actor,
            at=at,
            public_text=public(_("Materials are missing: %(names)s. %(note)s"), names=names, note=note)[:500],
            materials_complete_at=None,
        )
        note_first_receiver(case, actor)
        notice = SupplementNotice.objects.create(case=case, note=note, issued_by=actor, issued_at=at)
        notice.missing.set(missing)
        deadline = case_deadline(case, PRE_REVIEW_CLOCK)
        if deadline is not None and deadline.status == DeadlineStatus.OPEN:
            clocks.pause_deadline(deadline, str(_("Waiting for missing materials")), actor, at)
        _tell_applicant(
            case,
            kind="approvals.notice",
            title=public(_("Application %(code)s: materials missing"), code=case.tracking_code),
            body=public(_("Missing: %(names)s. %(note)s"), names=names, note=note),
            key=f"approvals:notice:{notice.pk}",
        )
    return notice
