from django.contrib import admin

from .models import AwayNotice, AwayNoticeEvent, Department, Post, Staff


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "parent", "head", "leader_in_charge", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "code"]
    list_select_related = ["parent", "head", "leader_in_charge"]
    raw_id_fields = ["parent", "head", "leader_in_charge"]


@admin.register(Staff)
class StaffAdmin(admin.ModelAdmin):
    list_display = ["name", "employee_no", "department", "title", "is_active"]
    list_filter = ["is_active", "department"]
    search_fields = ["name", "employee_no", "user__username"]
    list_select_related = ["department"]
    raw_id_fields = ["user", "department"]


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["name", "department", "holder", "backup"]
    search_fields = ["name", "department__name"]
    list_select_related = ["department", "holder", "backup"]
    raw_id_fields = ["department", "holder", "backup"]


class AwayNoticeEventInline(admin.TabularInline):
    model = AwayNoticeEvent
    extra = 0
    can_delete = False
    readonly_fields = ["action", "actor", "at", "ends_at_before", "ends_at_after"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AwayNotice)
class AwayNoticeAdmin(admin.ModelAdmin):
    # Read-only here: notices are registered through the pages and API, which enforce the rules.
    list_display = ["staff", "reason", "starts_at", "ends_at", "cancelled_at"]
    list_filter = ["reason"]
    search_fields = ["staff__name"]
    list_select_related = ["staff"]
    inlines = [AwayNoticeEventInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
