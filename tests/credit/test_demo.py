"""Demo credit data: realistic spread, some expired, disputed, pending and blacklisted, and safe to load twice."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from credit import demo
from credit.models import CreditEntry, CreditObjection, EntryStatus, Source
from credit.selectors import scores_on
from efficiency_portal.org import demo as org_demo
from efficiency_portal.org.models import Department, Staff
from efficiency_portal.workdays import demo as workdays_demo

pytestmark = pytest.mark.django_db


def test_demo_loads_once_with_every_kind_of_record():
    workdays_demo.load(StringIO())
    org_demo.load(StringIO())
    out = StringIO()
    first = demo.load(out)
    assert first["entries"] > 30 and "Credit:" in out.getvalue()
    statuses = set(CreditEntry.objects.values_list("status", flat=True))
    assert {
        EntryStatus.CONFIRMED,
        EntryStatus.PENDING,
        EntryStatus.DISPUTED,
        EntryStatus.EXPIRED,
        EntryStatus.WITHDRAWN,
    } <= statuses
    assert CreditEntry.objects.filter(department__isnull=False).exists()
    assert CreditObjection.objects.count() == 4
    today = timezone.localdate()
    blacklisted = [s for s in scores_on(today).values() if s.blacklisted]  # civil servants only
    assert len(blacklisted) >= 3
    departments = scores_on(today, department_ids=Department.objects.values_list("pk", flat=True))
    assert [score.grade for score in departments.values() if score.blacklisted] == ["C"]
    # Without approvals' red cards in the database, red-card entries stay unlinked.
    assert first["linked"] == 0
    assert not CreditEntry.objects.filter(source=Source.RED_CARD, source_id__isnull=False).exists()
    total = CreditEntry.objects.count()
    assert demo.load(StringIO()) == {"entries": 0}
    assert CreditEntry.objects.count() == total


def test_demo_links_red_card_entries_to_the_red_cards_there_are():
    import datetime as dt

    from approvals.models.cards import Card, CardTrigger
    from approvals.services import cards as card_services
    from tests.approvals.test_cards_services import make_case

    workdays_demo.load(StringIO())
    org_demo.load(StringIO())
    handler = Staff.objects.filter(is_active=True).order_by("employee_no")[3]
    case = make_case(handler.department, handler.user)
    raised = timezone.now() - dt.timedelta(days=20)
    card = card_services.raise_card(case, trigger=CardTrigger.LATE_DECISION, at=raised)
    counts = demo.load(StringIO())
    assert counts["linked"] == 1
    entry = CreditEntry.objects.get(source=Source.RED_CARD, source_id__isnull=False)
    assert (entry.staff, entry.source_type, entry.source_id) == (
        handler,
        ContentType.objects.get_for_model(Card),
        card.pk,
    )
    assert entry.source_link == reverse("approvals:case_work", args=[case.pk])
    assert entry.fact_date == timezone.localdate(raised) and case.tracking_code in entry.detail
    # Every red-card entry is then a linked one.
    assert not CreditEntry.objects.filter(source=Source.RED_CARD, source_id__isnull=True).exists()
