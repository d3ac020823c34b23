"""Administration of schemes: indicators, add/deduct rules and vetoes are edited here; weights are checked on save."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from . import providers
from .models import AdjustmentRule, Indicator, IndicatorKind, Period, Result, Scheme, VetoRule
from .services.schemes import check_quota, check_weights


class IndicatorForm(forms.ModelForm):
    provider = forms.ChoiceField(choices=[("", "—"), *providers.choices()], required=False)

    class Meta:
        model = Indicator
        fields = ["name", "kind", "provider", "evaluator_role", "weight", "per_unit", "sort_order"]

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind == IndicatorKind.COMPUTED and not cleaned.get("provider"):
            self.add_error("provider", "Choose the source of a computed indicator.")
        if kind == IndicatorKind.EVALUATED and not cleaned.get("evaluator_role"):
            self.add_error("evaluator_role", "Choose who evaluates.")
        if kind == IndicatorKind.COMPUTED:
            cleaned["evaluator_role"] = ""
        else:
            cleaned["provider"] = ""
        return cleaned


class IndicatorFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        weights = [
            form.cleaned_data["weight"]
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.cleaned_data.get("weight") is not None
        ]
        if weights:
            try:
                check_weights(weights)
            except ValidationError as error:
                raise ValidationError(error.messages) from error


class IndicatorInline(admin.TabularInline):
    model = Indicator
    form = IndicatorForm
    formset = IndicatorFormSet
    extra = 0


class AdjustmentRuleInline(admin.TabularInline):
    model = AdjustmentRule
    extra = 0


class VetoRuleInline(admin.TabularInline):
    model = VetoRule
    extra = 0


class SchemeForm(forms.ModelForm):
    class Meta:
        model = Scheme
        fields = [
            "name",
            "subject_kind",
            "description",
            "excellent_quota",
            "excellent_min",
            "good_min",
            "pass_min",
            "bonus_enabled",
            "bonus_base",
            "bonus_baseline",
            "bonus_per_point",
            "bonus_add_cap",
            "bonus_deduct_cap",
            "is_active",
        ]

    def clean_excellent_quota(self):
        quota = self.cleaned_data["excellent_quota"]
        check_quota(quota)
        return quota


@admin.register(Scheme)
class SchemeAdmin(admin.ModelAdmin):
    form = SchemeForm
    list_display = ["name", "subject_kind", "excellent_quota", "is_active"]
    inlines = [IndicatorInline, AdjustmentRuleInline, VetoRuleInline]


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin):
    list_display = ["name", "scheme", "kind", "start", "end", "status"]
    list_filter = ["status", "kind", "scheme"]
    readonly_fields = [
        "status",
        "published_at",
        "published_by",
        "appeal_until",
        "run_state",
        "run_requested_at",
        "run_started_at",
        "run_finished_at",
        "run_message",
    ]


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
