from django.contrib import admin

from .models import Deadline, DeadlineEvent, DeadlinePause, Warning, WarningRecipient


class PauseInline(admin.TabularInline):
    model = DeadlinePause
    extra = 0
    can_delete = False
    readonly_fields = ["started_at", "ended_at", "reason", "working_days", "started_by", "ended_by"]


class EventInline(admin.TabularInline):
    model = DeadlineEvent
    extra = 0
    can_delete = False
    readonly_fields = ["action", "actor", "from_status", "to_status", "from_light", "to_light", "at", "reason"]


@admin.register(Deadline)
class DeadlineAdmin(admin.ModelAdmin):
    """Read-only: deadlines change only through the services, which keep the events."""

    list_display = ["title", "kind", "department", "responsible", "due_at", "light", "status"]
    list_filter = ["light", "status", "kind"]
    search_fields = ["title"]
    list_select_related = ["department", "responsible"]
    inlines = [PauseInline, EventInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class RecipientInline(admin.TabularInline):
    model = WarningRecipient
    extra = 0
    can_delete = False
    readonly_fields = ["user", "role", "told_at", "acknowledged_at"]


@admin.register(Warning)
class WarningAdmin(admin.ModelAdmin):
    list_display = ["deadline", "level", "raised_at", "acknowledged_at"]
    list_filter = ["level"]
    list_select_related = ["deadline"]
    inlines = [RecipientInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
