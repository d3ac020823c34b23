"""Joint approvals (并联审批): one clock per department under the case clock."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from approvals.models import (
    Case,
    CaseDepartment,
    CaseStatus,
)
from approvals.selectors.cases import unit_ids
from approvals.services.common import JOINT_CLOCK, now_or, record_event
from efficiency_portal.org.models import Department, Staff
from efficiency_portal.supervision import services as clock
from efficiency_portal.workdays.calendar import local_date, working_days_between

from .base import RUNNING_CLOCK, case_clock, clean_text, clock_of, lock_case, public, require_actor

# --- joint approvals (并联审批) ------------------------------------------------------------------------------


def remaining_working_days(case: Case, at: dt.datetime | None = None) -> int:
    deadline = case_clock(case)
    if deadline is None:
        return 0
    return max(working_days_between(local_date(now_or(at)), local_date(deadline.due_at)), 0)


def _part_responsible(department: Department):
    if department.head_id is not None:
        return department.head.user
    staff = Staff.objects.filter(department=department, is_active=True).select_related("user").order_by("pk").first()
    if staff is None:
        raise ValidationError(
            {"co_departments": _("%(department)s has no staff to take its part.") % {"department": department}}
        )
    return staff.user


def start_joint(
    case: Case,
    actor,
    *,
    lead: Department,
    co_departments: list[tuple[Department, int]],
    at: dt.datetime | None = None,
) -> list[CaseDepartment]:
    """Make the case a joint approval: the lead and each co-department run their own clock under the case clock."""
    at = now_or(at)
    require_actor(actor, case)
    errors: dict[str, str] = {}
    if not co_departments:
        errors["co_departments"] = _("Choose at least one co-department.")
    seen = {lead.pk}
    for department, _days in co_departments:
        if department.pk in seen:
            errors["co_departments"] = _("Each department may take part once, and not the lead again.")
        seen.add(department.pk)
    with transaction.atomic():
        current = lock_case(case, (CaseStatus.PROCESSING,))
        if current.is_joint or CaseDepartment.objects.filter(case=current).exists():
            raise ValidationError({"co_departments": _("This case is already a joint approval.")})
        remaining = remaining_working_days(current, at)
        if remaining < 1:
            errors["co_departments"] = _("The case has no working days left for a joint approval.")
        for _department, days in co_departments:
            if not isinstance(days, int) or not 1 <= days <= remaining:
                errors["co_departments"] = _(
                    "Each co-department's limit must be 1 to %(max)d working days (what remains of the case's)."
                ) % {"max": remaining}
        if errors:
            raise ValidationError(errors)
        lead_handler = current.handler or actor
        parts = [
            CaseDepartment(case=current, department=lead, is_lead=True, handler=lead_handler, limit_days=remaining)
        ]
        parts += [
            CaseDepartment(case=current, department=department, handler=_part_responsible(department), limit_days=days)
            for department, days in co_departments
        ]
        CaseDepartment.objects.bulk_create(parts)
        parts = list(CaseDepartment.objects.filter(case=current).select_related("department", "handler"))
        for part in parts:
            clock.open_deadline(
                part,
                kind=JOINT_CLOCK,
                title=f"{current.tracking_code} · {part.department}",
                department=part.department,
                responsible=part.handler,
                started_at=at,
                limit_days=part.limit_days,
                actor=actor,
            )
        Case.objects.filter(pk=current.pk).update(is_joint=True, updated_at=timezone.now())
        record_event(
            current,
            "joint_started",
            actor,
            at=at,
            from_status=current.status,
            to_status=current.status,
            public_text=public(
                gettext_lazy("Your case is handled jointly by %(names)s."),
                names=", ".join(str(part.department) for part in parts),
            ),
        )
    return parts


def may_give_opinion(user, part: CaseDepartment) -> bool:
    staff = getattr(user, "staff", None) if user is not None and user.is_authenticated else None
    return staff is not None and staff.is_active and staff.department_id in unit_ids(part.department)


def give_joint_opinion(
    part: CaseDepartment, actor, *, agreed: bool, opinion: str, at: dt.datetime | None = None
) -> CaseDepartment:
    """A staff member of the part's department gives its opinion; its clock finishes."""
    at = now_or(at)
    part = CaseDepartment.objects.select_related("department", "case").get(pk=part.pk)
    if not may_give_opinion(actor, part):
        raise PermissionDenied(_("Only staff of %(department)s give its opinion.") % {"department": part.department})
    opinion = clean_text(opinion, "opinion", max_length=2000)
    with transaction.atomic():
        current = lock_case(part.case, (CaseStatus.PROCESSING,))
        updated = CaseDepartment.objects.filter(pk=part.pk, finished_at__isnull=True).update(
            agreed=bool(agreed), opinion=opinion, finished_at=at
        )
        if not updated:
            raise ValidationError({"opinion": _("This department has already given its opinion.")})
        deadline = clock_of(part, JOINT_CLOCK)
        if deadline is not None and deadline.status in RUNNING_CLOCK:
            clock.finish_deadline(deadline, actor, at)
        record_event(
            current,
            "joint_opinion",
            actor,
            at=at,
            from_status=current.status,
            to_status=current.status,
            public_text=public(gettext_lazy("%(department)s has given its opinion."), department=part.department),
            note=f"{_('agrees') if agreed else _('disagrees')}: {opinion}",
        )
    return CaseDepartment.objects.get(pk=part.pk)
