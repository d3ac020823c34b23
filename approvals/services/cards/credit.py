"""Red cards propose credit deductions (红牌办件) against the handler and the department, for a supervisor to confirm.

Credit is written only through ``credit.services.propose_entry``, which returns the existing entry for the same
(subject, rule, card): the sweep below may run any number of times. Only cards without their department's entry
are read, so a run after the first touches nothing it has already proposed.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef
from django.urls import reverse
from django.utils import timezone

from approvals.models.cards import Card, CardLevel

CREDIT_RULE = "red_card_case"
logger = logging.getLogger(__name__)


def _lookback_days() -> int:
    return int(getattr(settings, "CREDIT_RED_CARD_LOOKBACK_DAYS", 30))


def propose_credit_for_red_cards(card_ids: Iterable[int] | None = None, *, now: dt.datetime | None = None) -> int:
    """Propose the pending entries of red cards (the given ones, or those raised recently); return how many cards."""
    from credit.models import Source
    from credit.selectors import source_has_entry
    from credit.services import propose_entry

    now = now or timezone.now()
    already = source_has_entry(Card, rule_code=CREDIT_RULE, department_id=OuterRef("department_id"))
    cards = (
        Card.objects.filter(level=CardLevel.RED)
        .exclude(already)
        .select_related("case", "department", "handler__staff")
        .order_by("raised_at", "pk")
    )
    if card_ids is not None:
        cards = cards.filter(pk__in=list(card_ids))
    else:
        cards = cards.filter(raised_at__gte=now - dt.timedelta(days=_lookback_days()))
    count = 0
    for card in cards:
        fact_date = min(timezone.localdate(card.raised_at), timezone.localdate(now))
        # Neutral words only: the case is named by its tracking code, nothing about its applicant.
        detail = f"{card.case.tracking_code} · {card.get_trigger_display()}"
        staff = getattr(card.handler, "staff", None) if card.handler_id else None
        subjects = ([{"staff": staff}] if staff is not None else []) + [{"department": card.department}]
        try:
            with transaction.atomic():
                for subject in subjects:
                    propose_entry(
                        rule_code=CREDIT_RULE,
                        fact_date=fact_date,
                        source=Source.RED_CARD,
                        source_object=card,
                        detail=detail,
                        source_link=reverse("approvals:case_work", args=[card.case_id]),
                        **subject,
                    )
        except ValidationError:
            # E.g. the rule was switched off by an administrator: the card stays without a proposal.
            logger.warning("No credit proposal for red card %s", card.pk, exc_info=True)
            continue
        count += 1
    return count
