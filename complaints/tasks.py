"""Celery tasks of complaints: thin wrappers around the services."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="complaints.default_ratings", ignore_result=True)
def default_ratings_task() -> int:
    """Run by beat; idempotent: a case gets one rating, a second run inserts nothing."""
    from complaints.services.ratings import default_ratings

    return default_ratings()
