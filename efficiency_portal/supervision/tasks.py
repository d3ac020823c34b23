"""Celery tasks of the deadline clock: thin wrappers around the services."""

from __future__ import annotations

from celery import shared_task

from .services import sweep_deadlines


@shared_task(name="supervision.sweep_deadlines", ignore_result=True)
def sweep_deadlines_task() -> dict[str, int]:
    """Run by beat every minute; idempotent, so an overlapping or repeated run changes nothing twice."""
    return sweep_deadlines().counts
