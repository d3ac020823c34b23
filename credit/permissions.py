"""Who sees which credit record: a civil servant their own, heads and leaders their departments', supervisors all."""

from __future__ import annotations

from django.db.models import Q

from credit.models import CreditAttachment, CreditEntry, CreditObjection
from efficiency_portal.org.models import Department, Role, Staff
from efficiency_portal.org.roles import has_role, is_staff_member, is_supervisor
from efficiency_portal.org.selectors import descendant_ids, headed_department_ids

LED_CACHE_ATTR = "_credit_led_department_ids"


def led_department_ids(user) -> frozenset[int]:
    if not is_staff_member(user):
        return frozenset()
    cached = getattr(user, LED_CACHE_ATTR, None)
    if cached is None:
        led = Department.objects.filter(leader_in_charge=user.staff).values_list("pk", flat=True)
        cached = frozenset(descendant_ids(led))
        setattr(user, LED_CACHE_ATTR, cached)
    return cached


def may_browse(user) -> bool:
    """Supervisors, administrators, department heads and leaders search subjects (within their scope)."""
    return has_role(user, Role.SUPERVISOR, Role.ADMINISTRATOR, Role.DEPARTMENT_HEAD, Role.LEADER)


def scope_department_ids(user) -> frozenset[int] | None:
    """None means every department; otherwise the departments headed or led (with those below)."""
    if is_supervisor(user):
        return None
    return headed_department_ids(user) | led_department_ids(user)


def may_view_staff(user, staff: Staff) -> bool:
    if is_staff_member(user) and user.staff.pk == staff.pk:
        return True
    scope = scope_department_ids(user)
    return scope is None or staff.department_id in scope


def may_view_department(user, department: Department) -> bool:
    scope = scope_department_ids(user)
    return scope is None or department.pk in scope


def may_view_department_record(user, department: Department) -> bool:
    """The department's record: those above it, and its own head."""
    if may_view_department(user, department):
        return True
    return is_staff_member(user) and department.head_id == user.staff.pk


def may_view_entry(user, entry: CreditEntry) -> bool:
    if entry.staff_id:
        return may_view_staff(user, entry.staff)
    return may_view_department(user, entry.department)


def visible_entries(user):
    """Entries ``user`` may list: all for supervisors; for others their own and their scope's."""
    rows = CreditEntry.objects.all()
    scope = scope_department_ids(user)
    if scope is None:
        return rows
    condition = Q(staff__department_id__in=scope) | Q(department_id__in=scope)
    if is_staff_member(user):
        condition |= Q(staff_id=user.staff.pk)
    return rows.filter(condition)


def visible_objections(user):
    """Objections ``user`` may list: all for supervisors; for heads and leaders those on their scope's entries; for
    anyone their own."""
    rows = CreditObjection.objects.all()
    if is_supervisor(user):
        return rows
    return rows.filter(Q(entry__in=visible_entries(user)) | Q(objector_id=user.pk))


def may_open_attachment(user, attachment: CreditAttachment) -> bool:
    """An entry's evidence: whoever sees the entry or answers for it. An objection's papers: supervisors, the objector
    and whoever answers for the entry (the civil servant, the department's head) — not every head above."""
    from credit.services.common import may_object

    entry = attachment.entry
    if attachment.objection_id is None:
        return may_view_entry(user, entry) or may_object(user, entry)
    if is_supervisor(user) or may_object(user, entry):
        return True
    return getattr(user, "is_authenticated", False) and attachment.objection.objector_id == user.pk
