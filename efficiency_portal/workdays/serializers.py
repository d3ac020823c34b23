from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .forms import MAX_CALCULATOR_DAYS, VIEW_YEAR_RANGE
from .models import SpecialDay


class YearQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(
        min_value=VIEW_YEAR_RANGE[0], max_value=VIEW_YEAR_RANGE[1], help_text=_("The year, e.g. 2026.")
    )


class DueQuerySerializer(serializers.Serializer):
    start = serializers.DateField(input_formats=["%Y-%m-%d"], help_text=_("Day of receipt, YYYY-MM-DD (not counted)."))
    days = serializers.IntegerField(
        min_value=0, max_value=MAX_CALCULATOR_DAYS, help_text=_("Time limit in working days; 0 = same day.")
    )


class SpecialDaySerializer(serializers.ModelSerializer):
    class Meta:
        model = SpecialDay
        fields = ["date", "kind", "name"]


class CalendarYearDaysSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    known = serializers.BooleanField()
    source = serializers.CharField(allow_blank=True)
    days = SpecialDaySerializer(many=True)


class NamedDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    name = serializers.CharField(allow_blank=True)


class DueSerializer(serializers.Serializer):
    start = serializers.DateField()
    days = serializers.IntegerField()
    due_date = serializers.DateField()
    due_moment = serializers.DateTimeField()
    provisional = serializers.BooleanField()
    skipped_holidays = NamedDaySerializer(many=True)
    makeup_days_counted = NamedDaySerializer(many=True)
