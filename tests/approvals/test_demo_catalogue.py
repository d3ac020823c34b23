"""Demo catalogue on an empty database (the seeded city is tested in tests/demo/)."""

from __future__ import annotations

from io import StringIO

import pytest

from approvals import demo
from approvals.models import Item

pytestmark = pytest.mark.django_db


def test_skips_items_when_the_organisation_is_missing():
    out = StringIO()
    demo.load(out)
    assert Item.objects.count() == 0
    assert "skipped" in out.getvalue()
