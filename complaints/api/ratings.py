"""Service ratings (of a finished case or a window visit), their appeals, and the rectification orders of bad ones."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, Throttled
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from approvals.selectors.finished import rateable_cases
from complaints import captcha
from complaints import serializers as s
from complaints.models import RectificationOrder, RectificationStatus, ServiceRating
from complaints.selectors import lists
from complaints.selectors.access import department_scope, may_see_ratings, may_work_rectification
from complaints.services import ratings
from efficiency_portal.org.roles import is_staff_member, is_supervisor

from .common import IsSupervisor, active_department, active_staff, api_error, pages


class RatingViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.ServiceRatingSerializer
    pagination_class = pages("-rated_at", "-id")

    queryset = ServiceRating.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ServiceRating.objects.none()
        if not may_see_ratings(self.request.user):
            raise PermissionDenied
        keys = ("department", "level", "subject", "appeal")
        return lists.rating_list({k: self.request.query_params.get(k, "") for k in keys}, user=self.request.user)

    @extend_schema(request=s.RatingAppealInput, responses=s.ServiceRatingSerializer)
    @action(detail=True, methods=["post"])
    def appeal(self, request: Request, pk=None) -> Response:
        """The rated department asks to set aside a malicious bad rating (staff of that department)."""
        rating = ServiceRating.objects.filter(pk=pk).first()
        if rating is None or rating.department_id not in department_scope(request.user):
            raise NotFound
        data = s.RatingAppealInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            rating = ratings.appeal_rating(rating, request.user, reason=data.validated_data["reason"])
        except DjangoValidationError as error:
            raise api_error(error) from error
        return Response(s.ServiceRatingSerializer(rating).data)

    @extend_schema(request=s.RatingAppealDecisionInput, responses=s.ServiceRatingSerializer)
    @action(detail=True, methods=["post"], url_path="appeal-decision", permission_classes=[IsSupervisor])
    def appeal_decision(self, request: Request, pk=None) -> Response:
        """A supervisor sets the rating aside (``uphold``) or lets it stand, with the grounds."""
        rating = get_object_or_404(ServiceRating, pk=pk)
        data = s.RatingAppealDecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            rating = ratings.decide_appeal(rating, request.user, **data.validated_data)
        except DjangoValidationError as error:
            raise api_error(error) from error
        return Response(s.ServiceRatingSerializer(rating).data)


class CaseRatingView(APIView):
    """The signed-in applicant rates their own finished case, once."""

    @extend_schema(request=s.CaseRatingInput, responses={201: s.ServiceRatingSerializer})
    def post(self, request: Request) -> Response:
        data = s.CaseRatingInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        case = rateable_cases(request.user).filter(pk=values.pop("case")).first()
        if case is None:
            raise ApiValidationError({"case": [_("Only your own finished case can be rated.")]})
        try:
            rating = ratings.rate_case(case, rater=request.user, **values)
        except DjangoValidationError as error:
            raise api_error(error) from error
        return Response(s.ServiceRatingSerializer(rating).data, status=status.HTTP_201_CREATED)


class WindowRatingView(APIView):
    """A rating at a window visit (the evaluator device or the visitor's phone)."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(request=s.WindowRatingInput, responses={201: s.ServiceRatingSerializer})
    def post(self, request: Request) -> Response:
        if captcha.blocked(request, captcha.WINDOW_RATINGS):
            raise Throttled(detail=_("Too many ratings from this address; please try again later."))
        data = s.WindowRatingInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        department = active_department(values.pop("department"))
        handler_id = values.pop("handler", None)
        handler = active_staff(handler_id)
        if handler_id and handler is None:
            raise ApiValidationError({"handler": [_("This person is not known.")]})
        try:
            rating = ratings.rate_window_visit(department, handler=handler, rater=request.user, **values)
        except DjangoValidationError as error:
            raise api_error(error) from error
        captcha.count_filing(request, captcha.WINDOW_RATINGS)
        return Response(s.ServiceRatingSerializer(rating).data, status=status.HTTP_201_CREATED)


class RectificationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.RectificationSerializer
    pagination_class = pages("-opened_at", "-id")

    queryset = RectificationOrder.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return RectificationOrder.objects.none()
        if not (is_staff_member(self.request.user) or is_supervisor(self.request.user)):
            raise PermissionDenied
        return lists.rectification_list(self.request.user).order_by("-opened_at", "-pk")

    @extend_schema(request=s.RectificationNoteInput, responses=s.RectificationSerializer)
    @action(detail=True, methods=["post"])
    def step(self, request: Request, pk=None) -> Response:
        order = get_object_or_404(RectificationOrder, pk=self.get_object().pk)
        if not may_work_rectification(request.user, order):
            raise PermissionDenied
        data = s.RectificationNoteInput(data=request.data)
        data.is_valid(raise_exception=True)
        steps = {
            RectificationStatus.OPEN: ratings.record_contact,
            RectificationStatus.CONTACTED: ratings.record_rectification,
            RectificationStatus.RECTIFIED: ratings.record_follow_up,
        }
        if order.status not in steps:
            raise ApiValidationError({"detail": [_("This order is closed.")]})
        try:
            order = steps[order.status](order, request.user, note=data.validated_data["note"])
        except DjangoValidationError as error:
            raise api_error(error) from error
        return Response(s.RectificationSerializer(order).data)
