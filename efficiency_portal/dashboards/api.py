"""API of the dashboards: the same figures, ranking and trend as the pages, for the city or one's departments."""

from __future__ import annotations

from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .selectors import figures, ranking
from .selectors.scope import department_scope, may_open_command_centre

SCOPE = OpenApiParameter("scope", str, description="city (supervisors, leaders, administrators) or department")


class FigureSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    value = serializers.DecimalField(max_digits=14, decimal_places=1, allow_null=True, coerce_to_string=False)
    url = serializers.CharField(allow_null=True)


class SectionSerializer(serializers.Serializer):
    title = serializers.CharField()
    figures = FigureSerializer(many=True)


class RankSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    finished = serializers.IntegerField()
    on_time_rate = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    late_rate = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    ratings = serializers.IntegerField()
    satisfaction = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)


class MonthSerializer(serializers.Serializer):
    label = serializers.CharField()
    received = serializers.IntegerField()
    finished = serializers.IntegerField()
    on_time_rate = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)


class DashboardSerializer(serializers.Serializer):
    on = serializers.DateField()
    sections = SectionSerializer(many=True)
    ranking = RankSerializer(many=True)
    trend = MonthSerializer(many=True)


def _scope(request: Request) -> tuple[str, set[int] | None]:
    scope = request.query_params.get("scope", "city")
    if scope == "city":
        if not may_open_command_centre(request.user):
            raise PermissionDenied
        return scope, None
    if scope == "department":
        ids = department_scope(request.user)
        if not ids:
            raise PermissionDenied
        return scope, ids
    raise ValidationError({"scope": [gettext("Use city or department.")]})


class DashboardApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[SCOPE], responses=DashboardSerializer, operation_id="dashboard_figures")
    def get(self, request: Request) -> Response:
        scope, ids = _scope(request)
        on = figures.today()
        cases = figures.case_figures(ids, on)
        data = {
            "on": on,
            "sections": figures.sections(ids, on, scope, cases, user=request.user),
            "ranking": ranking.ranking(ids, figures.month_start(on), on, cases.month_rows),
            "trend": cases.trend,
        }
        return Response(DashboardSerializer(data).data)
