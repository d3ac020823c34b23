"""Encryption of the complainant's name and contact (Fernet from the ``cryptography`` package).

The key is derived with HKDF from ``COMPLAINTS_ENCRYPTION_KEY`` (falling back to ``SECRET_KEY``), so the stored
values cannot be read from a database dump alone. Rotation: the new passphrase goes into
``COMPLAINTS_ENCRYPTION_KEY`` and the old ones into ``COMPLAINTS_ENCRYPTION_OLD_KEYS``; values are read with any
of them and written with the new one (``manage.py rotate_complaint_keys`` rewrites the stored values).

A value that none of the keys opens is an error (``EncryptionKeyError``), never an empty string: a wrong or lost
key must stop the page that needs the identity, not show a complainant without a name.
"""

from __future__ import annotations

import base64
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

# The masks are shared with the notifications outbox, which masks the addresses of delivered confidential messages.
from efficiency_portal.notifications.masking import mask_email, mask_name, mask_phone

__all__ = ["EncryptionKeyError", "decrypt", "encrypt", "mask_email", "mask_name", "mask_phone", "rotate"]


class EncryptionKeyError(RuntimeError):
    """A stored identity cannot be opened with the configured keys: the key is wrong, missing or was rotated away."""


@lru_cache(maxsize=8)
def _fernet(secret: str) -> Fernet:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"complaints-identity", info=b"fernet").derive(
        secret.encode()
    )
    return Fernet(base64.urlsafe_b64encode(derived))


def _passphrases() -> list[str]:
    current = getattr(settings, "COMPLAINTS_ENCRYPTION_KEY", "") or settings.SECRET_KEY
    return [current, *[key for key in getattr(settings, "COMPLAINTS_ENCRYPTION_OLD_KEYS", ()) if key != current]]


def _keys() -> MultiFernet:
    return MultiFernet([_fernet(passphrase) for passphrase in _passphrases()])


def encrypt(value: str) -> str:
    value = (value or "").strip()
    return _fernet(_passphrases()[0]).encrypt(value.encode()).decode() if value else ""


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _keys().decrypt(token.encode()).decode()
    except InvalidToken:
        raise EncryptionKeyError(
            "A complainant's identity cannot be decrypted with COMPLAINTS_ENCRYPTION_KEY (or the old keys): "
            "the key is wrong or missing. Restore the key that encrypted it (docs/operations.md)."
        ) from None


def rotate(token: str) -> str:
    """The same value encrypted with the current key (unchanged when empty)."""
    return _keys().rotate(token.encode()).decode() if token else ""
