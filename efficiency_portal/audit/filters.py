from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent, Result


def local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class AuditEventFilterForm(forms.Form):
    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date must not be before the start date."))
        return cleaned


class AuditEventFilter(django_filters.FilterSet):
    actor = django_filters.CharFilter(label=_("Actor"), method="filter_actor", max_length=150)
    action = django_filters.CharFilter(
        label=_("Action"),
        lookup_expr="startswith",
        max_length=64,
        help_text=_("An action code, or its beginning (e.g. “auth.”)."),
    )
    result = django_filters.ChoiceFilter(label=_("Result"), choices=Result.choices)
    date_from = django_filters.DateFilter(
        label=_("From"), method="filter_date_from", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = django_filters.DateFilter(
        label=_("Until"), method="filter_date_to", widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = AuditEvent
        fields = ["actor", "action", "result", "date_from", "date_to"]
        form = AuditEventFilterForm

    def filter_actor(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(actor_label__icontains=value) | Q(actor__username__iexact=value))

    # Whole local days, as bounds on the column itself so that the (at, id) index serves the range.
    def filter_date_from(self, queryset: QuerySet, name: str, value: dt.date) -> QuerySet:
        return queryset.filter(at__gte=local_midnight(value))

    def filter_date_to(self, queryset: QuerySet, name: str, value: dt.date) -> QuerySet:
        return queryset.filter(at__lt=local_midnight(value + dt.timedelta(days=1)))
