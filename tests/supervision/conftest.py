from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest

from efficiency_portal.accounts.models import User
from efficiency_portal.org.models import Department, Role, Staff
from tests.factories import (
    AgencyFactory,
    CitizenFactory,
    DepartmentFactory,
    StaffFactory,
    UserFactory,
    make_head,
    seed_calendar,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> dt.datetime:
    """A local (Asia/Shanghai) moment."""
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI)


@pytest.fixture
def calendar(db) -> None:
    """The official 2025 and 2026 schedules (National Day 2025, Spring Festival 2026 with their make-up days)."""
    seed_calendar(2025, 2026)


@dataclass
class World:
    x: Department
    y: Department
    clerk_x: Staff
    clerk_y: Staff
    head_x: Staff
    head_y: Staff
    leader: Staff
    supervisor: Staff
    admin: User
    citizen: User

    def user(self, who: str) -> User | None:
        if who == "anonymous":
            return None
        value = getattr(self, who)
        return value.user if isinstance(value, Staff) else value


MATRIX = ["anonymous", "citizen", "clerk_x", "clerk_y", "head_x", "head_y", "leader", "supervisor", "admin"]


@pytest.fixture
def world(calendar) -> World:
    government = AgencyFactory(name="市人民政府办公室", code="gov")
    x = DepartmentFactory(name="市场监督管理局", code="x", parent=government)
    y = DepartmentFactory(name="自然资源和规划局", code="y", parent=government)
    clerk_x = StaffFactory(department=x, name="张伟", roles=[Role.CLERK], user__username="zhangwei")
    clerk_y = StaffFactory(department=y, name="王芳", roles=[Role.CLERK], user__username="wangfang")
    head_x = make_head(x, name="陈明", user__username="chenming")
    head_y = make_head(y, name="刘强", user__username="liuqiang")
    leader = StaffFactory(department=government, name="赵副市长", roles=[Role.LEADER], user__username="zhaofu")
    x.leader_in_charge = leader
    x.save(update_fields=["leader_in_charge"])
    office = AgencyFactory(name="市机关效能建设办公室", code="xiaonengban")
    supervisor = StaffFactory(department=office, name="周敏", roles=[Role.SUPERVISOR], user__username="zhoumin")
    admin = UserFactory(username="root", kind=User.Kind.STAFF, is_superuser=True, is_staff=True)
    citizen = CitizenFactory(username="citizen")
    return World(x, y, clerk_x, clerk_y, head_x, head_y, leader, supervisor, admin, citizen)


@pytest.fixture
def login(client):
    def _login(user: User | None):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return _login
