"""In-app notifications and the outbox of their e-mail and SMS deliveries.

A notification is visible in the bell as soon as its transaction commits; e-mail and SMS leave through
``Delivery`` rows written in that same transaction and sent later, in batches, by ``services.send_outbox``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    # Empty for people without an account (a guest applicant, a complainant): they are reached only through the
    # addresses below, and such a notification never shows in anybody's bell.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
        null=True,
        blank=True,
    )
    to_phone = models.CharField(_("mobile phone (no account)"), max_length=20, blank=True, db_default="")
    to_email = models.EmailField(_("e-mail (no account)"), blank=True, db_default="")
    kind = models.CharField(_("kind"), max_length=64)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True, default="")
    link = models.CharField(_("link"), max_length=500, blank=True, default="")
    urgent = models.BooleanField(_("urgent"), default=False)
    # The body carries a secret (a complaint's tracking secret): the SMS carries the body too, and once every
    # delivery is done the body is blanked and the addresses masked (services.forget_confidential).
    confidential = models.BooleanField(_("confidential"), default=False, db_default=False)
    # One message per event and recipient, whoever writes it and however often: the key makes writers idempotent.
    dedupe_key = models.CharField(_("dedupe key"), max_length=200, unique=True)
    # A database default, so that INSERT ... SELECT callers need not supply it.
    created_at = models.DateTimeField(_("created at"), db_default=Now())
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-id"]
        indexes = [
            # The list page: a user's notifications, newest first, keyset-paginated by id.
            models.Index(fields=["recipient", "-id"], name="notif_recipient_id_idx"),
            # The bell: count a user's unread notifications without touching read ones.
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notif_unread_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(recipient__isnull=False) | ~Q(to_phone="") | ~Q(to_email=""),
                name="notif_has_someone_to_reach",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Delivery(models.Model):
    """One outbox row per notification and channel (e-mail, SMS)."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        HELD = "held", _("Held (outside SMS hours)")

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("notification")
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # Python time rather than the database clock, so that frozen-time tests and the sender agree on "due".
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    # Set when a sender claims the row; a sender that dies leaves the lease to expire and the row is claimed again.
    lease_token = models.CharField(_("lease token"), max_length=32, blank=True, default="")
    lease_until = models.DateTimeField(_("lease until"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True, default="")

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["notification", "channel"], name="notif_delivery_unique_channel"),
        ]
        indexes = [
            # The sender's claim query: due pending rows, oldest first.
            models.Index(fields=["next_attempt_at"], condition=Q(status="pending"), name="notif_delivery_due_idx"),
            # Expired leases of senders that died mid-send.
            models.Index(fields=["lease_until"], condition=Q(status="sending"), name="notif_delivery_lease_idx"),
            # SMS held back until the sending window opens.
            models.Index(fields=["next_attempt_at"], condition=Q(status="held"), name="notif_delivery_held_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.notification_id}/{self.channel}"

    @property
    def idempotency_key(self) -> str:
        """Stable across attempts and senders: the gateway drops a repeat of a key it has seen."""
        return f"{self.notification.dedupe_key}#{self.channel}"


class SentSms(models.Model):
    """What the development SMS backend "sent": one row per idempotency key, so a repeat is a no-op."""

    idempotency_key = models.CharField(_("idempotency key"), max_length=255, unique=True)
    phone = models.CharField(_("mobile phone"), max_length=20)
    text = models.TextField(_("text"))
    sent_at = models.DateTimeField(_("sent at"), db_default=Now())

    class Meta:
        verbose_name = _("sent SMS (development log)")
        verbose_name_plural = _("sent SMS (development log)")
        ordering = ["-id"]

    def __str__(self) -> str:
        from .masking import mask_phone

        return f"{mask_phone(self.phone)}: {self.text[:30]}"
