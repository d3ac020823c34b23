"""API of intake: applying (multipart), tracking by code and proof, supplementing missing materials."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.exceptions import APIException, NotFound, Throttled, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from approvals.models import Case, CaseStatus, Item
from approvals.selectors import tracking
from approvals.services import intake
from approvals.views.applying import _client, track_blocked, track_failed
from efficiency_portal.common import receipts

NOT_FOUND = _("No case matches this code and secret or phone.")
BLOCKED = _("Too many failed look-ups from your address. Please try again in 10 minutes.")


def service_errors(error: DjangoValidationError) -> ValidationError:
    if hasattr(error, "error_dict"):
        return ValidationError({field: [str(m) for m in messages] for field, messages in error.message_dict.items()})
    return ValidationError({"non_field_errors": [str(m) for m in error.messages]})


def files_by_material(request: Request) -> dict[int, list]:
    """Files sent as ``material_<id>`` (several files per material allowed); other keys are a 400."""
    files: dict[int, list] = {}
    errors: dict[str, list[str]] = {}
    for key in request.FILES:
        prefix, _sep, number = key.partition("_")
        if prefix != "material" or not number.isdigit():
            errors[key] = [str(_("Send files as material_<id>."))]
            continue
        files[int(number)] = request.FILES.getlist(key)
    if errors:
        raise ValidationError(errors)
    return files


class ApplySerializer(serializers.Serializer):
    applicant_name = serializers.CharField(max_length=100)
    applicant_phone = serializers.RegexField(r"^[0-9+\- ]{7,20}$", max_length=20)
    applicant_email = serializers.EmailField(required=False, allow_blank=True, default="")
    enterprise_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    form_token = serializers.CharField(
        max_length=64, required=False, allow_blank=True, default="", help_text="Sent twice, it creates one case."
    )


class ApplyResultSerializer(serializers.Serializer):
    case_id = serializers.IntegerField()
    tracking_code = serializers.CharField()
    secret = serializers.CharField(
        allow_null=True,
        help_text="Keep it to track the case; a repeat of the same form token answers it again for "
        "RECEIPT_SECRET_MINUTES, then null.",
    )
    status = serializers.CharField()


class IdempotencyConflict(APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = _("This form token was already used for a different request; use a new one.")
    default_code = "idempotency_conflict"


class ApplyView(APIView):
    """Apply online for an item; files as ``material_<id>`` multipart fields."""

    permission_classes = [permissions.AllowAny]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request=ApplySerializer, responses={201: ApplyResultSerializer})
    def post(self, request: Request, code: str) -> Response:
        item = get_object_or_404(Item, code=code, is_published=True, online=True)
        serializer = ApplySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        files = files_by_material(request)
        data = serializer.validated_data
        token = data.pop("form_token") or request.headers.get("Idempotency-Key") or ""
        applicant = request.user if request.user.is_authenticated else None
        try:
            if token:
                # Bound to the caller (account or address) and to the content: see efficiency_portal.common.receipts.
                key = "api:" + receipts.scoped_key(receipts.caller_scope(applicant, _client(request)), token)[:60]
                submitted = intake.submit_once(item, submission_key=key, applicant=applicant, files=files, **data)
            else:
                case, secret = intake.submit_application(item, applicant=applicant, files=files, **data)
                submitted = intake.Submitted(case, secret, False)
        except DjangoValidationError as error:
            raise service_errors(error) from error
        except receipts.Conflict as error:
            raise IdempotencyConflict from error
        case = submitted.case
        result = {
            "case_id": case.pk,
            "tracking_code": case.tracking_code,
            "secret": submitted.secret,
            "status": case.status,
        }
        code = status.HTTP_200_OK if submitted.duplicate else status.HTTP_201_CREATED
        return Response(ApplyResultSerializer(result).data, status=code)


class TimelineEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    text = serializers.CharField()


class TrackSerializer(serializers.Serializer):
    tracking_code = serializers.CharField()
    item = serializers.CharField()
    department = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    submitted_at = serializers.DateTimeField()
    timeline = TimelineEntrySerializer(many=True)
    missing_materials = serializers.ListField(child=serializers.DictField(), allow_null=True)
    notice = serializers.CharField(allow_null=True)


def _proven_case(request: Request, code: str, proof: str) -> Case:
    if track_blocked(request._request):
        raise Throttled(detail=str(BLOCKED))
    case = tracking.find_case(code, proof)
    if case is None:
        track_failed(request._request)
        raise NotFound(str(NOT_FOUND))
    return case


def _track_data(case: Case) -> dict:
    notice = intake.open_notice(case) if case.status == CaseStatus.SUPPLEMENT else None
    return {
        "tracking_code": case.tracking_code,
        "item": case.item.name,
        "department": case.department.name,
        "status": case.status,
        "status_label": str(case.get_status_display()),
        "submitted_at": case.submitted_at,
        "timeline": [{"at": e.at, "text": e.text} for e in tracking.public_timeline(case)],
        "missing_materials": [{"id": m.pk, "name": m.name} for m in notice.missing.all()] if notice else None,
        "notice": notice.note if notice else None,
    }


class TrackView(APIView):
    """A case's status and public timeline; the proof is the secret or the applicant's phone."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        parameters=[
            OpenApiParameter("code", str, required=True),
            OpenApiParameter("proof", str, required=True, description="the secret or the applicant's phone"),
        ],
        responses={200: TrackSerializer},
    )
    def get(self, request: Request) -> Response:
        case = _proven_case(request, request.query_params.get("code", ""), request.query_params.get("proof", ""))
        return Response(TrackSerializer(_track_data(case)).data)


class SupplementSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=20)
    proof = serializers.CharField(max_length=40)


class SupplementView(APIView):
    """Upload the materials a notice asked for (files as ``material_<id>``)."""

    permission_classes = [permissions.AllowAny]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request=SupplementSerializer, responses={200: TrackSerializer})
    def post(self, request: Request) -> Response:
        serializer = SupplementSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        case = _proven_case(request, serializer.validated_data["code"], serializer.validated_data["proof"])
        try:
            case = intake.supplement_materials(
                case,
                files=files_by_material(request),
                actor=request.user if request.user.is_authenticated else None,
            )
        except DjangoValidationError as error:
            raise service_errors(error) from error
        return Response(TrackSerializer(_track_data(case)).data)
