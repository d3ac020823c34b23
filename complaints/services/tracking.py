"""Proving a tracking number and secret, with one limit on failed look-ups per client address.

The tracking page, the API's ``track/`` endpoints and Open311's ``?secret=`` all go through ``prove``, so a
guesser cannot move to another entry point when one refuses. Counters live in the cache, per address.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

from complaints.models import Complaint
from efficiency_portal.common.tracking_secrets import check_secret, hash_secret


class LookupLimited(Exception):
    """Too many failed look-ups from this address in the window; nothing was checked."""


def failure_limit() -> int:
    return settings.COMPLAINTS_TRACK_FAILURE_LIMIT


def failure_window() -> int:
    return settings.COMPLAINTS_TRACK_FAILURE_WINDOW_SECONDS


def _key(client: str) -> str:
    return f"complaints:track-failures:{client}"


def failures(client: str) -> int:
    return cache.get(_key(client)) or 0


def lookups_blocked(client: str) -> bool:
    return failures(client) >= failure_limit()


def _count_failure(client: str) -> None:
    key = _key(client)
    if cache.add(key, 1, failure_window()):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, failure_window())


def normal_code(code: str) -> str:
    return "".join((code or "").split()).upper()


def prove(code: str, secret: str, *, client: str) -> Complaint | None:
    """The complaint whose number and secret match, or None (one more failure counted against ``client``).

    Raises ``LookupLimited`` once ``client`` has failed too often in the window. An unknown number takes as long
    to refuse as a wrong secret, so the answer's timing does not tell which numbers exist."""
    if lookups_blocked(client):
        raise LookupLimited
    secret = (secret or "").strip().upper()
    complaint = Complaint.objects.select_related("department").filter(tracking_code=normal_code(code)).first()
    checked = check_secret(secret, complaint.tracking_secret_hash if complaint is not None else "")
    if checked.ok and complaint is not None:
        if checked.needs_upgrade:
            # Conditional, so that two look-ups at once rewrite it once.
            old, complaint.tracking_secret_hash = complaint.tracking_secret_hash, hash_secret(secret)
            Complaint.objects.filter(pk=complaint.pk, tracking_secret_hash=old).update(
                tracking_secret_hash=complaint.tracking_secret_hash
            )
        return complaint
    _count_failure(client)
    return None
