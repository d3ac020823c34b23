"""Celery tasks of the assessment: thin wrappers around the services."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="assessment.requeue_waiting_runs", ignore_result=True)
def requeue_waiting_runs_task() -> int:
    """Send again the runs queued while the broker was away."""
    from assessment.services.runs import requeue_waiting_runs

    return len(requeue_waiting_runs())


@shared_task(name="assessment.run_period", ignore_result=True)
def run_period_task(period_id: int, actor_id: int | None = None) -> int:
    """Run a period in the background; idempotent (a run only rewrites what it derives from the facts). A period
    published meanwhile is left alone; the period row shows the run queued, in progress, finished or failed."""
    from django.contrib.auth import get_user_model

    from assessment.services.runs import run_in_background

    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    run = run_in_background(period_id, actor=actor)
    return run.subjects if run is not None else 0
