"""Reads of cards and talk flags: who may see which, review queue with keyset pagination."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Case as SqlCase
from django.db.models import Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from approvals.models import Case, CaseStatus
from approvals.models.cards import Card, CardLevel, CardTrigger, ExplanationStatus, TalkFlag
from efficiency_portal.org.models import Department, Role
from efficiency_portal.org.roles import has_role, is_staff_member, is_supervisor
from efficiency_portal.supervision.selectors import supervised_departments

PAGE_SIZE = 50


def month_start(moment: dt.datetime | dt.date) -> dt.date:
    day = timezone.localtime(moment).date() if isinstance(moment, dt.datetime) else moment
    return day.replace(day=1)


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The local start of ``month`` and of the month after it."""
    following = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(month, dt.time.min, tzinfo=tz),
        dt.datetime.combine(following, dt.time.min, tzinfo=tz),
    )


def visible_cards(user) -> QuerySet[Card]:
    """Supervisors see every card; a handler their own; heads and leaders those of their departments."""
    if not user or not user.is_authenticated:
        return Card.objects.none()
    if is_supervisor(user):
        return Card.objects.all()
    if not is_staff_member(user):
        return Card.objects.none()
    return Card.objects.filter(Q(handler=user) | Q(department__in=supervised_departments(user).values("pk")))


def card_rows(queryset: QuerySet[Card]) -> QuerySet[Card]:
    return queryset.select_related("case", "case__item", "department", "handler")


def my_cards(user) -> QuerySet[Card]:
    """The handler's cards, those waiting for an explanation (or sent back) first."""
    if not user.is_authenticated:
        return Card.objects.none()
    to_do = SqlCase(
        When(explanation_status__in=[ExplanationStatus.AWAITING, ExplanationStatus.REJECTED], then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return card_rows(Card.objects.filter(handler=user)).annotate(to_do=to_do).order_by("to_do", "-raised_at", "-id")


def card_for_handler(user, pk: int) -> Card:
    return card_rows(Card.objects.filter(handler=user)).get(pk=pk)


def card_with_history(pk: int) -> Card:
    return card_rows(Card.objects.all()).prefetch_related("events__actor").get(pk=pk)


def may_see_talk_flags(user) -> bool:
    if not user.is_authenticated:
        return False
    if is_supervisor(user) or has_role(user, Role.DEPARTMENT_HEAD, Role.LEADER):
        return True
    return is_staff_member(user) and supervised_departments(user).exists()


def visible_talk_flags(user) -> QuerySet[TalkFlag]:
    if not user or not user.is_authenticated:
        return TalkFlag.objects.none()
    flags = TalkFlag.objects.select_related("department", "held_by")
    if is_supervisor(user):
        return flags
    if not is_staff_member(user):
        return TalkFlag.objects.none()
    return flags.filter(department__in=supervised_departments(user).values("pk"))


@dataclass
class ReviewFilters:
    department: Department | None = None
    level: str = ""
    month: dt.date | None = None
    status: str = ExplanationStatus.SUBMITTED


def review_queue(filters: ReviewFilters) -> QuerySet[Card]:
    """Cards for supervisors to review (by default: explanations awaiting review)."""
    cards = Card.objects.all()
    if filters.status:
        cards = cards.filter(explanation_status=filters.status)
    if filters.department is not None:
        cards = cards.filter(department=filters.department)
    if filters.level in CardLevel.values:
        cards = cards.filter(level=filters.level)
    if filters.month is not None:
        start, end = month_bounds(filters.month)
        cards = cards.filter(raised_at__gte=start, raised_at__lt=end)
    return card_rows(cards)


# --- keyset pagination by (raised_at, id), newest first ---------------------------------------------------------


@dataclass
class KeysetPage:
    items: list
    next_cursor: str | None


def encode_cursor(card: Card) -> str:
    raw = f"{card.raised_at.isoformat()}|{card.pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[dt.datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        moment, pk = raw.split("|")
        raised_at = dt.datetime.fromisoformat(moment)
        if raised_at.tzinfo is None:
            raise ValueError
        return raised_at, int(pk)
    except (ValueError, binascii.Error, UnicodeDecodeError) as error:
        raise ValidationError({"cursor": _("This page link is not valid; start again from the first page.")}) from error


def keyset_page(queryset: QuerySet[Card], cursor: str | None, size: int = PAGE_SIZE) -> KeysetPage:
    """Newest first, rows after ``cursor``; never an OFFSET however deep the page."""
    queryset = queryset.order_by("-raised_at", "-id")
    if cursor:
        raised_at, pk = decode_cursor(cursor)
        queryset = queryset.filter(Q(raised_at__lt=raised_at) | Q(raised_at=raised_at, pk__lt=pk))
    items = list(queryset[: size + 1])
    next_cursor = encode_cursor(items[size - 1]) if len(items) > size else None
    return KeysetPage(items[:size], next_cursor)


# --- refused cases, for supervisors to check the reasons -----------------------------------------------------------


def refused_cases() -> QuerySet[Case]:
    """Cases not accepted, newest decision first, each marked when a supervisor already flagged it."""
    flagged = Card.objects.filter(case=OuterRef("pk"), trigger=CardTrigger.REFUSAL_WITHOUT_REASON)
    return (
        Case.objects.filter(status=CaseStatus.REFUSED, decided_at__isnull=False)
        .select_related("item", "department", "handler")
        .annotate(flagged=Exists(flagged))
    )


def encode_case_cursor(case: Case) -> str:
    raw = f"{case.decided_at.isoformat()}|{case.pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def refused_page(queryset: QuerySet[Case], cursor: str | None, size: int = PAGE_SIZE) -> KeysetPage:
    queryset = queryset.order_by("-decided_at", "-id")
    if cursor:
        decided_at, pk = decode_cursor(cursor)
        queryset = queryset.filter(Q(decided_at__lt=decided_at) | Q(decided_at=decided_at, pk__lt=pk))
    items = list(queryset[: size + 1])
    next_cursor = encode_case_cursor(items[size - 1]) if len(items) > size else None
    return KeysetPage(items[:size], next_cursor)


def red_cards_by_case(case_ids: Iterable[int]) -> dict[int, Card]:
    """Case id → its latest red card, whose explanation status and time say whether the handler explained the case
    in writing (the dashboards show it beside the red warning). One query, whatever the number of cases."""
    cards = (
        Card.objects.filter(case_id__in=set(case_ids), level=CardLevel.RED)
        .only("id", "case_id", "level", "raised_at", "explanation_status", "explained_at", "reviewed_at")
        .order_by("case_id", "-raised_at", "-id")
    )
    result: dict[int, Card] = {}
    for card in cards:
        result.setdefault(card.case_id, card)
    return result
