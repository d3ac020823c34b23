"""The handler's written explanation of a red card and the supervisor's review of it."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from approvals.models.cards import (
    Card,
    CardAction,
    CardEvent,
    ExplanationStatus,
)
from approvals.services.cards._sql import _portal_text
from approvals.services.common import now_or
from efficiency_portal.org.roles import is_supervisor

MIN_EXPLANATION_CHARS = 10
REJECTED_TITLE = _("Your explanation was sent back")


# --- Explanations -------------------------------------------------------------------------------------------------


def _move(
    card: Card,
    *,
    allowed_from: list[str],
    to: str,
    action: str,
    actor,
    at: dt.datetime,
    reason: str = "",
    **fields,
) -> Card:
    """Change the card's explanation status only if it is still in ``allowed_from``, with its event row."""
    current = Card.objects.select_for_update().get(pk=card.pk)
    if current.explanation_status not in allowed_from:
        raise ValidationError(
            {
                "explanation_status": _("The explanation is %(status)s; this is not possible now.")
                % {"status": current.get_explanation_status_display()}
            }
        )
    updated = Card.objects.filter(pk=card.pk, explanation_status=current.explanation_status).update(
        explanation_status=to, **fields
    )
    if not updated:
        raise ValidationError({"explanation_status": _("The card was changed by someone else; reload and try again.")})
    CardEvent.objects.create(
        card=current,
        action=action,
        actor=actor,
        from_status=current.explanation_status,
        to_status=to,
        at=at,
        reason=reason,
    )
    return Card.objects.select_related("case", "department", "handler").get(pk=card.pk)


def submit_explanation(card: Card, actor, text: str, at: dt.datetime | None = None) -> Card:
    """The card's handler writes why the case went wrong; a rejected explanation may be written again."""
    if not actor.is_authenticated or card.handler_id != actor.pk:
        raise PermissionDenied(_("Only the handler of the case explains its card."))
    text = (text or "").strip()
    if len(text) < MIN_EXPLANATION_CHARS:
        raise ValidationError(
            {"explanation": _("Write at least %(count)d characters.") % {"count": MIN_EXPLANATION_CHARS}}
        )
    at = now_or(at)
    with transaction.atomic():
        return _move(
            card,
            allowed_from=[ExplanationStatus.AWAITING, ExplanationStatus.REJECTED],
            to=ExplanationStatus.SUBMITTED,
            action=CardAction.EXPLAINED,
            actor=actor,
            at=at,
            reason=text,
            explanation=text,
            explained_at=at,
        )


def review_explanation(card: Card, actor, *, accept: bool, note: str = "", at: dt.datetime | None = None) -> Card:
    """A supervisor accepts the explanation or sends it back to the handler with a note."""
    from efficiency_portal.notifications.services import notify

    if not is_supervisor(actor):
        raise PermissionDenied(_("Only supervisors review explanations."))
    note = (note or "").strip()
    if not accept and not note:
        raise ValidationError({"note": _("Say why the explanation is not accepted.")})
    if len(note) > 300:
        raise ValidationError({"note": _("Keep the note within 300 characters.")})
    at = now_or(at)
    with transaction.atomic():
        reviewed = _move(
            card,
            allowed_from=[ExplanationStatus.SUBMITTED],
            to=ExplanationStatus.ACCEPTED if accept else ExplanationStatus.REJECTED,
            action=CardAction.ACCEPTED if accept else CardAction.REJECTED,
            actor=actor,
            at=at,
            reason=note,
            reviewed_by=actor,
            reviewed_at=at,
            review_note=note,
        )
        if not accept and reviewed.handler is not None:
            notify(
                reviewed.handler,
                kind="approvals_card",
                title=_portal_text(REJECTED_TITLE),
                body=note,
                link=reverse("approvals:card_explain", args=[reviewed.pk]),
                urgent=True,
                dedupe_key=f"card:{reviewed.pk}:rejected:{CardEvent.objects.filter(card=reviewed).count()}",
            )
    return reviewed
