"""Facts of approvals that the performance assessment reads: case outcomes and red cards over a period.

Every function is one grouped query, whatever the number of cases: department figures come from the pre-aggregated
daily rows, per-handler figures from the case clocks through the ``(responsible, status)`` index.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.urls import reverse

from approvals.models import DailyCaseStat
from approvals.models.cards import Card, CardLevel
from efficiency_portal.supervision.models import Deadline, DeadlineStatus, Outcome


@dataclass(frozen=True)
class CaseOutcomes:
    finished: int
    on_time: int  # finished on or before the due moment, early ones included
    early: int


@dataclass(frozen=True)
class CardFact:
    id: int
    subject_id: int
    tracking_code: str
    raised_at: dt.datetime
    url: str


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = ZoneInfo(settings.TIME_ZONE)
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=zone),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone),
    )


def case_outcomes_by_department(start: dt.date, end: dt.date) -> dict[int, CaseOutcomes]:
    rows = (
        DailyCaseStat.objects.filter(day__gte=start, day__lte=end)
        .values("department_id")
        .annotate(finished=Sum("finished"), on_time=Sum("finished_on_time"), early=Sum("finished_early"))
    )
    return {
        row["department_id"]: CaseOutcomes(row["finished"], row["on_time"] + row["early"], row["early"]) for row in rows
    }


def case_outcomes_by_handler(start: dt.date, end: dt.date) -> dict[int, CaseOutcomes]:
    """User id of the responsible handler → outcomes of the case clocks finished in the period."""
    since, until = _bounds(start, end)
    rows = (
        Deadline.objects.filter(
            kind="case", status=DeadlineStatus.FINISHED, finished_at__gte=since, finished_at__lt=until
        )
        .values("responsible_id")
        .annotate(
            finished=Count("id"),
            on_time=Count("id", filter=Q(outcome__in=[Outcome.ON_TIME, Outcome.EARLY])),
            early=Count("id", filter=Q(outcome=Outcome.EARLY)),
        )
    )
    return {row["responsible_id"]: CaseOutcomes(row["finished"], row["on_time"], row["early"]) for row in rows}


def red_cards(start: dt.date, end: dt.date, *, by: str) -> dict[int, list[CardFact]]:
    """Red cards raised in the period, grouped by handler (user id, ``by="handler"``) or by department."""
    since, until = _bounds(start, end)
    key = "handler_id" if by == "handler" else "department_id"
    rows = (
        Card.objects.filter(level=CardLevel.RED, raised_at__gte=since, raised_at__lt=until)
        .exclude(**{f"{key}__isnull": True})
        .values_list("id", key, "case__tracking_code", "raised_at", "case_id")
        .order_by("raised_at", "id")
    )
    grouped: dict[int, list[CardFact]] = {}
    # The link is the case, with its cards and explanations: the page every reader of a result may open (the
    # person, the heads above, supervisors), unlike the supervisors' review of the card. One reverse() for all.
    pattern = reverse("approvals:case_work", args=[0]).replace("/0/", "/{}/")
    for card_id, subject_id, code, raised_at, case_id in rows:
        url = pattern.format(case_id)
        grouped.setdefault(subject_id, []).append(CardFact(card_id, subject_id, code, raised_at, url))
    return grouped


@dataclass(frozen=True)
class CaseLink:
    case_id: int
    title: str
    outcome: str
    url: str


def case_links_by_handler(
    start: dt.date, end: dt.date, *, outcomes: tuple[str, ...], limit: int = 50
) -> dict[int, list[CaseLink]]:
    """User id of the handler → the cases whose clock finished in the period with one of ``outcomes`` (at most
    ``limit`` each, in the order they finished), linked to the case page; one query."""
    since, until = _bounds(start, end)
    rows = (
        Deadline.objects.filter(
            kind="case", status=DeadlineStatus.FINISHED, finished_at__gte=since, finished_at__lt=until,
            outcome__in=outcomes,
        )
        .values_list("responsible_id", "object_id", "title", "outcome")
        .order_by("finished_at", "id")
    )  # fmt: skip
    pattern = reverse("approvals:case_work", args=[0]).replace("/0/", "/{}/")
    grouped: dict[int, list[CaseLink]] = {}
    for user_id, case_id, title, outcome in rows:
        bucket = grouped.setdefault(user_id, [])
        if len(bucket) < limit:
            bucket.append(CaseLink(case_id, title, outcome, pattern.format(case_id)))
    return grouped


def department_statistics_url(code: str, start: dt.date, end: dt.date) -> str:
    """The department's statistics page for the period: the figures behind its rates, by item."""
    return f"{reverse('approvals:department_statistics', args=[code])}?start={start.isoformat()}&end={end.isoformat()}"
