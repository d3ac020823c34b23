"""Recording, proposing, confirming and dismissing credit entries: the one door through which credit is written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from credit.conf import setting
from credit.models import (
    COUNTING_STATUSES,
    CreditEntry,
    CreditRule,
    EntryAction,
    EntryStatus,
    RuleKind,
    Source,
)
from credit.services.attachments import save_attachments
from credit.services.common import now_or, record_event, subject_users
from efficiency_portal.org.models import Department, Staff


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year + years, day=28)


def validity_years(rule: CreditRule, points: int) -> int:
    if rule.validity_years:
        return rule.validity_years
    if rule.kind == RuleKind.DOWNGRADE:
        return int(setting("CREDIT_DOWNGRADE_YEARS").get(rule.downgrade_to, setting("CREDIT_VALIDITY_LONG_YEARS")))
    if abs(points) <= setting("CREDIT_VALIDITY_THRESHOLD"):
        return int(setting("CREDIT_VALIDITY_SHORT_YEARS"))
    return int(setting("CREDIT_VALIDITY_LONG_YEARS"))


def check_points(rule: CreditRule, points: int) -> None:
    """Refuse points whose sign does not fit the rule."""
    if rule.kind == RuleKind.DEDUCTION and points >= 0:
        raise ValidationError({"points": _("A deduction takes negative points.")})
    if rule.kind == RuleKind.BONUS and points <= 0:
        raise ValidationError({"points": _("A bonus takes positive points.")})
    if rule.kind == RuleKind.DOWNGRADE and points != 0:
        raise ValidationError({"points": _("A direct downgrade carries no points.")})


def _subject_filter(staff: Staff | None, department: Department | None) -> dict:
    return {"staff": staff} if staff is not None else {"department": department}


def is_repeat(entry: CreditEntry) -> bool:
    """True when the subject has a counting entry of the same rule still valid on this entry's fact date."""
    if entry.rule.kind == RuleKind.DOWNGRADE:
        return False
    return (
        CreditEntry.objects.filter(
            **_subject_filter(entry.staff, entry.department),
            rule=entry.rule,
            status__in=COUNTING_STATUSES,
            fact_date__lte=entry.fact_date,
            valid_until__gt=entry.fact_date,
        )
        .exclude(pk=entry.pk)
        .exists()
    )


def _apply_repeat(entry: CreditEntry) -> None:
    entry.repeated = is_repeat(entry)
    entry.points = entry.base_points * (setting("CREDIT_REPEAT_MULTIPLIER") if entry.repeated else 1)
    entry.valid_until = add_years(entry.fact_date, validity_years(entry.rule, entry.points))


def _new_entry(
    *,
    rule_code: str,
    fact_date: dt.date,
    source: str,
    source_object: Model | None,
    staff: Staff | None,
    department: Department | None,
    detail: str,
    points: int | None,
    actor,
    at: dt.datetime,
    source_link: str = "",
) -> tuple[CreditEntry, CreditEntry | None]:
    """Validate and build an unsaved entry; or return the existing one for the same subject, rule and source."""
    errors: dict[str, str] = {}
    rule = CreditRule.objects.filter(code=rule_code).first()
    if rule is None:
        raise ValidationError({"rule": _("There is no credit rule “%(code)s”.") % {"code": rule_code}})
    if (staff is None) == (department is None):
        errors["staff"] = _("An entry concerns exactly one civil servant or one department.")
    elif staff is not None and not rule.for_staff:
        errors["rule"] = _("This rule does not apply to civil servants.")
    elif department is not None and not rule.for_departments:
        errors["rule"] = _("This rule does not apply to departments.")
    if not rule.is_active:
        errors["rule"] = _("This rule is no longer in use.")
    if source not in Source.values:
        errors["source"] = _("Unknown source.")
    if fact_date is None:
        errors["fact_date"] = _("Please give the date of the fact.")
    elif fact_date > timezone.localdate(at):
        errors["fact_date"] = _("The date of the fact cannot lie in the future.")
    if errors:
        raise ValidationError(errors)
    base = rule.points if points is None else int(points)
    check_points(rule, base)
    source_type = ContentType.objects.get_for_model(source_object) if source_object is not None else None
    if source_object is not None:
        existing = CreditEntry.objects.filter(
            **_subject_filter(staff, department), rule=rule, source_type=source_type, source_id=source_object.pk
        ).first()
        if existing is not None:
            return existing, existing
    link = source_link or ""
    if not link and source_object is not None and hasattr(source_object, "get_absolute_url"):
        try:
            link = source_object.get_absolute_url()
        except Exception:  # a source without a page is still a valid source
            link = ""
    entry = CreditEntry(
        staff=staff,
        department=department,
        rule=rule,
        base_points=base,
        points=base,
        downgrade_to=rule.downgrade_to,
        source=source,
        source_type=source_type,
        source_id=source_object.pk if source_object is not None else None,
        source_link=link[:300],
        detail=(detail or "").strip()[:500],
        fact_date=fact_date,
        recorded_at=at,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        valid_until=fact_date,
    )
    return entry, None


def _save_new(entry: CreditEntry, action: str, actor, at: dt.datetime) -> CreditEntry:
    try:
        with transaction.atomic():
            entry.save()
            record_event(entry, action, actor, at=at, to_status=entry.status)
    except IntegrityError:
        # The same source recorded at the same moment by someone else: theirs is the one.
        return CreditEntry.objects.get(
            **_subject_filter(entry.staff, entry.department),
            rule=entry.rule,
            source_type=entry.source_type,
            source_id=entry.source_id,
        )
    return entry


def propose_entry(
    *,
    rule_code: str,
    fact_date: dt.date,
    source: str,
    source_object: Model | None = None,
    staff: Staff | None = None,
    department: Department | None = None,
    detail: str = "",
    actor=None,
    points: int | None = None,
    at: dt.datetime | None = None,
    source_link: str = "",
) -> CreditEntry:
    """A pending entry waiting for a supervisor; the same (subject, rule, source object) returns the first one."""
    at = now_or(at)
    entry, existing = _new_entry(
        rule_code=rule_code,
        fact_date=fact_date,
        source=source,
        source_object=source_object,
        staff=staff,
        department=department,
        detail=detail,
        points=points,
        actor=actor,
        at=at,
        source_link=source_link,
    )
    if existing is not None:
        return existing
    entry.status = EntryStatus.PENDING
    entry.valid_until = add_years(entry.fact_date, validity_years(entry.rule, entry.points))
    return _save_new(entry, EntryAction.PROPOSED, actor, at)


def record_entry(
    *,
    rule_code: str,
    fact_date: dt.date,
    source: str,
    source_object: Model | None = None,
    staff: Staff | None = None,
    department: Department | None = None,
    detail: str = "",
    actor,
    points: int | None = None,
    at: dt.datetime | None = None,
    source_link: str = "",
    evidence: Iterable[UploadedFile] = (),
) -> CreditEntry:
    """A confirmed entry at once (the fact was already decided), with its evidence files; idempotent like
    :func:`propose_entry` (a second call adds no files). A file refused by its content keeps everything out."""
    at = now_or(at)
    with transaction.atomic():
        entry, existing = _new_entry(
            rule_code=rule_code,
            fact_date=fact_date,
            source=source,
            source_object=source_object,
            staff=staff,
            department=department,
            detail=detail,
            points=points,
            actor=actor,
            at=at,
            source_link=source_link,
        )
        if existing is not None:
            return existing
        _apply_repeat(entry)
        entry.status = EntryStatus.CONFIRMED
        entry.confirmed_at = at
        entry.confirmed_by = entry.recorded_by
        entry = _save_new(entry, EntryAction.RECORDED, actor, at)
        if entry.status == EntryStatus.CONFIRMED and entry.confirmed_at == at:
            save_attachments(entry, evidence, actor, field="evidence")
            _tell_subject(entry)
    return entry


def _decided_error(entry: CreditEntry) -> ValidationError:
    return ValidationError(
        {
            "status": _("This entry is already decided (%(status)s); it cannot be confirmed or dismissed again.")
            % {"status": entry.get_status_display()}
        }
    )


def confirm_entry(entry: CreditEntry | int, actor, *, at: dt.datetime | None = None) -> CreditEntry:
    """A supervisor confirms a pending entry; points are doubled now if the rule repeats while valid."""
    at = now_or(at)
    pk = entry.pk if isinstance(entry, CreditEntry) else entry
    with transaction.atomic():
        current = CreditEntry.objects.select_for_update(of=("self",)).select_related("rule", "staff__user").get(pk=pk)
        if current.status != EntryStatus.PENDING:
            raise _decided_error(current)
        _apply_repeat(current)
        updated = CreditEntry.objects.filter(pk=pk, status=EntryStatus.PENDING).update(
            status=EntryStatus.CONFIRMED,
            points=current.points,
            repeated=current.repeated,
            valid_until=current.valid_until,
            confirmed_at=at,
            confirmed_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        if not updated:
            raise _decided_error(current)
        record_event(
            current,
            EntryAction.CONFIRMED,
            actor,
            at=at,
            from_status=EntryStatus.PENDING,
            to_status=EntryStatus.CONFIRMED,
        )
        current.refresh_from_db()
        _tell_subject(current)
    return current


def dismiss_entry(entry: CreditEntry | int, actor, reason: str, *, at: dt.datetime | None = None) -> CreditEntry:
    """A supervisor dismisses a pending entry; a reason is required."""
    at = now_or(at)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Please give the reason for dismissing the entry.")})
    pk = entry.pk if isinstance(entry, CreditEntry) else entry
    with transaction.atomic():
        current = CreditEntry.objects.select_for_update().get(pk=pk)
        if current.status != EntryStatus.PENDING:
            raise _decided_error(current)
        CreditEntry.objects.filter(pk=pk, status=EntryStatus.PENDING).update(
            status=EntryStatus.DISMISSED, decision_reason=reason[:500]
        )
        record_event(
            current,
            EntryAction.DISMISSED,
            actor,
            at=at,
            from_status=EntryStatus.PENDING,
            to_status=EntryStatus.DISMISSED,
            reason=reason,
        )
        current.refresh_from_db()
    return current


def _tell_subject(entry: CreditEntry) -> None:
    from efficiency_portal.notifications.services import notify

    for user in subject_users(entry):
        notify(
            user,
            kind="credit_entry",
            title=str(_("A credit entry was recorded")),
            body=str(_("%(rule)s, %(points)+d points, fact of %(date)s. You may object from the entry's page."))
            % {"rule": entry.rule.name, "points": entry.points, "date": entry.fact_date.isoformat()},
            link=entry.get_absolute_url(),
            dedupe_key=f"credit:entry:{entry.pk}:confirmed:{user.pk}",
        )
