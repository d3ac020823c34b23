"""Idempotent submissions: a key scoped to the caller, bound to the content, answered from a receipt.

A caller's key (a form's one-time token, an API client's ``Idempotency-Key``) is hashed together with the scope it
came from (``scoped_key``), so one caller's key never finds another caller's submission. The receipt stores a
fingerprint of the content; the same key with other content is refused (``Conflict``, 422 in the API), and a replay
gets the first answer: the tracking number, and the secret while the receipt keeps it (``RECEIPT_SECRET_MINUTES``).
The secret is encrypted with a key of its own derived from ``SECRET_KEY``: a receipt lives for minutes, so a key
change only costs the secret of a retry.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from .models import Receipt


class Conflict(Exception):
    """The key was already used for other content."""

    def __init__(self, receipt: Receipt):
        super().__init__(receipt.code)
        self.receipt = receipt


@dataclass(frozen=True)
class Replay:
    object_id: int
    code: str
    secret: str | None  # None once the receipt's time is over


@lru_cache(maxsize=4)
def _fernet(secret_key: str) -> Fernet:
    derived = hmac.new(secret_key.encode(), b"filing-receipts", hashlib.sha256).digest()
    return Fernet(base64.urlsafe_b64encode(derived))


def scoped_key(scope: str, key: str) -> str:
    """The stored form of a caller's key: at most 64 characters, different for each scope."""
    return hashlib.sha256(f"{scope}\n{key}".encode()).hexdigest()


def caller_scope(user, client: str) -> str:
    """Who sent an API request: the account when signed in, else the client's address (anonymous callers)."""
    if user is not None and getattr(user, "is_authenticated", False):
        return f"user:{user.pk}"
    return f"anonymous:{client}"


def _file_digest(upload: UploadedFile) -> list:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return [upload.name or "", upload.size or 0, digest.hexdigest()]


def fingerprint(fields: dict, files: Iterable[UploadedFile] = ()) -> str:
    """A digest of what was submitted: the fields (as text, stripped) and each file's name, size and content."""
    canonical = {
        name: (value.strip() if isinstance(value, str) else "" if value is None else str(value))
        for name, value in sorted(fields.items())
    }
    payload = {"fields": canonical, "files": [_file_digest(upload) for upload in files]}
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def _key_hash(kind: str, key: str) -> str:
    return hashlib.sha256(f"{kind}\n{key}".encode()).hexdigest()


def record(*, kind: str, key: str, content: str, object_id: int, code: str, secret: str, at: dt.datetime | None = None):
    """Store the answer; call it in the transaction that creates the object, so neither exists without the other."""
    at = at or timezone.now()
    Receipt.objects.create(
        key=_key_hash(kind, key),
        fingerprint=content,
        kind=kind,
        object_id=object_id,
        code=code,
        secret_encrypted=_fernet(settings.SECRET_KEY).encrypt(secret.encode()).decode() if secret else "",
        expires_at=at + dt.timedelta(minutes=settings.RECEIPT_SECRET_MINUTES),
    )


def replay(*, kind: str, key: str, content: str | None) -> Replay | None:
    """The first answer to ``key``, or None if there is none. Raises ``Conflict`` if ``content`` differs (None:
    only the number and secret are wanted, as on the done page)."""
    receipt = Receipt.objects.filter(key=_key_hash(kind, key)).first()
    if receipt is None:
        return None
    if content is not None and not hmac.compare_digest(receipt.fingerprint, content):
        raise Conflict(receipt)
    secret = None
    if receipt.secret_encrypted and receipt.expires_at > timezone.now():
        try:
            secret = _fernet(settings.SECRET_KEY).decrypt(receipt.secret_encrypted.encode()).decode()
        except InvalidToken:  # SECRET_KEY changed since: the number alone
            secret = None
    return Replay(receipt.object_id, receipt.code, secret)


def purge(now: dt.datetime | None = None) -> int:
    """Wipe the secrets past their time (one UPDATE) and drop receipts a day older than that (one DELETE)."""
    now = now or timezone.now()
    wiped = Receipt.objects.filter(expires_at__lte=now).exclude(secret_encrypted="").update(secret_encrypted="")
    Receipt.objects.filter(expires_at__lte=now - dt.timedelta(days=settings.RECEIPT_KEEP_DAYS)).delete()
    return wiped
