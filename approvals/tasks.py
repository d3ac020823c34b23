"""Celery tasks of approvals: thin wrappers around the services. Each area keeps its own section below."""

from __future__ import annotations

from celery import shared_task

# --- Intake -----------------------------------------------------------------------------------------------------


@shared_task(name="approvals.auto_accept_overdue", ignore_result=True)
def auto_accept_overdue_task() -> int:
    """Run by beat; idempotent: a case is accepted by law once, a second run finds nothing left to do."""
    from approvals.services.intake import auto_accept_overdue

    return auto_accept_overdue()


# --- stats ------------------------------------------------------------------------------------------------------


@shared_task(name="approvals.refresh_daily_stats", ignore_result=True)
def refresh_daily_stats_task(days: list[str] | None = None) -> int:
    """Run by beat every 10 minutes for yesterday and today; idempotent (the days' rows are rebuilt)."""
    import datetime as dt

    from approvals.services.stats import refresh_daily_stats

    return refresh_daily_stats([dt.date.fromisoformat(day) for day in days] if days is not None else None)


# --- cards ------------------------------------------------------------------------------------------------------


@shared_task(name="approvals.sync_cards", ignore_result=True)
def sync_cards_task() -> int:
    """Run by beat after the deadline sweep; idempotent: a card is unique per (case, trigger, level)."""
    from approvals.services.cards import sync_cards_from_warnings

    return sync_cards_from_warnings()


@shared_task(name="approvals.propose_credit_for_red_cards", ignore_result=True)
def propose_credit_for_red_cards_task(card_ids: list[int] | None = None) -> int:
    """Run by beat after the cards are synced; idempotent: credit keeps one entry per (subject, rule, card)."""
    from approvals.services.cards import propose_credit_for_red_cards

    return propose_credit_for_red_cards(card_ids)
