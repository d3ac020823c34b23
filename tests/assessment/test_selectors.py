"""Contracted reads (published results, dashboard counts) and the flag of incompetent two years running."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.utils import timezone

from assessment import selectors
from assessment.models import Grade, IndicatorKind, PeriodKind, Result
from assessment.services import publishing, runs
from efficiency_portal.org.models import Role
from tests.factories import DepartmentFactory, StaffFactory, UserFactory, seed_calendar

from .factories import make_period, make_rule, make_scheme

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    seed_calendar(2025, 2026)
    dept, other = DepartmentFactory(), DepartmentFactory()
    alice, bob = StaffFactory(department=dept), StaffFactory(department=other)
    supervisor = UserFactory(roles=[Role.SUPERVISOR])
    scheme = make_scheme(indicators=[("按时", IndicatorKind.COMPUTED, "on_time_rate", 100)])
    return dept, other, alice, bob, supervisor, scheme


def test_published_results_and_dashboard_counts(setup):
    dept, _other, alice, bob, supervisor, scheme = setup
    period = make_period(scheme)
    runs.run_period(period)
    assert not selectors.published_results().exists()
    publishing.publish_period(period, actor=supervisor)
    assert set(selectors.published_results().values_list("subject_id", flat=True)) == {alice.pk, bob.pk}
    assert list(selectors.published_results(department=dept).values_list("subject_id", flat=True)) == [alice.pk]
    assert list(selectors.published_results(staff=bob).values_list("subject_id", flat=True)) == [bob.pk]
    today = timezone.localdate()
    assert selectors.dashboard_counts(today) == {"appeals_open": 0, "appeals_due": 0}
    result = Result.objects.get(subject_id=alice.pk)
    publishing.file_appeal(result, user=alice.user, reason="请复核本人本月的办件记录。")
    assert selectors.dashboard_counts(today) == {"appeals_open": 1, "appeals_due": 0}
    assert selectors.dashboard_counts(today + dt.timedelta(days=60))["appeals_due"] == 1


def test_incompetent_two_years_running_is_flagged(setup):
    _dept, _other, alice, _bob, supervisor, scheme = setup
    make_rule(scheme, "absence", "-20", name="旷工")
    first = make_period(scheme, kind=PeriodKind.YEAR, start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))
    second = make_period(scheme, kind=PeriodKind.YEAR, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
    from assessment.services import forms

    rule = scheme.adjustment_rules.get()
    for period, day in ((first, dt.date(2025, 6, 1)), (second, dt.date(2026, 6, 1))):
        forms.record_adjustment(period, rule=rule, subject_id=alice.pk, quantity=3, fact_date=day, actor=supervisor)
    runs.run_period(first)
    publishing.publish_period(first, actor=supervisor)
    runs.run_period(second)
    result = Result.objects.get(period=second, subject_id=alice.pk)
    assert result.total == D("40.00") and result.proposed_grade == Grade.FAIL
    assert result.flagged and any("two years" in note for note in result.notes)
    assert not Result.objects.get(period=second, subject_id=_bob.pk).flagged


def test_bonus_is_paid_from_the_total(setup):
    _dept, _other, alice, _bob, _supervisor, scheme = setup
    scheme.bonus_enabled = True
    scheme.bonus_base, scheme.bonus_baseline, scheme.bonus_per_point = D("2000"), D("80"), D("30")
    scheme.bonus_add_cap, scheme.bonus_deduct_cap = D("600"), D("1000")
    scheme.save()
    period = make_period(scheme)
    runs.run_period(period)
    # No case: 100 points → 2000 + min(20 × 30, 600) = 2600.
    assert Result.objects.get(subject_id=alice.pk).bonus == D("2600.00")


def test_bonus_is_paid_for_monthly_periods_of_staff_schemes_only(setup):
    dept, _other, alice, _bob, _supervisor, scheme = setup
    bonus = {"bonus_enabled": True, "bonus_base": D("2000"), "bonus_baseline": D("80"), "bonus_per_point": D("30"),
             "bonus_add_cap": D("600"), "bonus_deduct_cap": D("1000")}  # fmt: skip
    for field, value in bonus.items():
        setattr(scheme, field, value)
    scheme.save()
    quarter = make_period(scheme, kind=PeriodKind.QUARTER, start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 31))
    year = make_period(scheme, kind=PeriodKind.YEAR, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
    for period in (quarter, year):
        runs.run_period(period)
        assert Result.objects.get(period=period, subject_id=alice.pk).total == D("100.00")
        assert not Result.objects.filter(period=period, bonus__isnull=False).exists()
    # A department scheme pays none, even with the bonus switched on directly in the database.
    departments = make_scheme("department", indicators=[("按时", IndicatorKind.COMPUTED, "on_time_rate", 100)])
    type(departments).objects.filter(pk=departments.pk).update(**bonus)
    month = make_period(departments)
    runs.run_period(month)
    assert Result.objects.filter(period=month, subject_id=dept.pk).exists()
    assert not Result.objects.filter(period=month, bonus__isnull=False).exists()
