"""A server-side arithmetic challenge for the filing form once an address nears its limit, and the limit itself.

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


def _key(request) -> str:
    return f"complaints:filings:{client(request)}"


def filings(request) -> int:
    return cache.get(_key(request)) or 0


def count_filing(request) -> None:
    key = _key(request)
    if cache.add(key, 1, settings.COMPLAINTS_FILING_WINDOW_SECONDS):
        return
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, settings.COMPLAINTS_FILING_WINDOW_SECONDS)


def blocked(request) -> bool:
    return filings(request) >= settings.COMPLAINTS_FILING_LIMIT


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
