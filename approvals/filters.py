"""Filters of the approval lists (django-filter), shared by the queue pages, their Excel export and the API."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from approvals.models import Case, Channel, Item
from approvals.models.cases import OPEN_STATUSES
from efficiency_portal.supervision.models import Light

OPEN_STATUS_CHOICES = [(str(status), status.label) for status in OPEN_STATUSES]


class QueueFilter(django_filters.FilterSet):
    """Filters of a work queue. ``light`` filters on the ``light`` annotation the queue selectors add."""

    q = django_filters.CharFilter(label=_("Tracking code or applicant"), method="search", max_length=100)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=OPEN_STATUS_CHOICES)
    light = django_filters.ChoiceFilter(label=_("Light"), choices=Light.choices, field_name="light")
    item = django_filters.ModelChoiceFilter(label=_("Item"), queryset=Item.objects.none())
    channel = django_filters.ChoiceFilter(label=_("Channel"), choices=Channel.choices)
    submitted_from = django_filters.DateFilter(
        label=_("Submitted from"),
        field_name="submitted_at__date",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    submitted_to = django_filters.DateFilter(
        label=_("Submitted until"),
        field_name="submitted_at__date",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Case
        fields = ["q", "status", "light", "item", "channel", "submitted_from", "submitted_to"]

    def __init__(self, *args, items: QuerySet[Item] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The item list is limited by the caller (a department's items) so the picker offers only relevant ones.
        self.filters["item"].queryset = (items if items is not None else Item.objects.all()).only("id", "name")
        self.form.fields["item"].queryset = self.filters["item"].queryset
        for name, form_field in self.form.fields.items():
            is_select = isinstance(form_field.widget, forms.Select)
            css = "form-select" if is_select else "form-control"
            if self.form.is_bound and name in self.form.errors:
                css += " is-invalid"
            form_field.widget.attrs["class"] = css

    def search(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(tracking_code__iexact=value) | Q(applicant_name__icontains=value))
