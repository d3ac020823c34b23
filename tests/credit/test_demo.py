"""Demo credit data: realistic spread, some expired, disputed, pending and blacklisted, and safe to load twice."""

from __future__ import annotations

from io import StringIO

import pytest
from django.utils import timezone

from credit import demo
from credit.models import CreditEntry, CreditObjection, EntryStatus
from credit.selectors import scores_on
from efficiency_portal.org import demo as org_demo
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
    blacklisted = [s for s in scores_on(timezone.localdate()).values() if s.blacklisted]
    assert len(blacklisted) >= 3
    total = CreditEntry.objects.count()
    assert demo.load(StringIO()) == {"entries": 0}
    assert CreditEntry.objects.count() == total
