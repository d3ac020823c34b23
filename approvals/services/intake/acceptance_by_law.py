"""Acceptance by law: cases left without a pre-review decision past the window count as accepted, in batches of
set-based queries (the beat task ``approvals.auto_accept_overdue``)."""

from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import CharField, F, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from approvals.models import Case, CaseEvent, CaseStatus
from approvals.services.common import CASE_CLOCK, PRE_REVIEW_CLOCK, now_or
from efficiency_portal.notifications.services import enqueue_from_queryset
from efficiency_portal.supervision.clock import bulk_schedule
from efficiency_portal.supervision.models import Deadline, DeadlineEvent, DeadlineStatus, EventAction, Light, Outcome

from .base import lay_out_steps, public

AUTO_ACCEPT_BATCH = 500
AUTO_ACCEPTED = "auto_accepted"


def auto_accept_overdue(now: dt.datetime | None = None) -> int:
    """Cases still SUBMITTED after their pre-review window count as accepted from the day their materials came.

    Works in batches with a constant number of queries per batch (no query per case).
    """
    now = now_or(now)
    total = 0
    case_type = ContentType.objects.get_for_model(Case)
    while True:
        with transaction.atomic():
            done = _auto_accept_batch(now, case_type)
        total += done
        if done < AUTO_ACCEPT_BATCH:
            return total


def _auto_accept_batch(now: dt.datetime, case_type: ContentType) -> int:
    overdue = list(
        Deadline.objects.select_for_update(skip_locked=True)
        .filter(content_type=case_type, kind=PRE_REVIEW_CLOCK, status=DeadlineStatus.OPEN, due_at__lte=now)
        .order_by("due_at", "pk")
        .values("pk", "object_id", "light")[:AUTO_ACCEPT_BATCH]
    )
    if not overdue:
        return 0
    deadline_ids = [row["pk"] for row in overdue]
    case_ids = [row["object_id"] for row in overdue]
    # Acceptance dates back to the day the materials came; the pre-review clock's holder becomes the handler.
    responsible = Deadline.objects.filter(
        content_type=case_type, kind=PRE_REVIEW_CLOCK, object_id=OuterRef("pk")
    ).values("responsible_id")[:1]
    Case.objects.filter(pk__in=case_ids, status=CaseStatus.SUBMITTED).update(
        status=CaseStatus.ACCEPTED,
        auto_accepted=True,
        accepted_at=Coalesce(F("materials_complete_at"), F("submitted_at")),
        handler_id=Subquery(responsible),
        updated_at=timezone.now(),
    )
    # Only the cases this batch accepted (the event row marks them; a case is accepted by law once).
    cases = list(
        Case.objects.filter(pk__in=case_ids, status=CaseStatus.ACCEPTED, auto_accepted=True)
        .exclude(events__action=AUTO_ACCEPTED)
        .select_related("item")
    )
    text = public(_("No decision came within the pre-review window, so by law your application counts as accepted."))
    CaseEvent.objects.bulk_create(
        CaseEvent(
            case=c,
            action=AUTO_ACCEPTED,
            from_status=CaseStatus.SUBMITTED,
            to_status=CaseStatus.ACCEPTED,
            at=now,
            public_text=text,
            note=f"{timezone.localtime(c.accepted_at):%Y-%m-%d}",
        )
        for c in cases
    )
    Deadline.objects.filter(pk__in=deadline_ids, status=DeadlineStatus.OPEN).update(
        status=DeadlineStatus.FINISHED, finished_at=now, outcome=Outcome.LATE, updated_at=timezone.now()
    )
    DeadlineEvent.objects.bulk_create(
        DeadlineEvent(
            deadline_id=row["pk"],
            action=EventAction.FINISHED,
            from_status=DeadlineStatus.OPEN,
            to_status=DeadlineStatus.FINISHED,
            from_light=row["light"],
            to_light=row["light"],
            at=now,
            reason=str(Outcome.LATE.label),
        )
        for row in overdue
    )
    if cases:
        _open_case_clocks(cases, case_type)
        lay_out_steps(cases, {c.pk: (None, c.accepted_at) for c in cases})
        _tell_accepted_by_law([c.pk for c in cases])
    return len(overdue)


def _open_case_clocks(cases: list[Case], case_type: ContentType) -> None:
    """The case clocks of cases accepted by law, scheduled on the in-memory calendar (no query per case)."""
    plans = bulk_schedule(
        [timezone.localtime(c.accepted_at).date() for c in cases],
        [c.item.promised_limit_days for c in cases],
        [None] * len(cases),
    )
    Deadline.objects.bulk_create(
        [
            Deadline(
                content_type=case_type,
                object_id=c.pk,
                kind=CASE_CLOCK,
                title=f"{c.tracking_code} {c.item.name}"[:200],
                department_id=c.department_id,
                responsible_id=c.handler_id,
                started_at=c.accepted_at,
                limit_days=c.item.promised_limit_days,
                due_at=plan.due_at,
                due_provisional=plan.provisional,
                yellow_from=plan.yellow_from,
            )
            for c, plan in zip(cases, plans, strict=True)
        ],
        ignore_conflicts=True,
    )
    opened = Deadline.objects.filter(
        content_type=case_type, kind=CASE_CLOCK, object_id__in=[c.pk for c in cases], events__isnull=True
    ).values_list("pk", "started_at")
    DeadlineEvent.objects.bulk_create(
        DeadlineEvent(
            deadline_id=pk, action=EventAction.OPENED, to_status=DeadlineStatus.OPEN, to_light=Light.GREEN, at=started
        )
        for pk, started in opened
    )


def _tell_accepted_by_law(case_ids: list[int]) -> None:
    link_prefix = reverse("approvals:my_case", args=[0]).removesuffix("0/")
    rows = (
        Case.objects.filter(pk__in=case_ids, applicant__isnull=False)
        .annotate(
            recipient_id=F("applicant_id"),
            kind=Value("approvals.accepted"),
            title=Concat(Value(public(_("Application accepted")) + " "), F("tracking_code")),
            body=Value(public(_("No decision came within the pre-review window, so your application is accepted."))),
            link=Concat(Value(link_prefix), Cast("pk", CharField()), Value("/")),
            urgent=Value(False),
            dedupe_key=Concat(Value("approvals:accepted:"), Cast("pk", CharField())),
        )
        .values("recipient_id", "kind", "title", "body", "link", "urgent", "dedupe_key")
    )
    enqueue_from_queryset(rows)
