"""Open311 GeoReport v2 compatibility: ``services`` (the categories) and ``requests`` (file, read by id), as JSON
or XML (the format is the extension of the path, as in the specification).

The portal's richer states travel in extension fields (``portal_status``, ``portal_status_label``, ``finding``).
Reading a request without its secret shows only what is public (category, state, dates, the department); with
``secret`` (an extension parameter, returned once when the request was filed) the description, the place, the
finding and the reply are shown too. Wrong secrets count against the address like on the tracking page.

Requests are read only by id (``service_request_id``, one or a comma-separated list): the list without ids that
GeoReport describes would let anyone enumerate tracking numbers, so it answers 400. Errors are GeoReport's
``[{"code": 400, "description": "..."}]`` (``<errors><error>`` in XML).
"""

from __future__ import annotations

import re
from xml.etree import ElementTree

from django.utils.encoding import force_str
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied, Throttled, ValidationError
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from complaints import captcha
from complaints.api import file_from_api
from complaints.models import Category, Complaint, ComplaintStatus
from complaints.serializers import phone_field
from complaints.services import tracking
from efficiency_portal.org.models import Department

OPEN_STATES = {
    ComplaintStatus.SUBMITTED,
    ComplaintStatus.ACCEPTED,
    ComplaintStatus.INVESTIGATING,
    ComplaintStatus.WITH_DEPARTMENT,
    ComplaintStatus.CONCLUDED,
    ComplaintStatus.REOPENED,
}
LIST_LIMIT = 20  # ids per look-up
# Characters XML 1.0 cannot carry (C0 controls other than tab, newline and carriage return; lone surrogates;
# U+FFFE/U+FFFF). Citizens' text may hold them; they are left out of the XML rather than making it malformed.
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value) -> str:
    text = force_str(value).lower() if isinstance(value, bool) else force_str(value)
    return _NOT_IN_XML.sub("", text)


def georeport_errors(code: int, data) -> list[dict]:
    """DRF's error body (``{"detail": ...}`` or field errors) as GeoReport's list of errors."""
    descriptions: list[str] = []
    if isinstance(data, dict):
        for field, value in data.items():
            for message in value if isinstance(value, list) else [value]:
                own = field in ("detail", "non_field_errors")
                descriptions.append(force_str(message) if own else f"{field}: {force_str(message)}")
    elif isinstance(data, list):
        descriptions = [force_str(message) for message in data]
    else:
        descriptions = [force_str(data)]
    return [{"code": code, "description": description} for description in descriptions or [""]]


class GeoReportXMLRenderer(BaseRenderer):
    """GeoReport's XML: a list becomes <services>/<service> or <service_requests>/<request>; errors
    <errors>/<error> with <code> and <description>."""

    media_type = "application/xml"
    format = "xml"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        context = renderer_context or {}
        response = context.get("response")
        root_name, item_name = getattr(context.get("view"), "xml_names", ("service_requests", "request"))
        if response is not None and response.exception:
            root_name, item_name = "errors", "error"
            if not (isinstance(data, list) and all(isinstance(row, dict) and "code" in row for row in data)):
                data = georeport_errors(response.status_code, data)
        root = ElementTree.Element(root_name)
        for row in data if isinstance(data, list) else [data]:
            item = ElementTree.SubElement(root, item_name)
            for key, value in row.items():
                child = ElementTree.SubElement(item, key)
                if value is not None:
                    child.text = xml_text(value)
        return b'<?xml version="1.0" encoding="utf-8"?>' + ElementTree.tostring(root, encoding="utf-8")


class Open311ServiceSerializer(serializers.Serializer):
    service_code = serializers.CharField()
    service_name = serializers.CharField()
    description = serializers.CharField()
    metadata = serializers.BooleanField()
    type = serializers.CharField()
    keywords = serializers.CharField()
    group = serializers.CharField()


class Open311RequestSerializer(serializers.Serializer):
    service_request_id = serializers.CharField()
    status = serializers.CharField()
    status_notes = serializers.CharField(allow_null=True)
    service_name = serializers.CharField()
    service_code = serializers.CharField()
    description = serializers.CharField(allow_null=True)
    agency_responsible = serializers.CharField()
    requested_datetime = serializers.DateTimeField()
    updated_datetime = serializers.DateTimeField()
    address = serializers.CharField(allow_null=True)
    portal_status = serializers.CharField()
    portal_status_label = serializers.CharField()
    finding = serializers.CharField(allow_null=True)


class Open311RequestInput(serializers.Serializer):
    service_code = serializers.CharField(max_length=20)
    description = serializers.CharField(max_length=5000)
    agency_code = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    address_string = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    first_name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    last_name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="")

    def validate_phone(self, value: str) -> str:
        return phone_field(value)


class Open311FiledRequestSerializer(serializers.Serializer):
    service_request_id = serializers.CharField()
    service_notice = serializers.CharField()
    account_id = serializers.CharField(allow_null=True)
    secret = serializers.CharField(allow_null=True)


class GeoReportView(APIView):
    permission_classes = [permissions.AllowAny]
    renderer_classes = [JSONRenderer, GeoReportXMLRenderer]

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        response.data = georeport_errors(response.status_code, response.data)
        return response


def request_row(complaint: Complaint, *, with_text: bool) -> dict:
    return {
        "service_request_id": complaint.tracking_code,
        "status": "open" if complaint.status in OPEN_STATES else "closed",
        "status_notes": (complaint.reply_text or None) if with_text else None,
        "service_name": str(Category(complaint.category).label),
        "service_code": complaint.category,
        "description": complaint.description if with_text else None,
        "agency_responsible": complaint.department.name,
        "requested_datetime": complaint.received_at.isoformat(),
        "updated_datetime": complaint.updated_at.isoformat(),
        "address": (complaint.place or None) if with_text else None,
        "portal_status": complaint.status,
        "portal_status_label": str(complaint.get_status_display()),
        "finding": (complaint.finding or None) if with_text else None,
    }


class ServicesView(GeoReportView):
    xml_names = ("services", "service")

    @extend_schema(responses=Open311ServiceSerializer(many=True), operation_id="open311_services")
    def get(self, request: Request, format=None) -> Response:
        rows = [
            {
                "service_code": value,
                "service_name": str(label),
                "description": str(label),
                "metadata": False,
                "type": "realtime",
                "keywords": _("efficiency complaint"),
                "group": _("Efficiency complaints"),
            }
            for value, label in Category.choices
        ]
        return Response(rows)


class RequestsView(GeoReportView):
    xml_names = ("service_requests", "request")

    @extend_schema(
        responses=Open311RequestSerializer(many=True),
        operation_id="open311_requests_list",
        parameters=[
            OpenApiParameter(
                "service_request_id", str, required=True, description=f"one id or up to {LIST_LIMIT} comma-separated"
            )
        ],
    )
    def get(self, request: Request, format=None) -> Response:
        """The named requests, public fields only. Without ``service_request_id``: 400 (no listing)."""
        ids = [
            code
            for code in (tracking.normal_code(c) for c in request.query_params.get("service_request_id", "").split(","))
            if code
        ]
        if not ids:
            raise ValidationError(
                {"service_request_id": [_("Please give the id of the request (or several, separated by commas).")]}
            )
        if len(ids) > LIST_LIMIT:
            raise ValidationError(
                {"service_request_id": [_("Please ask for at most %(max)d requests at once.") % {"max": LIST_LIMIT}]}
            )
        rows = (
            Complaint.objects.select_related("department").filter(tracking_code__in=ids).order_by("-received_at", "-pk")
        )
        return Response([request_row(c, with_text=False) for c in rows])

    @extend_schema(
        request=Open311RequestInput,
        responses={201: Open311FiledRequestSerializer(many=True)},
        operation_id="open311_requests_create",
    )
    def post(self, request: Request, format=None) -> Response:
        data = Open311RequestInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        department = Department.objects.filter(code=values["agency_code"], is_active=True).first()
        if department is None:
            raise ValidationError({"agency_code": [_("Please give the code of a department that exists.")]})
        name = f"{values['last_name']}{values['first_name']}".strip()
        filed = file_from_api(
            request,
            {
                "category": values["service_code"],
                "description": values["description"],
                "department": department.pk,
                "place": values["address_string"],
                "anonymous": not name,
                "name": name,
                "phone": values["phone"],
                "email": values["email"],
            },
            channel="open311",
        )
        body = [
            {
                "service_request_id": filed.complaint.tracking_code,
                "service_notice": _("Keep the secret to read the reply; it is shown only once."),
                "account_id": None,
                "secret": filed.secret,
            }
        ]
        return Response(body, status=status.HTTP_201_CREATED)


class RequestView(GeoReportView):
    xml_names = ("service_requests", "request")

    @extend_schema(
        responses=Open311RequestSerializer(many=True),
        operation_id="open311_request",
        parameters=[OpenApiParameter("secret", str, description="the secret returned when filing")],
    )
    def get(self, request: Request, code: str, format=None) -> Response:
        secret = request.query_params.get("secret", "").strip()
        if not secret:
            complaint = (
                Complaint.objects.select_related("department").filter(tracking_code=tracking.normal_code(code)).first()
            )
            if complaint is None:
                raise NotFound(_("No request has this id."))
            return Response([request_row(complaint, with_text=False)])
        try:
            complaint = tracking.prove(code, secret, client=captcha.client(request))
        except tracking.LookupLimited as error:
            raise Throttled(
                detail=_("Too many failed look-ups from your address. Please try again in 10 minutes.")
            ) from error
        if complaint is None:
            raise PermissionDenied(_("No request matches this id and secret."))
        return Response([request_row(complaint, with_text=True)])
