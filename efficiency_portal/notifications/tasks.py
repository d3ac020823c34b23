from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="notifications.send_outbox")
def send_outbox_task() -> dict[str, int]:
    """Send one batch of the outbox. Safe to run often and concurrently: rows are claimed under a lease."""
    return services.send_outbox()
