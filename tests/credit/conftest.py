"""A small organisation shared by the credit page and API tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import translation

from credit import services
from credit.models import CreditEntry, Source
from efficiency_portal.accounts.models import User
from efficiency_portal.org.models import Department, Role, Staff
from tests.credit.factories import ensure_seeded_rules
from tests.factories import CitizenFactory, DepartmentFactory, StaffFactory, UserFactory, make_head, seed_calendar

NOW = dt.datetime(2026, 6, 1, 10, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@dataclass
class World:
    x: Department
    y: Department
    users: dict[str, User | None]
    clerk_x: Staff
    entry: CreditEntry

    def client(self, who: str) -> Client:
        client = Client()
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the assertions read the English messages
        if self.users[who] is not None:
            client.force_login(self.users[who])
        return client


@pytest.fixture(autouse=True)
def _english(settings, client):
    """The assertions read the English messages, whichever language the catalogue is in."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _seeded_rules(request) -> None:
    """The rule table comes from a data migration; an earlier transactional test elsewhere may have flushed it."""
    if "db" in request.fixturenames or request.node.get_closest_marker("django_db"):
        request.getfixturevalue("db")
        ensure_seeded_rules()


@pytest.fixture
def world() -> World:
    seed_calendar(2025, 2026)
    x, y = DepartmentFactory(), DepartmentFactory()
    clerk_x = StaffFactory(department=x, roles=[Role.CLERK])
    leader = StaffFactory(department=DepartmentFactory(), roles=[Role.LEADER])
    x.leader_in_charge = leader
    x.save(update_fields=["leader_in_charge"])
    head_y = make_head(y)
    leader_y = StaffFactory(department=DepartmentFactory(), roles=[Role.LEADER])
    y.leader_in_charge = leader_y
    y.save(update_fields=["leader_in_charge"])
    users = {
        "anonymous": None,
        "citizen": CitizenFactory(),
        "clerk_x": clerk_x.user,
        "clerk_x2": StaffFactory(department=x, roles=[Role.CLERK]).user,
        "clerk_y": StaffFactory(department=y, roles=[Role.CLERK]).user,
        "head_x": make_head(x).user,
        "leader": leader.user,
        "head_y": head_y.user,
        "leader_y": leader_y.user,
        "supervisor": StaffFactory(roles=[Role.SUPERVISOR]).user,
        "admin": UserFactory(is_superuser=True, roles=[Role.ADMINISTRATOR]),
    }
    with time_machine.travel(NOW, tick=False):
        entry = services.record_entry(
            rule_code="buck_passing",
            fact_date=dt.date(2026, 5, 20),
            source=Source.MANUAL,
            staff=clerk_x,
            detail="窗口推诿，未一次性告知",
            actor=users["supervisor"],
        )
    return World(x, y, users, clerk_x, entry)


@pytest.fixture
def private_media(settings, tmp_path):
    """Uploaded files go to a directory of this test."""
    from django.core.files.storage import storages

    private = settings.STORAGES["private"]
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {**private, "OPTIONS": {**private.get("OPTIONS", {}), "location": str(tmp_path)}},
    }
    storages._storages.pop("private", None)
    yield tmp_path
    storages._storages.pop("private", None)


def workbook_rows(response) -> list[tuple]:
    """The rows of the first sheet of an .xlsx download, header first."""
    import io

    from openpyxl import load_workbook

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
