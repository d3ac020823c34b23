"""Electronic supervision of cases: red and yellow cards, written explanations and talk flags (约谈).

Cards come from two places. The deadline sweep's warnings on the clocks of a case (the whole case, one step, one
department's part of a joint approval) become cards set-based in :func:`sync_cards_from_warnings`; the direct
triggers (decided late, wrong fee, refusal without a valid reason) call :func:`raise_card`. Either way a card is
unique per (case, trigger, level), so every caller may run twice. A red card asks its handler for a written
explanation, which a supervisor accepts or sends back.
"""

from __future__ import annotations

import datetime as dt
import string

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Case as SqlCase
from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Cast, Coalesce, Concat, Left
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from approvals.models import Case, CaseDepartment, CaseEvent, CaseStatus, CaseStep
from approvals.models.cards import (
    Card,
    CardAction,
    CardEvent,
    CardLevel,
    CardTrigger,
    ExplanationStatus,
    TalkFlag,
)
from approvals.selectors.cards import month_bounds, month_start
from approvals.services.common import CASE_CLOCK, JOINT_CLOCK, STEP_CLOCK, now_or, record_event
from efficiency_portal.common.bulk import insert_from_select
from efficiency_portal.org.models import Department, Role
from efficiency_portal.org.roles import is_supervisor
from efficiency_portal.supervision.models import Warning, WarningLevel

MIN_EXPLANATION_CHARS = 10

CARD_FIELDS = [
    "level",
    "raised_at",
    "case_id",
    "department_id",
    "handler_id",
    "trigger",
    "detail",
    "explanation_status",
    "explanation",
    "review_note",
]
CARD_EVENT_FIELDS = ["card_id", "action", "actor_id", "from_status", "to_status", "at", "reason"]
CASE_EVENT_FIELDS = ["case_id", "actor_id", "action", "from_status", "to_status", "at", "public_text", "note"]
TALK_FIELDS = ["department_id", "red_cards", "month", "raised_at", "note"]

EXPLAIN_TITLE = _("Red card: a written explanation is needed")
EXPLAIN_BODY = _("Case {code} got a red card ({trigger}). Please write your explanation.")
REJECTED_TITLE = _("Your explanation was sent back")
TALK_TITLE = _("Talk flagged (约谈): {department}")
TALK_BODY = _("{department} got {count} red cards in {month}; a talk with its head is due.")


def _text(value: object) -> Value:
    return Value(str(value), output_field=models.CharField())


def _as_text(expression) -> Cast:
    return Cast(expression, models.CharField())


def _url_with_id(name: str, id_expression) -> Concat:
    """The URL of ``name`` for the id in ``id_expression``, built in SQL."""
    marker = 987654321
    before, after = reverse(name, args=[marker]).split(str(marker))
    return Concat(_text(before), _as_text(id_expression), _text(after), output_field=models.CharField())


def _from_template(template: str, parts: dict[str, models.Expression]) -> models.Expression:
    """``template`` with ``{name}`` placeholders as an SQL concatenation of its text and ``parts``.

    A placeholder a translation leaves out is simply not shown; an unknown one is shown as written.
    """
    pieces: list[models.Expression] = []
    for literal, name, _spec, _conversion in string.Formatter().parse(template):
        if literal:
            pieces.append(_text(literal))
        if name:
            pieces.append(parts[name] if name in parts else _text("{" + name + "}"))
    if not pieces:
        return _text("")
    if len(pieces) == 1:
        return pieces[0]
    return Concat(*pieces, output_field=models.TextField())


def _portal_text(message) -> str:
    # Messages written by the system are stored in the portal's language, whoever triggered them.
    with translation.override(settings.LANGUAGE_CODE):
        return str(message)


def _last_id(model: type[models.Model]) -> int:
    return model.objects.order_by("-id").values_list("id", flat=True).first() or 0


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


class _Lenient(dict):
    """Formatting values that leave an unknown placeholder as written instead of failing."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


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


# --- Explanations -------------------------------------------------------------------------------------------------


def _move(
    card: Card,
    *,
    allowed_from: list[str],
    to: str,
    action: str,
    actor,
    at: dt.datetime,
    reason: str = "",
    **fields,
) -> Card:
    """Change the card's explanation status only if it is still in ``allowed_from``, with its event row."""
    current = Card.objects.select_for_update().get(pk=card.pk)
    if current.explanation_status not in allowed_from:
        raise ValidationError(
            {
                "explanation_status": _("The explanation is %(status)s; this is not possible now.")
                % {"status": current.get_explanation_status_display()}
            }
        )
    updated = Card.objects.filter(pk=card.pk, explanation_status=current.explanation_status).update(
        explanation_status=to, **fields
    )
    if not updated:
        raise ValidationError({"explanation_status": _("The card was changed by someone else; reload and try again.")})
    CardEvent.objects.create(
        card=current,
        action=action,
        actor=actor,
        from_status=current.explanation_status,
        to_status=to,
        at=at,
        reason=reason,
    )
    return Card.objects.select_related("case", "department", "handler").get(pk=card.pk)


def submit_explanation(card: Card, actor, text: str, at: dt.datetime | None = None) -> Card:
    """The card's handler writes why the case went wrong; a rejected explanation may be written again."""
    if not actor.is_authenticated or card.handler_id != actor.pk:
        raise PermissionDenied(_("Only the handler of the case explains its card."))
    text = (text or "").strip()
    if len(text) < MIN_EXPLANATION_CHARS:
        raise ValidationError(
            {"explanation": _("Write at least %(count)d characters.") % {"count": MIN_EXPLANATION_CHARS}}
        )
    at = now_or(at)
    with transaction.atomic():
        return _move(
            card,
            allowed_from=[ExplanationStatus.AWAITING, ExplanationStatus.REJECTED],
            to=ExplanationStatus.SUBMITTED,
            action=CardAction.EXPLAINED,
            actor=actor,
            at=at,
            reason=text,
            explanation=text,
            explained_at=at,
        )


def review_explanation(card: Card, actor, *, accept: bool, note: str = "", at: dt.datetime | None = None) -> Card:
    """A supervisor accepts the explanation or sends it back to the handler with a note."""
    from efficiency_portal.notifications.services import notify

    if not is_supervisor(actor):
        raise PermissionDenied(_("Only supervisors review explanations."))
    note = (note or "").strip()
    if not accept and not note:
        raise ValidationError({"note": _("Say why the explanation is not accepted.")})
    if len(note) > 300:
        raise ValidationError({"note": _("Keep the note within 300 characters.")})
    at = now_or(at)
    with transaction.atomic():
        reviewed = _move(
            card,
            allowed_from=[ExplanationStatus.SUBMITTED],
            to=ExplanationStatus.ACCEPTED if accept else ExplanationStatus.REJECTED,
            action=CardAction.ACCEPTED if accept else CardAction.REJECTED,
            actor=actor,
            at=at,
            reason=note,
            reviewed_by=actor,
            reviewed_at=at,
            review_note=note,
        )
        if not accept and reviewed.handler is not None:
            notify(
                reviewed.handler,
                kind="approvals_card",
                title=_portal_text(REJECTED_TITLE),
                body=note,
                link=reverse("approvals:card_explain", args=[reviewed.pk]),
                urgent=True,
                dedupe_key=f"card:{reviewed.pk}:rejected:{CardEvent.objects.filter(card=reviewed).count()}",
            )
    return reviewed


# --- Supervisors' own finding -------------------------------------------------------------------------------------


def flag_refusal_without_reason(case: Case, actor, note: str, at: dt.datetime | None = None) -> Card | None:
    """A supervisor finds that a case was refused without a valid reason: a red card for its handler."""
    from efficiency_portal.audit.services import record

    if not is_supervisor(actor):
        raise PermissionDenied(_("Only supervisors flag refusals."))
    note = (note or "").strip()
    errors: dict[str, str] = {}
    if case.status != CaseStatus.REFUSED:
        errors["case"] = _("Only a case that was not accepted can be flagged.")
    if not note:
        errors["note"] = _("Say why the reason given is not valid.")
    elif len(note) > 300:
        errors["note"] = _("Keep the note within 300 characters.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        card = raise_card(case, trigger=CardTrigger.REFUSAL_WITHOUT_REASON, level=CardLevel.RED, detail=note, at=at)
        if card is None:
            raise ValidationError({"case": _("This refusal is already flagged.")})
        record_event(case, "refusal_flagged", actor, at=card.raised_at, note=note)
        record(actor, "approvals.flag_refusal", target=case, detail={"card": card.pk, "note": note})
    return card
