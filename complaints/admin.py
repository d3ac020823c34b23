"""Admin of complaints: response templates are edited here; complaints and ratings are written only by the
services, so the admin shows them read-only and never shows the identity or the account of the complainant."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from complaints.models import Complaint, RectificationOrder, ResponseTemplate, ServiceRating


@admin.register(ResponseTemplate)
class ResponseTemplateAdmin(admin.ModelAdmin):
    list_display = ["title", "category"]
    list_filter = ["category"]
    search_fields = ["title", "body"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    list_display = ["tracking_code", "received_at", "category", "department", "status", "finding"]
    list_filter = ["status", "category", "channel", "finding"]
    search_fields = ["tracking_code"]
    # Nothing that leads to the complainant: neither the identity nor the account (supervisors reveal the identity
    # on the complaint's page, which writes the audit log).
    exclude = [
        "complainant",
        "name_encrypted",
        "phone_encrypted",
        "email_encrypted",
        "tracking_secret_hash",
        "submission_key",
    ]


@admin.register(ServiceRating)
class ServiceRatingAdmin(ReadOnlyAdmin):
    list_display = ["rated_at", "subject", "department", "level", "is_default", "appeal_status"]
    list_filter = ["subject", "level", "is_default", "appeal_status"]


@admin.register(RectificationOrder)
class RectificationOrderAdmin(ReadOnlyAdmin):
    list_display = ["opened_at", "department", "status"]
    list_filter = ["status"]
