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


def mask_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        return ""
    return name[0] + "*" * max(len(name) - 1, 1)


def mask_phone(phone: str) -> str:
    phone = (phone or "").strip()
    if len(phone) <= 4:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7 if len(phone) > 7 else 1) + phone[-4:]


def mask_email(email: str) -> str:
    email = (email or "").strip()
    if "@" not in email:
        return mask_name(email)
    local, domain = email.split("@", 1)
    return f"{local[:1]}***@{domain}"
