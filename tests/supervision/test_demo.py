from __future__ import annotations

import io

import pytest
import time_machine

from efficiency_portal.org.models import Role
from efficiency_portal.supervision import demo
from efficiency_portal.supervision.models import Deadline, Light, Warning
from tests.factories import StaffFactory

from .conftest import at

pytestmark = pytest.mark.django_db


def test_demo_without_staff_loads_nothing():
    out = io.StringIO()
    assert demo.load(out) == {"deadlines": 0}
    assert "no staff" in out.getvalue()


def test_demo_is_idempotent_and_has_all_lights(world):
    for _ in range(2):
        StaffFactory(department=world.x, roles=[Role.CLERK])
    with time_machine.travel(at(2026, 3, 10, 10), tick=False):
        demo.load(io.StringIO())
    counts = (Deadline.objects.count(), Warning.objects.count())
    with time_machine.travel(at(2026, 3, 10, 10, 5), tick=False):
        demo.load(io.StringIO())
    assert (Deadline.objects.count(), Warning.objects.count()) == counts
    lights = set(Deadline.objects.filter(kind__in=["case", "task", "complaint"]).values_list("light", flat=True))
    assert lights == {Light.GREEN, Light.YELLOW, Light.RED}
