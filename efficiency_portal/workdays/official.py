"""The official schedule as published in the ``chinesecalendar`` package (国务院办公厅 holiday notices).

Kept free of models so that the seeding migration can use it too.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

import chinese_calendar
from chinese_calendar import constants

# The package names holidays in English; the calendar is Chinese first, so store the official Chinese names.
CHINESE_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}

HOLIDAY = "holiday"
WORKDAY = "workday"


class OfficialDay(NamedTuple):
    date: dt.date
    kind: str  # HOLIDAY or WORKDAY, the values of SpecialDay.Kind
    name: str


def chinese_name(name: object) -> str:
    text = str(getattr(name, "value", name) or "")
    return CHINESE_NAMES.get(text, text)[:50]


def package_years() -> list[int]:
    """Every year the installed package has the complete schedule of."""
    years = {day.year for day in constants.holidays} | {day.year for day in constants.workdays}
    known = []
    for year in sorted(years):
        try:
            chinese_calendar.is_workday(dt.date(year, 12, 31))
            chinese_calendar.is_workday(dt.date(year, 1, 1))
        except NotImplementedError:
            continue
        known.append(year)
    return known


def package_schedule(year: int) -> list[OfficialDay]:
    """The year's holidays (weekend days inside a holiday period included, named) and make-up working days."""
    days = [
        OfficialDay(day, HOLIDAY, chinese_name(name)) for day, name in constants.holidays.items() if day.year == year
    ]
    days += [
        OfficialDay(day, WORKDAY, chinese_name(name)) for day, name in constants.workdays.items() if day.year == year
    ]
    return sorted(days)
