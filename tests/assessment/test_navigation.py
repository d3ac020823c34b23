"""The rankings link is shown to whoever may open the page: supervisors, heads of a department, leaders in charge
of one; a leader or head in charge of nothing would get a 403 and is not offered the link."""

from __future__ import annotations

import pytest
from django.urls import reverse

from efficiency_portal.common.context_processors import visible_items
from efficiency_portal.org.models import Role
from tests.factories import DepartmentFactory, StaffFactory, UserFactory, make_head

pytestmark = pytest.mark.django_db


def offered(user) -> bool:
    return "assessment:rankings" in {item["name"] for group in visible_items(user) for item in group["items"]}


@pytest.mark.parametrize(
    ("who", "shown"),
    [
        ("supervisor", True),
        ("head", True),
        ("leader_in_charge", True),
        ("leader_of_nothing", False),
        ("head_role_of_nothing", False),
        ("clerk", False),
    ],
)
def test_the_rankings_link_matches_the_page(client, who, shown):
    department = DepartmentFactory()
    if who == "supervisor":
        user = UserFactory(roles=[Role.SUPERVISOR])
    elif who == "head":
        user = make_head(department).user
    elif who == "leader_in_charge":
        leader = StaffFactory(roles=[Role.LEADER])
        department.leader_in_charge = leader
        department.save()
        user = leader.user
    elif who == "leader_of_nothing":
        user = StaffFactory(roles=[Role.LEADER]).user
    elif who == "head_role_of_nothing":
        user = StaffFactory(roles=[Role.DEPARTMENT_HEAD]).user
    else:
        user = StaffFactory(roles=[Role.CLERK]).user
    assert offered(user) == shown
    client.force_login(user)
    assert client.get(reverse("assessment:rankings")).status_code == (200 if shown else 403)
