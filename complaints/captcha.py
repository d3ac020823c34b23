"""A server-side arithmetic challenge for the filing form once an address nears its limit, and the limits
themselves: filings, and window ratings (which need no login either), per client address.

The answer travels signed (django.core.signing) with a one-time nonce, so it cannot be read from the page or
replayed. Counters live in the cache, per client address.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core import signing
from django.core.cache import cache

SALT = "complaints.captcha"
MAX_AGE = 30 * 60


def client(request) -> str:
    return request.META.get("REMOTE_ADDR") or "unknown"


FILINGS = "filings"
WINDOW_RATINGS = "window-ratings"


def _key(request, bucket: str = FILINGS) -> str:
    return f"complaints:{bucket}:{client(request)}"


def _limit(bucket: str) -> int:
    if bucket == WINDOW_RATINGS:
        return settings.RATINGS_WINDOW_LIMIT
    return settings.COMPLAINTS_FILING_LIMIT


def filings(request, bucket: str = FILINGS) -> int:
    return cache.get(_key(request, bucket)) or 0


def count_filing(request, bucket: str = FILINGS) -> None:
    """One more filing (or window rating, with ``bucket=WINDOW_RATINGS``) from this address in the window."""
    key = _key(request, bucket)
    if cache.add(key, 1, settings.COMPLAINTS_FILING_WINDOW_SECONDS):
        return
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, settings.COMPLAINTS_FILING_WINDOW_SECONDS)


def blocked(request, bucket: str = FILINGS) -> bool:
    return filings(request, bucket) >= _limit(bucket)


def captcha_needed(request) -> bool:
    return filings(request) >= settings.COMPLAINTS_CAPTCHA_AFTER


def new_challenge() -> tuple[str, str]:
    """(question, signed token)."""
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    token = signing.dumps({"answer": a + b, "nonce": secrets.token_hex(8)}, salt=SALT)
    return f"{a} + {b} = ?", token


def check(token: str, answer: str) -> bool:
    try:
        payload = signing.loads(token or "", salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return False
    try:
        given = int(str(answer).strip())
    except ValueError:
        return False
    if given != payload.get("answer"):
        return False
    # One use per challenge.
    return cache.add(f"complaints:captcha-used:{payload.get('nonce')}", 1, MAX_AGE)
