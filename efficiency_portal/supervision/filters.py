"""Filters shared by the deadline pages and the API (django-filter)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from efficiency_portal.org.models import Department

from .models import Deadline, DeadlineStatus, Light, Warning, WarningLevel


class DeadlineFilter(django_filters.FilterSet):
    light = django_filters.ChoiceFilter(label=_("Light"), choices=Light.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=DeadlineStatus.choices)
    department = django_filters.ModelChoiceFilter(
        label=_("Department"), queryset=Department.objects.filter(is_active=True).only("id", "name")
    )
    kind = django_filters.CharFilter(label=_("Kind"), max_length=30)

    class Meta:
        model = Deadline
        fields = ["light", "status", "department", "kind"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, form_field in self.form.fields.items():
            css = "form-select" if name != "kind" else "form-control"
            if self.form.is_bound and name in self.form.errors:
                css += " is-invalid"
            form_field.widget.attrs["class"] = css


class WarningFilter(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(label=_("Level"), choices=WarningLevel.choices)
    deadline = django_filters.NumberFilter(label=_("Deadline"), min_value=1)

    class Meta:
        model = Warning
        fields = ["level", "deadline"]
