"""Every write to the working-day calendar.

Each change runs in one transaction that writes the special days, a :class:`CalendarChange` row, refreshes the
in-process calendar, sends ``calendar_changed`` (so open deadlines are recomputed in the same transaction), stores
how many deadlines moved, and appends an audit event. Bad input raises ``ValidationError`` before anything is
written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import official
from .calendar import invalidate_calendar
from .models import CalendarChange, CalendarYear, SpecialDay
from .signals import calendar_changed

NAME_LENGTH = SpecialDay._meta.get_field("name").max_length
SUMMARY_LENGTH = CalendarChange._meta.get_field("summary").max_length
NOTE_LENGTH = CalendarYear._meta.get_field("note").max_length

AUDIT_PREFIX = "workdays."


class DaySpec(NamedTuple):
    """One special day as entered: a holiday or a make-up working day, with its name."""

    date: dt.date
    kind: str
    name: str = ""


def year_bounds() -> tuple[int, int]:
    """The years an administrator may enter: from CALENDAR_MIN_YEAR to a few years ahead of today."""
    low = getattr(settings, "CALENDAR_MIN_YEAR", 2000)
    ahead = getattr(settings, "CALENDAR_MAX_YEARS_AHEAD", 5)
    return low, timezone.localdate().year + ahead


# --- validation -------------------------------------------------------------------------------------------------


def validate_year(year: int, *, field: str = "year") -> None:
    low, high = year_bounds()
    if not low <= year <= high:
        raise ValidationError(
            {field: _("The year must lie between %(low)d and %(high)d.") % {"low": low, "high": high}}
        )


def validate_day(spec: DaySpec, *, year: int | None = None, field: str = "date") -> None:
    """The rules for one special day, each failure with a message that says what to do."""
    errors: dict[str, list[str]] = {}
    day, kind, name = spec
    if kind not in SpecialDay.Kind.values:
        errors.setdefault("kind", []).append(_("Choose a holiday or a make-up working day."))
    if year is not None and day.year != year:
        errors.setdefault(field, []).append(
            _("%(date)s does not lie in %(year)d.") % {"date": day.isoformat(), "year": year}
        )
    weekend = day.weekday() >= 5
    if kind == SpecialDay.Kind.WORKDAY and not weekend:
        errors.setdefault(field, []).append(
            _("%(date)s is a weekday and already a working day; a make-up working day must be a Saturday or Sunday.")
            % {"date": day.isoformat()}
        )
    if kind == SpecialDay.Kind.HOLIDAY and weekend and not name.strip():
        errors.setdefault("name", []).append(
            _(
                "%(date)s is a Saturday or Sunday and already a day off; name the holiday it belongs to, or leave "
                "it out."
            )
            % {"date": day.isoformat()}
        )
    if len(name) > NAME_LENGTH:
        errors.setdefault("name", []).append(
            _("The name may have at most %(count)d characters.") % {"count": NAME_LENGTH}
        )
    if errors:
        raise ValidationError(errors)


def validate_schedule(year: int, days: Sequence[DaySpec]) -> None:
    """All rules for a year's schedule; collects every problem instead of stopping at the first."""
    validate_year(year)
    messages: list[str] = []
    seen: set[dt.date] = set()
    for spec in days:
        if spec.date in seen:
            messages.append(_("%(date)s is listed twice.") % {"date": spec.date.isoformat()})
            continue
        seen.add(spec.date)
        try:
            validate_day(spec, year=year)
        except ValidationError as error:
            for field_messages in error.message_dict.values():
                messages.extend(field_messages)
    if messages:
        raise ValidationError({"days": messages})


# --- helpers ----------------------------------------------------------------------------------------------------


def _working(day: dt.date, kind: str | None) -> bool:
    if kind == SpecialDay.Kind.WORKDAY:
        return True
    if kind == SpecialDay.Kind.HOLIDAY:
        return False
    return day.weekday() < 5


def _status_changes(before: dict[dt.date, str], after: dict[dt.date, str]) -> list[dt.date]:
    """The dates whose working/non-working status differs between two sets of special days."""
    return sorted(
        day for day in before.keys() | after.keys() if _working(day, before.get(day)) != _working(day, after.get(day))
    )


def _audit(actor: Any, action: str, target: Any, detail: dict) -> None:
    try:
        from efficiency_portal.audit.services import record
    except ImportError:  # the audit log is optional for this app
        return
    record(actor, AUDIT_PREFIX + action, target=target, detail=detail)


def _user(actor: Any) -> Any:
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def _commit_change(
    actor: Any,
    action: str,
    summary: str,
    changed: Sequence[dt.date],
    *,
    signal_dates: Iterable[dt.date] | None = None,
    target: Any = None,
) -> CalendarChange:
    """The common tail of every change (inside the caller's transaction): log, refresh, signal, count, audit.

    ``signal_dates`` defaults to ``changed``; a year whose schedule is added or replaced also sends its first and
    last day, so deadlines whose provisional flag changes are recomputed even when no special day touches them.
    """
    changed = sorted(set(changed))
    dates = sorted(set(signal_dates if signal_dates is not None else changed))
    change = CalendarChange.objects.create(
        changed_by=_user(actor),
        action=action,
        summary=summary[:SUMMARY_LENGTH],
        dates=[day.isoformat() for day in changed],
    )
    # The receivers compute on the in-process calendar: it must show this transaction's rows.
    invalidate_calendar()
    # Other threads of this process may have reloaded meanwhile (from the state before this commit).
    transaction.on_commit(invalidate_calendar)
    responses = calendar_changed.send(sender=CalendarChange, dates=dates, change=change)
    change.deadlines_recomputed = sum(result for _receiver, result in responses if isinstance(result, int))
    change.save(update_fields=["deadlines_recomputed"])
    _audit(
        actor,
        action,
        target if target is not None else change,
        {"summary": change.summary, "dates": change.dates, "deadlines_recomputed": change.deadlines_recomputed},
    )
    return change


class _Rollback:
    """Forget the in-process calendar when a change fails: it may hold rows of the rolled-back transaction."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, value, traceback) -> bool:
        if kind is not None:
            invalidate_calendar()
        return False


def _year_row(year: int, *, lock: bool = True) -> CalendarYear | None:
    rows = CalendarYear.objects.filter(year=year)
    if lock:
        rows = rows.select_for_update()
    return rows.first()


def _format_dates(days: Sequence[dt.date]) -> str:
    shown = ", ".join(day.isoformat() for day in days[:5])
    return shown + (" …" if len(days) > 5 else "")


# --- a year's schedule ------------------------------------------------------------------------------------------


def add_year_schedule(
    actor: Any,
    year: int,
    days: Sequence[DaySpec],
    *,
    note: str = "",
    replace: bool = False,
    source: str = CalendarYear.Source.MANUAL,
) -> CalendarChange:
    """Publish ``year``'s holidays and make-up days (or, with ``replace``, put them in place of the current ones)."""
    days = [DaySpec(spec.date, str(spec.kind), spec.name.strip()) for spec in days]
    validate_schedule(year, days)
    if len(note) > NOTE_LENGTH:
        raise ValidationError({"note": _("The note may have at most %(count)d characters.") % {"count": NOTE_LENGTH}})
    with _Rollback(), transaction.atomic():
        existing = _year_row(year)
        if existing is not None and not replace:
            raise ValidationError(
                {
                    "year": _("The schedule of %(year)d is already known; change single days, or replace it.")
                    % {"year": year}
                }
            )
        before = dict(SpecialDay.objects.filter(date__year=year).values_list("date", "kind"))
        after = {spec.date: spec.kind for spec in days}
        SpecialDay.objects.filter(date__year=year).delete()
        SpecialDay.objects.bulk_create(SpecialDay(date=d, kind=k, name=n) for d, k, n in days)
        if existing is None:
            try:
                with transaction.atomic():
                    row = CalendarYear.objects.create(year=year, source=source, note=note)
            except IntegrityError as error:  # added by someone else at the same moment
                raise ValidationError(
                    {"year": _("The schedule of %(year)d was just added by someone else.") % {"year": year}}
                ) from error
            action = (
                CalendarChange.Action.YEAR_SYNCED
                if source == CalendarYear.Source.PACKAGE
                else CalendarChange.Action.YEAR_ADDED
            )
        else:
            existing.source, existing.note = source, note or existing.note
            existing.save()
            row = existing
            action = (
                CalendarChange.Action.YEAR_SYNCED
                if source == CalendarYear.Source.PACKAGE
                else CalendarChange.Action.YEAR_REPLACED
            )
        holidays = sum(1 for spec in days if spec.kind == SpecialDay.Kind.HOLIDAY)
        summary = _("%(action)s: %(year)d, %(holidays)d holidays, %(makeups)d make-up working days") % {
            "action": CalendarChange.Action(action).label,
            "year": year,
            "holidays": holidays,
            "makeups": len(days) - holidays,
        }
        changed = _status_changes(before, after)
        bounds = [dt.date(year, 1, 1), dt.date(year, 12, 31)]
        return _commit_change(actor, action, summary, changed, signal_dates=[*changed, *bounds], target=row)


def remove_year(actor: Any, year: int) -> CalendarChange:
    """Forget ``year``'s schedule: its dates fall back to Mon–Fri and deadlines there become provisional."""
    with _Rollback(), transaction.atomic():
        row = _year_row(year)
        if row is None:
            raise ValidationError({"year": _("The schedule of %(year)d is not known.") % {"year": year}})
        before = dict(SpecialDay.objects.filter(date__year=year).values_list("date", "kind"))
        SpecialDay.objects.filter(date__year=year).delete()
        row.delete()
        summary = _("Schedule of %(year)d removed") % {"year": year}
        changed = _status_changes(before, {})
        bounds = [dt.date(year, 1, 1), dt.date(year, 12, 31)]
        return _commit_change(
            actor, CalendarChange.Action.YEAR_REMOVED, summary, changed, signal_dates=[*changed, *bounds]
        )


def package_days(year: int) -> list[DaySpec]:
    return [DaySpec(day.date, day.kind, day.name) for day in official.package_schedule(year)]


def sync_year_from_package(actor: Any, year: int, *, force: bool = False) -> tuple[str, CalendarChange | None]:
    """Load ``year`` from the chinesecalendar package. Returns (outcome, change) where outcome is one of
    ``"added"``, ``"updated"``, ``"unchanged"`` or ``"kept-manual"`` (a year entered by hand, kept unless ``force``).
    """
    if year not in official.package_years():
        raise ValidationError(
            {"year": _("The installed chinesecalendar package does not know the year %(year)d.") % {"year": year}}
        )
    days = package_days(year)
    row = _year_row(year, lock=False)
    if row is None:
        return "added", add_year_schedule(actor, year, days, source=CalendarYear.Source.PACKAGE)
    if row.source == CalendarYear.Source.MANUAL and not force:
        return "kept-manual", None
    current = sorted(SpecialDay.objects.filter(date__year=year).values_list("date", "kind", "name"))
    if row.source == CalendarYear.Source.PACKAGE and current == sorted(tuple(spec) for spec in days):
        return "unchanged", None
    return "updated", add_year_schedule(actor, year, days, replace=True, source=CalendarYear.Source.PACKAGE)


# --- one special day --------------------------------------------------------------------------------------------


def unknown_year_message(year: int) -> str:
    return _("The schedule of %(year)d is not known yet; add the year first.") % {"year": year}


def year_change_message() -> str:
    return _("A year cannot be renumbered; add the other year and remove this one.")


def _require_known_year(day: dt.date) -> CalendarYear:
    row = _year_row(day.year)
    if row is None:
        raise ValidationError({"date": unknown_year_message(day.year)})
    return row


def add_special_day(actor: Any, day: dt.date, kind: str, name: str = "") -> CalendarChange:
    spec = DaySpec(day, str(kind), name.strip())
    validate_year(day.year, field="date")
    validate_day(spec)
    with _Rollback(), transaction.atomic():
        row = _require_known_year(day)
        if SpecialDay.objects.filter(date=day).exists():
            raise ValidationError(
                {"date": _("%(date)s is already a special day; change or remove that one.") % {"date": day.isoformat()}}
            )
        try:
            with transaction.atomic():
                special = SpecialDay.objects.create(date=spec.date, kind=spec.kind, name=spec.name)
        except IntegrityError as error:
            raise ValidationError(
                {"date": _("%(date)s was just added by someone else.") % {"date": day.isoformat()}}
            ) from error
        row.source = CalendarYear.Source.MANUAL  # edited by hand: package syncs keep it from now on
        row.save()
        summary = _("%(kind)s added: %(date)s %(name)s") % {
            "kind": special.get_kind_display(),
            "date": day.isoformat(),
            "name": spec.name,
        }
        changed = _status_changes({}, {day: spec.kind})
        return _commit_change(actor, CalendarChange.Action.DAY_ADDED, summary.strip(), changed, target=special)


def change_special_day(actor: Any, special: SpecialDay, kind: str, name: str = "") -> CalendarChange:
    spec = DaySpec(special.date, str(kind), name.strip())
    validate_day(spec)
    with _Rollback(), transaction.atomic():
        row = _require_known_year(special.date)
        current = SpecialDay.objects.select_for_update().filter(pk=special.pk).first()
        if current is None:
            raise ValidationError({"date": _("This special day no longer exists.")})
        before = {current.date: current.kind}
        current.kind, current.name = spec.kind, spec.name
        current.save()
        row.source = CalendarYear.Source.MANUAL
        row.save()
        summary = _("Special day changed: %(date)s is now %(kind)s %(name)s") % {
            "date": current.date.isoformat(),
            "kind": current.get_kind_display(),
            "name": spec.name,
        }
        changed = _status_changes(before, {current.date: current.kind})
        return _commit_change(actor, CalendarChange.Action.DAY_CHANGED, summary.strip(), changed, target=current)


def remove_special_day(actor: Any, special: SpecialDay) -> CalendarChange:
    with _Rollback(), transaction.atomic():
        row = _year_row(special.date.year)
        current = SpecialDay.objects.select_for_update().filter(pk=special.pk).first()
        if current is None:
            raise ValidationError({"date": _("This special day no longer exists.")})
        before = {current.date: current.kind}
        summary = _("%(kind)s removed: %(date)s %(name)s") % {
            "kind": current.get_kind_display(),
            "date": current.date.isoformat(),
            "name": current.name,
        }
        current.delete()
        if row is not None:
            row.source = CalendarYear.Source.MANUAL
            row.save()
        changed = _status_changes(before, {})
        return _commit_change(actor, CalendarChange.Action.DAY_REMOVED, summary.strip(), changed, target=row)


def update_year_note(actor: Any, year: CalendarYear, note: str) -> None:
    """The note is not part of the schedule: no deadline moves, so no change row; the audit log keeps it."""
    if len(note) > NOTE_LENGTH:
        raise ValidationError({"note": _("The note may have at most %(count)d characters.") % {"count": NOTE_LENGTH}})
    with transaction.atomic():
        CalendarYear.objects.filter(pk=year.pk).update(note=note)
        _audit(actor, "year_note", year, {"note": note})
