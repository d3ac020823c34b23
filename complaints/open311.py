"""Open311 GeoReport v2 compatibility: ``services`` (the categories) and ``requests`` (file, list, one), as JSON
or XML (the format is the extension of the path, as in the specification).

The portal's richer states travel in extension fields (``portal_status``, ``portal_status_label``, ``finding``).
Reading a request without its secret shows only what is public (category, state, dates); with ``secret`` (an
extension parameter, returned once when the request was filed) the description and the reply are shown too.
"""

from __future__ import annotations

from xml.etree import ElementTree

from django.contrib.auth.hashers import check_password
from django.utils.encoding import force_str
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from complaints.api import file_from_api
from complaints.models import Category, Complaint, ComplaintStatus

OPEN_STATES = {
    ComplaintStatus.SUBMITTED,
    ComplaintStatus.ACCEPTED,
    ComplaintStatus.INVESTIGATING,
    ComplaintStatus.WITH_DEPARTMENT,
    ComplaintStatus.CONCLUDED,
    ComplaintStatus.REOPENED,
}
LIST_LIMIT = 100


class GeoReportXMLRenderer(BaseRenderer):
    """GeoReport's XML: a list becomes <services>/<service> or <service_requests>/<request>; errors <errors>."""

    media_type = "application/xml"
    format = "xml"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        view = (renderer_context or {}).get("view")
        root_name, item_name = getattr(view, "xml_names", ("service_requests", "request"))
        if isinstance(data, dict) and ("detail" in data or "errors" in data):
            root_name, item_name = "errors", "error"
            data = [{"code": (renderer_context or {}).get("response").status_code, "description": data}]
        root = ElementTree.Element(root_name)
        for row in data if isinstance(data, list) else [data]:
            item = ElementTree.SubElement(root, item_name)
            for key, value in row.items():
                child = ElementTree.SubElement(item, key)
                if value is None:
                    continue
                child.text = force_str(value).lower() if isinstance(value, bool) else force_str(value)
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
    finding = serializers.CharField()


class Open311RequestInput(serializers.Serializer):
    service_code = serializers.CharField(max_length=20)
    description = serializers.CharField(max_length=5000)
    agency_code = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    address_string = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    first_name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    last_name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="")


class Open311FiledRequestSerializer(serializers.Serializer):
    service_request_id = serializers.CharField()
    service_notice = serializers.CharField()
    account_id = serializers.CharField(allow_null=True)
    secret = serializers.CharField(allow_null=True)


class GeoReportView(APIView):
    permission_classes = [permissions.AllowAny]
    renderer_classes = [JSONRenderer, GeoReportXMLRenderer]


def request_row(complaint: Complaint, *, with_text: bool) -> dict:
    return {
        "service_request_id": complaint.tracking_code,
        "status": "open" if complaint.status in OPEN_STATES else "closed",
        "status_notes": (complaint.reply_text or None) if with_text else None,
        "service_name": str(Category(complaint.category).label),
        "service_code": complaint.category,
        "description": complaint.description if with_text else None,
        "agency_responsible": "效能办",
        "requested_datetime": complaint.received_at.isoformat(),
        "updated_datetime": complaint.updated_at.isoformat(),
        "address": (complaint.place or None) if with_text else None,
        "portal_status": complaint.status,
        "portal_status_label": str(complaint.get_status_display()),
        "finding": complaint.finding,
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
                "keywords": "效能投诉",
                "group": "效能投诉",
            }
            for value, label in Category.choices
        ]
        return Response(rows)


class RequestsView(GeoReportView):
    xml_names = ("service_requests", "request")

    @extend_schema(
        responses=Open311RequestSerializer(many=True),
        operation_id="open311_requests_list",
        parameters=[OpenApiParameter("service_request_id", str, description="comma-separated ids")],
    )
    def get(self, request: Request, format=None) -> Response:
        """Public fields only; with ``service_request_id`` the named requests, else the latest."""
        rows = Complaint.objects.order_by("-received_at", "-pk")
        ids = [code.strip().upper() for code in request.query_params.get("service_request_id", "").split(",") if code]
        if ids:
            rows = rows.filter(tracking_code__in=ids[:LIST_LIMIT])
        if request.query_params.get("service_code"):
            rows = rows.filter(category=request.query_params["service_code"])
        return Response([request_row(c, with_text=False) for c in rows[:LIST_LIMIT]])

    @extend_schema(
        request=Open311RequestInput,
        responses={201: Open311FiledRequestSerializer(many=True)},
        operation_id="open311_requests_create",
    )
    def post(self, request: Request, format=None) -> Response:
        data = Open311RequestInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        from efficiency_portal.org.models import Department

        department = Department.objects.filter(code=values["agency_code"], is_active=True).first()
        if department is None:
            from rest_framework.exceptions import ValidationError

            raise ValidationError({"agency_code": ["Please give the code of a department that exists."]})
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
                "service_notice": "Keep the secret to read the reply; it is shown only once.",
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
        complaint = Complaint.objects.filter(tracking_code=code.strip().upper()).first()
        if complaint is None:
            raise NotFound
        secret = request.query_params.get("secret", "").strip().upper()
        with_text = bool(secret) and check_password(secret, complaint.tracking_secret_hash)
        return Response([request_row(complaint, with_text=with_text)])
