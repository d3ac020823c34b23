"""Factories of credit tests."""

from __future__ import annotations

import datetime as dt

from credit.models import CreditEntry, CreditRule, EntryStatus, Source
from credit.services.entries import add_years
from efficiency_portal.org.models import Role
from tests.factories import StaffFactory, UserFactory


def rule(code: str) -> CreditRule:
    return CreditRule.objects.get(code=code)


def supervisor():
    return UserFactory(roles=[Role.SUPERVISOR])


def bare_entry(
    staff=None,
    department=None,
    *,
    code="talk_reminder",
    points=None,
    fact_date=dt.date(2026, 3, 2),
    years=1,
    status=EntryStatus.CONFIRMED,
    downgrade_to="",
) -> CreditEntry:
    """An entry written straight to the table, for selector tests that need many rows quickly."""
    the_rule = rule(code)
    points = the_rule.points if points is None else points
    return CreditEntry(
        staff=staff,
        department=department,
        rule=the_rule,
        base_points=points,
        points=points,
        downgrade_to=downgrade_to or the_rule.downgrade_to,
        source=Source.MANUAL,
        fact_date=fact_date,
        recorded_at=dt.datetime(2026, 3, 2, tzinfo=dt.UTC),
        valid_until=add_years(fact_date, years),
        status=status,
    )


__all__ = ["StaffFactory", "bare_entry", "rule", "supervisor"]


def ensure_seeded_rules() -> None:
    """Put the seeded rule table back after a transactional test emptied every table (idempotent)."""
    import importlib

    from django.apps import apps

    if CreditRule.objects.filter(code="red_card_case").exists():
        return
    importlib.import_module("credit.migrations.0002_seed_rules").seed(apps, None)
    importlib.import_module("credit.migrations.0005_downgrade_validity_by_grade").by_grade(apps, None)
