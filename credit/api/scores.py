"""Scores in the API: the subjects in scope, their grade distribution, the blacklist, one subject's record."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from credit import selectors
from credit.api.common import as_of, score_row
from credit.api.serializers import CreditGradeCountSerializer, CreditSubjectRecordSerializer, ScoreSerializer
from credit.conf import grade_names
from credit.permissions import may_browse, may_view_department_record, may_view_staff
from efficiency_portal.org.models import Department, Staff

ON = OpenApiParameter("on", OpenApiTypes.DATE, description="As of this date (default today).")
SUBJECT_FILTERS = [
    ON,
    OpenApiParameter("kind", OpenApiTypes.STR, enum=["staff", "department"]),
    OpenApiParameter("q", OpenApiTypes.STR, description="Part of the name."),
    OpenApiParameter("department", OpenApiTypes.INT),
]


def _subject_rows(request: Request, *, with_grade: bool = True) -> tuple[list[dict], str]:
    """The subjects in the caller's scope with their scores, filtered by the query string (400 on bad values)."""
    if not may_browse(request.user):
        raise PermissionDenied
    params = request.query_params
    kind = params.get("kind", "staff")
    grade = params.get("grade", "") if with_grade else ""
    department = params.get("department", "")
    errors = {}
    if kind not in ("staff", "department"):
        errors["kind"] = [_("Choose staff or department.")]
    if grade and grade not in grade_names():
        errors["grade"] = [_("Choose one of %(grades)s.") % {"grades": ", ".join(grade_names())}]
    if department and not department.isdigit():
        errors["department"] = [_("Give a department id.")]
    if errors:
        raise ApiValidationError(errors)
    rows = selectors.subject_scores(
        request.user,
        on=as_of(params.get("on")),
        kind=kind,
        q=params.get("q", ""),
        department_id=int(department) if department else None,
        grade=grade,
    )
    return rows, kind


class ScoreListView(APIView):
    """Scores and grades of the subjects in the caller's scope as of a date (supervisors, heads, leaders)."""

    serializer_class = ScoreSerializer

    @extend_schema(
        parameters=[*SUBJECT_FILTERS, OpenApiParameter("grade", OpenApiTypes.STR)],
        responses=ScoreSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        rows, kind = _subject_rows(request)
        return Response(ScoreSerializer([score_row(r["subject"], kind, r["score"]) for r in rows], many=True).data)


class GradeDistributionView(APIView):
    """How many subjects in the caller's scope hold each grade (the chart of the subject list), best grade first."""

    serializer_class = CreditGradeCountSerializer

    @extend_schema(parameters=SUBJECT_FILTERS, responses=CreditGradeCountSerializer(many=True))
    def get(self, request: Request) -> Response:
        rows, _kind = _subject_rows(request, with_grade=False)
        counts = selectors.grade_distribution(row["score"] for row in rows)
        return Response(
            CreditGradeCountSerializer([{"grade": g, "count": n} for g, n in counts.items()], many=True).data
        )


class BlacklistView(APIView):
    """Subjects in the caller's scope graded at the blacklist grade or worse: civil servants, then departments."""

    serializer_class = ScoreSerializer

    @extend_schema(parameters=[ON], responses=ScoreSerializer(many=True))
    def get(self, request: Request) -> Response:
        if not may_browse(request.user):
            raise PermissionDenied
        rows = selectors.blacklist(request.user, as_of(request.query_params.get("on")))
        return Response(ScoreSerializer([score_row(r["subject"], r["kind"], r["score"]) for r in rows], many=True).data)


class MyScoreView(APIView):
    """The caller's own score, grade and counting entries (a civil servant)."""

    serializer_class = ScoreSerializer

    @extend_schema(responses=ScoreSerializer)
    def get(self, request: Request) -> Response:
        staff = getattr(request.user, "staff", None)
        if staff is None:
            raise NotFound
        score = selectors.score_on(staff=staff, on=timezone.localdate())
        return Response(ScoreSerializer(score_row(staff, "staff", score)).data)


def _record(subject, kind: str, request: Request, **subject_kwargs) -> Response:
    on = as_of(request.query_params.get("on"))
    score = selectors.score_on(on=on, **subject_kwargs)
    steps = list(reversed(selectors.timeline(on=on, **subject_kwargs)))
    data = {**score_row(subject, kind, score), "on": on, "entries": score.entries, "timeline": steps}
    return Response(CreditSubjectRecordSerializer(data).data)


class StaffRecordView(APIView):
    """One civil servant's score, grade and how it came about (the timeline, newest first): the person and those
    above them; others get 404."""

    serializer_class = CreditSubjectRecordSerializer

    @extend_schema(
        parameters=[ON], responses=CreditSubjectRecordSerializer, operation_id="credit_subjects_staff_record"
    )
    def get(self, request: Request, pk: int) -> Response:
        staff = get_object_or_404(Staff.objects.select_related("department"), pk=pk)
        if not may_view_staff(request.user, staff):
            raise NotFound
        return _record(staff, "staff", request, staff=staff)


class DepartmentRecordView(APIView):
    """One department's score, grade and timeline: its head and those above it; others get 404."""

    serializer_class = CreditSubjectRecordSerializer

    @extend_schema(
        parameters=[ON], responses=CreditSubjectRecordSerializer, operation_id="credit_subjects_department_record"
    )
    def get(self, request: Request, pk: int) -> Response:
        department = get_object_or_404(Department, pk=pk)
        if not may_view_department_record(request.user, department):
            raise NotFound
        return _record(department, "department", request, department=department)
