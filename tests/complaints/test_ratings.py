"""Service ratings: rating a finished case, bad ratings open a rectification order on the clock, the default
rating sweep, appeals, and the contracted figures."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone

from complaints import selectors
from complaints.models import (
    AppealStatus,
    RectificationOrder,
    RectificationStatus,
    ServiceRating,
)
from complaints.services import ratings
from complaints.services.common import CONTACT_CLOCK, RECTIFY_CLOCK
from efficiency_portal.supervision.models import Deadline, DeadlineStatus
from tests.factories import CitizenFactory, ItemFactory, StaffFactory, make_accepted_case, make_head, seed_calendar

from .factories import make_supervisor

pytestmark = pytest.mark.django_db
TZ = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _calendar():
    seed_calendar(2025, 2026)


def finished_case(applicant=None, *, decided_at=None):
    case = make_accepted_case(applicant=applicant, status="delivered")
    decided_at = decided_at or timezone.now()
    type(case).objects.filter(pk=case.pk).update(decided_at=decided_at, delivered_at=decided_at)
    case.refresh_from_db()
    return case


def clocks(order):
    return {
        d.kind: d
        for d in Deadline.objects.filter(
            content_type=ContentType.objects.get_for_model(RectificationOrder), object_id=order.pk
        )
    }


def test_bad_rating_opens_rectification_on_the_clock_and_department_rectifies():
    citizen = CitizenFactory()
    # Friday 30 January 2026: contact within 1 working day (Mon 2 Feb), rectify within 5 (Fri 6 Feb).
    at = dt.datetime(2026, 1, 30, 16, 0, tzinfo=TZ)
    case = finished_case(citizen, decided_at=at - dt.timedelta(hours=2))
    head = make_head(case.department)
    with time_machine.travel(at, tick=False):
        rating = ratings.rate_case(case, rater=citizen, level=1, tags=["态度差"], comment="很差")
    order = rating.rectification
    assert order.department == case.department and order.status == RectificationStatus.OPEN
    found = clocks(order)
    assert found[CONTACT_CLOCK].due_at == dt.datetime(2026, 2, 2, 17, 30, tzinfo=TZ)
    assert found[RECTIFY_CLOCK].due_at == dt.datetime(2026, 2, 6, 17, 30, tzinfo=TZ)
    assert found[CONTACT_CLOCK].responsible == head.user
    outsider = StaffFactory()
    with pytest.raises(ValidationError):
        ratings.record_contact(order, outsider.user, note="已联系")
    clerk = StaffFactory(department=case.department)
    order = ratings.record_contact(order, clerk.user, note="已电话联系群众")
    order = ratings.record_rectification(order, head.user, note="已整改")
    assert {k: d.status for k, d in clocks(order).items()} == {
        CONTACT_CLOCK: DeadlineStatus.FINISHED,
        RECTIFY_CLOCK: DeadlineStatus.FINISHED,
    }
    with pytest.raises(ValidationError):
        ratings.record_follow_up(order, head.user, note="回访")
    order = ratings.record_follow_up(order, make_supervisor(), note="回访满意")
    assert order.status == RectificationStatus.CLOSED


def test_good_rating_opens_nothing_and_a_case_is_rated_once():
    citizen = CitizenFactory()
    case = finished_case(citizen)
    ratings.rate_case(case, rater=citizen, level=5)
    assert not RectificationOrder.objects.exists()
    with pytest.raises(ValidationError):
        ratings.rate_case(case, rater=citizen, level=4)


def test_only_the_applicant_rates_a_finished_case():
    citizen = CitizenFactory()
    case = finished_case(citizen)
    with pytest.raises(ValidationError):
        ratings.rate_case(case, rater=CitizenFactory(), level=5)
    open_case = make_accepted_case(applicant=citizen)
    with pytest.raises(ValidationError):
        ratings.rate_case(open_case, rater=citizen, level=5)
    with pytest.raises(ValidationError) as error:
        ratings.rate_case(case, rater=citizen, level=9)
    assert "level" in error.value.message_dict
    with pytest.raises(ValidationError):
        ratings.rate_case(case, rater=None, level=5)  # nobody, and nothing proven
    with pytest.raises(ValidationError):
        ratings.rate_case(open_case, rater=None, level=5, applicant_proven=True)  # proven, but not finished
    rating = ratings.rate_case(case, rater=None, level=5, applicant_proven=True)  # proven on the tracking page
    assert (rating.rater, rating.case) == (None, case)


def test_default_rating_sweep_is_set_based_and_idempotent(settings, django_assert_max_num_queries):
    now = timezone.now()
    old = [finished_case(decided_at=now - dt.timedelta(days=8)) for _ in range(3)]
    finished_case(decided_at=now - dt.timedelta(days=2))  # still within the 7 days
    rated = finished_case(CitizenFactory(), decided_at=now - dt.timedelta(days=9))
    ratings.rate_case(rated, rater=rated.applicant, level=5, at=now - dt.timedelta(days=8))
    with django_assert_max_num_queries(6):
        assert ratings.default_ratings(now) == 3
    assert ratings.default_ratings(now) == 0
    defaults = ServiceRating.objects.filter(is_default=True)
    assert {r.case_id for r in defaults} == {c.pk for c in old}
    assert all(r.level == 3 for r in defaults)
    assert all(r.handler is not None and r.handler.user_id == r.case.handler_id for r in defaults)
    # Dated when the seven days ran out, not when the sweep found them.
    assert {r.rated_at for r in defaults} == {now - dt.timedelta(days=1)}
    settings.RATINGS_DEFAULT_ENABLED = False
    finished_case(decided_at=now - dt.timedelta(days=10))
    assert ratings.default_ratings(now) == 0


def test_window_rating_and_appeal_set_aside():
    window = ItemFactory().department
    clerk = StaffFactory(department=window)
    rating = ratings.rate_window_visit(window, level=2, handler=clerk, comment="恶意差评")
    order = rating.rectification
    with pytest.raises(ValidationError):
        ratings.appeal_rating(rating, StaffFactory().user, reason="恶意")
    rating = ratings.appeal_rating(rating, clerk.user, reason="该群众要求违规办理未果")
    with pytest.raises(ValidationError):
        ratings.appeal_rating(rating, clerk.user, reason="再申诉")
    with pytest.raises(ValidationError):
        ratings.decide_appeal(rating, clerk.user, uphold=True, decision="同意")
    rating = ratings.decide_appeal(rating, make_supervisor(), uphold=True, decision="经核实属恶意差评")
    assert rating.appeal_status == AppealStatus.UPHELD
    order.refresh_from_db()
    assert order.status == RectificationStatus.SET_ASIDE
    today = timezone.localdate()
    assert selectors.satisfaction(today, today, by="department") == {}


def test_satisfaction_scores_by_department_and_staff():
    window = ItemFactory().department
    clerk = StaffFactory(department=window)
    for level in (5, 4, 3, 1):
        ratings.rate_window_visit(window, level=level, handler=clerk)
    today = timezone.localdate()
    by_department = selectors.satisfaction(today, today, by="department")
    assert by_department[window.pk].count == 4
    assert by_department[window.pk].score == Decimal("60.00")  # (100+80+60+0)/4
    assert selectors.satisfaction(today, today, by="staff")[clerk.pk].count == 4
    assert selectors.ratings_between(today, today, department=window).count() == 4
    counts = selectors.dashboard_counts(today)
    assert counts["rectifications_open"] == 1
