"""Admin for the calendar. Every change goes through the services, so it is logged and deadlines are recomputed."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from . import services
from .models import CalendarChange, CalendarYear, SpecialDay


class CalendarYearAdminForm(forms.ModelForm):
    class Meta:
        model = CalendarYear
        fields = ["year", "note"]

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if self.instance.pk is None:
            services.validate_year(year)
        elif year != self.instance.year:
            raise ValidationError(services.year_change_message())
        return year


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    form = CalendarYearAdminForm
    list_display = ["year", "source", "note", "changed_at"]
    list_filter = ["source"]

    def get_actions(self, request: HttpRequest) -> dict:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # a bulk delete would skip the services
        return actions

    def save_model(self, request: HttpRequest, obj: CalendarYear, form, change: bool) -> None:
        if change:
            services.update_year_note(request.user, obj, obj.note)
        else:
            services.add_year_schedule(request.user, obj.year, [], note=obj.note)
            obj.pk = CalendarYear.objects.get(year=obj.year).pk

    def delete_model(self, request: HttpRequest, obj: CalendarYear) -> None:
        services.remove_year(request.user, obj.year)


class SpecialDayAdminForm(forms.ModelForm):
    class Meta:
        model = SpecialDay
        fields = ["date", "kind", "name"]

    def clean(self) -> dict:
        data = super().clean()
        if self.errors:
            return data
        day = data.get("date") or self.instance.date
        spec = services.DaySpec(day, data.get("kind", ""), (data.get("name") or "").strip())
        services.validate_year(day.year, field="date")
        services.validate_day(spec)
        if not CalendarYear.objects.filter(year=day.year).exists():
            raise ValidationError({"date": services.unknown_year_message(day.year)})
        return data


@admin.register(SpecialDay)
class SpecialDayAdmin(admin.ModelAdmin):
    form = SpecialDayAdminForm
    list_display = ["date", "kind", "name"]
    list_filter = ["kind"]
    search_fields = ["name"]
    date_hierarchy = "date"

    def get_readonly_fields(self, request: HttpRequest, obj: SpecialDay | None = None) -> list[str]:
        # Moving a day is a removal plus an addition: two log entries that say what happened.
        return ["date"] if obj is not None else []

    def get_actions(self, request: HttpRequest) -> dict:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request: HttpRequest, obj: SpecialDay, form, change: bool) -> None:
        if change:
            services.change_special_day(request.user, obj, obj.kind, obj.name)
        else:
            services.add_special_day(request.user, obj.date, obj.kind, obj.name)
            obj.pk = SpecialDay.objects.get(date=obj.date).pk

    def delete_model(self, request: HttpRequest, obj: SpecialDay) -> None:
        services.remove_special_day(request.user, obj)


@admin.register(CalendarChange)
class CalendarChangeAdmin(admin.ModelAdmin):
    list_display = ["changed_at", "action", "summary", "changed_by", "deadlines_recomputed"]
    list_filter = ["action"]
    list_select_related = ["changed_by"]
    readonly_fields = ["changed_at", "action", "summary", "dates", "changed_by", "deadlines_recomputed"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
