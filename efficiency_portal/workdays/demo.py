"""Demo data of the calendar: every year the chinesecalendar package knows (idempotent)."""

from __future__ import annotations

from typing import TextIO

from . import official, services


def load(stdout: TextIO) -> None:
    outcomes: dict[str, list[int]] = {}
    for year in official.package_years():
        outcome, _change = services.sync_year_from_package(None, year)
        outcomes.setdefault(outcome, []).append(year)
    summary = "; ".join(f"{outcome}: {_span(years)}" for outcome, years in sorted(outcomes.items()))
    stdout.write(f"Working-day calendar: {summary}\n")


def _span(years: list[int]) -> str:
    return f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
