"""Admin of credit: the rule table is edited here too (with the same checks as its page); entries and objections
are written only by the services, so the admin shows them read-only."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from credit.forms import RuleForm
from credit.models import CreditEntry, CreditObjection, CreditRule


@admin.register(CreditRule)
class CreditRuleAdmin(admin.ModelAdmin):
    form = RuleForm
    list_display = ["code", "name", "kind", "points", "downgrade_to", "validity_years", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(CreditEntry)
class CreditEntryAdmin(ReadOnlyAdmin):
    list_display = ["id", "staff", "department", "rule", "points", "fact_date", "valid_until", "status"]
    list_filter = ["status", "source", "rule"]
    search_fields = ["staff__name", "department__name", "detail"]
    list_select_related = ["staff", "department", "rule"]
    date_hierarchy = "fact_date"


@admin.register(CreditObjection)
class CreditObjectionAdmin(ReadOnlyAdmin):
    list_display = ["id", "entry", "status", "outcome", "submitted_at", "decided_at"]
    list_filter = ["status", "outcome"]
    list_select_related = ["entry__rule", "entry__staff", "entry__department"]
