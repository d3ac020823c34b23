"""The demo data: complaints in every state, ratings with rectification orders; a second run adds nothing."""

from __future__ import annotations

from io import StringIO

import pytest

from complaints import demo
from complaints.models import Complaint, ComplaintStatus, RectificationOrder, ServiceRating

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(monkeypatch, tmp_path, settings):
    monkeypatch.setattr("approvals.demo_cases.SCALE", 0.001)
    monkeypatch.setattr(demo, "COUNT", 48)
    for name in (
        "efficiency_portal.workdays.demo",
        "efficiency_portal.org.demo",
        "approvals.demo",
        "approvals.demo_cases",
    ):
        __import__(name, fromlist=["load"]).load(StringIO())
    demo.load(StringIO())


def test_every_state_and_idempotent(seeded):
    states = set(Complaint.objects.values_list("status", flat=True))
    assert states == set(ComplaintStatus.values)
    assert Complaint.objects.filter(anonymous=True).exists()
    assert ServiceRating.objects.exists() and RectificationOrder.objects.exists()
    counts = (Complaint.objects.count(), ServiceRating.objects.count(), RectificationOrder.objects.count())
    demo.load(StringIO())
    assert (Complaint.objects.count(), ServiceRating.objects.count(), RectificationOrder.objects.count()) == counts
