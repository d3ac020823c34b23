"""The credit API: the same reads and actions as the pages, through the same selectors and services."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from credit import selectors, services
from credit.conf import grade_names
from credit.filters import EntryFilter
from credit.models import CreditEntry, CreditObjection, CreditRule, ObjectionOutcome, ObjectionStatus
from credit.permissions import may_browse, may_view_entry, visible_entries
from credit.services.common import may_object
from efficiency_portal.org.roles import is_supervisor


def _api_error(error: DjangoValidationError) -> ApiValidationError:
    return ApiValidationError(error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages})


class RuleSerializer(serializers.ModelSerializer):
    # Plain strings: the choice sets are listed in the documentation, not as schema enums shared by name.
    kind = serializers.CharField(read_only=True)
    downgrade_to = serializers.CharField(read_only=True)

    class Meta:
        model = CreditRule
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "points",
            "downgrade_to",
            "validity_years",
            "for_staff",
            "for_departments",
            "is_active",
            "description",
        ]
        read_only_fields = fields


class EntrySerializer(serializers.ModelSerializer):
    rule_code = serializers.CharField(source="rule.code", read_only=True)
    rule_name = serializers.CharField(source="rule.name", read_only=True)
    subject_name = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)
    source = serializers.CharField(read_only=True)
    downgrade_to = serializers.CharField(read_only=True)

    class Meta:
        model = CreditEntry
        fields = [
            "id",
            "staff",
            "department",
            "subject_name",
            "rule",
            "rule_code",
            "rule_name",
            "base_points",
            "points",
            "repeated",
            "downgrade_to",
            "source",
            "source_link",
            "detail",
            "fact_date",
            "recorded_at",
            "confirmed_at",
            "valid_until",
            "status",
            "decision_reason",
        ]
        read_only_fields = fields


class ObjectionSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True)
    outcome = serializers.CharField(read_only=True)

    class Meta:
        model = CreditObjection
        fields = [
            "id",
            "entry",
            "reasons",
            "status",
            "submitted_at",
            "accepted_at",
            "outcome",
            "decided_at",
            "decision_reason",
        ]
        read_only_fields = fields


class NoInput(serializers.Serializer):
    """The action takes no input."""


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class ObjectionInput(serializers.Serializer):
    reasons = serializers.CharField(max_length=4000)


class DecisionInput(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=ObjectionOutcome.values)
    reason = serializers.CharField(max_length=4000)


class EntryOrder(CursorPagination):
    ordering = ("-fact_date", "-id")


class SubmittedOrder(CursorPagination):
    ordering = ("-submitted_at", "-id")


class RuleViewSet(viewsets.ReadOnlyModelViewSet):
    """The rule table (read here; supervisors and administrators edit it on its pages)."""

    serializer_class = RuleSerializer
    queryset = CreditRule.objects.all()
    pagination_class = None
    filterset_fields = ["is_active"]


class EntryViewSet(viewsets.ReadOnlyModelViewSet):
    """Entries: a civil servant sees their own, heads and leaders their departments', supervisors all."""

    serializer_class = EntrySerializer
    filterset_class = EntryFilter
    pagination_class = EntryOrder

    def get_queryset(self):
        return visible_entries(self.request.user).select_related("rule", "staff", "department")

    def _supervised(self) -> CreditEntry:
        if not is_supervisor(self.request.user):
            raise PermissionDenied
        return self.get_object()

    @action(detail=True, methods=["post"], serializer_class=NoInput)
    def confirm(self, request: Request, pk: str | None = None) -> Response:
        """A supervisor confirms a pending entry."""
        entry = self._supervised()
        try:
            entry = services.confirm_entry(entry, request.user)
        except DjangoValidationError as error:
            raise _api_error(error) from error
        return Response(EntrySerializer(entry).data)

    @action(detail=True, methods=["post"], serializer_class=ReasonInput)
    def dismiss(self, request: Request, pk: str | None = None) -> Response:
        """A supervisor dismisses a pending entry with a reason."""
        entry = self._supervised()
        data = ReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            entry = services.dismiss_entry(entry, request.user, data.validated_data["reason"])
        except DjangoValidationError as error:
            raise _api_error(error) from error
        return Response(EntrySerializer(entry).data)

    @action(detail=True, methods=["post"], serializer_class=ObjectionInput, url_path="object")
    def file_objection(self, request: Request, pk: str | None = None) -> Response:
        """The civil servant concerned (or the department's head) objects to a confirmed entry."""
        entry = self.get_object()
        if not may_object(request.user, entry):
            raise PermissionDenied
        data = ObjectionInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            objection = services.file_objection(entry, request.user, data.validated_data["reasons"])
        except DjangoValidationError as error:
            raise _api_error(error) from error
        return Response(ObjectionSerializer(objection).data, status=201)


class ObjectionViewSet(viewsets.ReadOnlyModelViewSet):
    """Objections: supervisors see all, an objector their own."""

    serializer_class = ObjectionSerializer
    filterset_fields = ["status"]
    pagination_class = SubmittedOrder
    queryset = CreditObjection.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return CreditObjection.objects.none()
        rows = CreditObjection.objects.select_related("entry").order_by("-submitted_at", "-id")
        if is_supervisor(self.request.user):
            return rows
        return rows.filter(objector=self.request.user)

    def _supervised(self) -> CreditObjection:
        if not is_supervisor(self.request.user):
            raise PermissionDenied
        return self.get_object()

    @action(detail=True, methods=["post"], serializer_class=NoInput)
    def accept(self, request: Request, pk: str | None = None) -> Response:
        """Accept the objection for review (starts the decision clock)."""
        objection = self._supervised()
        try:
            objection = services.accept_objection(objection, request.user)
        except DjangoValidationError as error:
            raise _api_error(error) from error
        return Response(ObjectionSerializer(objection).data)

    @action(detail=True, methods=["post"], serializer_class=DecisionInput)
    def decide(self, request: Request, pk: str | None = None) -> Response:
        """Uphold or withdraw the entry, with reasons; the objector is told."""
        objection = self._supervised()
        data = DecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            objection = services.decide_objection(objection, request.user, **data.validated_data)
        except DjangoValidationError as error:
            raise _api_error(error) from error
        return Response(ObjectionSerializer(objection).data)


class ScoreSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    department = serializers.IntegerField(allow_null=True)
    points = serializers.IntegerField()
    grade = serializers.CharField()
    downgraded_to = serializers.CharField()
    blacklisted = serializers.BooleanField()


def _date(value: str | None) -> dt.date:
    if not value:
        return timezone.localdate()
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise ApiValidationError({"on": ["Give the date as YYYY-MM-DD."]}) from error


class ScoreListView(APIView):
    """Scores and grades of the subjects in the caller's scope as of a date (supervisors, heads, leaders)."""

    serializer_class = ScoreSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("on", OpenApiTypes.DATE, description="As of this date (default today)."),
            OpenApiParameter("kind", OpenApiTypes.STR, enum=["staff", "department"]),
            OpenApiParameter("q", OpenApiTypes.STR),
            OpenApiParameter("department", OpenApiTypes.INT),
            OpenApiParameter("grade", OpenApiTypes.STR),
        ],
        responses=ScoreSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        if not may_browse(request.user):
            raise PermissionDenied
        kind = request.query_params.get("kind", "staff")
        grade = request.query_params.get("grade", "")
        department = request.query_params.get("department", "")
        errors = {}
        if kind not in ("staff", "department"):
            errors["kind"] = ["Choose staff or department."]
        if grade and grade not in grade_names():
            errors["grade"] = [f"Choose one of {', '.join(grade_names())}."]
        if department and not department.isdigit():
            errors["department"] = ["Give a department id."]
        if errors:
            raise ApiValidationError(errors)
        rows = selectors.subject_scores(
            request.user,
            on=_date(request.query_params.get("on")),
            kind=kind,
            q=request.query_params.get("q", ""),
            department_id=int(department) if department else None,
            grade=grade,
        )
        data = [
            {
                "id": row["subject"].pk,
                "name": str(row["subject"]),
                "kind": kind,
                "department": getattr(row["subject"], "department_id", None),
                "points": row["score"].points,
                "grade": row["score"].grade,
                "downgraded_to": row["score"].downgraded_to,
                "blacklisted": row["score"].blacklisted,
            }
            for row in rows
        ]
        return Response(ScoreSerializer(data, many=True).data)


class MyScoreView(APIView):
    """The caller's own score, grade and counting entries (a civil servant)."""

    serializer_class = ScoreSerializer

    @extend_schema(responses=ScoreSerializer)
    def get(self, request: Request) -> Response:
        staff = getattr(request.user, "staff", None)
        if staff is None:
            raise NotFound
        score = selectors.score_on(staff=staff, on=timezone.localdate())
        return Response(
            ScoreSerializer(
                {
                    "id": staff.pk,
                    "name": staff.name,
                    "kind": "staff",
                    "department": staff.department_id,
                    "points": score.points,
                    "grade": score.grade,
                    "downgraded_to": score.downgraded_to,
                    "blacklisted": score.blacklisted,
                }
            ).data
        )


__all__ = [
    "EntryViewSet",
    "MyScoreView",
    "ObjectionStatus",
    "ObjectionViewSet",
    "RuleViewSet",
    "ScoreListView",
    "may_view_entry",
]
