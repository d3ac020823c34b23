"""Service ratings (好差评): rating a finished case or a window visit, the default rating of unrated cases,
rectification orders of bad ratings and appeals against malicious ones."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import ExpressionWrapper, F, OuterRef, Subquery, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import (
    AppealStatus,
    RatingLevel,
    RatingSubject,
    RectificationOrder,
    RectificationStatus,
    ServiceRating,
)
from complaints.models.ratings import BAD_LEVELS
from credit.services import propose_entry
from efficiency_portal.common.bulk import insert_from_select
from efficiency_portal.org.models import Department, Staff
from efficiency_portal.org.roles import is_supervisor
from efficiency_portal.supervision.services import finish_deadline, open_deadline

from .common import CONTACT_CLOCK, RECTIFY_CLOCK, clean_text, now_or, portal_text, tell_supervisors

TAG_MAX = 8


def _level(value, field: str, *, required: bool = True) -> int | None:
    if value in (None, "") and not required:
        return None
    try:
        level = int(value)
    except (TypeError, ValueError):
        level = 0
    if level not in RatingLevel.values:
        raise ValidationError({field: _("Please choose one of the five levels.")})
    return level


def _tags(tags: Sequence[str]) -> list[str]:
    cleaned = [str(tag).strip()[:30] for tag in tags or () if str(tag).strip()]
    return list(dict.fromkeys(cleaned))[:TAG_MAX]


def _staff_of(user) -> Staff | None:
    return getattr(user, "staff", None) if user is not None else None


def _responsible_for(department: Department, handler: Staff | None):
    """Who answers for a rectification clock: the department head, else the handler rated."""
    if department.head_id:
        return department.head.user
    return handler.user if handler is not None else None


def _after_rating(rating: ServiceRating, at: dt.datetime) -> None:
    if rating.level not in BAD_LEVELS:
        return
    order = RectificationOrder.objects.create(rating=rating, department=rating.department, opened_at=at)
    responsible = _responsible_for(rating.department, rating.handler)
    if responsible is None:
        return
    for kind, days, title in (
        (CONTACT_CLOCK, settings.RATINGS_CONTACT_DAYS, _("Contact the citizen after a bad rating")),
        (RECTIFY_CLOCK, settings.RATINGS_RECTIFY_DAYS, _("Rectify after a bad rating")),
    ):
        open_deadline(
            order,
            kind=kind,
            title=str(title),
            department=rating.department,
            responsible=responsible,
            started_at=at,
            limit_days=days,
        )
    from efficiency_portal.notifications.services import notify

    notify(
        responsible,
        kind="rating",
        title=str(_("A bad rating to rectify")),
        body=str(_("A citizen rated your department “%(level)s”.") % {"level": rating.get_level_display()}),
        link=order.get_absolute_url(),
        dedupe_key=f"rating:bad:{rating.pk}",
    )


def rate_case(
    case,
    *,
    rater,
    level,
    service_level=None,
    window_level=None,
    tags: Sequence[str] = (),
    comment: str = "",
    applicant_proven: bool = False,
    at: dt.datetime | None = None,
) -> ServiceRating:
    """The applicant rates a finished case once (the service, the window and the handler).

    The applicant is the signed-in owner of the case, or (``applicant_proven``) whoever proved the case with its
    tracking code and secret or the applicant's phone, as the tracking page asks: most applicants apply at a window
    or without an account, and 好差评 reaches them through the tracking code, not a login. ``rater`` is then the
    signed-in visitor, if any."""
    from approvals.selectors.finished import finished_cases

    at = now_or(at)
    if not finished_cases().filter(pk=case.pk).exists():
        raise ValidationError(_("Only a finished case can be rated."))
    is_owner = rater is not None and case.applicant_id == getattr(rater, "pk", None)
    if not (is_owner or applicant_proven):
        raise ValidationError(_("Only the applicant can rate this case."))
    level = _level(level, "level")
    service_level = _level(service_level, "service_level", required=False)
    window_level = _level(window_level, "window_level", required=False)
    comment = clean_text(comment, "comment", required=False, max_length=500)
    handler = _staff_of(case.handler) if case.handler_id else None
    try:
        with transaction.atomic():
            rating = ServiceRating.objects.create(
                subject=RatingSubject.CASE,
                case=case,
                department=case.department,
                handler=handler,
                rater=rater,
                level=level,
                service_level=service_level,
                window_level=window_level,
                tags=_tags(tags),
                comment=comment,
                rated_at=at,
            )
            _after_rating(rating, at)
    except IntegrityError as error:
        raise ValidationError(_("This case was already rated.")) from error
    return rating


def rate_window_visit(
    department: Department,
    *,
    level,
    handler: Staff | None = None,
    rater=None,
    window_level=None,
    tags: Sequence[str] = (),
    comment: str = "",
    at: dt.datetime | None = None,
) -> ServiceRating:
    """A rating given at a window visit (the evaluator device at the window, or the visitor's phone)."""
    at = now_or(at)
    if department is None or not department.is_active:
        raise ValidationError({"department": _("Please choose a department that exists.")})
    if handler is not None and handler.department_id != department.pk:
        raise ValidationError({"handler": _("This person does not work at that window.")})
    level = _level(level, "level")
    window_level = _level(window_level, "window_level", required=False)
    comment = clean_text(comment, "comment", required=False, max_length=500)
    with transaction.atomic():
        rating = ServiceRating.objects.create(
            subject=RatingSubject.WINDOW,
            department=department,
            handler=handler,
            rater=rater if getattr(rater, "is_authenticated", False) else None,
            level=level,
            window_level=window_level,
            tags=_tags(tags),
            comment=comment,
            rated_at=at,
        )
        _after_rating(rating, at)
    return rating


def default_ratings(now: dt.datetime | None = None) -> int:
    """Finished cases unrated after RATINGS_DEFAULT_AFTER_DAYS count as 基本满意: one INSERT ... SELECT.

    A default rating is dated when the waiting time ran out, not when the sweep happened to find it, so that a
    backlog (a first run, a worker that was down) lands in the months the ratings belong to."""
    from approvals.selectors.finished import finished_before

    if not settings.RATINGS_DEFAULT_ENABLED:
        return 0
    now = now_or(now)
    wait = dt.timedelta(days=settings.RATINGS_DEFAULT_AFTER_DAYS)
    fields = [
        "department_id",
        "subject",
        "case_id",
        "level",
        "tags",
        "comment",
        "is_default",
        "rated_at",
        "appeal_status",
        "appeal_reason",
        "appeal_decision",
    ]
    source = (
        finished_before(now - wait)
        .filter(service_rating__isnull=True)
        .order_by()
        .values(
            "department_id",
            subject=Value(RatingSubject.CASE.value, output_field=models.CharField()),
            case_id=F("pk"),
            level=Value(RatingLevel.FAIRLY_SATISFIED.value, output_field=models.IntegerField()),
            tags=Value([], output_field=models.JSONField()),
            comment=Value("", output_field=models.CharField()),
            is_default=Value(True, output_field=models.BooleanField()),
            rated_at=ExpressionWrapper(F("ended_at") + Value(wait), output_field=models.DateTimeField()),
            appeal_status=Value("", output_field=models.CharField()),
            appeal_reason=Value("", output_field=models.TextField()),
            appeal_decision=Value("", output_field=models.TextField()),
        )
    )
    with transaction.atomic():
        inserted = insert_from_select(ServiceRating, fields, source)
        if inserted:
            # The handler rated is the staff record of the case's handler: one UPDATE of the rows that lack it.
            handler = Staff.objects.filter(user__cases_handled__pk=OuterRef("case_id")).values("pk")[:1]
            ServiceRating.objects.filter(
                is_default=True, handler__isnull=True, case__handler__staff__isnull=False
            ).update(handler_id=Subquery(handler))
    return inserted


# --- rectification ------------------------------------------------------------------------------------------------


def _clock(order: RectificationOrder, kind: str):
    from django.contrib.contenttypes.models import ContentType

    from efficiency_portal.supervision.models import Deadline, DeadlineStatus

    return (
        Deadline.objects.filter(
            content_type=ContentType.objects.get_for_model(RectificationOrder), object_id=order.pk, kind=kind
        )
        .exclude(status=DeadlineStatus.FINISHED)
        .first()
    )


def _finish_clock(order: RectificationOrder, kind: str, actor, at: dt.datetime) -> None:
    clock = _clock(order, kind)
    if clock is not None:
        finish_deadline(clock, actor, at=max(at, clock.started_at))


def _order_step(order: RectificationOrder, actor, *, allowed_from: str, to: str, changes: dict) -> RectificationOrder:
    from complaints.selectors.access import may_work_rectification

    if not may_work_rectification(actor, order):
        raise ValidationError(_("Only the rated department may do this."))
    updated = RectificationOrder.objects.filter(pk=order.pk, status=allowed_from).update(status=to, **changes)
    if not updated:
        raise ValidationError(_("This step is not open now; please reload."))
    return RectificationOrder.objects.get(pk=order.pk)


def record_contact(order: RectificationOrder, actor, *, note: str, at: dt.datetime | None = None) -> RectificationOrder:
    at = now_or(at)
    note = clean_text(note, "note")
    with transaction.atomic():
        order = _order_step(
            order,
            actor,
            allowed_from=RectificationStatus.OPEN,
            to=RectificationStatus.CONTACTED,
            changes={"contacted_at": at, "contact_note": note},
        )
        _finish_clock(order, CONTACT_CLOCK, actor, at)
    return order


def record_rectification(
    order: RectificationOrder, actor, *, note: str, at: dt.datetime | None = None
) -> RectificationOrder:
    at = now_or(at)
    note = clean_text(note, "note")
    with transaction.atomic():
        order = _order_step(
            order,
            actor,
            allowed_from=RectificationStatus.CONTACTED,
            to=RectificationStatus.RECTIFIED,
            changes={"rectified_at": at, "rectification_note": note},
        )
        _finish_clock(order, RECTIFY_CLOCK, actor, at)
    return order


def record_follow_up(
    order: RectificationOrder, actor, *, note: str, at: dt.datetime | None = None
) -> RectificationOrder:
    """The supervision office checks back with the citizen and closes the order."""
    if not is_supervisor(actor):
        raise ValidationError(_("Only the supervision office follows up."))
    at = now_or(at)
    note = clean_text(note, "note")
    with transaction.atomic():
        updated = RectificationOrder.objects.filter(pk=order.pk, status=RectificationStatus.RECTIFIED).update(
            status=RectificationStatus.CLOSED, followed_up_at=at, follow_up_note=note
        )
        if not updated:
            raise ValidationError(_("Only a rectified order can be followed up."))
        rating = ServiceRating.objects.get(pk=order.rating_id)
        # Not appealed: the rating stands once its rectification is concluded. A pending appeal waits for
        # the supervisor's decision, which proposes the entry if the rating stands.
        if rating.appeal_status == AppealStatus.NONE:
            propose_bad_rating_entries(rating, actor, at=at)
    return RectificationOrder.objects.get(pk=order.pk)


# --- credit -------------------------------------------------------------------------------------------------------

BAD_RATING_RULE = "bad_rating"


def rating_stands(rating: ServiceRating) -> bool:
    """A bad rating stands when the department's appeal was rejected, or, without an appeal, once its
    rectification order was followed up and closed. A rating set aside on appeal never stands."""
    if rating.level not in BAD_LEVELS:
        return False
    if rating.appeal_status == AppealStatus.REJECTED:
        return True
    if rating.appeal_status != AppealStatus.NONE:
        return False
    return RectificationOrder.objects.filter(rating=rating, status=RectificationStatus.CLOSED).exists()


def propose_bad_rating_entries(rating: ServiceRating, actor=None, *, at: dt.datetime | None = None) -> list:
    """Propose the PENDING ``bad_rating`` credit entry of a rating that stands, linked to the rating.

    The entry concerns the handler rated when known, else the rated department (one deduction per rating,
    not two). Idempotent: credit returns the existing entry for the same subject, rule and rating. Nothing
    the citizen wrote travels to credit. Returns the entries (empty when the rating does not stand)."""
    at = now_or(at)
    rating = ServiceRating.objects.select_related("handler", "department").get(pk=rating.pk)
    if not rating_stands(rating):
        return []
    subject = {"staff": rating.handler} if rating.handler_id else {"department": rating.department}
    why = (
        _("the appeal was rejected")
        if rating.appeal_status == AppealStatus.REJECTED
        else _("the rectification was concluded")
    )
    detail = _("Bad rating “%(level)s” of %(date)s stands: %(why)s.") % {
        "level": rating.get_level_display(),
        "date": timezone.localdate(rating.rated_at).isoformat(),
        "why": why,
    }
    entry = propose_entry(
        rule_code=BAD_RATING_RULE,
        fact_date=timezone.localdate(rating.rated_at),
        source="bad_rating",
        source_object=rating,
        detail=str(detail),
        actor=actor,
        at=at,
        **subject,
    )
    return [entry]


# --- appeals ------------------------------------------------------------------------------------------------------


def appeal_rating(rating: ServiceRating, actor, *, reason: str) -> ServiceRating:
    """The rated department asks a supervisor to set aside a malicious bad rating."""
    from complaints.selectors.access import department_scope

    if rating.department_id not in department_scope(actor):
        raise ValidationError(_("Only the rated department may appeal."))
    if rating.level not in BAD_LEVELS:
        raise ValidationError(_("Only a bad rating can be appealed."))
    if RectificationOrder.objects.filter(rating=rating, status=RectificationStatus.CLOSED).exists():
        raise ValidationError(
            {"reason": _("This rating already stands: its rectification was followed up and closed.")}
        )
    reason = clean_text(reason, "reason")
    with transaction.atomic():
        updated = ServiceRating.objects.filter(pk=rating.pk, appeal_status="").update(
            appeal_status=AppealStatus.PENDING, appeal_reason=reason
        )
        if not updated:
            raise ValidationError({"reason": _("This rating was already appealed.")})
        rating = ServiceRating.objects.select_related("department").get(pk=rating.pk)
        tell_supervisors(
            key=f"rating:appeal:{rating.pk}",
            title=_("A rating appeal to decide"),
            body=portal_text(
                _("%(department)s appeals against the rating “%(level)s” of %(date)s."),
                {
                    "department": rating.department.name,
                    "level": portal_text(RatingLevel(rating.level).label),
                    "date": timezone.localdate(rating.rated_at).isoformat(),
                },
            ),
            link=rating.get_absolute_url(),
            exclude=actor,
        )
    return rating


def decide_appeal(
    rating: ServiceRating, actor, *, uphold: bool, decision: str, at: dt.datetime | None = None
) -> ServiceRating:
    """Set aside (the order too) or let the rating stand, which proposes its ``bad_rating`` credit entry."""
    if not is_supervisor(actor):
        raise ValidationError(_("Only a supervisor decides appeals."))
    decision = clean_text(decision, "decision")
    at = now_or(at)
    with transaction.atomic():
        updated = ServiceRating.objects.filter(pk=rating.pk, appeal_status=AppealStatus.PENDING).update(
            appeal_status=AppealStatus.UPHELD if uphold else AppealStatus.REJECTED,
            appeal_decision=decision,
            appeal_decided_by=actor,
        )
        if not updated:
            raise ValidationError(_("There is no pending appeal on this rating."))
        order = RectificationOrder.objects.filter(rating=rating).first()
        if uphold and order is not None and order.status != RectificationStatus.CLOSED:
            RectificationOrder.objects.filter(pk=order.pk).update(status=RectificationStatus.SET_ASIDE)
            _finish_clock(order, CONTACT_CLOCK, actor, at)
            _finish_clock(order, RECTIFY_CLOCK, actor, at)
        if not uphold:
            propose_bad_rating_entries(rating, actor, at=at)
    return ServiceRating.objects.get(pk=rating.pk)
