"""Filters of the credit lists (django-filter), shared by the pages, their Excel export and the API."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from credit.models import CreditEntry, CreditRule, EntryStatus, Source
from efficiency_portal.org.models import Department


class EntryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or description"), method="search", max_length=100)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=EntryStatus.choices)
    source = django_filters.ChoiceFilter(label=_("Source"), choices=Source.choices)
    rule = django_filters.ModelChoiceFilter(label=_("Rule"), queryset=CreditRule.objects.all())
    department = django_filters.ModelChoiceFilter(
        label=_("Department"), queryset=Department.objects.all(), method="in_department"
    )
    subject = django_filters.ChoiceFilter(
        label=_("Subject"),
        choices=[("staff", _("Civil servants")), ("department", _("Departments"))],
        method="subject_kind",
    )
    fact_from = django_filters.DateFilter(
        label=_("Fact from"), field_name="fact_date", lookup_expr="gte", widget=forms.DateInput(attrs={"type": "date"})
    )
    fact_to = django_filters.DateFilter(
        label=_("Fact until"), field_name="fact_date", lookup_expr="lte", widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = CreditEntry
        fields = ["q", "status", "source", "rule", "department", "subject", "fact_from", "fact_to"]

    def search(self, rows: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return rows
        return rows.filter(
            Q(staff__name__icontains=value) | Q(department__name__icontains=value) | Q(detail__icontains=value)
        )

    def in_department(self, rows: QuerySet, name: str, value) -> QuerySet:
        if value is None:
            return rows
        return rows.filter(Q(staff__department=value) | Q(department=value))

    def subject_kind(self, rows: QuerySet, name: str, value: str) -> QuerySet:
        if value == "staff":
            return rows.filter(staff__isnull=False)
        if value == "department":
            return rows.filter(department__isnull=False)
        return rows
