"""Admin of approvals. Topics are edited here; everything else is written by the services (validation, state
transitions, audit), so the admin shows it read-only and offers only actions that call a service.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from approvals.models import Item, ItemMaterial, ItemStep, Topic
from approvals.services import catalogue as catalogue_services


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown, searchable, never written through the admin."""

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "sort_order"]
    list_editable = ["sort_order"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}


class MaterialInline(ReadOnlyInline):
    model = ItemMaterial
    fields = ["name", "required", "sample", "sort_order"]


class StepInline(ReadOnlyInline):
    model = ItemStep
    fields = ["code", "name", "limit_days", "sort_order"]


def _toggle(request: HttpRequest, queryset: QuerySet[Item], *, publish: bool) -> None:
    done = 0
    for item in queryset.select_related("department"):
        try:
            catalogue_services.publish_item(request.user, item, publish=publish)
            done += 1
        except (ValidationError, PermissionDenied) as error:
            text = "; ".join(getattr(error, "messages", [str(error)]))
            messages.error(request, f"{item.code}: {text}")
    if done:
        messages.success(request, _("%(count)d item(s) changed.") % {"count": done})


@admin.register(Item)
class ItemAdmin(ReadOnlyAdmin):
    """Items are edited on the catalogue pages (validation and audit); here they are browsed and (un)published."""

    list_display = [
        "name",
        "code",
        "department",
        "topic",
        "kind",
        "statutory_limit_days",
        "promised_limit_days",
        "is_published",
    ]
    list_filter = ["is_published", "kind", "topic", "department"]
    search_fields = ["name", "code", "summary"]
    list_select_related = ["department", "topic"]
    inlines = [MaterialInline, StepInline]
    actions = ["publish", "unpublish"]

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        # Needed for the actions to show; the detail form stays read-only (see get_readonly_fields).
        return request.user.has_perm("approvals.change_item")

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        return [field.name for field in Item._meta.fields]

    def get_actions(self, request: HttpRequest) -> dict:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request: HttpRequest, obj: Item, form, change: bool) -> None:
        # Every field is read-only here; an item changes on the catalogue pages, where it is validated and audited.
        return None

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        return None

    @admin.action(description=_("Publish the selected items"))
    def publish(self, request: HttpRequest, queryset: QuerySet[Item]) -> None:
        _toggle(request, queryset, publish=True)

    @admin.action(description=_("Take the selected items back to drafts"))
    def unpublish(self, request: HttpRequest, queryset: QuerySet[Item]) -> None:
        _toggle(request, queryset, publish=False)


# Every other approvals model: read-only, with its own string in the list.
for model in apps.get_app_config("approvals").get_models():
    if not admin.site.is_registered(model) and model not in (ItemMaterial, ItemStep):
        admin.site.register(model, ReadOnlyAdmin)
