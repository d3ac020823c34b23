"""The complaints API under /api/complaints/: the same services as the pages."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, Throttled
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from approvals.selectors.finished import applicant_cases_for_complaints, rateable_cases
from complaints import captcha
from complaints import serializers as s
from complaints.models import Complaint, RectificationOrder, RectificationStatus, ResponseTemplate, ServiceRating
from complaints.selectors import lists
from complaints.selectors.access import (
    department_scope,
    headed_scope,
    may_investigate,
    may_see_ratings,
    may_work_rectification,
)
from complaints.services import handling, ratings, tracking
from complaints.services.filing import file_complaint
from efficiency_portal.org.models import Department, Role, Staff
from efficiency_portal.org.roles import has_role, is_staff_member, is_supervisor


def api_error(error: DjangoValidationError) -> ApiValidationError:
    return ApiValidationError(error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages})


def pages(*fields: str) -> type[CursorPagination]:
    return type("Pages", (CursorPagination,), {"ordering": fields, "page_size": 50})


class IsSupervisor(permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        return has_role(request.user, Role.SUPERVISOR, Role.ADMINISTRATOR)


def _department(pk) -> Department | None:
    return Department.objects.filter(pk=pk, is_active=True).first() if pk else None


def _staff(pk) -> Staff | None:
    return Staff.objects.filter(pk=pk, is_active=True).first() if pk else None


def file_from_api(request: Request, data: dict, *, channel: str, complainant=None, received_by=None):
    if captcha.blocked(request):
        raise Throttled(detail=_("Too many complaints from this address; please try again later."))
    department = _department(data.get("department"))
    staff = _staff(data.get("staff"))
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
            submission_key=data.get("submission_key") or request.headers.get("Idempotency-Key") or None,
        )
    except DjangoValidationError as error:
        raise api_error(error) from error
    if not filed.duplicate:
        captcha.count_filing(request)
    return filed


class FileView(APIView):
    """File a complaint (anyone). The secret is in the answer once; the same submission key files once.

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


class TrackRateView(APIView):
    """The complainant rates the handling after the reply (number and secret): 3 or more closes the complaint."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(request=s.TrackRateInput, responses=s.PublicComplaintSerializer)
    def post(self, request: Request) -> Response:
        data = s.TrackRateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        complaint = proved(request, values["code"], values["secret"])
        try:
            complaint = handling.rate_handling(complaint, level=values["level"], comment=values["comment"])
        except DjangoValidationError as error:
            raise api_error(error) from error
        return Response(
            s.PublicComplaintSerializer(Complaint.objects.select_related("department").get(pk=complaint.pk)).data
        )


class TrackReopenView(APIView):
    """The complainant reopens the complaint once after the reply, with a reason (number and secret)."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(request=s.TrackReopenInput, responses=s.PublicComplaintSerializer)
    def post(self, request: Request) -> Response:
        data = s.TrackReopenInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        complaint = proved(request, values["code"], values["secret"])
        try:
            complaint = handling.reopen(complaint, reason=values["reason"])
        except DjangoValidationError as error:
            raise api_error(error) from error
        return Response(
            s.PublicComplaintSerializer(Complaint.objects.select_related("department").get(pk=complaint.pk)).data
        )


class ComplaintViewSet(viewsets.ReadOnlyModelViewSet):
    """Supervisors: every complaint with its clock; actions call the same services as the pages."""

    serializer_class = s.ComplaintSerializer
    permission_classes = [IsSupervisor]
    pagination_class = pages("-received_at", "-id")

    queryset = Complaint.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Complaint.objects.none()
        keys = ("status", "category", "department", "light", "channel", "q")
        return lists.work_list({key: self.request.query_params.get(key, "") for key in keys})

    def _run(self, fn) -> Response:
        try:
            complaint = fn()
        except DjangoValidationError as error:
            raise api_error(error) from error
        return Response(s.ComplaintSerializer(lists.work_list().get(pk=complaint.pk)).data)

    @extend_schema(request=None, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk=None) -> Response:
        return self._run(lambda: handling.accept(self.get_object(), request.user))

    @extend_schema(request=s.ComplaintReasonInput, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk=None) -> Response:
        data = s.ComplaintReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        return self._run(lambda: handling.decline(self.get_object(), request.user, **data.validated_data))

    @extend_schema(request=None, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"], url_path="handle-self")
    def handle_self(self, request: Request, pk=None) -> Response:
        return self._run(lambda: handling.handle_self(self.get_object(), request.user))

    @extend_schema(request=s.ComplaintHandInput, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def hand(self, request: Request, pk=None) -> Response:
        data = s.ComplaintHandInput(data=request.data)
        data.is_valid(raise_exception=True)
        department = _department(data.validated_data["department"])
        if department is None:
            raise ApiValidationError({"department": [_("Please choose a department that exists.")]})
        return self._run(
            lambda: handling.hand_to_department(
                self.get_object(),
                request.user,
                department=department,
                instructions=data.validated_data["instructions"],
            )
        )

    @extend_schema(request=s.ComplaintAssignInput, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk=None) -> Response:
        """交办: another supervisor investigates."""
        data = s.ComplaintAssignInput(data=request.data)
        data.is_valid(raise_exception=True)
        supervisor = get_user_model().objects.filter(pk=data.validated_data["supervisor"], is_active=True).first()
        if supervisor is None:
            raise ApiValidationError({"supervisor": [_("Please choose a supervisor.")]})
        return self._run(lambda: handling.assign(self.get_object(), request.user, supervisor=supervisor))

    @extend_schema(methods=["GET"], request=None, responses=s.ComplaintNoteSerializer(many=True))
    @extend_schema(methods=["POST"], request=s.ComplaintTextInput, responses={201: s.ComplaintNoteSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def notes(self, request: Request, pk=None) -> Response:
        """Investigation notes, the department's reports and returns; POST adds a note."""
        complaint = self.get_object()
        if request.method == "POST":
            data = s.ComplaintTextInput(data=request.data)
            data.is_valid(raise_exception=True)
            try:
                note = handling.add_note(complaint, request.user, text=data.validated_data["text"])
            except DjangoValidationError as error:
                raise api_error(error) from error
            return Response(s.ComplaintNoteSerializer(note).data, status=status.HTTP_201_CREATED)
        rows = complaint.notes.select_related("author__staff", "department").order_by("created_at", "pk")
        return Response(s.ComplaintNoteSerializer(rows, many=True).data)

    @extend_schema(request=None, responses=s.ComplaintEventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def history(self, request: Request, pk=None) -> Response:
        """Every action on the complaint; the complainant's own actions name no one."""
        complaint = self.get_object()
        rows = complaint.events.select_related("actor__staff").order_by("at", "pk")
        return Response(s.ComplaintEventSerializer(rows, many=True, context={"complaint": complaint}).data)

    @extend_schema(request=s.ComplaintExtensionInput, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def extension(self, request: Request, pk=None) -> Response:
        data = s.ComplaintExtensionInput(data=request.data)
        data.is_valid(raise_exception=True)
        return self._run(lambda: handling.request_extension(self.get_object(), request.user, **data.validated_data))

    @extend_schema(request=s.ComplaintDecisionInput, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"], url_path="extension-decision")
    def extension_decision(self, request: Request, pk=None) -> Response:
        data = s.ComplaintDecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        return self._run(
            lambda: handling.decide_extension(self.get_object(), request.user, approve=data.validated_data["approve"])
        )

    @extend_schema(request=s.ComplaintFindingInput, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def finding(self, request: Request, pk=None) -> Response:
        data = s.ComplaintFindingInput(data=request.data)
        data.is_valid(raise_exception=True)
        items = []
        for item in data.validated_data["sanctions"]:
            staff = _staff(item.get("staff"))
            department = _department(item.get("department"))
            if (item.get("staff") and staff is None) or (item.get("department") and department is None):
                raise ApiValidationError({"sanctions": [_("A civil servant or department named is not known.")]})
            items.append(handling.SanctionInput(item["sanction"], staff=staff, department=department))
        return self._run(
            lambda: handling.record_finding(
                self.get_object(),
                request.user,
                finding=data.validated_data["finding"],
                text=data.validated_data["text"],
                sanctions=items,
            )
        )

    @extend_schema(request=s.ComplaintTextInput, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def reply(self, request: Request, pk=None) -> Response:
        data = s.ComplaintTextInput(data=request.data)
        data.is_valid(raise_exception=True)
        return self._run(lambda: handling.reply(self.get_object(), request.user, text=data.validated_data["text"]))


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


class DepartmentComplaintViewSet(viewsets.ReadOnlyModelViewSet):
    """Department heads: complaints handed to their departments, without the complainant's identity."""

    serializer_class = s.DepartmentComplaintSerializer
    pagination_class = pages("-received_at", "-id")

    queryset = Complaint.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Complaint.objects.none()
        if not headed_scope(self.request.user):
            raise PermissionDenied
        return lists.department_queue(self.request.user)

    def _complaint(self) -> Complaint:
        complaint = get_object_or_404(Complaint, pk=self.get_object().pk)
        if not may_investigate(self.request.user, complaint):
            raise PermissionDenied
        return complaint

    @extend_schema(request=s.ComplaintTextInput, responses=s.DepartmentComplaintSerializer)
    @action(detail=True, methods=["post"])
    def report(self, request: Request, pk=None) -> Response:
        data = s.ComplaintTextInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            complaint = handling.department_report(self._complaint(), request.user, text=data.validated_data["text"])
        except DjangoValidationError as error:
            raise api_error(error) from error
        return Response(s.DepartmentComplaintSerializer(complaint).data)

    @extend_schema(request=s.ComplaintReasonInput, responses=s.DepartmentComplaintSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def send_back(self, request: Request, pk=None) -> Response:
        data = s.ComplaintReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            complaint = handling.department_return(
                self._complaint(), request.user, reason=data.validated_data["reason"]
            )
        except DjangoValidationError as error:
            raise api_error(error) from error
        return Response(s.DepartmentComplaintSerializer(complaint).data)


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


class ResponseTemplateViewSet(viewsets.ReadOnlyModelViewSet):
    """Standard reply wording (supervisors; edited in the admin)."""

    serializer_class = s.ResponseTemplateSerializer
    permission_classes = [IsSupervisor]
    pagination_class = pages("title", "id")
    queryset = ResponseTemplate.objects.all()

    @extend_schema(parameters=[OpenApiParameter("category", str, description="a complaint category")])
    def list(self, request: Request, *args, **kwargs) -> Response:
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        rows = ResponseTemplate.objects.all()
        category = (
            self.request.query_params.get("category", "") if not getattr(self, "swagger_fake_view", False) else ""
        )
        return rows.filter(category__in=["", category]) if category else rows


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
        department = _department(values.pop("department"))
        handler_id = values.pop("handler", None)
        handler = _staff(handler_id)
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


class StatisticsView(APIView):
    permission_classes = [IsSupervisor]

    @extend_schema(responses=s.ComplaintStatisticsSerializer)
    def get(self, request: Request) -> Response:
        from complaints.views.work import _period

        start, end = _period(request)
        stats = lists.complaint_stats(start, end)
        for row in stats["by_month"]:
            row["month"] = row["month"].date().isoformat() if row.get("month") else None
        return Response(stats)
