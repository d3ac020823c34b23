from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the log is written by the application only, and never changed."""

    list_display = ["at", "actor_label", "action", "result", "target_repr", "ip_address"]
    list_filter = ["result", "action"]
    search_fields = ["actor_label", "action", "target_repr", "ip_address"]
    date_hierarchy = "at"
    list_select_related = ["target_type"]
    show_full_result_count = False
    readonly_fields = [field.name for field in AuditEvent._meta.fields]
    actions = None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False
