"""Admin of credit: the rule table is edited here too, through the same form and service as its page (audited; the
code fixed once created; never deleted). Entries and objections are written only by the services, so the admin
shows them read-only."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from credit import services
from credit.forms import RuleForm
from credit.models import CreditEntry, CreditObjection, CreditRule


@admin.register(CreditRule)
class CreditRuleAdmin(admin.ModelAdmin):
    form = RuleForm
    list_display = ["code", "name", "kind", "points", "downgrade_to", "validity_years", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name"]

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        return ["code"] if obj is not None else []

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        # Entries refer to their rule: a rule no longer wanted is switched off instead.
        return False

    def save_model(self, request: HttpRequest, obj: CreditRule, form, change: bool) -> None:
        services.save_rule(obj, request.user, changed=form.changed_data)


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
