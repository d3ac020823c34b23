"""Raising cards: directly for a trigger, or set-based from the deadline warnings on case clocks."""

from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.db.models import Case as SqlCase
from django.db.models import Exists, F, Min, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Cast, Concat, Left
from django.utils.translation import gettext_lazy as _

from approvals.models import Case, CaseDepartment, CaseEvent, CaseStep
from approvals.models.cards import (
    Card,
    CardAction,
    CardEvent,
    CardLevel,
    CardTrigger,
    ExplanationStatus,
)
from approvals.selectors.cards import month_start
from approvals.services.cards._sql import (
    CARD_EVENT_FIELDS,
    CARD_FIELDS,
    CASE_EVENT_FIELDS,
    _as_text,
    _from_template,
    _last_id,
    _portal_text,
    _text,
    _url_with_id,
)
from approvals.services.cards.talks import raise_talk_flags
from approvals.services.common import CASE_CLOCK, JOINT_CLOCK, STEP_CLOCK, now_or
from efficiency_portal.common.bulk import insert_from_select
from efficiency_portal.supervision.models import Warning, WarningLevel

EXPLAIN_TITLE = _("Red card: a written explanation is needed")
EXPLAIN_BODY = _("Case {code} got a red card ({trigger}). Please write your explanation.")


# --- Raising cards ------------------------------------------------------------------------------------------------


def _after_insert(fresh: QuerySet[Card]) -> None:
    """Events, case trail and the handler's notification for the cards ``fresh`` just inserted."""
    from efficiency_portal.notifications.services import enqueue_from_queryset

    fresh = fresh.order_by()
    insert_from_select(
        CardEvent,
        CARD_EVENT_FIELDS,
        fresh.values(
            card_id=F("id"),
            action=_text(CardAction.RAISED),
            actor_id=Cast(Value(None), models.BigIntegerField()),
            from_status=_text(""),
            to_status=F("explanation_status"),
            at=F("raised_at"),
            reason=F("detail"),
        ),
    )
    insert_from_select(
        CaseEvent,
        CASE_EVENT_FIELDS,
        fresh.values(
            "case_id",
            actor_id=Cast(Value(None), models.BigIntegerField()),
            action=_text("card"),
            from_status=_text(""),
            to_status=_text(""),
            at=F("raised_at"),
            public_text=_text(""),
            note=Concat(
                F("level"), _text(" "), F("trigger"), _text(": "), F("detail"), output_field=models.TextField()
            ),
        ),
    )
    title = _portal_text(EXPLAIN_TITLE)
    trigger_label = SqlCase(
        *[When(trigger=value, then=_text(_portal_text(label))) for value, label in CardTrigger.choices],
        default=F("trigger"),
        output_field=models.CharField(),
    )
    enqueue_from_queryset(
        fresh.filter(explanation_status=ExplanationStatus.AWAITING, handler__isnull=False).values(
            recipient_id=F("handler_id"),
            kind=_text("approvals_card"),
            title=_text(title),
            body=_from_template(
                _portal_text(EXPLAIN_BODY), {"code": F("case__tracking_code"), "trigger": trigger_label}
            ),
            link=_url_with_id("approvals:card_explain", F("id")),
            urgent=Value(True, output_field=models.BooleanField()),
            dedupe_key=Concat(_text("card:"), _as_text(F("id")), _text(":explain"), output_field=models.CharField()),
        )
    )


def raise_card(
    case: Case,
    *,
    trigger: str,
    level: str = CardLevel.RED,
    detail: str = "",
    at: dt.datetime | None = None,
) -> Card | None:
    """Raise one card on ``case`` for a direct trigger; a second call for the same (trigger, level) returns None.

    A red card waits for the handler's written explanation, tells the handler and may flag a talk.
    """
    at = now_or(at)
    with transaction.atomic():
        try:
            with transaction.atomic():
                card = Card.objects.create(
                    case=case,
                    department_id=case.department_id,
                    handler_id=case.handler_id,
                    level=level,
                    trigger=trigger,
                    raised_at=at,
                    detail=str(detail)[:300],
                    explanation_status=(
                        ExplanationStatus.AWAITING if level == CardLevel.RED else ExplanationStatus.NOT_NEEDED
                    ),
                )
        except IntegrityError:
            if Card.objects.filter(case=case, trigger=trigger, level=level).exists():
                return None
            raise
        _after_insert(Card.objects.filter(pk=card.pk))
        if level == CardLevel.RED:
            raise_talk_flags(month_start(at), now=at)
    return card


def _warning_cards(kind: str, case_id, model: type[models.Model], now: dt.datetime) -> QuerySet:
    """Card rows for the warnings on deadlines of ``kind`` whose subject is a ``model`` row."""
    return (
        Warning.objects.filter(
            # A deadline may outlive its subject (the generic relation does not cascade): skip those.
            Exists(model.objects.filter(pk=OuterRef("deadline__object_id"))),
            deadline__kind=kind,
            deadline__content_type=ContentType.objects.get_for_model(model),
            raised_at__lte=now,
        )
        .order_by()
        .values(
            "level",
            "raised_at",
            case_id=case_id,
            department_id=F("deadline__department_id"),
            handler_id=F("deadline__responsible_id"),
            trigger=SqlCase(
                When(level=WarningLevel.YELLOW, then=_text(CardTrigger.WARNING)),
                default=_text(CardTrigger.OVERDUE),
                output_field=models.CharField(),
            ),
            detail=Left(F("deadline__title"), 300),
            explanation_status=SqlCase(
                When(level=WarningLevel.RED, then=_text(ExplanationStatus.AWAITING)),
                default=_text(ExplanationStatus.NOT_NEEDED),
                output_field=models.CharField(),
            ),
            explanation=_text(""),
            review_note=_text(""),
        )
    )


def sync_cards_from_warnings(now: dt.datetime | None = None) -> int:
    """Turn every warning on a case clock into a card of its level; return how many cards are new.

    One INSERT ... SELECT per clock kind (a step's or a joint part's deadline is mapped to its case in SQL), then
    the events, the case trail, the handlers' notifications and the talk flags, all set-based: the number of
    statements does not depend on the number of warnings.
    """
    now = now_or(now)
    step_case = Subquery(CaseStep.objects.filter(pk=OuterRef("deadline__object_id")).values("case_id")[:1])
    joint_case = Subquery(CaseDepartment.objects.filter(pk=OuterRef("deadline__object_id")).values("case_id")[:1])
    inserted = 0
    with transaction.atomic():
        before = _last_id(Card)
        for kind, case_id, model in (
            (CASE_CLOCK, F("deadline__object_id"), Case),
            (STEP_CLOCK, step_case, CaseStep),
            (JOINT_CLOCK, joint_case, CaseDepartment),
        ):
            inserted += insert_from_select(Card, CARD_FIELDS, _warning_cards(kind, case_id, model, now))
        months = {month_start(now)}
        if inserted:
            # Only the cards of these triggers: a direct card raised meanwhile has had its own follow-up.
            fresh = Card.objects.filter(id__gt=before, trigger__in=[CardTrigger.WARNING, CardTrigger.OVERDUE])
            _after_insert(fresh)
            # A warning raised late on the last day of a month counts for that month, even when synced after it.
            earliest = fresh.filter(level=CardLevel.RED).aggregate(earliest=Min("raised_at"))["earliest"]
            month = month_start(earliest) if earliest else month_start(now)
            while month < month_start(now):
                months.add(month)
                month = (month + dt.timedelta(days=32)).replace(day=1)
        for month in sorted(months):
            raise_talk_flags(month, now=now)
    return inserted
