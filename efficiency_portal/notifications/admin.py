from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .masking import mask_email, mask_phone
from .models import Delivery, Notification, SentSms


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    can_delete = False
    fields = ["channel", "status", "attempts", "next_attempt_at", "sent_at", "last_error"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Read-only. The addresses of people without an account (complainants, guest applicants) are shown masked,
    and the body of a confidential notification (it carries a secret until delivered) not at all."""

    list_display = ["id", "recipient", "kind", "title", "urgent", "confidential", "created_at", "read_at"]
    list_filter = ["kind", "urgent", "confidential"]
    search_fields = ["title", "dedupe_key", "recipient__username"]
    list_select_related = ["recipient"]
    fields = [
        "recipient",
        "address",
        "kind",
        "title",
        "body",
        "link",
        "urgent",
        "confidential",
        "dedupe_key",
        "created_at",
        "read_at",
    ]
    readonly_fields = fields
    inlines = [DeliveryInline]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_fields(self, request: HttpRequest, obj=None) -> list[str]:
        if obj is not None and obj.confidential:
            return [name for name in self.fields if name != "body"]
        return list(self.fields)

    @admin.display(description=_("address (no account)"))
    def address(self, obj: Notification) -> str:
        return " · ".join(masked for masked in (mask_phone(obj.to_phone), mask_email(obj.to_email)) if masked)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["id", "notification", "channel", "status", "attempts", "next_attempt_at", "sent_at"]
    list_filter = ["status", "channel"]
    list_select_related = ["notification"]
    search_fields = ["notification__dedupe_key"]
    readonly_fields = [f.name for f in Delivery._meta.fields]
    actions = ["retry"]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Retry the selected failed deliveries"))
    def retry(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        count = services.retry_deliveries(queryset.values_list("id", flat=True))
        text = ngettext("%(count)d delivery queued again.", "%(count)d deliveries queued again.", count)
        self.message_user(request, text % {"count": count}, messages.SUCCESS)


@admin.register(SentSms)
class SentSmsAdmin(admin.ModelAdmin):
    """The development SMS log: numbers masked (they may be a complainant's); a delivered confidential message's
    text is already forgotten."""

    list_display = ["id", "masked_phone", "text", "sent_at"]
    search_fields = ["idempotency_key"]
    fields = ["idempotency_key", "masked_phone", "text", "sent_at"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.display(description=_("mobile phone"))
    def masked_phone(self, obj: SentSms) -> str:
        return mask_phone(obj.phone)
