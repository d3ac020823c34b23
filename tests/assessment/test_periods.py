"""Creating periods: the dates follow from the kind, year and number; overlaps, closing times before the start and
bad input are refused with a message, on the page and in the service."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from assessment.models import AssessmentEvent, Period, PeriodStatus
from assessment.services.periods import create_period
from efficiency_portal.org.models import Role
from tests.factories import StaffFactory, UserFactory

from .factories import local, make_period, make_scheme

pytestmark = pytest.mark.django_db


@pytest.fixture
def scheme():
    return make_scheme(name="平时考核")


@pytest.fixture
def supervisor():
    return UserFactory(roles=[Role.SUPERVISOR])


@pytest.mark.parametrize(
    ("kind", "year", "number", "start", "end", "name"),
    [
        ("month", 2026, 2, dt.date(2026, 2, 1), dt.date(2026, 2, 28), "2026, month 2"),
        ("month", 2028, 2, dt.date(2028, 2, 1), dt.date(2028, 2, 29), "2028, month 2"),
        ("month", 2026, 12, dt.date(2026, 12, 1), dt.date(2026, 12, 31), "2026, month 12"),
        ("quarter", 2026, 1, dt.date(2026, 1, 1), dt.date(2026, 3, 31), "2026, quarter 1"),
        ("quarter", 2026, 3, dt.date(2026, 7, 1), dt.date(2026, 9, 30), "2026, quarter 3"),
        ("quarter", 2026, 4, dt.date(2026, 10, 1), dt.date(2026, 12, 31), "2026, quarter 4"),
        ("year", 2026, None, dt.date(2026, 1, 1), dt.date(2026, 12, 31), "Year 2026"),
    ],
)
def test_each_kind_is_created_with_its_calendar_dates(scheme, supervisor, kind, year, number, start, end, name):
    period = create_period(
        scheme=scheme, kind=kind, year=year, number=number, forms_close_at=local(year, 12, 31, 18), actor=supervisor
    )
    assert (period.kind, period.start, period.end, period.name, period.status) == (
        kind,
        start,
        end,
        name,
        PeriodStatus.OPEN,
    )
    assert AssessmentEvent.objects.get(period=period).action == "created"


def test_the_page_creates_a_period_and_names_it(client, scheme, supervisor):
    client.force_login(supervisor)
    data = {"scheme": scheme.pk, "kind": "quarter", "year": "2026", "number": "2", "name": "",
            "forms_close_at": "2026-07-05T18:00", "appeal_days": "5"}  # fmt: skip
    response = client.post(reverse("assessment:period_list"), data)
    period = Period.objects.get()
    assert response.status_code == 302 and response["Location"] == period.get_absolute_url()
    assert (period.start, period.end, period.name) == (dt.date(2026, 4, 1), dt.date(2026, 6, 30), "2026, quarter 2")
    assert timezone.localtime(period.forms_close_at) == local(2026, 7, 5, 18)
    # A named one keeps its name.
    data.update(kind="month", number="7", name="七月", forms_close_at="2026-08-05T18:00")
    assert client.post(reverse("assessment:period_list"), data).status_code == 302
    assert Period.objects.get(kind="month").name == "七月"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"kind": "week"}, "kind", "Select a valid choice"),
        ({"number": "13"}, "number", "less than or equal to 12"),
        ({"kind": "quarter", "number": "5"}, "number", "from 1 to 4"),
        ({"number": ""}, "number", "Enter a whole number."),
        ({"year": "1999"}, "year", "greater than or equal to 2000"),
        ({"year": "abc"}, "year", "Enter a whole number."),
        ({"forms_close_at": "2026-03-01T00:00"}, "forms_close_at", "must close after the period starts"),
        ({"forms_close_at": "2026-02-20T18:00"}, "forms_close_at", "must close after the period starts"),
        ({"forms_close_at": "soon"}, "forms_close_at", "Enter a valid date/time."),
        ({"appeal_days": "0"}, "appeal_days", "greater than or equal to 1"),
        ({"appeal_days": "31"}, "appeal_days", "less than or equal to 30"),
        ({"name": "名" * 101}, "name", "at most 100 characters"),
    ],
)
def test_bad_periods_are_refused_with_a_message(client, scheme, supervisor, change, field, message):
    client.force_login(supervisor)
    data = {"scheme": scheme.pk, "kind": "month", "year": "2026", "number": "3", "name": "",
            "forms_close_at": "2026-04-05T18:00", "appeal_days": "5"}  # fmt: skip
    data.update(change)
    response = client.post(reverse("assessment:period_list"), data)
    assert response.status_code == 400
    errors = response.context["period_form"].errors
    assert any(message in error for error in errors.get(field, [])), errors
    assert not Period.objects.exists()


@pytest.mark.parametrize(
    ("existing", "new", "clash"),
    [
        (("month", dt.date(2026, 3, 1), dt.date(2026, 3, 31)), ("month", 3), True),
        (("quarter", dt.date(2026, 1, 1), dt.date(2026, 3, 31)), ("quarter", 1), True),
        (("year", dt.date(2026, 1, 1), dt.date(2026, 12, 31)), ("year", None), True),
        # A period of odd dates made before this check existed still blocks the months it covers.
        (("month", dt.date(2026, 3, 15), dt.date(2026, 6, 13)), ("month", 5), True),
        (("month", dt.date(2026, 3, 1), dt.date(2026, 3, 31)), ("month", 4), False),
        # Another kind over the same dates is no overlap: a quarter and its months are assessed separately.
        (("quarter", dt.date(2026, 1, 1), dt.date(2026, 3, 31)), ("month", 2), False),
    ],
)
def test_overlapping_periods_of_a_scheme_and_kind_are_refused(scheme, existing, new, clash):
    kind, start, end = existing
    make_period(scheme, kind=kind, start=start, end=end, name="已有")
    kind, number = new
    create = {"scheme": scheme, "kind": kind, "year": 2026, "number": number, "forms_close_at": local(2026, 12, 31)}
    if clash:
        with pytest.raises(ValidationError, match="already: 已有"):
            create_period(**create)
        assert Period.objects.count() == 1
    else:
        assert create_period(**create).pk
    # Another scheme has its own periods.
    assert create_period(**{**create, "scheme": make_scheme(name="另一方案")}).pk


def test_an_inactive_scheme_gets_no_new_period(scheme):
    scheme.is_active = False
    scheme.save()
    with pytest.raises(ValidationError, match="no longer active"):
        create_period(scheme=scheme, kind="year", year=2026, forms_close_at=local(2027, 1, 10))


@pytest.mark.parametrize("who", ["clerk", "leader"])
def test_only_supervisors_create_periods(client, scheme, who):
    client.force_login(StaffFactory(roles=[Role.CLERK if who == "clerk" else Role.LEADER]).user)
    data = {"scheme": scheme.pk, "kind": "month", "year": "2026", "number": "3",
            "forms_close_at": "2026-04-05T18:00", "appeal_days": "5"}  # fmt: skip
    assert client.post(reverse("assessment:period_list"), data).status_code == 403
    assert not Period.objects.exists()
