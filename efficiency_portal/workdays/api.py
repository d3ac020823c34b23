"""REST API of the calendar: public information, readable without signing in."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors
from .models import CalendarYear
from .serializers import CalendarYearDaysSerializer, DueQuerySerializer, DueSerializer, YearQuerySerializer


class SpecialDaysView(APIView):
    """The holidays and make-up working days of one year."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(parameters=[OpenApiParameter("year", int, required=True)], responses=CalendarYearDaysSerializer)
    def get(self, request: Request) -> Response:
        query = YearQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        year = query.validated_data["year"]
        row = CalendarYear.objects.filter(year=year).first()
        data = {
            "year": year,
            "known": row is not None,
            "source": row.source if row else "",
            "days": list(selectors.special_days(year)),
        }
        return Response(CalendarYearDaysSerializer(data).data)


class DueDateView(APIView):
    """The due date and moment of N working days after a start date, with the holidays and make-up days involved."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        parameters=[OpenApiParameter("start", str, required=True), OpenApiParameter("days", int, required=True)],
        responses=DueSerializer,
    )
    def get(self, request: Request) -> Response:
        query = DueQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        explanation = selectors.explain_span(query.validated_data["start"], query.validated_data["days"])
        return Response(DueSerializer(explanation).data)
