"""The audit log: who did what to which object, when, from where, with what result. Append-only."""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditLogIsAppendOnly(Exception):
    """Raised on any attempt to change or remove an audit event through the application."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AuditLogIsAppendOnly("Audit events cannot be updated.")

    def delete(self) -> NoReturn:
        raise AuditLogIsAppendOnly("Audit events cannot be deleted.")

    # bulk_update goes through update(); these two would otherwise bypass it.
    def _update(self, values: Any) -> NoReturn:
        raise AuditLogIsAppendOnly("Audit events cannot be updated.")

    def _raw_delete(self, using: str) -> NoReturn:
        raise AuditLogIsAppendOnly("Audit events cannot be deleted.")

    # As on Django's QuerySet: no Manager.delete(), so a whole table is never one call away.
    delete.queryset_only = True


class AuditEventManager(models.Manager.from_queryset(AuditEventQuerySet)):
    pass


class Result(models.TextChoices):
    SUCCESS = "success", _("Success")
    DENIED = "denied", _("Denied")
    FAILED = "failed", _("Failed")


class AuditEvent(models.Model):
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        # A user with a history is deactivated, never deleted: the trail must keep pointing at them.
        on_delete=models.PROTECT,
        related_name="audit_events",
    )
    # Kept as written at the time, so that the log reads the same after a rename and for anonymous attempts.
    actor_label = models.CharField(_("actor"), max_length=200, blank=True, default="")
    action = models.CharField(_("action"), max_length=64)
    target_type = models.ForeignKey(
        ContentType, verbose_name=_("target type"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    target_id = models.CharField(_("target id"), max_length=64, blank=True, default="")
    target_repr = models.CharField(_("target"), max_length=200, blank=True, default="")
    at = models.DateTimeField(_("time"), default=timezone.now)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True, default="")
    result = models.CharField(_("result"), max_length=16, choices=Result.choices, default=Result.SUCCESS)
    detail = models.JSONField(_("detail"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    objects = AuditEventManager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        default_permissions = ("view",)
        # Related-object handling (cascades, save's update path) then goes through the refusing queryset too.
        base_manager_name = "objects"
        indexes = [
            models.Index(fields=["-at", "-id"], name="audit_event_at_id"),
            models.Index(fields=["actor", "-at"], name="audit_event_actor_at"),
            models.Index(fields=["action", "-at"], name="audit_event_action_at"),
            models.Index(fields=["target_type", "target_id"], name="audit_event_target"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_label or '-'} {self.action} {self.result}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditLogIsAppendOnly("Audit events cannot be changed once written.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditLogIsAppendOnly("Audit events cannot be deleted.")
