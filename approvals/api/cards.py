"""API of electronic supervision on cases: cards (scoped), explanations, reviews, talk flags, flagged refusals."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from approvals.models import Case
from approvals.models.cards import Card, CardLevel, CardTrigger, ExplanationStatus, TalkFlag
from approvals.selectors import cards as selectors
from approvals.services import cards as services
from efficiency_portal.org.roles import is_supervisor


def _api_error(error: DjangoValidationError) -> ApiValidationError:
    return ApiValidationError(error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages})


class CardSerializer(serializers.ModelSerializer):
    tracking_code = serializers.CharField(source="case.tracking_code", read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True)
    handler_name = serializers.SerializerMethodField()

    class Meta:
        model = Card
        fields = [
            "id",
            "case",
            "tracking_code",
            "department",
            "department_name",
            "handler",
            "handler_name",
            "level",
            "trigger",
            "raised_at",
            "detail",
            "explanation_status",
            "explanation",
            "explained_at",
            "reviewed_at",
            "review_note",
        ]
        read_only_fields = fields

    def get_handler_name(self, card: Card) -> str:
        if card.handler is None:
            return ""
        return card.handler.display_name or card.handler.username


class ExplanationInput(serializers.Serializer):
    explanation = serializers.CharField(min_length=services.MIN_EXPLANATION_CHARS, max_length=5000)


class ReviewInput(serializers.Serializer):
    accept = serializers.BooleanField()
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class NoteInput(serializers.Serializer):
    note = serializers.CharField(max_length=2000)


class CardFilter(filters.FilterSet):
    level = filters.ChoiceFilter(choices=CardLevel.choices)
    trigger = filters.ChoiceFilter(choices=CardTrigger.choices)
    explanation_status = filters.ChoiceFilter(choices=ExplanationStatus.choices)
    raised_from = filters.IsoDateTimeFilter(field_name="raised_at", lookup_expr="gte")
    raised_before = filters.IsoDateTimeFilter(field_name="raised_at", lookup_expr="lt")

    class Meta:
        model = Card
        fields = ["department", "handler", "case", "level", "trigger", "explanation_status"]


class RaisedOrder(CursorPagination):
    ordering = ("-raised_at", "-id")


class CardViewSet(viewsets.ReadOnlyModelViewSet):
    """Cards: a handler sees their own, heads and leaders their departments', supervisors all."""

    serializer_class = CardSerializer
    filterset_class = CardFilter
    pagination_class = RaisedOrder

    def get_queryset(self):
        return selectors.card_rows(selectors.visible_cards(self.request.user))

    @action(detail=True, methods=["post"], serializer_class=ExplanationInput)
    def explain(self, request: Request, pk: str | None = None) -> Response:
        """The handler's written explanation of a red card (again after it was sent back)."""
        card = self.get_object()
        data = ExplanationInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            card = services.submit_explanation(card, request.user, data.validated_data["explanation"])
        except DjangoValidationError as error:
            raise _api_error(error) from error
        return Response(CardSerializer(card).data)

    @action(detail=True, methods=["post"], serializer_class=ReviewInput)
    def review(self, request: Request, pk: str | None = None) -> Response:
        """A supervisor accepts the explanation or sends it back with a note."""
        if not is_supervisor(request.user):
            raise PermissionDenied
        card = self.get_object()
        data = ReviewInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            card = services.review_explanation(
                card, request.user, accept=data.validated_data["accept"], note=data.validated_data["note"]
            )
        except DjangoValidationError as error:
            raise _api_error(error) from error
        return Response(CardSerializer(card).data)


class TalkFlagSerializer(serializers.ModelSerializer):
    department_name = serializers.CharField(source="department.name", read_only=True)

    class Meta:
        model = TalkFlag
        fields = [
            "id",
            "department",
            "department_name",
            "month",
            "red_cards",
            "raised_at",
            "held_at",
            "held_by",
            "note",
        ]
        read_only_fields = fields


class TalkFlagFilter(filters.FilterSet):
    month = filters.DateFilter()

    class Meta:
        model = TalkFlag
        fields = ["department", "month"]


class MonthOrder(CursorPagination):
    ordering = ("-month", "id")


class TalkFlagViewSet(viewsets.ReadOnlyModelViewSet):
    """Talk flags (约谈): supervisors see all; heads and leaders those of their departments."""

    serializer_class = TalkFlagSerializer
    filterset_class = TalkFlagFilter
    pagination_class = MonthOrder

    def get_queryset(self):
        return selectors.visible_talk_flags(self.request.user)

    @action(detail=True, methods=["post"], serializer_class=NoteInput)
    def held(self, request: Request, pk: str | None = None) -> Response:
        """A supervisor records that the talk was held."""
        if not is_supervisor(request.user):
            raise PermissionDenied
        flag = self.get_object()
        data = NoteInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            flag = services.record_talk_held(flag, request.user, data.validated_data["note"])
        except DjangoValidationError as error:
            raise _api_error(error) from error
        return Response(TalkFlagSerializer(flag).data)


class FlagRefusalView(APIView):
    """A supervisor flags a refused case as refused without a valid reason: a red card for its handler."""

    serializer_class = NoteInput

    def post(self, request: Request, pk: int) -> Response:
        if not is_supervisor(request.user):
            raise PermissionDenied
        case = get_object_or_404(Case, pk=pk)
        data = NoteInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            card = services.flag_refusal_without_reason(case, request.user, data.validated_data["note"])
        except DjangoValidationError as error:
            raise _api_error(error) from error
        return Response(CardSerializer(card).data, status=status.HTTP_201_CREATED)
