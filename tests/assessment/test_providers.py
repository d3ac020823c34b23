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


def upheld(supervisor, *, staff=None, department=None, at=None, sanction=None):
    """A complaint about ``staff`` (or ``department``) found 属实 through the complaints services."""
    from complaints.models import Finding, Sanction
    from complaints.services import handling
    from tests.complaints.factories import file

    at = at or local(2026, 3, 10)
    complaint, _secret = file(department or staff.department, staff=staff, at=at)
    complaint = handling.accept(complaint, supervisor, at=at)
    complaint = handling.handle_self(complaint, supervisor, at=at)
    item = handling.SanctionInput(sanction or Sanction.REMINDER, staff=staff) if staff else None
    item = item or handling.SanctionInput(sanction or Sanction.PUBLIC_CRITICISM, department=department)
    return handling.record_finding(
        complaint, supervisor, finding=Finding.UPHELD, text="经查属实", sanctions=[item], at=at + dt.timedelta(hours=1)
    )


@pytest.fixture
def office():
    from tests.complaints.factories import make_supervisor

    return make_supervisor()


def test_complaints_upheld_from_real_findings_with_links(people, office):
    _dept, first, second = people
    findings = [upheld(office, staff=first), upheld(office, staff=first, at=local(2026, 3, 20))]
    upheld(office, staff=first, at=local(2026, 4, 2))  # April: not a fact of March
    scheme = make_scheme(indicators=[("投诉属实", IndicatorKind.COMPUTED, "complaints_upheld", 100, 25)])
    period = make_period(scheme)
    runs.run_period(period)
    line = Result.objects.get(period=period, subject_id=first.pk).lines.get()
    # 2 upheld in March × 25 points off → 50.
    assert line.raw_value == D("2") and line.score == D("50.00") and line.points == D("50.00")
    assert line.raw_text == "2 complaint(s) upheld, 25.00 points off each"
    assert [fact["url"] for fact in line.facts] == [f"/complaints/findings/{c.pk}/" for c in findings]
    assert [fact["label"] for fact in line.facts] == [c.tracking_code for c in findings]
    other = Result.objects.get(period=period, subject_id=second.pk).lines.get()
    assert (other.points, other.raw_text) == (D("100.00"), "No complaint upheld in the period")


def test_complaints_upheld_reads_the_population_in_a_constant_number_of_queries(people, office):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    dept, first, second = people
    for person in (first, second):
        upheld(office, staff=person)
    scheme = make_scheme(indicators=[("投诉属实", IndicatorKind.COMPUTED, "complaints_upheld", 100, 10)])
    period = make_period(scheme)
    runs.run_period(period)

    def counted() -> int:
        with CaptureQueriesContext(connection) as queries:
            runs.run_period(period)
        return len(queries.captured_queries)

    few = counted()
    for _ in range(4):
        upheld(office, staff=StaffFactory(department=dept))
    assert Result.objects.filter(period=period).count() == 3  # the office's supervisor too
    many = counted()
    assert Result.objects.filter(period=period).count() == 7
    assert Result.objects.filter(period=period, total=D("90.00")).count() == 6
    assert many == few


def test_early_completion_rate_of_a_person(people):
    from .factories import finished_case_clock

    dept, first, second = people
    # 6 cases finished in March: 2 early, 3 on time, 1 late → early 2/6 = 33.3333 %; the 4 not early are linked.
    for outcome in ["early", "early", "on_time", "on_time", "on_time", "late"]:
        finished_case_clock(first.user, dept, outcome=outcome, finished_at=local(2026, 3, 12))
    finished_case_clock(first.user, dept, outcome="early", finished_at=local(2026, 4, 1))
    scheme = make_scheme(
        indicators=[
            ("提前办结率", IndicatorKind.COMPUTED, "early_rate", 30),
            ("按时办结率", IndicatorKind.COMPUTED, "on_time_rate", 70),
        ]
    )
    period = make_period(scheme)
    runs.run_period(period)
    result = Result.objects.get(period=period, subject_id=first.pk)
    early = result.lines.get(label="提前办结率")
    assert early.raw_value == D("33.3333") and early.score == D("33.33")
    assert early.points == D("10.00")  # 30 × 33.3333 / 100 = 9.99999 → 10.00
    assert early.raw_text == "2 of 6 cases finished before their due day (33.33%)"
    assert len([f for f in early.facts if f["url"]]) == 4
    on_time = result.lines.get(label="按时办结率")
    assert on_time.points == D("58.33")  # 5/6 = 83.3333 % × 70
    assert result.total == D("68.33")
    # No case finished: no early completion either (0), but full marks on time.
    nothing = Result.objects.get(period=period, subject_id=second.pk)
    assert nothing.lines.get(label="提前办结率").points == D("0.00")
    assert nothing.total == D("70.00")


def test_leaders_evaluation_on_a_staff_scheme(people):
    from assessment.models import EvaluatorRole
    from assessment.services import forms
    from tests.factories import make_head

    dept, first, second = people
    head = make_head(dept)
    leader = StaffFactory(department=DepartmentFactory())
    scheme = make_scheme(
        indicators=[
            ("领导评价", IndicatorKind.EVALUATED, EvaluatorRole.LEADER, 60),
            ("按时", IndicatorKind.COMPUTED, "on_time_rate", 40),
        ]
    )
    period = make_period(scheme)
    indicator = scheme.indicators.get(kind=IndicatorKind.EVALUATED)
    for evaluator, scores in ((head, {first.pk: 4, second.pk: 2}), (leader, {first.pk: 5, second.pk: "unknown"})):
        form = forms.assign_form(period, indicator=indicator, evaluator=evaluator, subject_ids=list(scores))
        forms.submit_form(form, user=evaluator.user, scores=scores)
    runs.run_period(period)
    line = Result.objects.get(period=period, subject_id=first.pk).lines.get(label="领导评价")
    # (4 + 5) / 2 = 4.5 → 90 × 60 % = 54.
    assert (line.raw_value, line.score, line.points) == (D("4.5000"), D("90.00"), D("54.00"))
    assert line.raw_text == "Average 4.50 of 5 from 2 evaluator(s), 0 “not known” left out"
    line = Result.objects.get(period=period, subject_id=second.pk).lines.get(label="领导评价")
    # One score of 2 (the other "not known") → 40 × 60 % = 24.
    assert (line.raw_value, line.points) == (D("2.0000"), D("24.00"))
    assert "1 “not known” left out" in line.raw_text
    # The head, scored by nobody: a neutral 3 → 60 × 60 % = 36.
    assert Result.objects.get(period=period, subject_id=head.pk).lines.get(label="领导评价").points == D("36.00")


@pytest.fixture
def departments():
    seed_calendar(2026)
    return DepartmentFactory(name="甲局"), DepartmentFactory(name="乙局")


def department_result(period, department) -> Result:
    return Result.objects.get(period=period, subject_id=department.pk)


def test_satisfaction_of_departments(departments):
    from complaints.models.ratings import ServiceRating

    first, second = departments
    for level in (5, 2, 4, 4):  # 100 + 40 + 80 + 80 → 75
        ServiceRating.objects.create(subject="window", department=first, level=level, rated_at=local(2026, 3, 3))
    ServiceRating.objects.create(subject="window", department=first, level=1, rated_at=local(2026, 2, 28))
    scheme = make_scheme("department", indicators=[("满意度", IndicatorKind.COMPUTED, "satisfaction", 100)])
    period = make_period(scheme)
    runs.run_period(period)
    line = department_result(period, first).lines.get()
    assert (line.raw_value, line.points) == (D("75.0000"), D("75.00"))
    assert line.raw_text == "4 rating(s), satisfaction 75.00 of 100"
    assert len([f for f in line.facts if f["url"]]) == 4
    assert department_result(period, second).total == D("100.00")


def test_credit_score_of_departments(departments):
    from credit.services import record_entry

    first, second = departments
    entry = record_entry(
        rule_code="public_criticism_1",
        fact_date=dt.date(2026, 3, 9),
        source="manual",
        department=first,
        detail="通报批评",
        actor=UserFactory(),
    )
    assert entry.points == -10
    scheme = make_scheme(
        "department",
        indicators=[
            ("信用", IndicatorKind.COMPUTED, "credit_score", 40),
            ("按时", IndicatorKind.COMPUTED, "on_time_rate", 60),
        ],
    )
    period = make_period(scheme)
    runs.run_period(period)
    line = department_result(period, first).lines.get(label="信用")
    # 1000 − 10 = 990 → 99.00 of 100 × 40 % = 39.60.
    assert (line.raw_value, line.score, line.points) == (D("990"), D("99.00"), D("39.60"))
    assert entry.get_absolute_url() in [fact["url"] for fact in line.facts]
    assert department_result(period, second).lines.get(label="信用").points == D("40.00")


def test_complaints_upheld_of_departments(departments, office):
    first, second = departments
    finding = upheld(office, department=first)
    scheme = make_scheme("department", indicators=[("投诉属实", IndicatorKind.COMPUTED, "complaints_upheld", 100, 15)])
    period = make_period(scheme)
    runs.run_period(period)
    line = department_result(period, first).lines.get()
    assert (line.raw_value, line.points) == (D("1"), D("85.00"))
    assert [fact["url"] for fact in line.facts] == [f"/complaints/findings/{finding.pk}/"]
    assert department_result(period, second).total == D("100.00")


def test_credit_links_are_capped_like_the_other_sources(people, monkeypatch):
    from assessment.providers import MAX_LINKS, CreditScore

    _dept, first, _second = people

    class Entry:
        staff_id = first.pk

        def __str__(self) -> str:
            return "记录"

        def get_absolute_url(self) -> str:
            return "/credit/entries/1/"

    class Source:
        @staticmethod
        def entries_between(start, end):
            return [Entry() for _ in range(MAX_LINKS + 7)]

    period = make_period(make_scheme())
    from assessment.providers import Population

    links = CreditScore()._entry_links(Source, period, Population("staff", [first.pk]))
    assert len(links[first.pk]) == MAX_LINKS
