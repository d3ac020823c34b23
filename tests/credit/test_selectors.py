"""Score and grade as of any date: boundaries, one query whatever the number of entries, bulk scores, timeline."""

from __future__ import annotations

import datetime as dt

import pytest

from credit.conf import grade_for
from credit.models import CreditEntry, EntryStatus
from credit.selectors import dashboard_counts, entries_between, score_on, scores_on, timeline
from tests.credit.factories import bare_entry
from tests.factories import DepartmentFactory, StaffFactory

ON = dt.date(2026, 6, 1)


@pytest.mark.parametrize(
    ("points", "grade"),
    [
        (1050, "AAA"),
        (1049, "AA"),
        (1030, "AA"),
        (1029, "A"),
        (960, "A"),
        (959, "B"),
        (850, "B"),
        (849, "C"),
        (600, "C"),
        (599, "D"),
        (0, "D"),
    ],
)
def test_grade_boundaries(points, grade):
    assert grade_for(points) == grade


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("delta", "grade"), [(50, "AAA"), (49, "AA"), (-41, "B"), (-40, "A"), (-151, "C"), (-401, "D")]
)
def test_score_from_entries_at_the_boundaries(delta, grade):
    staff = StaffFactory()
    bare_entry(staff, code="commendation" if delta > 0 else "talk_reminder", points=delta).save()
    score = score_on(staff=staff, on=ON)
    assert (score.points, score.grade) == (1000 + delta, grade)


@pytest.mark.django_db
def test_only_counting_entries_valid_that_day():
    staff = StaffFactory()
    for status in EntryStatus.values:
        bare_entry(staff, status=status).save()  # -3 each; pending, withdrawn, dismissed do not count
    bare_entry(staff, fact_date=dt.date(2026, 6, 2)).save()  # after the day
    bare_entry(staff, fact_date=dt.date(2025, 6, 1)).save()  # valid until 2026-06-01: ended that morning
    assert score_on(staff=staff, on=ON).points == 1000 - 9
    assert score_on(staff=staff, on=dt.date(2026, 5, 31)).points == 1000 - 12


@pytest.mark.django_db
def test_score_of_ten_thousand_entries_in_one_query(django_assert_num_queries):
    staff = StaffFactory()
    CreditEntry.objects.bulk_create(
        [
            bare_entry(
                staff,
                points=-1 if n % 2 else 1,
                code="talk_reminder" if n % 2 else "commendation",
                fact_date=dt.date(2026, 1, 1) + dt.timedelta(days=n % 150),
            )
            for n in range(10_000)
        ]
        + [bare_entry(staff, code="transfer", fact_date=dt.date(2026, 1, 1), years=3)],
        batch_size=2000,
    )
    with django_assert_num_queries(1):
        score = score_on(staff=staff, on=ON)
    assert score.points == 1000 and score.grade == "C" and score.entries == 10_001


@pytest.mark.django_db
def test_bulk_scores_in_one_query(django_assert_num_queries):
    people = [StaffFactory() for _ in range(5)]
    for n, person in enumerate(people):
        for _ in range(n):
            bare_entry(person, code="buck_passing").save()
    departments = [DepartmentFactory(), DepartmentFactory()]
    bare_entry(department=departments[0], code="kickbacks").save()
    with django_assert_num_queries(1):
        scores = scores_on(ON, staff_ids=[p.pk for p in people])
    assert [scores[p.pk].points for p in people] == [1000, 990, 980, 970, 960]
    with django_assert_num_queries(1):
        by_department = scores_on(ON, department_ids=[d.pk for d in departments])
    assert by_department[departments[0].pk].points == 980 and by_department[departments[1].pk].points == 1000
    assert scores_on(ON, staff_ids=[]) == {}


@pytest.mark.django_db
def test_timeline_explains_every_point():
    staff = StaffFactory()
    old = bare_entry(staff, code="buck_passing", fact_date=dt.date(2025, 3, 1))
    old.save()
    bare_entry(staff, code="commendation", fact_date=dt.date(2026, 2, 1)).save()
    bare_entry(staff, code="transfer", fact_date=dt.date(2026, 4, 1), years=3).save()
    steps = timeline(staff=staff, on=ON)
    assert [(s.day, s.change, s.points_after, s.grade_after) for s in steps] == [
        (dt.date(2025, 3, 1), -10, 990, "A"),
        (dt.date(2026, 2, 1), 20, 1010, "A"),
        (dt.date(2026, 3, 1), 10, 1020, "A"),  # the deduction of 2025 lapsed
        (dt.date(2026, 4, 1), 0, 1020, "C"),
    ]
    assert score_on(staff=staff, on=ON).points == steps[-1].points_after


@pytest.mark.django_db
def test_entries_between_and_dashboard_counts():
    staff = StaffFactory()
    inside = bare_entry(staff, fact_date=dt.date(2026, 3, 5))
    inside.save()
    bare_entry(staff, fact_date=dt.date(2026, 3, 6), status=EntryStatus.PENDING).save()
    bare_entry(staff, fact_date=dt.date(2026, 4, 6)).save()
    found = list(entries_between(dt.date(2026, 3, 1), dt.date(2026, 3, 31), staff=staff))
    assert found == [inside] and found[0].get_absolute_url().endswith(f"/entries/{inside.pk}/")
    assert dashboard_counts(ON) == {"pending": 1, "objections_open": 0, "objections_overdue": 0}
