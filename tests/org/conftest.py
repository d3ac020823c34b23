from __future__ import annotations

from dataclasses import dataclass

import pytest

from efficiency_portal.accounts.models import User
from efficiency_portal.org.models import Department, Post, Role, Staff
from tests.factories import (
    AgencyFactory,
    CitizenFactory,
    DepartmentFactory,
    PostFactory,
    StaffFactory,
    UserFactory,
    WindowFactory,
    make_head,
)


@dataclass
class World:
    """Two departments X and Y (X has a service window) and one person per role of the permission matrix."""

    x: Department
    x_window: Department
    y: Department
    clerk_x: Staff
    backup_x: Staff
    clerk_y: Staff
    head_x: Staff
    head_y: Staff
    supervisor: Staff
    admin: User
    citizen: User
    post_x: Post

    def user(self, who: str) -> User | None:
        if who == "anonymous":
            return None
        value = getattr(self, who)
        return value.user if isinstance(value, Staff) else value


MATRIX = ["anonymous", "citizen", "clerk_x", "clerk_y", "head_x", "head_y", "supervisor", "admin"]


@pytest.fixture
def world(db) -> World:
    agency = AgencyFactory(name="市市场监督管理局", code="scjgj")
    x = DepartmentFactory(name="登记注册科", code="x-dept", parent=agency, phone="0574-87000001")
    y = DepartmentFactory(name="食品经营许可科", code="y-dept", parent=agency)
    x_window = WindowFactory(name="企业开办窗口", code="x-window", parent=x)
    clerk_x = StaffFactory(department=x, name="张伟", roles=[Role.CLERK], phone="0574-88881234")
    backup_x = StaffFactory(department=x, name="李娜", roles=[Role.CLERK], phone="0574-88885678")
    clerk_y = StaffFactory(department=y, name="王芳", roles=[Role.CLERK])
    head_x = make_head(x, name="陈明")
    head_y = make_head(y, name="刘强")
    office = AgencyFactory(name="市机关效能建设办公室", code="xiaonengban")
    supervisor = StaffFactory(department=office, name="周敏", roles=[Role.SUPERVISOR])
    admin = UserFactory(username="root", kind=User.Kind.STAFF, is_superuser=True, is_staff=True)
    citizen = CitizenFactory(username="citizen")
    post_x = PostFactory(department=x, name="企业登记岗", holder=clerk_x, backup=backup_x)
    return World(x, x_window, y, clerk_x, backup_x, clerk_y, head_x, head_y, supervisor, admin, citizen, post_x)


@pytest.fixture
def login(client):
    def _login(user: User | None):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return _login
