"""API: case statistics from the pre-aggregated daily and monthly figures (the same selectors as the pages)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from approvals.selectors import stats

MAX_SPAN_DAYS = 3 * 366


class PeriodSerializer(serializers.Serializer):
    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)

    def validate(self, attrs: dict) -> dict:
        today = timezone.localdate()
        start = attrs.get("start") or today.replace(day=1)
        end = attrs.get("end") or today
        if end < start:
            raise serializers.ValidationError({"end": _("The end comes before the start.")})
        if (end - start).days > MAX_SPAN_DAYS:
            raise serializers.ValidationError({"end": _("Choose a period of at most three years.")})
        return {"start": start, "end": end}


class FiguresSerializer(serializers.Serializer):
    label = serializers.CharField()
    key = serializers.CharField(allow_null=True)
    received = serializers.IntegerField()
    accepted = serializers.IntegerField()
    refused = serializers.IntegerField()
    supplement_notices = serializers.IntegerField()
    finished = serializers.IntegerField()
    finished_on_time = serializers.IntegerField()
    finished_early = serializers.IntegerField()
    finished_late = serializers.IntegerField()
    warned = serializers.IntegerField()
    on_time_rate = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    early_rate = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    late_rate = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    warning_rate = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    supplement_rate = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    refusal_rate = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    average_working_days = serializers.DecimalField(max_digits=7, decimal_places=1, allow_null=True)


class StatisticsResponseSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    rows = FiguresSerializer(many=True)
    total = FiguresSerializer()


def _period(request: Request) -> tuple[dt.date, dt.date]:
    if not stats.may_read_statistics(request.user):
        raise PermissionDenied
    period = PeriodSerializer(data=request.query_params)
    period.is_valid(raise_exception=True)
    return period.validated_data["start"], period.validated_data["end"]


def _answer(start: dt.date, end: dt.date, rows: list) -> Response:
    for row in rows:
        row.key = None if row.key is None else str(row.key)
    total = stats.total(rows, label=str(_("Total")))
    data = {"start": start, "end": end, "rows": rows, "total": total}
    return Response(StatisticsResponseSerializer(data).data)


class StatisticsView(APIView):
    """按时办结率, 提前办结率, 超期率, 预警率, 补正率, 不予受理率 and average working days by department."""

    @extend_schema(
        operation_id="approvals_statistics", parameters=[PeriodSerializer], responses=StatisticsResponseSerializer
    )
    def get(self, request: Request) -> Response:
        start, end = _period(request)
        rows = stats.figures_by_department(start, end, stats.statistics_departments(request.user))
        return _answer(start, end, rows)


class DepartmentStatisticsView(APIView):
    """The same figures for one department, by item."""

    @extend_schema(
        operation_id="approvals_department_statistics",
        parameters=[PeriodSerializer],
        responses=StatisticsResponseSerializer,
    )
    def get(self, request: Request, code: str) -> Response:
        start, end = _period(request)
        department = stats.statistics_departments(request.user).filter(code=code).first()
        if department is None:
            raise NotFound
        return _answer(start, end, stats.figures_by_item(department, start, end))
