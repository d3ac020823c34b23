"""Talk flags (约谈): departments with too many red cards in a month, and the record of the talk held."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Concat, Left
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from approvals.models.cards import (
    Card,
    CardLevel,
    TalkFlag,
)
from approvals.selectors.cards import month_bounds, month_start
from approvals.services.cards._sql import TALK_FIELDS, _as_text, _from_template, _last_id, _Lenient, _portal_text, _text
from approvals.services.common import now_or
from efficiency_portal.common.bulk import insert_from_select
from efficiency_portal.org.models import Department, Role
from efficiency_portal.org.roles import is_supervisor

TALK_TITLE = _("Talk flagged (约谈): {department}")
TALK_BODY = _("{department} got {count} red cards in {month}; a talk with its head is due.")


# --- Talk flags -------------------------------------------------------------------------------------------------


def raise_talk_flags(month: dt.date | None = None, *, now: dt.datetime | None = None) -> int:
    """Flag a talk for every department with enough red cards raised in ``month``; return how many flags are new.

    The counts of existing flags are brought up to date; the department head, the leader in charge and the
    supervisors are told once per flag.
    """
    now = now_or(now)
    month = month_start(month or now)
    start, end = month_bounds(month)
    red_cards = Card.objects.filter(level=CardLevel.RED, raised_at__gte=start, raised_at__lt=end).order_by()
    with transaction.atomic():
        before = _last_id(TalkFlag)
        inserted = insert_from_select(
            TalkFlag,
            TALK_FIELDS,
            Department.objects.order_by()
            .values(
                department_id=F("id"),
                red_cards=Count(
                    "cards", filter=Q(cards__level=CardLevel.RED, cards__raised_at__gte=start, cards__raised_at__lt=end)
                ),
                month=Value(month, output_field=models.DateField()),
                raised_at=Value(now, output_field=models.DateTimeField()),
                note=_text(""),
            )
            .filter(red_cards__gte=settings.APPROVALS_TALK_AFTER_RED_CARDS),
        )
        TalkFlag.objects.filter(month=month).update(
            red_cards=Coalesce(
                Subquery(
                    red_cards.filter(department_id=OuterRef("department_id"))
                    .values("department_id")
                    .annotate(total=Count("id"))
                    .values("total")[:1]
                ),
                0,
            )
        )
        if inserted:
            _tell_about_talks(TalkFlag.objects.filter(id__gt=before, month=month))
    return inserted


def _tell_about_talks(flags: QuerySet[TalkFlag]) -> None:
    from efficiency_portal.notifications.services import enqueue_from_queryset

    link = reverse("approvals:talk_flags")
    title = _portal_text(TALK_TITLE)
    body = _portal_text(TALK_BODY)
    parts = {
        "department": F("department__name"),
        "count": _as_text(F("red_cards")),
        "month": Left(_as_text(F("month")), 7),
    }

    for path in ("department__head__user_id", "department__leader_in_charge__user_id"):
        enqueue_from_queryset(
            flags.filter(**{f"{path}__isnull": False})
            .order_by()
            .values(
                recipient_id=F(path),
                kind=_text("approvals_talk"),
                title=Left(_from_template(title, parts), 200),
                body=_from_template(body, parts),
                link=_text(link),
                urgent=Value(False, output_field=models.BooleanField()),
                dedupe_key=Concat(
                    _text("talk:"), _as_text(F("id")), _text(":"), _as_text(F(path)), output_field=models.CharField()
                ),
            )
        )
    # Supervisors are not related to a flag by any foreign key, so their rows come from the user table, one
    # statement per new flag: at most one flag per department and month.
    memberships = get_user_model().groups.through.objects.filter(group__name=Role.SUPERVISOR, user__is_active=True)
    for flag in flags.select_related("department"):
        values = {"department": flag.department.name, "count": flag.red_cards, "month": f"{flag.month:%Y-%m}"}
        text_title = title.format_map(_Lenient(values))[:200]
        text_body = body.format_map(_Lenient(values))
        enqueue_from_queryset(
            memberships.order_by().values(
                recipient_id=F("user_id"),
                kind=_text("approvals_talk"),
                title=_text(text_title),
                body=_text(text_body),
                link=_text(link),
                urgent=Value(False, output_field=models.BooleanField()),
                dedupe_key=Concat(_text(f"talk:{flag.pk}:"), _as_text(F("user_id")), output_field=models.CharField()),
            )
        )


def record_talk_held(flag: TalkFlag, actor, note: str, at: dt.datetime | None = None) -> TalkFlag:
    """A supervisor records that the talk with the department was held."""
    from efficiency_portal.audit.services import record

    if not is_supervisor(actor):
        raise PermissionDenied(_("Only supervisors record talks."))
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Write down what was said and agreed.")})
    at = now_or(at)
    with transaction.atomic():
        updated = TalkFlag.objects.filter(pk=flag.pk, held_at__isnull=True).update(held_at=at, held_by=actor, note=note)
        if not updated:
            raise ValidationError({"note": _("This talk is already recorded as held.")})
        record(actor, "approvals.talk_held", target=flag, detail={"note": note})
    return TalkFlag.objects.get(pk=flag.pk)
