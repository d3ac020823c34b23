from __future__ import annotations

import logging

from celery import shared_task

from . import receipts

logger = logging.getLogger(__name__)


@shared_task(name="common.purge_receipts")
def purge_receipts_task() -> int:
    """Wipe the secrets of filing receipts past their time; drop old receipts. Set-based, safe to repeat."""
    return receipts.purge()


def enqueue(task, *args, **kwargs) -> bool:
    """Queue ``task`` and go on if the broker cannot be reached (logged): work queued from a request is never
    worth a 500 after its transaction committed. Whatever is queued this way must also be found by a periodic
    task of beat (the outbox sender, the sweeps, ``assessment.requeue_waiting_runs``), which does it once the
    broker is back."""
    if task.app.conf.task_always_eager:  # run here: its errors are the caller's (tests)
        task.apply_async(args=args, kwargs=kwargs)
        return True
    try:
        task.apply_async(args=args, kwargs=kwargs)
    except Exception:  # kombu's OperationalError, a socket error, a refused connection: the broker is away
        logger.warning("Could not queue %s; its periodic run will pick the work up", task.name, exc_info=True)
        return False
    return True
