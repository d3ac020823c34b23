"""Forms of the calendar pages: parse and check input, then hand it to a selector or a service."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import services
from .models import SpecialDay

MAX_CALCULATOR_DAYS = 3650
# Years shown in the public view and API: outside them a grid would be pure guesswork.
VIEW_YEAR_RANGE = (1990, 2100)

DATE_INPUT = forms.DateInput(attrs={"type": "date", "class": "form-control form-control-lg"}, format="%Y-%m-%d")
TEXT_INPUT_CLASS = "form-control form-control-lg"


class DeadlineCalculatorForm(forms.Form):
    start = forms.DateField(label=_("Received on"), widget=DATE_INPUT, input_formats=["%Y-%m-%d"])
    days = forms.IntegerField(
        label=_("Time limit in working days"),
        min_value=0,
        max_value=MAX_CALCULATOR_DAYS,
        help_text=_("0 means the same day (即办件)."),
        widget=forms.NumberInput(attrs={"class": TEXT_INPUT_CLASS, "inputmode": "numeric"}),
    )


class SpecialDayForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE_INPUT, input_formats=["%Y-%m-%d"])
    kind = forms.ChoiceField(
        label=_("Kind"), choices=SpecialDay.Kind.choices, widget=forms.Select(attrs={"class": "form-select"})
    )
    name = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=services.NAME_LENGTH,
        help_text=_("For example 春节 or 国庆节."),
        widget=forms.TextInput(attrs={"class": TEXT_INPUT_CLASS}),
    )


# One line per day or range: "2027-02-06 春节" or "2027-02-06~2027-02-12 春节" (also "..", "至" or " - ").
LINE = re.compile(
    r"^(?P<first>\d{4}-\d{1,2}-\d{1,2})(?:\s*(?:~|\.\.|至|–|—|\s-\s)\s*(?P<last>\d{4}-\d{1,2}-\d{1,2}))?\s*(?P<name>.*)$"
)
MAX_RANGE_DAYS = 31


def parse_day_lines(text: str, kind: str) -> list[services.DaySpec]:
    """Dates and ranges, one per line with an optional name; errors name the line."""
    days: list[services.DaySpec] = []
    errors: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        match = LINE.match(line)
        try:
            if match is None:
                raise ValueError
            first = dt.date.fromisoformat(_pad(match["first"]))
            last = dt.date.fromisoformat(_pad(match["last"])) if match["last"] else first
        except ValueError:
            errors.append(
                _("Line %(number)d: “%(line)s” is not a date (YYYY-MM-DD) or a range (YYYY-MM-DD~YYYY-MM-DD).")
                % {"number": number, "line": line[:40]}
            )
            continue
        if last < first or (last - first).days >= MAX_RANGE_DAYS:
            errors.append(
                _("Line %(number)d: a range must run forwards and span at most %(count)d days.")
                % {"number": number, "count": MAX_RANGE_DAYS}
            )
            continue
        name = match["name"].strip()
        day = first
        while day <= last:
            # Inside a holiday range, weekend days are part of the named holiday period; make-up ranges are
            # taken literally and checked by the service.
            days.append(services.DaySpec(day, kind, name))
            day += dt.timedelta(days=1)
    if errors:
        raise ValidationError(errors)
    return days


def _pad(text: str) -> str:
    year, month, day = text.split("-")
    return f"{int(year):04d}-{int(month):02d}-{int(day):02d}"


class YearScheduleForm(forms.Form):
    year = forms.IntegerField(
        label=_("Year"), widget=forms.NumberInput(attrs={"class": TEXT_INPUT_CLASS, "inputmode": "numeric"})
    )
    holidays = forms.CharField(
        label=_("Holidays"),
        required=False,
        help_text=_("One per line: a date or a range, then the name, e.g. 2027-10-01~2027-10-07 国庆节"),
        widget=forms.Textarea(attrs={"rows": 6, "class": "form-control"}),
    )
    makeup_days = forms.CharField(
        label=_("Make-up working days (调休上班)"),
        required=False,
        help_text=_("Weekend days that are worked, one per line, e.g. 2027-09-26 国庆节"),
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=services.NOTE_LENGTH,
        help_text=_("For example the number of the State Council notice."),
        widget=forms.TextInput(attrs={"class": TEXT_INPUT_CLASS}),
    )
    replace = forms.BooleanField(label=_("Replace the schedule if the year is already known"), required=False)

    def clean_holidays(self) -> list[services.DaySpec]:
        return parse_day_lines(self.cleaned_data.get("holidays", ""), SpecialDay.Kind.HOLIDAY)

    def clean_makeup_days(self) -> list[services.DaySpec]:
        return parse_day_lines(self.cleaned_data.get("makeup_days", ""), SpecialDay.Kind.WORKDAY)

    def days(self) -> list[services.DaySpec]:
        return [*self.cleaned_data["holidays"], *self.cleaned_data["makeup_days"]]


def apply_service_errors(form: forms.Form, error: ValidationError, *, aliases: dict[str, str] | None = None) -> None:
    """Show a service's ValidationError next to the form's fields (unknown keys become form-wide errors)."""
    aliases = aliases or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for key, messages in error.message_dict.items():
        name = aliases.get(key, key)
        form.add_error(name if name in form.fields else None, messages)
