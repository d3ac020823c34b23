"""A deadline explained in words a citizen understands: start, limit, holidays, pauses, extension, due moment."""

from __future__ import annotations

import datetime as dt

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from efficiency_portal.workdays.calendar import get_calendar, local_date

from .models import Deadline, DeadlineStatus, Outcome


def special_days_between(start: dt.date, end: dt.date) -> tuple[list[dt.date], list[dt.date]]:
    """Holidays that fell on a weekday, and weekend make-up working days, in (start, end].

    Read from the in-memory calendar's holiday and make-up sets, so it costs no query.
    """
    calendar = get_calendar()
    holidays = sorted(day for day in calendar.holidays if start < day <= end and day.weekday() < 5)
    makeups = sorted(day for day in calendar.makeup_days if start < day <= end and day.weekday() >= 5)
    return holidays, makeups


def _day(day: dt.date) -> str:
    return _("%(date)s (%(weekday)s)") % {
        "date": formats.date_format(day, "DATE_FORMAT"),
        "weekday": formats.date_format(day, "l"),
    }


def _moment(moment: dt.datetime) -> str:
    local = timezone.localtime(moment)
    return _("%(time)s on %(date)s") % {"time": formats.time_format(local.time(), "H:i"), "date": _day(local.date())}


def _days_list(days: list[dt.date], year: int) -> str:
    separator = pgettext("list separator", ", ")
    return separator.join(
        formats.date_format(day, "MONTH_DAY_FORMAT" if day.year == year else "DATE_FORMAT") for day in days
    )


def _working_days(count: int) -> str:
    return ngettext("%(count)d working day", "%(count)d working days", count) % {"count": count}


def explain_deadline(deadline: Deadline) -> list[str]:
    """Plain-words lines, in the active language. Uses ``deadline.pauses.all()`` (prefetch it for lists)."""
    start = local_date(deadline.started_at)
    due_day = local_date(deadline.due_at)
    lines = [
        _("Received on %(day)s. The day of receipt is not counted.") % {"day": _day(start)},
        _(
            "The time limit is %(limit)s. Saturdays, Sundays and public holidays are not counted; "
            "make-up working days (调休) are."
        )
        % {"limit": _working_days(deadline.limit_days)},
    ]
    holidays, makeups = special_days_between(start, due_day)
    if holidays:
        lines.append(_("Public holidays skipped: %(days)s.") % {"days": _days_list(holidays, start.year)})
    if makeups:
        lines.append(_("Make-up working days counted: %(days)s.") % {"days": _days_list(makeups, start.year)})
    for pause in deadline.pauses.all():
        if pause.ended_at is None:
            lines.append(
                _("Paused since %(start)s for: %(reason)s. The clock stands still until work resumes.")
                % {"start": _moment(pause.started_at), "reason": pause.reason}
            )
        else:
            lines.append(
                _("Paused from %(start)s to %(end)s for: %(reason)s (%(days)s added).")
                % {
                    "start": _moment(pause.started_at),
                    "end": _moment(pause.ended_at),
                    "reason": pause.reason,
                    "days": _working_days(pause.working_days),
                }
            )
    if deadline.extended_at is not None:
        lines.append(
            _("Extended by %(days)s on %(date)s because: %(reason)s.")
            % {
                "days": _working_days(deadline.extension_days),
                "date": _day(local_date(deadline.extended_at)),
                "reason": deadline.extension_reason,
            }
        )
    if deadline.status == DeadlineStatus.FINISHED:
        lines.append(_("It was due at %(moment)s.") % {"moment": _moment(deadline.due_at)})
        lines.append(
            _("Finished at %(moment)s: %(outcome)s.")
            % {"moment": _moment(deadline.finished_at), "outcome": Outcome(deadline.outcome).label}
        )
    else:
        lines.append(_("Due at %(moment)s.") % {"moment": _moment(deadline.due_at)})
        if deadline.status == DeadlineStatus.PAUSED:
            lines.append(_("While the deadline is paused, the due date moves later by the working days paused."))
    if deadline.due_provisional:
        lines.append(
            _(
                "This due date lies beyond the published holiday calendar; it may move when the official "
                "schedule for that year is announced."
            )
        )
    return lines
