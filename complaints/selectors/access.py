"""Who may see or do what on a complaint, a rating or a rectification order."""

from __future__ import annotations

from complaints.models import Complaint, ComplaintStatus, RectificationOrder
from efficiency_portal.org.models import Role
from efficiency_portal.org.roles import has_role, is_staff_member, is_supervisor
from efficiency_portal.org.selectors import headed_department_ids


def department_scope(user) -> set[int]:
    """Departments whose work ``user`` answers for: those they head (with the units below) and their own."""
    if not is_staff_member(user):
        return set()
    ids = set(headed_department_ids(user))
    ids.add(user.staff.department_id)
    return ids


def headed_scope(user) -> set[int]:
    return set(headed_department_ids(user))


def may_see_identity(user) -> bool:
    """The complainant's identity (masked, and revealed with an audit record) is for supervisors only; an
    administrator keeps every other access but not this one."""
    return has_role(user, Role.SUPERVISOR)


def is_accused(user, complaint: Complaint) -> bool:
    """Whether ``user`` is the civil servant the complaint is about."""
    return complaint.staff_id is not None and is_staff_member(user) and user.staff.pk == complaint.staff_id


def may_investigate(user, complaint: Complaint) -> bool:
    """The head of the department a complaint was handed to (or of a unit above it) acts for the department,
    unless the complaint is about them."""
    return complaint.status == ComplaintStatus.WITH_DEPARTMENT and may_view_as_department(user, complaint)


def may_view_as_department(user, complaint: Complaint) -> bool:
    return (
        complaint.investigating_department_id is not None
        and complaint.investigating_department_id in headed_scope(user)
        and not is_accused(user, complaint)
    )


def may_see_ratings(user) -> bool:
    return has_role(user, Role.SUPERVISOR, Role.ADMINISTRATOR, Role.DEPARTMENT_HEAD, Role.LEADER)


def may_work_rectification(user, order: RectificationOrder) -> bool:
    return is_supervisor(user) or order.department_id in department_scope(user)


def oversight_scope(user) -> set[int]:
    """Departments a head (with the units below) or a leader in charge (likewise) answers for."""
    if not is_staff_member(user):
        return set()
    from efficiency_portal.org.models import Department
    from efficiency_portal.org.selectors import descendant_ids

    led = Department.objects.filter(leader_in_charge=user.staff).values_list("pk", flat=True)
    return set(headed_department_ids(user)) | set(descendant_ids(led))


def finding_sanctions_for(user, complaint: Complaint, sanctions) -> list | None:
    """The sanctions of ``complaint`` that ``user`` may read on its finding page, or None when the page is
    closed to them. Supervisors read all; a civil servant their own; a head or leader in charge those on their
    departments and their people. The one complained about sees an upheld finding even without a sanction
    of their own (it counts against them); a finding that is not upheld stays with the office."""
    from complaints.models.complaints import UPHELD_FINDINGS

    rows = list(sanctions)
    if has_role(user, Role.SUPERVISOR, Role.ADMINISTRATOR):
        return rows if complaint.finding else None
    if not is_staff_member(user):
        return None
    me = user.staff.pk
    scope = oversight_scope(user)

    def concerns(staff_id, department_id) -> bool:
        return staff_id == me or department_id in scope

    mine = [
        row
        for row in rows
        if concerns(row.staff_id, row.department_id if row.department_id else row.staff.department_id)
    ]
    upheld = complaint.finding in UPHELD_FINDINGS
    about_me = upheld and (
        complaint.staff_id == me
        or complaint.department_id in scope
        or (complaint.staff_id is not None and complaint.staff.department_id in scope)
    )
    return mine if (mine or about_me) else None
