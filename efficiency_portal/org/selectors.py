"""Reads of the organisation: the department tree, who is away, who stands in, the public board.

The department tree is read with one query and assembled in Python: a city has a few hundred departments at
most, so reading them all is cheaper than keeping a materialised path column in step with every move.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from .models import AwayNotice, Department, Post, Role, Staff
from .roles import has_role, is_staff_member


@dataclass
class DepartmentNode:
    department: Department
    depth: int = 0
    children: list[DepartmentNode] = field(default_factory=list)

    @property
    def indent(self) -> str:
        """A prefix showing the depth in plain text (select options cannot be styled)."""
        return "— " * self.depth

    def walk(self) -> Iterable[DepartmentNode]:
        yield self
        for child in self.children:
            yield from child.walk()


def department_tree(*, active_only: bool = True) -> list[DepartmentNode]:
    """The roots of the department tree (agencies first), each with its children, from a single query."""
    departments = Department.objects.all()
    if active_only:
        departments = departments.filter(is_active=True)
    nodes = {d.pk: DepartmentNode(d) for d in departments.order_by("sort_order", "name")}
    roots: list[DepartmentNode] = []
    for node in nodes.values():
        parent = nodes.get(node.department.parent_id) if node.department.parent_id else None
        if parent is None:
            roots.append(node)
        else:
            parent.children.append(node)
    for root in roots:
        _set_depth(root, 0)
    return roots


def _set_depth(node: DepartmentNode, depth: int) -> None:
    node.depth = depth
    for child in node.children:
        _set_depth(child, depth + 1)


def flat_tree(*, active_only: bool = True) -> list[DepartmentNode]:
    """The tree in display order, each node knowing its depth."""
    return [node for root in department_tree(active_only=active_only) for node in root.walk()]


def descendant_ids(department_ids: Iterable[int]) -> set[int]:
    """``department_ids`` and every department below them (one query)."""
    wanted = set(department_ids)
    if not wanted:
        return set()
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Department.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    result: set[int] = set()
    stack = list(wanted)
    while stack:
        pk = stack.pop()
        if pk in result:
            continue
        result.add(pk)
        stack.extend(children.get(pk, []))
    return result


HEADED_CACHE_ATTR = "_org_headed_department_ids"


def headed_department_ids(user) -> frozenset[int]:
    """The departments ``user`` heads (Department.head), with everything below them.

    Cached on the user object, like the roles, because one page asks several times.
    """
    if not is_staff_member(user):
        return frozenset()
    cached = getattr(user, HEADED_CACHE_ATTR, None)
    if cached is None:
        headed = Department.objects.filter(head=user.staff).values_list("pk", flat=True)
        cached = frozenset(descendant_ids(headed))
        setattr(user, HEADED_CACHE_ATTR, cached)
    return cached


def post_unit_ids(department: Department) -> set[int]:
    """Departments whose staff may hold or back a post of ``department``.

    A service window belongs to its parent department: a post there may be held or backed by staff of the parent
    or of the parent's other windows, and a department's post may be backed from its own windows.
    """
    is_window = department.kind == Department.Kind.WINDOW and department.parent_id
    unit_id = department.parent_id if is_window else department.pk
    windows = Department.objects.filter(parent_id=unit_id, kind=Department.Kind.WINDOW).values_list("pk", flat=True)
    return {unit_id, department.pk, *windows}


# --- Away notices -------------------------------------------------------------------------------------------


def active_notices(at: dt.datetime | None = None) -> QuerySet[AwayNotice]:
    """Notices in force at ``at`` (default: now): not cancelled, started, not yet ended."""
    at = at or timezone.now()
    return AwayNotice.objects.filter(cancelled_at__isnull=True, starts_at__lte=at, ends_at__gt=at)


def absences_by_staff(staff_ids: Iterable[int], at: dt.datetime | None = None) -> dict[int, AwayNotice]:
    """The notice in force for each of ``staff_ids`` who is away at ``at`` (one query)."""
    result: dict[int, AwayNotice] = {}
    for notice in active_notices(at).filter(staff_id__in=list(staff_ids)).order_by("staff_id", "ends_at"):
        result.setdefault(notice.staff_id, notice)
    return result


def current_absences(department: Department, at: dt.datetime | None = None) -> QuerySet[AwayNotice]:
    """Who of ``department``'s staff is away at ``at``, with their notices."""
    return active_notices(at).filter(staff__department=department).select_related("staff").order_by("ends_at")


def is_away(staff: Staff, at: dt.datetime | None = None) -> bool:
    return active_notices(at).filter(staff=staff).exists()


def stand_in_for(staff: Staff, at: dt.datetime | None = None) -> Staff | None:
    """The B holder who stands in for ``staff`` at ``at``.

    None when ``staff`` is at their post (nobody needs to stand in) and None when every B of the posts they hold is
    away too: the board then says that nobody stands in.
    """
    at = at or timezone.now()
    if not is_away(staff, at):
        return None
    backups = list(
        Staff.objects.filter(posts_backed__holder=staff, is_active=True)
        .exclude(pk=staff.pk)
        .order_by("posts_backed__name")
        .distinct()
    )
    away = absences_by_staff([b.pk for b in backups], at)
    return next((b for b in backups if b.pk not in away), None)


def route_to_available(staff: Staff, at: dt.datetime | None = None) -> Staff:
    """Who new work for ``staff`` goes to: ``staff`` if at their post, else their available B.

    When the B is away as well, the work stays with ``staff`` (it waits for whoever comes back first, and the
    deadline clock keeps running so that the supervisors see it).
    """
    return stand_in_for(staff, at) or staff


# --- The public board ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Presence:
    """What the public may know about a staff member's whereabouts: category and return time only."""

    away: bool
    reason: str = ""
    reason_label: str = ""
    until: dt.datetime | None = None


AT_POST = Presence(away=False)


def _presence(notice: AwayNotice | None) -> Presence:
    if notice is None:
        return AT_POST
    return Presence(
        away=True, reason=notice.reason, reason_label=str(notice.get_reason_display()), until=notice.ends_at
    )


@dataclass(frozen=True)
class BoardPost:
    post: Post
    holder: Staff
    holder_presence: Presence
    backup: Staff
    backup_presence: Presence

    @property
    def on_duty(self) -> Staff | None:
        """Who serves this post now: A, else B, else nobody."""
        if not self.holder_presence.away:
            return self.holder
        if not self.backup_presence.away:
            return self.backup
        return None

    @property
    def uncovered(self) -> bool:
        return self.on_duty is None


@dataclass(frozen=True)
class BoardStaff:
    staff: Staff
    presence: Presence


@dataclass(frozen=True)
class Board:
    department: Department
    at: dt.datetime
    posts: list[BoardPost]
    staff: list[BoardStaff]
    sub_departments: list[Department]

    @property
    def away_count(self) -> int:
        return sum(1 for s in self.staff if s.presence.away)


def board(department: Department, at: dt.datetime | None = None) -> Board:
    """The away-notice board of ``department`` in a fixed number of queries, however many posts or staff."""
    at = at or timezone.now()
    posts = list(
        Post.objects.filter(department=department).select_related("holder", "backup", "department").order_by("name")
    )
    staff = list(Staff.objects.filter(department=department, is_active=True).order_by("name"))
    ids = {s.pk for s in staff} | {p.holder_id for p in posts} | {p.backup_id for p in posts}
    away = absences_by_staff(ids, at)
    return Board(
        department=department,
        at=at,
        posts=[
            BoardPost(
                post=p,
                holder=p.holder,
                holder_presence=_presence(away.get(p.holder_id)),
                backup=p.backup,
                backup_presence=_presence(away.get(p.backup_id)),
            )
            for p in posts
        ],
        staff=[BoardStaff(s, _presence(away.get(s.pk))) for s in staff],
        sub_departments=list(department.children.filter(is_active=True).order_by("sort_order", "name")),
    )


# --- Lists for signed-in users --------------------------------------------------------------------------------


def can_view_directory(user) -> bool:
    return is_staff_member(user) or has_role(user, Role.SUPERVISOR, Role.ADMINISTRATOR, Role.LEADER)


def can_manage_posts(user, department: Department) -> bool:
    if has_role(user, Role.ADMINISTRATOR):
        return True
    return department.pk in headed_department_ids(user)


def managed_departments(user) -> QuerySet[Department]:
    """Departments whose posts ``user`` may manage."""
    if has_role(user, Role.ADMINISTRATOR):
        return Department.objects.filter(is_active=True)
    return Department.objects.filter(pk__in=headed_department_ids(user), is_active=True)


def can_register_for(user, staff: Staff) -> bool:
    """Staff register their own away notices; a department head may register them for their department's staff."""
    if not is_staff_member(user):
        return False
    return user.staff.pk == staff.pk or staff.department_id in headed_department_ids(user)


def registrable_staff(user) -> QuerySet[Staff]:
    """Whom ``user`` may register an away notice for."""
    if not is_staff_member(user):
        return Staff.objects.none()
    return (
        Staff.objects.filter(Q(pk=user.staff.pk) | Q(department_id__in=headed_department_ids(user)), is_active=True)
        .select_related("department")
        .order_by("department__sort_order", "name")
    )


def visible_notices(user) -> QuerySet[AwayNotice]:
    """Away notices ``user`` may see in full: their own and, for a head, those of their department's staff."""
    if not is_staff_member(user):
        return AwayNotice.objects.none()
    return (
        AwayNotice.objects.filter(Q(staff=user.staff) | Q(staff__department_id__in=headed_department_ids(user)))
        .select_related("staff", "staff__department", "created_by")
        .order_by("-starts_at", "-pk")
    )


def directory(department: Department | None = None) -> QuerySet[Staff]:
    """Staff with their department and the posts they hold or back (fixed number of queries)."""
    staff = Staff.objects.filter(is_active=True).select_related("department", "user")
    if department is not None:
        staff = staff.filter(department_id__in=descendant_ids([department.pk]))
    return staff.order_by("department__sort_order", "department__name", "name").prefetch_related(
        Prefetch("posts_held", queryset=Post.objects.select_related("backup").order_by("name")),
        Prefetch("posts_backed", queryset=Post.objects.select_related("holder").order_by("name")),
    )


def department_posts(department: Department) -> QuerySet[Post]:
    return Post.objects.filter(department=department).select_related("holder", "backup").order_by("name")
