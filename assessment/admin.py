"""Administration of schemes and periods, for superusers. Every write goes through the same services as the pages:
a scheme's settings through ``services.schemes.save_scheme`` (same checks, audit log); its indicators, add/deduct
rules and vetoes are shown read-only here and edited on the scheme's page (``services.scheme_parts``); periods are
created on the period list (``services.periods.create_period``), and results change only through the period page."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from .models import AdjustmentRule, Indicator, Period, Result, Scheme, VetoRule
from .services.schemes import SETTINGS, clean_scheme, save_scheme


class ReadOnlyInline(admin.TabularInline):
    """Shown for reference; changed on the portal's scheme page, whose services check and log every change."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class IndicatorInline(ReadOnlyInline):
    model = Indicator
    fields = ["name", "kind", "provider", "evaluator_role", "weight", "per_unit", "sort_order"]


class AdjustmentRuleInline(ReadOnlyInline):
    model = AdjustmentRule
    fields = ["code", "name", "points", "unit", "free_units", "tier_after", "tier_points", "cap"]


class VetoRuleInline(ReadOnlyInline):
    model = VetoRule
    fields = ["name", "cap_grade"]


class SchemeForm(forms.ModelForm):
    class Meta:
        model = Scheme
        fields = list(SETTINGS)

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            try:
                clean_scheme(cleaned, scheme=self.instance if self.instance.pk else None)
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    self.add_error(field if field in self.fields else None, messages)
        return cleaned


@admin.register(Scheme)
class SchemeAdmin(admin.ModelAdmin):
    form = SchemeForm
    list_display = ["name", "subject_kind", "excellent_quota", "bonus_enabled", "is_active"]
    inlines = [IndicatorInline, AdjustmentRuleInline, VetoRuleInline]

    def save_model(self, request, obj, form, change) -> None:
        current = Scheme.objects.get(pk=obj.pk) if change else None
        saved = save_scheme(
            scheme=current, actor=request.user, **{field: form.cleaned_data[field] for field in SETTINGS}
        )
        obj.pk = saved.pk
        obj._state.adding = False

    def has_delete_permission(self, request, obj=None) -> bool:
        # A scheme's periods keep it (PROTECT); an unused one is switched off with "active" instead.
        return False


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin):
    """Read-only: periods are created on the period list and change state through the period page."""

    list_display = ["name", "scheme", "kind", "start", "end", "status"]
    list_filter = ["status", "kind", "scheme"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Result)
class ResultAdmin(admin.ModelAdmin):
    list_display = ["period", "subject_id", "total", "rank", "proposed_grade", "adjusted_grade"]
    list_filter = ["period"]
    list_select_related = ["period"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        # Grades change only through the period page, with a logged reason.
        return False
