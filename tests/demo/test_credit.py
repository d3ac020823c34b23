"""Demo credit data: a realistic spread, some expired, disputed, pending and blacklisted, red cards linked."""

from __future__ import annotations

from io import StringIO

from django.utils import timezone

from credit import demo
from credit.models import CreditEntry, CreditObjection, EntryStatus, Source
from credit.selectors import scores_on
from efficiency_portal.org.models import Department


def test_every_kind_of_record_and_loaded_once(demo_city):
    assert "Credit:" in demo_city
    assert CreditEntry.objects.filter(detail__endswith=demo.MARKER).count() > 30
    statuses = set(CreditEntry.objects.values_list("status", flat=True))
    assert {
        EntryStatus.CONFIRMED,
        EntryStatus.PENDING,
        EntryStatus.DISPUTED,
        EntryStatus.EXPIRED,
        EntryStatus.WITHDRAWN,
    } <= statuses
    assert CreditEntry.objects.filter(department__isnull=False).exists()
    assert CreditObjection.objects.filter(entry__detail__endswith=demo.MARKER).count() == 4
    today = timezone.localdate()
    blacklisted = [s for s in scores_on(today).values() if s.blacklisted]  # civil servants only
    assert len(blacklisted) >= 3
    departments = scores_on(today, department_ids=Department.objects.values_list("pk", flat=True))
    assert "C" in [score.grade for score in departments.values() if score.blacklisted]
    total = CreditEntry.objects.count()
    assert demo.load(StringIO()) == {"entries": 0}
    assert CreditEntry.objects.count() == total


def test_red_card_entries_point_at_the_demo_red_cards():
    red_card_entries = CreditEntry.objects.filter(source=Source.RED_CARD, detail__endswith=demo.MARKER)
    assert red_card_entries.exists()
    assert not red_card_entries.filter(source_id__isnull=True).exists()
