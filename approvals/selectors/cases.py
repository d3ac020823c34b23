"""Reads of cases for staff: who may see and act on a case, and the staff case page in a constant number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from approvals.models import (
    Case,
    CaseDepartment,
    CaseEvent,
    CasePause,
    CaseStatus,
    CaseStep,
    ExtensionRequest,
    ExtensionStatus,
)
from approvals.services.common import CASE_CLOCK, JOINT_CLOCK, PRE_REVIEW_CLOCK, STEP_CLOCK
from efficiency_portal.org.models import Department
from efficiency_portal.org.roles import is_staff_member, is_supervisor
from efficiency_portal.org.selectors import headed_department_ids
from efficiency_portal.supervision.models import Deadline

# What each action on a case's trail is called on the staff page; an unknown code is shown as it is.
EVENT_LABELS = {
    "submitted": _("Application received"),
    "accepted": _("Accepted"),
    "auto_accepted": _("Accepted by law (no pre-review in time)"),
    "refused": _("Not accepted"),
    "notice": _("Notice of missing materials"),
    "supplemented": _("Materials supplemented"),
    "assigned": _("Assigned"),
    "step_done": _("Step finished"),
    "paused": _("Paused for a special procedure"),
    "resumed": _("Resumed"),
    "extension_requested": _("Extension requested"),
    "extension_approved": _("Extension approved"),
    "extension_rejected": _("Extension rejected"),
    "approved": _("Approved"),
    "denied": _("Denied"),
    "result_recorded": _("Result recorded"),
    "delivered": _("Delivered"),
    "joint_started": _("Joint approval started"),
    "joint_opinion": _("Joint department's opinion"),
    "card": _("Card raised"),
    "refusal_flagged": _("Refusal flagged"),
}
STATUS_LABELS = dict(CaseStatus.choices)


def unit_ids(department: Department) -> set[int]:
    """The department, its parent unit when it is a window, and the unit's windows: one office for the case."""
    is_window = department.kind == Department.Kind.WINDOW and department.parent_id
    unit_id = department.parent_id if is_window else department.pk
    windows = Department.objects.filter(parent_id=unit_id, kind=Department.Kind.WINDOW).values_list("pk", flat=True)
    return {unit_id, department.pk, *windows}


def staff_cases(user) -> QuerySet[Case]:
    """Cases ``user`` may open as staff.

    The handler; staff of the case's department or of its parent unit; heads of it or above; the leader in charge
    of it or its parent; staff of a department taking part in a joint approval; supervisors and administrators.
    """
    if not user or not user.is_authenticated:
        return Case.objects.none()
    if is_supervisor(user):
        return Case.objects.all()
    if not is_staff_member(user):
        return Case.objects.none()
    staff = user.staff
    condition = (
        Q(handler=user)
        | Q(department_id__in=unit_ids(staff.department))
        | Q(department__parent_id=staff.department_id)
        | Q(department__leader_in_charge=staff)
        | Q(department__parent__leader_in_charge=staff)
        | Q(joint_parts__department_id=staff.department_id)
    )
    headed = headed_department_ids(user)
    if headed:
        condition |= Q(department_id__in=headed)
    return Case.objects.filter(pk__in=Case.objects.filter(condition).values("pk"))


def case_for_staff(user, pk: int) -> Case:
    """The case ``pk`` if ``user`` may see it as staff; 404 otherwise (its existence is not confirmed)."""
    case = staff_cases(user).select_related("item", "department").filter(pk=pk).first()
    if case is None:
        raise Http404
    return case


def can_act_on(user, case: Case) -> bool:
    """Work on the case: its handler, staff of its office, and the heads above it (not leaders or supervisors)."""
    if not user or not user.is_authenticated or not is_staff_member(user):
        return False
    if case.handler_id == user.pk:
        return True
    staff = user.staff
    if not staff.is_active:
        return False
    if staff.department_id in unit_ids(case.department):
        return True
    return case.department_id in headed_department_ids(user)


def pending_extensions(user) -> QuerySet[ExtensionRequest]:
    """Extension requests waiting for ``user`` as leader in charge of the case's department."""
    if not is_staff_member(user):
        return ExtensionRequest.objects.none()
    return (
        ExtensionRequest.objects.filter(status=ExtensionStatus.PENDING, case__department__leader_in_charge=user.staff)
        .select_related("case__item", "case__department", "requested_by")
        .order_by("requested_at", "pk")
    )


def case_clocks(case_ids: list[int]) -> dict[int, Deadline]:
    """The case clock of each case in ``case_ids`` (one query)."""
    case_type = ContentType.objects.get_for_model(Case)
    rows = Deadline.objects.filter(content_type=case_type, object_id__in=case_ids, kind=CASE_CLOCK)
    return {deadline.object_id: deadline for deadline in rows}


@dataclass
class CaseWork:
    """Everything the staff case page shows."""

    case: Case
    steps: list[CaseStep]
    events: list[CaseEvent]
    parts: list[CaseDepartment]
    extensions: list[ExtensionRequest]
    pauses: list[CasePause]
    case_clock: Deadline | None = None
    prereview_clock: Deadline | None = None
    step_clocks: dict[int, Deadline] = field(default_factory=dict)
    part_clocks: dict[int, Deadline] = field(default_factory=dict)

    @property
    def running_step(self) -> CaseStep | None:
        return next((s for s in self.steps if s.status == "running"), None)

    @property
    def pending_extension(self) -> ExtensionRequest | None:
        return next((e for e in self.extensions if e.status == ExtensionStatus.PENDING), None)

    @property
    def open_parts(self) -> list[CaseDepartment]:
        return [part for part in self.parts if part.finished_at is None]


def case_work(case: Case) -> CaseWork:
    """The case with its steps, events (internal notes too), parts and clocks, in a fixed number of queries."""
    case = (
        Case.objects.select_related("item", "department__leader_in_charge", "handler", "first_receiver", "applicant")
        .prefetch_related(Prefetch("materials"))
        .get(pk=case.pk)
    )
    steps = list(CaseStep.objects.filter(case=case).select_related("step", "handler").order_by("step__sort_order"))
    events = list(CaseEvent.objects.filter(case=case).select_related("actor").order_by("at", "pk"))
    parts = list(CaseDepartment.objects.filter(case=case).select_related("department", "handler").order_by("-is_lead"))
    extensions = list(
        ExtensionRequest.objects.filter(case=case).select_related("requested_by", "decided_by").order_by("requested_at")
    )
    pauses = list(CasePause.objects.filter(case=case).order_by("started_at"))
    types = ContentType.objects.get_for_models(Case, CaseStep, CaseDepartment)
    deadlines = Deadline.objects.filter(
        Q(content_type=types[Case], object_id=case.pk, kind__in=[CASE_CLOCK, PRE_REVIEW_CLOCK])
        | Q(content_type=types[CaseStep], object_id__in=[s.pk for s in steps], kind=STEP_CLOCK)
        | Q(content_type=types[CaseDepartment], object_id__in=[p.pk for p in parts], kind=JOINT_CLOCK)
    )
    work = CaseWork(case=case, steps=steps, events=events, parts=parts, extensions=extensions, pauses=pauses)
    for deadline in deadlines:
        if deadline.kind == CASE_CLOCK:
            work.case_clock = deadline
        elif deadline.kind == PRE_REVIEW_CLOCK:
            work.prereview_clock = deadline
        elif deadline.kind == STEP_CLOCK:
            work.step_clocks[deadline.object_id] = deadline
        else:
            work.part_clocks[deadline.object_id] = deadline
    for event in events:
        event.label = EVENT_LABELS.get(event.action, event.action)
        event.from_label = STATUS_LABELS.get(event.from_status, event.from_status)
        event.to_label = STATUS_LABELS.get(event.to_status, event.to_status)
    for step in steps:
        step.clock = work.step_clocks.get(step.pk)
    for part in parts:
        part.clock = work.part_clocks.get(part.pk)
    return work
