"""Celery tasks of the assessment: thin wrappers around the services."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="assessment.run_period", ignore_result=True)
def run_period_task(period_id: int, actor_id: int | None = None) -> int:
    """Run a period in the background; idempotent (a run only rewrites what it derives from the facts). A period
    published meanwhile is left alone."""
    from django.contrib.auth import get_user_model
    from django.core.exceptions import ValidationError

    from assessment.models import Period
    from assessment.services.runs import run_period

    period = Period.objects.filter(pk=period_id).first()
    if period is None:
        return 0
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    try:
        return run_period(period, actor=actor).subjects
    except ValidationError:
        return 0
