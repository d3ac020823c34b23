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


def may_investigate(user, complaint: Complaint) -> bool:
    """The head of the department a complaint was handed to (or of a unit above it) acts for the department."""
    return (
        complaint.status == ComplaintStatus.WITH_DEPARTMENT
        and complaint.investigating_department_id is not None
        and complaint.investigating_department_id in headed_scope(user)
    )


def may_view_as_department(user, complaint: Complaint) -> bool:
    return complaint.investigating_department_id is not None and complaint.investigating_department_id in headed_scope(
        user
    )


def may_see_ratings(user) -> bool:
    return has_role(user, Role.SUPERVISOR, Role.ADMINISTRATOR, Role.DEPARTMENT_HEAD, Role.LEADER)


def may_work_rectification(user, order: RectificationOrder) -> bool:
    return is_supervisor(user) or order.department_id in department_scope(user)
