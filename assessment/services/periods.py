"""Creating periods: the dates follow from the kind, the year and the number (month 1–12, quarter 1–4), so a
"month" is always one calendar month, a quarter one calendar quarter, a year one calendar year."""

from __future__ import annotations

import calendar
import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from assessment.models import Period, PeriodKind, Scheme

from .common import record_event

FIRST_YEAR = 2000
LAST_YEAR = 2100


def _whole(value: object, field: str, low: int, high: int) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError) as error:
        raise ValidationError({field: _("Enter a whole number.")}) from error
    if not low <= number <= high:
        raise ValidationError({field: _("Enter a whole number from %(low)s to %(high)s.") % {"low": low, "high": high}})
    return number


def period_dates(kind: str, year: int, number: int | None = None) -> tuple[dt.date, dt.date]:
    """First and last day of month ``number`` or quarter ``number`` of ``year``, or of the whole year."""
    if kind == PeriodKind.MONTH:
        month = _whole(number, "number", 1, 12)
        return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
    if kind == PeriodKind.QUARTER:
        quarter = _whole(number, "number", 1, 4)
        first = 3 * quarter - 2
        return dt.date(year, first, 1), dt.date(year, first + 2, calendar.monthrange(year, first + 2)[1])
    if kind == PeriodKind.YEAR:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    raise ValidationError({"kind": _("Choose a month, a quarter or a year.")})


def default_name(kind: str, year: int, number: int | None) -> str:
    # Stored as text, so in the portal's language whatever the language of the supervisor.
    with translation.override(settings.LANGUAGE_CODE):
        if kind == PeriodKind.MONTH:
            return _("%(year)s, month %(month)s") % {"year": year, "month": number}
        if kind == PeriodKind.QUARTER:
            return _("%(year)s, quarter %(quarter)s") % {"year": year, "quarter": number}
        return _("Year %(year)s") % {"year": year}


def overlapping(scheme: Scheme, kind: str, start: dt.date, end: dt.date):
    return Period.objects.filter(scheme=scheme, kind=kind, start__lte=end, end__gte=start)


def create_period(
    *,
    scheme: Scheme,
    kind: object,
    year: object,
    number: object = None,
    forms_close_at: dt.datetime,
    appeal_days: object = None,
    name: object = "",
    actor=None,
) -> Period:
    """Create a period of an active scheme: dates from the kind, year and number; refused when it overlaps a
    period of the same scheme and kind, when the forms would close before the period starts, or on bad input."""
    if not scheme.is_active:
        raise ValidationError({"scheme": _("This scheme is no longer active.")})
    if kind not in PeriodKind.values:
        raise ValidationError({"kind": _("Choose a month, a quarter or a year.")})
    year_value = _whole(year, "year", FIRST_YEAR, LAST_YEAR)
    number_value = None if kind == PeriodKind.YEAR else _whole(number, "number", 1, 12 if kind == "month" else 4)
    start, end = period_dates(str(kind), year_value, number_value)
    if forms_close_at is None or timezone.is_naive(forms_close_at):
        raise ValidationError({"forms_close_at": _("Enter the date and time the evaluation forms close.")})
    opens = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    if forms_close_at <= opens:
        raise ValidationError({"forms_close_at": _("The evaluation forms must close after the period starts.")})
    days = Period._meta.get_field("appeal_days").get_default() if appeal_days in (None, "") else appeal_days
    days_value = _whole(days, "appeal_days", 1, 30)
    cleaned_name = str(name or "").strip() or default_name(str(kind), year_value, number_value)
    if len(cleaned_name) > 100:
        raise ValidationError({"name": _("At most %(n)s characters.") % {"n": 100}})
    with transaction.atomic():
        # Periods of one scheme are created one at a time, so two overlapping ones cannot both pass the check.
        Scheme.objects.select_for_update().filter(pk=scheme.pk).first()
        clash = overlapping(scheme, str(kind), start, end).first()
        if clash is not None:
            raise ValidationError(
                {
                    "number": _("This scheme has a period of this kind over these dates already: %(name)s.")
                    % {"name": clash.name}
                }
            )
        try:
            with transaction.atomic():
                period = Period.objects.create(
                    scheme=scheme,
                    kind=kind,
                    name=cleaned_name,
                    start=start,
                    end=end,
                    forms_close_at=forms_close_at,
                    appeal_days=days_value,
                )
        except IntegrityError as error:
            raise ValidationError({"number": _("This scheme has this period already.")}) from error
        record_event(period, "created", actor=actor, to_value=period.status, reason=f"{start} – {end}")
    return period
