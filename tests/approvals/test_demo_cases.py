"""Demo cases on an empty database (the seeded city is tested in tests/demo/)."""

from __future__ import annotations

from io import StringIO

import pytest

from approvals import demo_cases
from approvals.models import Case

pytestmark = pytest.mark.django_db


def test_without_the_catalogue_nothing_is_loaded():
    out = StringIO()
    assert demo_cases.load(out, scale=0.03) == {}
    assert not Case.objects.exists()
