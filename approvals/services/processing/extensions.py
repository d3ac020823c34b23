"""Extensions (延期): requested before expiry, within the cap, decided by the leader in charge."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from approvals.models import (
    Case,
    CaseStatus,
    ExtensionRequest,
    ExtensionStatus,
)
from approvals.services.common import now_or, record_event
from efficiency_portal.supervision import services as clock

from .base import (
    REASON_MAX,
    RUNNING_CLOCK,
    case_clock,
    clean_text,
    lock_case,
    public,
    require_actor,
    tell_applicant,
    tell_staff,
)

# --- extensions ------------------------------------------------------------------------------------------------------


def extension_cap(case: Case) -> int:
    """The most working days a case may have in all: the statutory limit plus the allowed extension."""
    return case.item.statutory_limit_days + settings.APPROVALS_MAX_EXTENSION_DAYS


def request_extension(case: Case, actor, days: int, reason: str, at: dt.datetime | None = None) -> ExtensionRequest:
    """Ask the leader in charge for more working days; before expiry, within the cap, one request pending at a time."""
    at = now_or(at)
    require_actor(actor, case)
    errors: dict[str, str] = {}
    if not isinstance(days, int) or days < 1:
        errors["days"] = _("An extension is one or more working days.")
    try:
        reason = clean_text(reason, "reason", max_length=REASON_MAX)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = lock_case(case, (CaseStatus.ACCEPTED, CaseStatus.PROCESSING, CaseStatus.PAUSED))
        deadline = case_clock(current)
        if deadline is None or deadline.status not in RUNNING_CLOCK:
            raise ValidationError({"days": _("The case has no running time limit to extend.")})
        if at >= deadline.due_at:
            raise ValidationError({"days": _("An extension must be requested before the time limit expires.")})
        if deadline.extended_at is not None:
            raise ValidationError({"days": _("The time limit has already been extended once.")})
        cap = extension_cap(current)
        if deadline.limit_days + days > cap:
            raise ValidationError(
                {
                    "days": _(
                        "At most %(max)d more working days: the limit may not exceed the statutory %(statutory)d "
                        "plus %(extra)d working days."
                    )
                    % {
                        "max": max(cap - deadline.limit_days, 0),
                        "statutory": current.item.statutory_limit_days,
                        "extra": settings.APPROVALS_MAX_EXTENSION_DAYS,
                    }
                }
            )
        if ExtensionRequest.objects.filter(case=current, status=ExtensionStatus.PENDING).exists():
            raise ValidationError({"days": _("An extension request is already waiting for a decision.")})
        try:
            with transaction.atomic():
                request = ExtensionRequest.objects.create(
                    case=current, days=days, reason=reason, requested_by=actor, requested_at=at
                )
        except IntegrityError as error:
            raise ValidationError({"days": _("An extension request is already waiting for a decision.")}) from error
        record_event(
            current,
            "extension_requested",
            actor,
            at=at,
            from_status=current.status,
            to_status=current.status,
            note=_("Extension of %(days)d working days requested: %(reason)s") % {"days": days, "reason": reason},
        )
        leader = current.department.leader_in_charge
        if leader is not None:
            from efficiency_portal.notifications.services import notify

            notify(
                leader.user,
                kind="approvals.extension",
                title=_("Extension request for case %(code)s") % {"code": current.tracking_code},
                body=reason,
                link=reverse("approvals:extension_requests"),
                dedupe_key=f"extension:{request.pk}:requested",
            )
    return request


def may_decide_extension(user, request: ExtensionRequest) -> bool:
    leader = request.case.department.leader_in_charge
    return bool(user and user.is_authenticated and leader is not None and leader.user_id == user.pk)


def decide_extension(
    request: ExtensionRequest, actor, approve: bool, note: str = "", at: dt.datetime | None = None
) -> ExtensionRequest:
    """Only the leader in charge of the case's department decides; approval extends the case clock once."""
    at = now_or(at)
    request = ExtensionRequest.objects.select_related("case__department__leader_in_charge", "case__item").get(
        pk=request.pk
    )
    if not may_decide_extension(actor, request):
        raise PermissionDenied(_("Only the leader in charge of the department decides extensions."))
    note = clean_text(note, "note", required=not approve, max_length=300)
    status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REJECTED
    with transaction.atomic():
        current = lock_case(request.case, (CaseStatus.ACCEPTED, CaseStatus.PROCESSING, CaseStatus.PAUSED))
        updated = ExtensionRequest.objects.filter(pk=request.pk, status=ExtensionStatus.PENDING).update(
            status=status, decided_by=actor, decided_at=at, decision_note=note
        )
        if not updated:
            raise ValidationError({"status": _("This request has already been decided.")})
        public_text = ""
        if approve:
            deadline = case_clock(current)
            if deadline is None:
                raise ValidationError({"status": _("The case has no running time limit to extend.")})
            extended = clock.extend_deadline(deadline, request.days, request.reason, actor, at)
            public_text = public(
                gettext_lazy(
                    "The time limit of your case was extended by %(days)d working days; it is now due by %(due)s."
                ),
                days=request.days,
                due=timezone.localtime(extended.due_at).strftime("%Y-%m-%d %H:%M"),
            )
        record_event(
            current,
            "extension_approved" if approve else "extension_rejected",
            actor,
            at=at,
            from_status=current.status,
            to_status=current.status,
            public_text=public_text,
            note=note,
        )
        tell_staff(
            request.requested_by,
            kind="approvals.extension",
            title=(_("Extension approved for case %(code)s") if approve else _("Extension rejected for case %(code)s"))
            % {"code": current.tracking_code},
            body=note or request.reason,
            link=reverse("approvals:case_work", args=[current.pk]),
            dedupe_key=f"extension:{request.pk}:decided",
        )
        if public_text:
            tell_applicant(
                current,
                key=f"extended:{request.pk}",
                title=public(gettext_lazy("Time limit extended")),
                body=public_text,
            )
    return ExtensionRequest.objects.get(pk=request.pk)
