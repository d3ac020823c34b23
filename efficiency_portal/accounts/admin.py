from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    list_display = ["username", "display_name", "kind", "phone", "email", "is_active", "last_login"]
    list_filter = ["kind", "is_active", "is_staff", "is_superuser", "groups"]
    search_fields = ["username", "display_name", "phone", "email", "enterprise_name", "credit_code"]
    fieldsets = (
        *UserAdmin.fieldsets,
        (_("Portal"), {"fields": ("kind", "display_name", "phone", "enterprise_name", "credit_code")}),
    )
    add_fieldsets = (
        *UserAdmin.add_fieldsets,
        (_("Portal"), {"fields": ("kind", "display_name", "phone")}),
    )
