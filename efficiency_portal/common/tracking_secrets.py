"""Keyed hashes of tracking secrets (complaints and approval cases).

A tracking secret is random (10 characters of a 32-letter alphabet: 50 bits), so it needs no slow password hash:
a keyed HMAC-SHA256 cannot be reversed without the key, and checking one costs microseconds instead of the
password hasher's ~0.4 s of CPU — which also made every look-up a way to burn the server's CPU. The stored form is
``hmac-sha256$<key id>$<hex digest>``; the key id (the first 8 hex digits of the key's own SHA-256) says which of
``TRACKING_SECRET_KEYS`` made it, so keys can be rotated: put the new key first, keep the old ones behind it until
every stored hash was upgraded (each successful look-up rewrites its row with the first key), then drop them.

Hashes made before (Django's password hashers: ``pbkdf2_sha256$…``, the demo's ``md5$…``) are still accepted and
upgraded on their first successful look-up.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.contrib.auth.hashers import check_password, identify_hasher

PREFIX = "hmac-sha256"


def _key_id(key: bytes) -> str:
    return hashlib.sha256(key).hexdigest()[:8]


@lru_cache(maxsize=8)
def _keys(configured: tuple[str, ...], secret_key: str) -> tuple[tuple[str, bytes], ...]:
    if configured:
        raw = [item.encode() for item in configured]
    else:
        # Derived from SECRET_KEY with a purpose of its own, so the HMAC key is never the signing key itself.
        raw = [hmac.new(secret_key.encode(), b"tracking-secrets", hashlib.sha256).digest()]
    return tuple((_key_id(key), key) for key in raw)


def keys() -> tuple[tuple[str, bytes], ...]:
    """(key id, key) pairs, the current key first."""
    return _keys(tuple(getattr(settings, "TRACKING_SECRET_KEYS", ()) or ()), settings.SECRET_KEY)


def _digest(key: bytes, secret: str) -> str:
    return hmac.new(key, secret.encode(), hashlib.sha256).hexdigest()


def hash_secret(secret: str) -> str:
    key_id, key = keys()[0]
    return f"{PREFIX}${key_id}${_digest(key, secret)}"


@dataclass(frozen=True)
class Checked:
    ok: bool
    # A match made with an older key or an old password hash: the caller stores ``hash_secret(secret)`` instead.
    needs_upgrade: bool = False


def check_secret(secret: str, stored: str) -> Checked:
    """Whether ``secret`` matches ``stored``, compared in constant time."""
    if not secret or not stored:
        # Still one HMAC, so that a missing row costs as long as a wrong secret.
        hmac.compare_digest(_digest(keys()[0][1], secret or "-"), "0" * 64)
        return Checked(False)
    if stored.startswith(PREFIX + "$"):
        _, key_id, digest = [*stored.split("$", 2), "", ""][:3]
        known = dict(keys())
        key = known.get(key_id)
        if key is None:
            hmac.compare_digest(_digest(keys()[0][1], secret), digest)
            return Checked(False)
        ok = hmac.compare_digest(_digest(key, secret), digest)
        return Checked(ok, ok and key_id != keys()[0][0])
    try:
        identify_hasher(stored)
    except ValueError:  # "x", "!" and other unusable values never match
        return Checked(False)
    ok = check_password(secret, stored)
    return Checked(ok, ok)
