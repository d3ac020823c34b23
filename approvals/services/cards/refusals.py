"""Supervisors' own finding: a case refused without a valid reason."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from approvals.models import Case, CaseStatus
from approvals.models.cards import (
    Card,
    CardLevel,
    CardTrigger,
)
from approvals.services.cards.raising import raise_card
from approvals.services.common import record_event
from efficiency_portal.org.roles import is_supervisor

# --- Supervisors' own finding -------------------------------------------------------------------------------------


def flag_refusal_without_reason(case: Case, actor, note: str, at: dt.datetime | None = None) -> Card | None:
    """A supervisor finds that a case was refused without a valid reason: a red card for its handler."""
    from efficiency_portal.audit.services import record

    if not is_supervisor(actor):
        raise PermissionDenied(_("Only supervisors flag refusals."))
    note = (note or "").strip()
    errors: dict[str, str] = {}
    if case.status != CaseStatus.REFUSED:
        errors["case"] = _("Only a case that was not accepted can be flagged.")
    if not note:
        errors["note"] = _("Say why the reason given is not valid.")
    elif len(note) > 300:
        errors["note"] = _("Keep the note within 300 characters.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        card = raise_card(case, trigger=CardTrigger.REFUSAL_WITHOUT_REASON, level=CardLevel.RED, detail=note, at=at)
        if card is None:
            raise ValidationError({"case": _("This refusal is already flagged.")})
        record_event(case, "refusal_flagged", actor, at=card.raised_at, note=note)
        record(actor, "approvals.flag_refusal", target=case, detail={"card": card.pk, "note": note})
    return card
