"""Encryption of the complainant's name and contact (Fernet from the ``cryptography`` package).

The key is derived with HKDF from ``COMPLAINTS_ENCRYPTION_KEY`` (falling back to ``SECRET_KEY``), so the stored
values cannot be read from a database dump alone.
"""

from __future__ import annotations

import base64
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

# The masks are shared with the notifications outbox, which masks the addresses of delivered confidential messages.
from efficiency_portal.notifications.masking import mask_email, mask_name, mask_phone

__all__ = ["decrypt", "encrypt", "mask_email", "mask_name", "mask_phone"]


@lru_cache(maxsize=4)
def _fernet(secret: str) -> Fernet:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"complaints-identity", info=b"fernet").derive(
        secret.encode()
    )
    return Fernet(base64.urlsafe_b64encode(derived))


def _current() -> Fernet:
    return _fernet(getattr(settings, "COMPLAINTS_ENCRYPTION_KEY", "") or settings.SECRET_KEY)


def encrypt(value: str) -> str:
    value = (value or "").strip()
    return _current().encrypt(value.encode()).decode() if value else ""


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _current().decrypt(token.encode()).decode()
    except InvalidToken:
        return ""
