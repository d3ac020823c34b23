"""The credit and complaints indicators against hand-computed expectations, through those apps' selectors."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from assessment import providers
from assessment.models import IndicatorKind, Result
from assessment.services import runs
from tests.factories import DepartmentFactory, StaffFactory, UserFactory, seed_calendar

from .factories import local, make_period, make_scheme

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    seed_calendar(2026)
    dept = DepartmentFactory()
    return dept, StaffFactory(department=dept, name="甲"), StaffFactory(department=dept, name="乙")


def test_every_contracted_source_is_available():
    assert {code for code, _label in providers.choices(available_only=True)} >= {
        "on_time_rate",
        "early_rate",
        "red_cards",
        "complaints_upheld",
        "satisfaction",
        "credit_score",
    }


def test_satisfaction_from_ratings(people):
    from complaints.models.ratings import ServiceRating

    dept, first, second = people
    for level in (5, 4, 3):  # 100 + 80 + 60 → 80
        ServiceRating.objects.create(
            subject="window", department=dept, handler=first, level=level, rated_at=local(2026, 3, 12)
        )
    ServiceRating.objects.create(subject="window", department=dept, handler=first, level=1, rated_at=local(2026, 4, 2))
    scheme = make_scheme(indicators=[("满意度", IndicatorKind.COMPUTED, "satisfaction", 100)])
    period = make_period(scheme)
    runs.run_period(period)
    result = Result.objects.get(period=period, subject_id=first.pk)
    line = result.lines.get()
    assert line.raw_value == D("80.0000") and line.points == D("80.00")
    assert "3" in line.raw_text
    # Every rating of the period behind the mean is linked; the April one is not.
    rating_links = [f["url"] for f in line.facts if f["url"]]
    assert len(rating_links) == 3 and all(url.startswith("/complaints/") for url in rating_links)
    # Nobody rated the second person: full marks, said so.
    assert Result.objects.get(period=period, subject_id=second.pk).total == D("100.00")


def test_credit_score_with_linked_entries(people):
    from credit.services import record_entry

    _dept, first, second = people
    supervisor = UserFactory()
    entry = record_entry(
        rule_code="efficiency_caution",
        fact_date=dt.date(2026, 3, 9),
        source="manual",
        staff=first,
        detail="效能告诫",
        actor=supervisor,
    )
    scheme = make_scheme(
        indicators=[
            ("信用", IndicatorKind.COMPUTED, "credit_score", 50),
            ("按时", IndicatorKind.COMPUTED, "on_time_rate", 50),
        ]
    )
    period = make_period(scheme)
    runs.run_period(period)
    line = Result.objects.get(period=period, subject_id=first.pk).lines.get(label="信用")
    points = 1000 + entry.points
    assert line.raw_value == D(points)
    assert line.score == (D(points) / 10).quantize(D("0.01"))
    assert line.points == (D(points) / 20).quantize(D("0.01"))
    assert entry.get_absolute_url() in [fact["url"] for fact in line.facts]
    assert Result.objects.get(period=period, subject_id=second.pk).lines.get(label="信用").points == D("50.00")


def test_complaints_upheld_counts_and_links(people, monkeypatch):
    from complaints import selectors

    _dept, first, _second = people

    class Upheld:
        def __str__(self) -> str:
            return "投诉 C-1"

        def get_absolute_url(self) -> str:
            return "/complaints/1/"

    monkeypatch.setattr(selectors, "upheld_counts", lambda start, end, *, by: {first.pk: 2})
    monkeypatch.setattr(selectors, "upheld_between", lambda start, end, **kw: [Upheld(), Upheld()])
    scheme = make_scheme(indicators=[("投诉属实", IndicatorKind.COMPUTED, "complaints_upheld", 100, 25)])
    period = make_period(scheme)
    runs.run_period(period)
    line = Result.objects.get(period=period, subject_id=first.pk).lines.get()
    assert line.raw_value == D("2") and line.points == D("50.00")
    assert [fact["url"] for fact in line.facts] == ["/complaints/1/", "/complaints/1/"]
