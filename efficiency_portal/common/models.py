"""Filing receipts: what a citizen's done page must show, kept in the database for a short while."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Receipt(models.Model):
    """The answer to one idempotent submission (a complaint filed, an application sent): its tracking number and,
    until ``expires_at``, its secret (encrypted). A retry with the same key and the same content is answered from
    here — on another web worker, after a Redis restart or after an answer lost on the way — and the same key with
    other content is refused. The number stays after the expiry; the secret is wiped by ``common.purge_receipts``."""

    key = models.CharField(_("submission key (hash)"), max_length=64, unique=True)
    fingerprint = models.CharField(_("content fingerprint"), max_length=64)
    kind = models.CharField(_("kind"), max_length=30)
    object_id = models.BigIntegerField(_("object id"))
    code = models.CharField(_("tracking number"), max_length=40)
    secret_encrypted = models.TextField(_("secret (encrypted)"), blank=True, default="")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("secret kept until"), db_index=True)

    class Meta:
        verbose_name = _("filing receipt")
        verbose_name_plural = _("filing receipts")

    def __str__(self) -> str:
        return f"{self.kind} {self.code}"
