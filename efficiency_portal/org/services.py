"""Writes of the organisation: away notices (去向告知) and A/B posts (AB岗).

Every service validates completely before it writes, runs in one transaction, writes an event or audit row, and
raises ``django.core.exceptions.ValidationError`` with a dict of field errors (``"__all__"`` for the whole
request) or ``PermissionDenied``; forms and the API turn these into messages next to the fields.
"""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from . import selectors
from .models import AwayNotice, AwayNoticeEvent, Department, Post, Staff

# Audit action codes (``<area>.<verb>``); their labels are registered in apps.OrgConfig.ready.
AWAY_REGISTER = "org.away_register"
AWAY_CANCEL = "org.away_cancel"
AWAY_RETURN = "org.away_return"
POST_CREATE = "org.post_create"
POST_UPDATE = "org.post_update"

# How far ahead an away notice may be registered, and its longest span (longer absences are leave, handled by HR).
DEFAULT_MAX_DAYS_AHEAD = 30
DEFAULT_MAX_DAYS_LONG = 60


def max_days_ahead() -> int:
    return int(getattr(settings, "AWAY_NOTICE_MAX_DAYS_AHEAD", DEFAULT_MAX_DAYS_AHEAD))


def max_days_long() -> int:
    return int(getattr(settings, "AWAY_NOTICE_MAX_DAYS_LONG", DEFAULT_MAX_DAYS_LONG))


def min_minutes() -> int:
    return int(settings.AWAY_NOTICE_MIN_MINUTES)


def _audit(actor, action: str, target=None, detail: dict[str, Any] | None = None) -> None:
    """Record in the audit log when the audit app provides ``record`` (it is optional for this app)."""
    try:
        audit = importlib.import_module("efficiency_portal.audit.services")
    except ModuleNotFoundError:
        return
    record = getattr(audit, "record", None)
    if record is not None:
        record(actor, action, target=target, detail=detail or {})


def _when(moment: dt.datetime) -> str:
    return date_format(timezone.localtime(moment), "Y-m-d H:i")


# --- Away notices --------------------------------------------------------------------------------------------


def register_away_notice(
    staff: Staff,
    *,
    reason: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    destination: str = "",
    note: str = "",
    actor,
) -> AwayNotice:
    """Register that ``staff`` will be (or is) away from ``starts_at`` until ``ends_at``.

    Absences longer than settings.AWAY_NOTICE_MIN_MINUTES must be registered; shorter ones may be.
    """
    if not selectors.can_register_for(actor, staff):
        raise PermissionDenied(_("You may register away notices only for yourself or, as its head, your department."))
    now = timezone.now()
    errors: dict[str, list[str]] = {}
    if reason not in AwayNotice.Reason.values:
        errors.setdefault("reason", []).append(_("Choose a reason from the list."))
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise ValueError("away notice times must be timezone-aware")
    if ends_at <= starts_at:
        errors.setdefault("ends_at", []).append(_("The end must be after the start."))
    elif ends_at - starts_at > dt.timedelta(days=max_days_long()):
        errors.setdefault("ends_at", []).append(
            _("An away notice may last at most %(days)d days.") % {"days": max_days_long()}
        )
    if ends_at <= now:
        errors.setdefault("ends_at", []).append(_("This absence is already over; register it before or while away."))
    if starts_at > now + dt.timedelta(days=max_days_ahead()):
        errors.setdefault("starts_at", []).append(
            _("An away notice may be registered at most %(days)d days ahead.") % {"days": max_days_ahead()}
        )
    if len(destination) > AwayNotice._meta.get_field("destination").max_length:
        errors.setdefault("destination", []).append(_("Too long."))
    if len(note) > AwayNotice._meta.get_field("note").max_length:
        errors.setdefault("note", []).append(_("Too long."))
    if not staff.is_active:
        errors.setdefault("staff", []).append(_("This staff member is no longer active."))
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        # Lock the person so that two registrations at once cannot both pass the overlap check.
        Staff.objects.select_for_update().filter(pk=staff.pk).first()
        clash = (
            AwayNotice.objects.filter(
                staff=staff, cancelled_at__isnull=True, starts_at__lt=ends_at, ends_at__gt=starts_at
            )
            .order_by("starts_at")
            .first()
        )
        if clash is not None:
            raise ValidationError(
                {
                    "starts_at": [
                        _(
                            "%(name)s already has an away notice from %(start)s until %(end)s that overlaps this one; "
                            "change or cancel that one first."
                        )
                        % {"name": staff.name, "start": _when(clash.starts_at), "end": _when(clash.ends_at)}
                    ]
                }
            )
        notice = AwayNotice.objects.create(
            staff=staff,
            reason=reason,
            starts_at=starts_at,
            ends_at=ends_at,
            destination=destination.strip(),
            note=note.strip(),
            created_by=actor,
        )
        AwayNoticeEvent.objects.create(
            notice=notice, action=AwayNoticeEvent.Action.REGISTERED, actor=actor, at=now, ends_at_after=ends_at
        )
        _audit(
            actor,
            AWAY_REGISTER,
            target=notice,
            detail={
                "staff": staff.pk,
                "reason": reason,
                "starts_at": starts_at.isoformat(),
                "ends_at": ends_at.isoformat(),
            },
        )
    return notice


def _check_may_change(notice: AwayNotice, actor) -> None:
    if not selectors.can_register_for(actor, notice.staff):
        raise PermissionDenied(_("You may change only your own away notices or, as its head, your department's."))


def cancel_away_notice(notice: AwayNotice, *, actor) -> AwayNotice:
    """Withdraw a notice that has not ended yet (plans changed)."""
    _check_may_change(notice, actor)
    now = timezone.now()
    with transaction.atomic():
        changed = AwayNotice.objects.filter(pk=notice.pk, cancelled_at__isnull=True, ends_at__gt=now).update(
            cancelled_at=now
        )
        if not changed:
            raise ValidationError({"__all__": [_("This away notice has already ended or been cancelled.")]})
        AwayNoticeEvent.objects.create(
            notice=notice,
            action=AwayNoticeEvent.Action.CANCELLED,
            actor=actor,
            at=now,
            ends_at_before=notice.ends_at,
        )
        _audit(actor, AWAY_CANCEL, target=notice, detail={"staff": notice.staff_id})
    notice.refresh_from_db()
    return notice


def return_early(notice: AwayNotice, *, actor) -> AwayNotice:
    """End a notice in force now: the person is back at their post before the announced time."""
    _check_may_change(notice, actor)
    now = timezone.now()
    with transaction.atomic():
        changed = AwayNotice.objects.filter(
            pk=notice.pk, cancelled_at__isnull=True, starts_at__lt=now, ends_at__gt=now
        ).update(ends_at=now)
        if not changed:
            raise ValidationError({"__all__": [_("Only an away notice in force now can be ended early.")]})
        AwayNoticeEvent.objects.create(
            notice=notice,
            action=AwayNoticeEvent.Action.RETURNED,
            actor=actor,
            at=now,
            ends_at_before=notice.ends_at,
            ends_at_after=now,
        )
        _audit(
            actor,
            AWAY_RETURN,
            target=notice,
            detail={"staff": notice.staff_id, "planned_until": notice.ends_at.isoformat()},
        )
    notice.refresh_from_db()
    return notice


# --- Posts (AB岗) --------------------------------------------------------------------------------------------


def assign_post(
    department: Department,
    name: str,
    holder: Staff,
    backup: Staff,
    *,
    duties: str = "",
    post: Post | None = None,
    must_be_new: bool = False,
    actor=None,
) -> Post:
    """Give the post ``name`` of ``department`` its A holder and B backup, creating it if needed.

    With ``post`` the given post is changed (and may be renamed); with ``must_be_new`` an existing post of that
    name is refused rather than changed. ``actor`` None means a trusted caller (demo data); otherwise it must be an
    administrator or the head of the department.
    """
    if actor is not None and not selectors.can_manage_posts(actor, department):
        raise PermissionDenied(_("Only the department's head or an administrator may manage its posts."))
    if post is not None and post.department_id != department.pk:
        raise ValueError("post belongs to another department")
    name = (name or "").strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors.setdefault("name", []).append(_("Give the post a name."))
    elif len(name) > Post._meta.get_field("name").max_length:
        errors.setdefault("name", []).append(_("Too long."))
    elif (post is not None or must_be_new) and (
        Post.objects.filter(department=department, name=name).exclude(pk=getattr(post, "pk", None)).exists()
    ):
        errors.setdefault("name", []).append(_("This department already has a post with this name."))
    if holder.pk == backup.pk:
        errors.setdefault("backup", []).append(_("The B post must be someone other than the A post holder."))
    unit = selectors.post_unit_ids(department)
    for field_name, person in (("holder", holder), ("backup", backup)):
        if not person.is_active:
            errors.setdefault(field_name, []).append(_("This staff member is no longer active."))
        elif person.department_id not in unit:
            errors.setdefault(field_name, []).append(
                _("%(name)s works in another department; choose staff of this department or its windows.")
                % {"name": person.name}
            )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if post is None:
            post, created = Post.objects.update_or_create(
                department=department,
                name=name,
                defaults={"holder": holder, "backup": backup, "duties": duties.strip()},
            )
        else:
            created = False
            post.name, post.holder, post.backup, post.duties = name, holder, backup, duties.strip()
            post.save(update_fields=["name", "holder", "backup", "duties"])
        if actor is not None:  # trusted loaders (demo data) are not acts of a person
            _audit(
                actor,
                POST_CREATE if created else POST_UPDATE,
                target=post,
                detail={"department": department.pk, "holder": holder.pk, "backup": backup.pk},
            )
    return post
