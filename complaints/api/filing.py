"""Filing (online and the office's intake) and the complainant's tracking: read, add evidence, rate and reopen with
the tracking number and secret."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.exceptions import APIException, NotFound, Throttled
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from approvals.selectors.finished import applicant_cases_for_complaints
from complaints import captcha
from complaints import serializers as s
from complaints.models import Complaint
from complaints.services import handling, tracking
from complaints.services.filing import add_evidence, file_complaint
from efficiency_portal.common import receipts

from .common import IsSupervisor, active_department, active_staff, api_error


class IdempotencyConflict(APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = gettext_lazy("This idempotency key was already used for a different request; use a new key.")
    default_code = "idempotency_conflict"


def api_submission_key(request: Request, data: dict, caller) -> str | None:
    """The caller's key (``Idempotency-Key`` or ``submission_key``) bound to the caller: the account, else the
    client's address, so that nobody reaches another caller's filing with the same key."""
    key = data.get("submission_key") or request.headers.get("Idempotency-Key") or ""
    if not key:
        return None
    return "api:" + receipts.scoped_key(receipts.caller_scope(caller, captcha.client(request)), key)[:60]


def file_from_api(request: Request, data: dict, *, channel: str, complainant=None, received_by=None):
    if captcha.blocked(request):
        raise Throttled(detail=_("Too many complaints from this address; please try again later."))
    department = active_department(data.get("department"))
    staff = active_staff(data.get("staff"))
    if data.get("staff") and staff is None:
        raise ApiValidationError({"staff": [_("This civil servant is not known.")]})
    case = None
    if data.get("case"):
        # Only one's own application; another's is refused as if it did not exist.
        case = applicant_cases_for_complaints(complainant).filter(pk=data["case"]).first()
        if case is None:
            raise ApiValidationError({"case": [_("You can only complain about your own cases here.")]})
    try:
        filed = file_complaint(
            category=data.get("category", ""),
            description=data.get("description", ""),
            department=department,
            staff=staff,
            case=case,
            happened_on=data.get("happened_on"),
            place=data.get("place", ""),
            anonymous=data.get("anonymous", False),
            name=data.get("name", ""),
            phone=data.get("phone", ""),
            email=data.get("email", ""),
            files=data.get("attachments") or [],
            complainant=complainant,
            channel=channel,
            received_by=received_by,
            submission_key=api_submission_key(request, data, complainant or received_by),
        )
    except DjangoValidationError as error:
        raise api_error(error) from error
    except receipts.Conflict as error:
        raise IdempotencyConflict from error
    if not filed.duplicate:
        captcha.count_filing(request)
    return filed


class FileView(APIView):
    """File a complaint (anyone). The same ``Idempotency-Key`` (or ``submission_key``) from the same caller files
    once: a repeat with the same content gets the first answer again (200, with the secret for
    ``RECEIPT_SECRET_MINUTES``), with other content a 422.

    JSON, or multipart with ``attachments`` (files, repeated); ``case`` names one of the signed-in citizen's own
    applications."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        request={"application/json": s.ComplaintFileInput, "multipart/form-data": s.ComplaintFileInput},
        responses={201: s.ComplaintFiledOutput, 200: s.ComplaintFiledOutput},
    )
    def post(self, request: Request) -> Response:
        data = s.ComplaintFileInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = request.user if request.user.is_authenticated else None
        filed = file_from_api(request, data.validated_data, channel="online", complainant=user)
        body = {
            "id": filed.complaint.pk,
            "tracking_code": filed.complaint.tracking_code,
            "secret": filed.secret,
            "duplicate": filed.duplicate,
        }
        return Response(body, status=status.HTTP_200_OK if filed.duplicate else status.HTTP_201_CREATED)


def proved(request: Request, code: str, secret: str) -> Complaint:
    """The complaint of this number and secret, through the look-up limit shared with the tracking page and
    Open311: 429 once the address has failed too often, 404 for a wrong number or secret."""
    try:
        complaint = tracking.prove(code, secret, client=captcha.client(request))
    except tracking.LookupLimited as error:
        raise Throttled(
            detail=_("Too many failed look-ups from your address. Please try again in 10 minutes.")
        ) from error
    if complaint is None:
        raise NotFound
    return complaint


class TrackView(APIView):
    """Read one's complaint with the tracking number and secret."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(request=s.ComplaintTrackInput, responses=s.PublicComplaintSerializer)
    def post(self, request: Request) -> Response:
        data = s.ComplaintTrackInput(data=request.data)
        data.is_valid(raise_exception=True)
        complaint = proved(request, data.validated_data["code"], data.validated_data["secret"])
        return Response(s.PublicComplaintSerializer(complaint).data)


class _TrackAction(APIView):
    """A complainant's action with the tracking number and secret, answered with the complaint as they read it."""

    permission_classes = [permissions.AllowAny]
    input_class: type[serializers.Serializer]

    def act(self, complaint: Complaint, values: dict) -> None:
        raise NotImplementedError

    def respond(self, request: Request) -> Response:
        data = self.input_class(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        complaint = proved(request, values["code"], values["secret"])
        try:
            self.act(complaint, values)
        except DjangoValidationError as error:
            raise api_error(error) from error
        return Response(
            s.PublicComplaintSerializer(Complaint.objects.select_related("department").get(pk=complaint.pk)).data
        )


class TrackRateView(_TrackAction):
    """The complainant rates the handling after the reply (number and secret): 3 or more closes the complaint."""

    input_class = s.TrackRateInput

    def act(self, complaint: Complaint, values: dict) -> None:
        handling.rate_handling(complaint, level=values["level"], comment=values["comment"])

    @extend_schema(request=s.TrackRateInput, responses=s.PublicComplaintSerializer)
    def post(self, request: Request) -> Response:
        return self.respond(request)


class TrackEvidenceView(_TrackAction):
    """The complainant adds evidence until the finding (number and secret; multipart)."""

    input_class = s.TrackEvidenceInput

    def act(self, complaint: Complaint, values: dict) -> None:
        add_evidence(complaint, values["attachments"])

    @extend_schema(request={"multipart/form-data": s.TrackEvidenceInput}, responses=s.PublicComplaintSerializer)
    def post(self, request: Request) -> Response:
        return self.respond(request)


class TrackReopenView(_TrackAction):
    """The complainant reopens the complaint once after the reply, with a reason (number and secret)."""

    input_class = s.TrackReopenInput

    def act(self, complaint: Complaint, values: dict) -> None:
        handling.reopen(complaint, reason=values["reason"])

    @extend_schema(request=s.TrackReopenInput, responses=s.PublicComplaintSerializer)
    def post(self, request: Request) -> Response:
        return self.respond(request)


class IntakeView(APIView):
    """Supervisors record a hotline, letter or walk-in complaint for a citizen."""

    permission_classes = [IsSupervisor]

    @extend_schema(request=s.ComplaintFileInput, responses={201: s.ComplaintFiledOutput, 200: s.ComplaintFiledOutput})
    def post(self, request: Request, channel: str) -> Response:
        if channel not in ("hotline", "letter", "walk_in"):
            raise NotFound
        data = s.ComplaintFileInput(data=request.data)
        data.is_valid(raise_exception=True)
        filed = file_from_api(request, data.validated_data, channel=channel, received_by=request.user)
        body = {
            "id": filed.complaint.pk,
            "tracking_code": filed.complaint.tracking_code,
            "secret": filed.secret,
            "duplicate": filed.duplicate,
        }
        return Response(body, status=status.HTTP_200_OK if filed.duplicate else status.HTTP_201_CREATED)
