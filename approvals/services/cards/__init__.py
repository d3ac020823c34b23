"""Electronic supervision of cases: red and yellow cards, written explanations and talk flags (约谈).

Cards come from two places. The deadline sweep's warnings on the clocks of a case (the whole case, one step, one
department's part of a joint approval) become cards set-based in :func:`sync_cards_from_warnings`; the direct
triggers (decided late, wrong fee, refusal without a valid reason) call :func:`raise_card`. Either way a card is
unique per (case, trigger, level), so every caller may run twice. A red card asks its handler for a written
explanation, which a supervisor accepts or sends back.
"""

from approvals.services.cards.credit import propose_credit_for_red_cards
from approvals.services.cards.explanations import MIN_EXPLANATION_CHARS, review_explanation, submit_explanation
from approvals.services.cards.raising import raise_card, sync_cards_from_warnings
from approvals.services.cards.refusals import flag_refusal_without_reason
from approvals.services.cards.talks import raise_talk_flags, record_talk_held

__all__ = [
    "MIN_EXPLANATION_CHARS",
    "flag_refusal_without_reason",
    "propose_credit_for_red_cards",
    "raise_card",
    "raise_talk_flags",
    "record_talk_held",
    "review_explanation",
    "submit_explanation",
    "sync_cards_from_warnings",
]
