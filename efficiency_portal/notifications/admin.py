from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
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
    list_display = ["id", "recipient", "kind", "title", "urgent", "created_at", "read_at"]
    list_filter = ["kind", "urgent"]
    search_fields = ["title", "dedupe_key", "recipient__username"]
    list_select_related = ["recipient"]
    readonly_fields = ["recipient", "kind", "title", "body", "link", "urgent", "dedupe_key", "created_at", "read_at"]
    inlines = [DeliveryInline]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


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
    list_display = ["id", "phone", "text", "sent_at"]
    search_fields = ["phone", "idempotency_key"]
    readonly_fields = ["idempotency_key", "phone", "text", "sent_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
