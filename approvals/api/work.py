"""API of case processing for staff: the case with its clocks and trail, and one POST endpoint per action.

The endpoints call the same services as the staff case page; bad input is a 400 with field errors.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from approvals.models import Case, CaseDepartment, ExtensionRequest, SpecialProcedure
from approvals.selectors import cases as selectors
from approvals.services import processing
from efficiency_portal.org.models import Department, Staff

# --- reading ----------------------------------------------------------------------------------------------------------


class WorkClockSerializer(serializers.Serializer):
    light = serializers.CharField()
    status = serializers.CharField()
    due_at = serializers.DateTimeField()
    due_provisional = serializers.BooleanField()
    outcome = serializers.CharField()
    extension_days = serializers.IntegerField()
    paused_days = serializers.IntegerField()


class WorkStepSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField(source="step.code")
    name = serializers.CharField(source="step.name")
    limit_days = serializers.IntegerField(source="step.limit_days")
    status = serializers.CharField()
    handler = serializers.CharField(allow_null=True)
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    opinion = serializers.CharField()
    clock = WorkClockSerializer(allow_null=True)


class WorkPartSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    department = serializers.IntegerField(source="department_id")
    department_name = serializers.CharField(source="department.name")
    is_lead = serializers.BooleanField()
    limit_days = serializers.IntegerField()
    agreed = serializers.BooleanField(allow_null=True)
    opinion = serializers.CharField()
    finished_at = serializers.DateTimeField(allow_null=True)
    clock = WorkClockSerializer(allow_null=True)


class WorkEventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    action = serializers.CharField()
    actor = serializers.CharField(allow_null=True)
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    public_text = serializers.CharField()
    note = serializers.CharField()


class WorkExtensionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case = serializers.IntegerField(source="case_id")
    days = serializers.IntegerField()
    reason = serializers.CharField()
    status = serializers.CharField()
    requested_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_note = serializers.CharField()


class WorkCaseDetailSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="case.id")
    tracking_code = serializers.CharField(source="case.tracking_code")
    item = serializers.CharField(source="case.item.code")
    item_name = serializers.CharField(source="case.item.name")
    department = serializers.IntegerField(source="case.department_id")
    status = serializers.CharField(source="case.status")
    applicant_name = serializers.CharField(source="case.applicant_name")
    applicant_phone = serializers.CharField(source="case.applicant_phone")
    channel = serializers.CharField(source="case.channel")
    handler = serializers.IntegerField(source="case.handler_id", allow_null=True)
    first_receiver = serializers.IntegerField(source="case.first_receiver_id", allow_null=True)
    submitted_at = serializers.DateTimeField(source="case.submitted_at")
    accepted_at = serializers.DateTimeField(source="case.accepted_at", allow_null=True)
    decided_at = serializers.DateTimeField(source="case.decided_at", allow_null=True)
    decision_reason = serializers.CharField(source="case.decision_reason")
    licence_number = serializers.CharField(source="case.licence_number")
    delivered_at = serializers.DateTimeField(source="case.delivered_at", allow_null=True)
    is_joint = serializers.BooleanField(source="case.is_joint")
    case_clock = WorkClockSerializer(allow_null=True)
    steps = WorkStepSerializer(many=True)
    parts = WorkPartSerializer(many=True)
    extensions = WorkExtensionSerializer(many=True)
    events = WorkEventSerializer(many=True)


def _detail(case: Case) -> dict[str, Any]:
    return WorkCaseDetailSerializer(selectors.case_work(case)).data


class CaseDetailView(APIView):
    """A case as staff see it, with its clocks, steps, joint parts, extension requests and the whole trail."""

    @extend_schema(responses=WorkCaseDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(_detail(selectors.case_for_staff(request.user, pk)))


# --- actions ------------------------------------------------------------------------------------------------------


class AssignInput(serializers.Serializer):
    handler = serializers.PrimaryKeyRelatedField(queryset=Staff.objects.all(), help_text="Staff id")


class CompleteStepInput(serializers.Serializer):
    opinion = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class PauseInput(serializers.Serializer):
    procedure = serializers.ChoiceField(choices=SpecialProcedure.choices)
    reason = serializers.CharField(max_length=300)
    expected_days = serializers.IntegerField(min_value=1, max_value=365)


class EmptyInput(serializers.Serializer):
    pass


class ExtensionInput(serializers.Serializer):
    days = serializers.IntegerField(min_value=1, max_value=365)
    reason = serializers.CharField(max_length=300)


class DecideInput(serializers.Serializer):
    approve = serializers.BooleanField()
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class ResultInput(serializers.Serializer):
    licence_number = serializers.CharField(required=False, allow_blank=True, max_length=60, default="")
    document = serializers.FileField(required=False, allow_null=True, default=None)


class DeliverInput(serializers.Serializer):
    method = serializers.CharField(max_length=60)
    fee_charged = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0)


class CoDepartmentInput(serializers.Serializer):
    department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.filter(is_active=True))
    limit_days = serializers.IntegerField(min_value=1, max_value=365)


class JointInput(serializers.Serializer):
    co_departments = CoDepartmentInput(many=True, allow_empty=False)


class OpinionInput(serializers.Serializer):
    agreed = serializers.BooleanField()
    opinion = serializers.CharField(max_length=2000)


class ExtensionDecisionInput(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")


def _api_error(error: DjangoValidationError) -> ApiValidationError:
    return ApiValidationError(error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages})


class CaseActionView(APIView):
    """POST the action's fields; the answer is the case after the action."""

    input_class: type[serializers.Serializer] = EmptyInput
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def perform(self, case: Case, user, data: dict) -> None:
        raise NotImplementedError

    def post(self, request: Request, pk: int) -> Response:
        case = selectors.case_for_staff(request.user, pk)
        if not selectors.can_act_on(request.user, case):
            raise PermissionDenied
        given = self.input_class(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            self.perform(case, request.user, given.validated_data)
        except DjangoValidationError as error:
            raise _api_error(error) from error
        except DjangoPermissionDenied as error:
            raise PermissionDenied(str(error)) from error
        return Response(_detail(case))


def _action(input_class: type[serializers.Serializer], perform, doc: str) -> type[CaseActionView]:
    view = type(
        f"{input_class.__name__.removesuffix('Input')}View",
        (CaseActionView,),
        {
            "input_class": input_class,
            "perform": lambda self, case, user, data: perform(case, user, data),
            "__doc__": doc,
        },
    )
    view.post = extend_schema(request=input_class, responses=WorkCaseDetailSerializer)(view.post)
    return view


AssignView = _action(
    AssignInput,
    lambda case, user, d: processing.assign_case(case, d["handler"], user),
    "Assign the case to a staff member of its department (to the B post when A is away).",
)
CompleteStepView = _action(
    CompleteStepInput,
    lambda case, user, d: processing.complete_step(case, user, d["opinion"]),
    "Finish the running step with an opinion; the next step starts with its own clock.",
)
PauseView = _action(
    PauseInput,
    lambda case, user, d: processing.pause_case(
        case, user, procedure=d["procedure"], reason=d["reason"], expected_days=d["expected_days"]
    ),
    "Pause the case for a special procedure; the applicant is told.",
)
ResumeView = _action(
    EmptyInput, lambda case, user, d: processing.resume_case(case, user), "Resume after a special procedure."
)
ExtensionView = _action(
    ExtensionInput,
    lambda case, user, d: processing.request_extension(case, user, d["days"], d["reason"]),
    "Ask the leader in charge for an extension, before the time limit expires.",
)
DecideView = _action(
    DecideInput,
    lambda case, user, d: processing.decide_case(case, user, approve=d["approve"], reason=d["reason"]),
    "Approve or deny (a denial needs a reason).",
)
ResultView = _action(
    ResultInput,
    lambda case, user, d: processing.record_result(
        case, user, licence_number=d["licence_number"], document=d["document"]
    ),
    "Record the licence number and/or the decision document (multipart).",
)
DeliverView = _action(
    DeliverInput,
    lambda case, user, d: processing.deliver_case(case, user, method=d["method"], fee_charged=d["fee_charged"]),
    "Record the delivery and the fee charged; the case clock finishes.",
)
JointView = _action(
    JointInput,
    lambda case, user, d: processing.start_joint(
        case,
        user,
        lead=case.department,
        co_departments=[(row["department"], row["limit_days"]) for row in d["co_departments"]],
    ),
    "Make the case a joint approval led by its department, with each co-department's limit.",
)


class JointOpinionView(APIView):
    """A staff member of the part's department gives its opinion."""

    @extend_schema(request=OpinionInput, responses=WorkCaseDetailSerializer)
    def post(self, request: Request, pk: int, part_pk: int) -> Response:
        case = selectors.case_for_staff(request.user, pk)
        part = get_object_or_404(CaseDepartment, pk=part_pk, case=case)
        if not processing.may_give_opinion(request.user, part):
            raise PermissionDenied
        given = OpinionInput(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            processing.give_joint_opinion(
                part, request.user, agreed=given.validated_data["agreed"], opinion=given.validated_data["opinion"]
            )
        except DjangoValidationError as error:
            raise _api_error(error) from error
        return Response(_detail(case))


class PendingExtensionsView(APIView):
    """Extension requests waiting for the signed-in leader in charge."""

    @extend_schema(responses=WorkExtensionSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(WorkExtensionSerializer(selectors.pending_extensions(request.user), many=True).data)


class ExtensionDecisionView(APIView):
    """The leader in charge of the case's department approves or rejects (a rejection needs a note)."""

    @extend_schema(request=ExtensionDecisionInput, responses=WorkExtensionSerializer)
    def post(self, request: Request, pk: int) -> Response:
        ext = ExtensionRequest.objects.select_related("case__department__leader_in_charge").filter(pk=pk).first()
        if ext is None:
            raise Http404
        if not processing.may_decide_extension(request.user, ext):
            raise PermissionDenied
        given = ExtensionDecisionInput(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            decided = processing.decide_extension(
                ext, request.user, given.validated_data["approve"], note=given.validated_data["note"]
            )
        except DjangoValidationError as error:
            raise _api_error(error) from error
        return Response(WorkExtensionSerializer(decided).data, status=status.HTTP_200_OK)
