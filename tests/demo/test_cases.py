"""Demo cases: every state through the services, yellow and red clocks with cards, figures, and idempotent runs."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count

from approvals import demo_cases
from approvals.models import (
    Card,
    Case,
    CaseDepartment,
    CaseEvent,
    CaseMaterial,
    CasePause,
    CaseStatus,
    DailyCaseStat,
    ExtensionRequest,
    ExtensionStatus,
    SupplementNotice,
)
from approvals.selectors.tracking import find_case
from approvals.services.common import CASE_CLOCK, STEP_CLOCK
from efficiency_portal.supervision.models import Deadline, Light, Outcome

from .conftest import CASES_SCALE, NOW

STATES = set(CaseStatus.values) - {CaseStatus.WITHDRAWN}  # no service withdraws a case yet


def case_clocks(light: str):
    return Deadline.objects.filter(kind__in=[CASE_CLOCK, STEP_CLOCK], light=light)


def test_every_state_is_there(demo_city):
    counts = dict(Case.objects.values_list("status").annotate(n=Count("pk")))
    assert set(counts) >= STATES, counts
    assert all(counts[state] >= 2 for state in STATES)
    assert "demo cases" in demo_city
    # Every case went through the services: its trail starts with the application and it has clocks.
    assert not Case.objects.exclude(events__action="submitted").exists()
    case_type = ContentType.objects.get_for_model(Case)
    accepted = Case.objects.filter(accepted_at__isnull=False)
    assert accepted.exists()
    assert Deadline.objects.filter(content_type=case_type, kind=CASE_CLOCK).count() == accepted.count()


def test_moments_are_in_the_past_and_spread_over_months():
    first = Case.objects.order_by("submitted_at").first().submitted_at
    assert NOW - first > dt.timedelta(days=60)
    assert not CaseEvent.objects.filter(at__gt=NOW).exists()
    assert not Case.objects.filter(submitted_at__gte=NOW).exists()


def test_lifecycle_details():
    assert SupplementNotice.objects.filter(supplemented_at__isnull=True, case__status=CaseStatus.SUPPLEMENT).exists()
    assert SupplementNotice.objects.filter(supplemented_at__isnull=False).exists()
    assert CasePause.objects.filter(case__status=CaseStatus.PAUSED, ended_at__isnull=True).exists()
    assert ExtensionRequest.objects.filter(status=ExtensionStatus.APPROVED).exists()
    assert ExtensionRequest.objects.filter(status=ExtensionStatus.PENDING).exists()
    assert CaseDepartment.objects.filter(is_lead=False).exists()
    assert Case.objects.filter(is_joint=True, status=CaseStatus.DELIVERED).exists()
    assert CaseMaterial.objects.exists()
    assert not Case.objects.filter(status=CaseStatus.REFUSED, decision_reason="").exists()
    assert not Case.objects.filter(status=CaseStatus.DENIED, decision_reason="").exists()
    delivered = Case.objects.filter(status=CaseStatus.DELIVERED)
    assert not delivered.filter(delivered_at__isnull=True).exists()
    outcomes = set(
        Deadline.objects.filter(
            kind=CASE_CLOCK, object_id__in=delivered.values("pk"), finished_at__isnull=False
        ).values_list("outcome", flat=True)
    )
    assert {Outcome.EARLY, Outcome.ON_TIME, Outcome.LATE} <= outcomes


def test_yellow_and_red_with_cards_and_figures():
    assert case_clocks(Light.YELLOW).filter(finished_at__isnull=True).exists()
    assert case_clocks(Light.RED).filter(finished_at__isnull=True).exists()
    assert Card.objects.filter(level="red").exists()
    assert Card.objects.filter(level="yellow").exists()
    assert DailyCaseStat.objects.exists()


def test_applicants_look_real_and_can_track():
    case = Case.objects.order_by("pk").first()
    assert re.fullmatch(r"1[358]\d0000\d{4}", case.applicant_phone)
    assert re.fullmatch(r"[\u4e00-\u9fff]{2,3}", case.applicant_name)
    assert Case.objects.exclude(enterprise_name="").filter(enterprise_name__endswith="公司").exists()
    assert find_case(case.tracking_code, case.applicant_phone) == case


def test_second_run_creates_nothing():
    before = (Case.objects.count(), CaseEvent.objects.count(), Deadline.objects.count(), Card.objects.count())
    out = StringIO()
    assert demo_cases.load(out, scale=CASES_SCALE) == {}
    assert "already" in out.getvalue()
    after = (Case.objects.count(), CaseEvent.objects.count(), Deadline.objects.count(), Card.objects.count())
    assert after == before
