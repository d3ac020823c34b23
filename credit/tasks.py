"""Celery tasks of credit: thin wrappers around the services."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="credit.expire_entries", ignore_result=True)
def expire_entries_task() -> int:
    """Run by beat daily; idempotent: an entry expires once (conditional UPDATE, unique event row)."""
    from credit.services import expire_entries

    return expire_entries()
