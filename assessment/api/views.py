"""API of the assessment: schemes, periods (run, publish), results, one's own results (appeal), evaluator forms."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from assessment import selectors
from assessment.models import (
    Appeal,
    EvaluationForm,
    Grade,
    Indicator,
    Period,
    PeriodKind,
    PeriodStatus,
    Result,
    Scheme,
    ScoreLine,
    SubjectKind,
)
from assessment.services import forms as form_services
from assessment.services import publishing, runs
from efficiency_portal.org.roles import is_supervisor


def _api_error(error: DjangoValidationError) -> ApiValidationError:
    return ApiValidationError(error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages})


class IsSupervisor(BasePermission):
    def has_permission(self, request, view) -> bool:
        return is_supervisor(request.user)


class ById(CursorPagination):
    ordering = ("-id",)


class ByRank(CursorPagination):
    ordering = ("rank", "id")


# --- Serializers ---------------------------------------------------------------------------------------------------


class IndicatorSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True)
    evaluator_role = serializers.CharField(read_only=True)

    class Meta:
        model = Indicator
        fields = ["id", "name", "kind", "provider", "evaluator_role", "weight", "per_unit"]
        read_only_fields = fields


class SchemeSerializer(serializers.ModelSerializer):
    subject_kind = serializers.CharField(read_only=True)
    indicators = IndicatorSerializer(many=True, read_only=True)

    class Meta:
        model = Scheme
        fields = [
            "id",
            "name",
            "subject_kind",
            "excellent_quota",
            "excellent_min",
            "good_min",
            "pass_min",
            "bonus_enabled",
            "bonus_base",
            "bonus_per_point",
            "is_active",
            "indicators",
        ]
        read_only_fields = fields


class PeriodSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)

    class Meta:
        model = Period
        fields = [
            "id",
            "scheme",
            "kind",
            "name",
            "start",
            "end",
            "status",
            "forms_close_at",
            "appeal_days",
            "published_at",
            "appeal_until",
        ]
        read_only_fields = fields


class RunSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    subjects = serializers.IntegerField()
    lines = serializers.IntegerField()
    changed = serializers.IntegerField()


class ScoreLineSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True)
    facts = serializers.ListField(child=serializers.DictField(child=serializers.CharField()), read_only=True)

    class Meta:
        model = ScoreLine
        fields = ["kind", "label", "weight", "raw_value", "raw_text", "score", "points", "facts"]
        read_only_fields = fields


class ResultSerializer(serializers.ModelSerializer):
    subject_name = serializers.CharField(read_only=True)
    grade = serializers.CharField(read_only=True)
    computed_grade = serializers.CharField(read_only=True)
    proposed_grade = serializers.CharField(read_only=True)
    adjusted_grade = serializers.CharField(read_only=True)
    notes = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Result
        fields = [
            "id",
            "period",
            "subject_id",
            "subject_name",
            "staff",
            "department",
            "total",
            "rank",
            "computed_grade",
            "proposed_grade",
            "adjusted_grade",
            "adjusted_reason",
            "grade",
            "notes",
            "flagged",
            "bonus",
        ]
        read_only_fields = fields


class ExplainedResultSerializer(ResultSerializer):
    lines = ScoreLineSerializer(many=True, read_only=True)

    class Meta(ResultSerializer.Meta):
        fields = [*ResultSerializer.Meta.fields, "lines"]
        read_only_fields = fields


class AppealInput(serializers.Serializer):
    reason = serializers.CharField(min_length=10, max_length=5000)


class AppealSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True)

    class Meta:
        model = Appeal
        fields = ["id", "result", "reason", "status", "filed_at", "decided_at", "decision"]
        read_only_fields = fields


class FormEntrySerializer(serializers.Serializer):
    subject_id = serializers.IntegerField()
    subject_name = serializers.CharField()
    score = serializers.IntegerField(allow_null=True)
    unknown = serializers.BooleanField()


class EvaluationFormSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True)
    indicator_name = serializers.CharField(source="indicator.name", read_only=True)
    forms_close_at = serializers.DateTimeField(source="period.forms_close_at", read_only=True)
    entries = FormEntrySerializer(many=True, read_only=True)

    class Meta:
        model = EvaluationForm
        fields = ["id", "period", "indicator", "indicator_name", "status", "submitted_at", "forms_close_at", "entries"]
        read_only_fields = fields


class ScoreInput(serializers.Serializer):
    subject_id = serializers.IntegerField()
    score = serializers.IntegerField(
        min_value=1, max_value=5, allow_null=True, help_text="Empty for 不了解 (not known)."
    )


class SubmitInput(serializers.Serializer):
    scores = ScoreInput(many=True, allow_empty=False)


# --- Filters -------------------------------------------------------------------------------------------------------


class PeriodFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=PeriodStatus.choices)
    kind = filters.ChoiceFilter(choices=PeriodKind.choices)

    class Meta:
        model = Period
        fields = ["scheme", "status", "kind"]


class ResultFilter(filters.FilterSet):
    grade = filters.ChoiceFilter(choices=Grade.choices, field_name="proposed_grade")
    flagged = filters.BooleanFilter()

    class Meta:
        model = Result
        fields = ["period", "department", "staff", "grade", "flagged"]


class SchemeFilter(filters.FilterSet):
    subject_kind = filters.ChoiceFilter(choices=SubjectKind.choices)

    class Meta:
        model = Scheme
        fields = ["subject_kind", "is_active"]


# --- Views ---------------------------------------------------------------------------------------------------------


class SchemeViewSet(viewsets.ReadOnlyModelViewSet):
    """Schemes with their indicators and weights (supervisors)."""

    serializer_class = SchemeSerializer
    permission_classes = [IsSupervisor]
    filterset_class = SchemeFilter
    pagination_class = ById

    def get_queryset(self):
        return Scheme.objects.prefetch_related("indicators")


class PeriodViewSet(viewsets.ReadOnlyModelViewSet):
    """Periods (supervisors): run or re-run until published, then publish."""

    serializer_class = PeriodSerializer
    permission_classes = [IsSupervisor]
    filterset_class = PeriodFilter
    pagination_class = ById

    def get_queryset(self):
        return Period.objects.all()

    @extend_schema(request=None, responses=RunSerializer)
    @action(detail=True, methods=["post"])
    def run(self, request: Request, pk: str | None = None) -> Response:
        try:
            run = runs.run_period(self.get_object(), actor=request.user)
        except DjangoValidationError as error:
            raise _api_error(error) from error
        return Response(RunSerializer(run).data)

    @extend_schema(request=None, responses=PeriodSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        try:
            period = publishing.publish_period(self.get_object(), actor=request.user)
        except DjangoValidationError as error:
            raise _api_error(error) from error
        return Response(PeriodSerializer(period).data)


class ResultViewSet(viewsets.ReadOnlyModelViewSet):
    """Every result with its explanation (supervisors)."""

    permission_classes = [IsSupervisor]
    filterset_class = ResultFilter
    pagination_class = ByRank

    def get_serializer_class(self):
        return ExplainedResultSerializer if self.action == "retrieve" else ResultSerializer

    def get_queryset(self):
        rows = Result.objects.select_related("staff", "department")
        return rows.prefetch_related("lines") if self.action == "retrieve" else rows


class MyResultViewSet(viewsets.ReadOnlyModelViewSet):
    """One's own published results, explained; appeal one while its window is open."""

    serializer_class = ExplainedResultSerializer
    pagination_class = ById
    filterset_fields = ["period"]

    def get_queryset(self):
        return selectors.my_results(self.request.user).prefetch_related("lines")

    @extend_schema(request=AppealInput, responses=AppealSerializer)
    @action(detail=True, methods=["post"])
    def appeal(self, request: Request, pk: str | None = None) -> Response:
        result = self.get_object()
        data = AppealInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            appeal = publishing.file_appeal(result, user=request.user, reason=data.validated_data["reason"])
        except DjangoPermissionDenied as denied:
            raise PermissionDenied from denied
        except DjangoValidationError as error:
            raise _api_error(error) from error
        return Response(AppealSerializer(appeal).data, status=201)


class MyFormViewSet(viewsets.ReadOnlyModelViewSet):
    """The evaluator's forms; submit the scores while the form is open."""

    serializer_class = EvaluationFormSerializer
    pagination_class = ById
    filterset_fields = ["period", "status"]

    def get_queryset(self):
        return selectors.my_forms(self.request.user).prefetch_related("entries")

    @extend_schema(request=SubmitInput, responses=EvaluationFormSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        form = self.get_object()
        data = SubmitInput(data=request.data)
        data.is_valid(raise_exception=True)
        scores = {
            row["subject_id"]: (form_services.UNKNOWN if row["score"] is None else row["score"])
            for row in data.validated_data["scores"]
        }
        try:
            form = form_services.submit_form(form, user=request.user, scores=scores)
        except DjangoValidationError as error:
            raise _api_error(error) from error
        return Response(EvaluationFormSerializer(form).data)
