"""Demo credit entries linked to the red cards in the database (the seeded city is tested in tests/demo/)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from credit import demo
from credit.models import CreditEntry, Source
from efficiency_portal.org import demo as org_demo
from efficiency_portal.org.models import Staff
from efficiency_portal.workdays import demo as workdays_demo

pytestmark = pytest.mark.django_db


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
