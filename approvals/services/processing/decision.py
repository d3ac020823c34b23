"""Decision, result record and delivery."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from approvals.models import (
    CardTrigger,
    Case,
    CaseDepartment,
    CaseStatus,
    CaseStep,
    StepCode,
    StepStatus,
)
from approvals.services.common import now_or, record_event, transition
from efficiency_portal.supervision import services as clock

from .base import (
    RUNNING_CLOCK,
    case_clock,
    clean_text,
    finish_step,
    lock_case,
    part_clocks,
    public,
    raise_card_for,
    require_actor,
    running_step,
    start_next_step,
    tell_applicant,
)

# --- decision, result, delivery -------------------------------------------------------------------------------------


def decide_case(case: Case, actor, *, approve: bool, reason: str, at: dt.datetime | None = None) -> Case:
    """PROCESSING → APPROVED or DENIED; a denial needs a reason; deciding after the limit raises a red card."""
    at = now_or(at)
    require_actor(actor, case)
    reason = clean_text(reason, "reason", required=not approve, max_length=2000)
    with transaction.atomic():
        current = lock_case(case, (CaseStatus.PROCESSING,))
        pending = CaseDepartment.objects.filter(case=current, finished_at__isnull=True)
        if pending.exists():
            names = ", ".join(str(part.department) for part in pending.select_related("department"))
            raise ValidationError(
                {"approve": _("Waiting for the opinions of: %(names)s.") % {"names": names}},
            )
        steps = list(CaseStep.objects.select_related("step").filter(case=current).order_by("step__sort_order", "pk"))
        decide_step = next((s for s in steps if s.step.code == StepCode.DECIDE), None)
        if decide_step is not None:
            before = [
                s for s in steps if s.step.sort_order < decide_step.step.sort_order and s.status != StepStatus.DONE
            ]
            if before:
                raise ValidationError(
                    {"approve": _("Finish the step %(step)s first.") % {"step": before[0].step.name}},
                )
            if decide_step.status == StepStatus.RUNNING:
                finish_step(decide_step, actor, at, reason)
            elif decide_step.status == StepStatus.WAITING:
                CaseStep.objects.filter(pk=decide_step.pk).update(
                    status=StepStatus.DONE, started_at=at, finished_at=at, handler=actor, opinion=reason
                )
        to = CaseStatus.APPROVED if approve else CaseStatus.DENIED
        public_text = (
            public(gettext_lazy("Your application was approved."))
            if approve
            else public(gettext_lazy("Your application was denied. Reason: %(reason)s"), reason=reason)
        )
        updated = transition(
            current,
            allowed_from=(CaseStatus.PROCESSING,),
            to=to,
            action="approved" if approve else "denied",
            actor=actor,
            at=at,
            public_text=public_text,
            note=reason,
            decided_at=at,
            decision_reason=reason,
        )
        start_next_step(updated, updated.handler or actor, actor, at)
        deadline = case_clock(updated)
        if deadline is not None and at > deadline.due_at:
            raise_card_for(
                updated,
                CardTrigger.LATE_DECISION,
                _("Decided %(at)s, due %(due)s")
                % {
                    "at": timezone.localtime(at).strftime("%Y-%m-%d %H:%M"),
                    "due": timezone.localtime(deadline.due_at).strftime("%Y-%m-%d %H:%M"),
                },
                at,
            )
        tell_applicant(
            updated, key="decided", title=public(gettext_lazy("Decision on your application")), body=public_text
        )
    return updated


def _validated_document(document: UploadedFile | None) -> None:
    if document is None:
        return
    from efficiency_portal.common.uploads import validate_upload

    try:
        validate_upload(document)
    except ValidationError as error:
        raise ValidationError({"document": error.messages}) from error


def record_result(
    case: Case,
    actor,
    *,
    licence_number: str = "",
    document: UploadedFile | None = None,
    at: dt.datetime | None = None,
) -> Case:
    """Record the licence number and/or the decision document (checked by content)."""
    at = now_or(at)
    require_actor(actor, case)
    licence_number = clean_text(licence_number, "licence_number", required=False, max_length=60)
    if not licence_number and document is None:
        raise ValidationError({"licence_number": _("Give the licence number or upload the document.")})
    _validated_document(document)
    with transaction.atomic():
        current = lock_case(case, (CaseStatus.APPROVED, CaseStatus.DENIED))
        if licence_number and current.status != CaseStatus.APPROVED:
            raise ValidationError({"licence_number": _("A denied application has no licence number.")})
        if licence_number:
            current.licence_number = licence_number
        if document is not None:
            current.result_document.save(document.name, document, save=False)
        current.save(update_fields=["licence_number", "result_document", "updated_at"])
        record_event(
            current,
            "result_recorded",
            actor,
            at=at,
            from_status=current.status,
            to_status=current.status,
            public_text=public(gettext_lazy("The result document of your case is ready.")),
            note=licence_number,
        )
    return Case.objects.get(pk=case.pk)


def deliver_case(
    case: Case, actor, *, method: str, fee_charged: Decimal | str | int, at: dt.datetime | None = None
) -> Case:
    """APPROVED/DENIED → DELIVERED; finishes every clock; a fee other than the published one raises a red card."""
    at = now_or(at)
    require_actor(actor, case)
    errors: dict[str, str] = {}
    try:
        method = clean_text(method, "method", max_length=60)
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        fee = Decimal(str(fee_charged)).quantize(Decimal("0.01"))
        if fee < 0 or fee >= Decimal("100000000"):
            raise InvalidOperation
    except (InvalidOperation, ValueError, TypeError):
        errors["fee_charged"] = _("Give the fee charged in yuan (0 when nothing was charged).")
        fee = Decimal("0")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = lock_case(case, (CaseStatus.APPROVED, CaseStatus.DENIED))
        if current.status == CaseStatus.APPROVED and not (current.licence_number or current.result_document):
            raise ValidationError({"method": _("Record the result (licence number or document) before delivery.")})
        running = running_step(current)
        if running is not None:
            finish_step(running, actor, at)
        updated = transition(
            current,
            allowed_from=(current.status,),
            to=CaseStatus.DELIVERED,
            action="delivered",
            actor=actor,
            at=at,
            public_text=public(gettext_lazy("The result was delivered to you (%(method)s)."), method=method),
            note=_("Fee charged: %(fee)s yuan") % {"fee": fee},
            delivered_at=at,
            delivery_method=method,
            fee_charged=fee,
        )
        for deadline in part_clocks(updated):
            clock.finish_deadline(deadline, actor, at)
        deadline = case_clock(updated)
        if deadline is not None and deadline.status in RUNNING_CLOCK:
            clock.finish_deadline(deadline, actor, at)
        if fee != current.item.fee_amount:
            raise_card_for(
                updated,
                CardTrigger.WRONG_FEE,
                _("Charged %(charged)s yuan; the published fee is %(published)s yuan")
                % {"charged": fee, "published": current.item.fee_amount},
                at,
            )
        tell_applicant(
            updated,
            key="delivered",
            title=public(gettext_lazy("Result delivered")),
            body=public(gettext_lazy("The result of your application was delivered.")),
        )
    return updated
