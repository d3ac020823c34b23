from __future__ import annotations

from celery import shared_task

from . import receipts


@shared_task(name="common.purge_receipts")
def purge_receipts_task() -> int:
    """Wipe the secrets of filing receipts past their time; drop old receipts. Set-based, safe to repeat."""
    return receipts.purge()
