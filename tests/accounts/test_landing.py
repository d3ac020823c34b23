"""After signing in, each role lands where its work is; a safe ``?next=`` still wins."""

from __future__ import annotations

import pytest
from django.urls import reverse

from efficiency_portal.common.landing import landing_url
from efficiency_portal.org.models import Role
from tests.complaints.factories import file
from tests.factories import (
    TEST_PASSWORD,
    CitizenFactory,
    DepartmentFactory,
    ItemFactory,
    StaffFactory,
    UserFactory,
    make_accepted_case,
    make_head,
)

pytestmark = pytest.mark.django_db


def sign_in(client, user, **data):
    query = f"?next={data['next']}" if "next" in data else ""
    return client.post(
        reverse("accounts:login") + query, {"username": user.username, "password": TEST_PASSWORD, **data}
    )


def leader_of(department):
    leader = StaffFactory(roles=[Role.LEADER])
    department.leader_in_charge = leader
    department.save(update_fields=["leader_in_charge"])
    return leader


@pytest.mark.parametrize(
    ("who", "target"),
    [
        ("supervisor", "dashboards:command_centre"),
        ("supervisor_and_head", "dashboards:command_centre"),
        ("head", "approvals:department_queue"),
        ("head_and_clerk", "approvals:department_queue"),
        ("head_of_nothing", "approvals:my_queue"),
        ("leader", "dashboards:department"),
        ("leader_of_nothing", "dashboards:command_centre"),
        ("clerk", "approvals:my_queue"),
        ("staff_without_role", "approvals:my_queue"),
        ("administrator", "dashboards:command_centre"),
        ("citizen_with_application", "approvals:my_cases"),
        ("citizen_with_complaint", "complaints:my_complaints"),
        ("new_citizen", "home"),
    ],
)
def test_each_role_lands_where_its_work_is(client, who: str, target: str) -> None:
    department = DepartmentFactory()
    if who == "supervisor":
        user = StaffFactory(roles=[Role.SUPERVISOR]).user
    elif who == "supervisor_and_head":
        user = make_head(department).user
        user.groups.add(*StaffFactory(roles=[Role.SUPERVISOR]).user.groups.all())
    elif who == "head":
        user = make_head(department).user
    elif who == "head_and_clerk":
        user = make_head(department).user
        user.groups.add(*StaffFactory(roles=[Role.CLERK]).user.groups.all())
    elif who == "head_of_nothing":
        user = StaffFactory(roles=[Role.DEPARTMENT_HEAD]).user
    elif who == "leader":
        user = leader_of(department).user
    elif who == "leader_of_nothing":
        user = StaffFactory(roles=[Role.LEADER]).user
    elif who == "clerk":
        user = StaffFactory(department=department, roles=[Role.CLERK]).user
    elif who == "staff_without_role":
        user = StaffFactory(department=department).user
    elif who == "administrator":
        user = UserFactory(is_superuser=True, is_staff=True)
    elif who == "citizen_with_application":
        user = CitizenFactory()
        make_accepted_case(ItemFactory(department=department), applicant=user)
        file(department, complainant=user)
    elif who == "citizen_with_complaint":
        user = CitizenFactory()
        file(department, complainant=user)
    else:
        user = CitizenFactory()

    response = sign_in(client, user)

    assert response.status_code == 302
    assert response["Location"] == reverse(target)
    # The page landed on opens for them (never a 403 after signing in).
    assert client.get(response["Location"]).status_code == 200
    assert landing_url(user) == reverse(target)


def test_a_safe_next_wins_over_the_landing(client) -> None:
    supervisor = StaffFactory(roles=[Role.SUPERVISOR]).user
    response = sign_in(client, supervisor, next="/org/")
    assert response["Location"] == "/org/"


def test_an_unsafe_next_falls_back_to_the_landing(client) -> None:
    supervisor = StaffFactory(roles=[Role.SUPERVISOR]).user
    response = sign_in(client, supervisor, next="https://evil.example/")
    assert response["Location"] == reverse("dashboards:command_centre")


def test_the_login_page_sends_a_signed_in_clerk_to_the_queue(client) -> None:
    clerk = StaffFactory(roles=[Role.CLERK]).user
    client.force_login(clerk)
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 302
    assert response["Location"] == reverse("approvals:my_queue")


def test_nobody_signed_in_lands_on_the_home_page() -> None:
    from django.contrib.auth.models import AnonymousUser

    assert landing_url(AnonymousUser()) == reverse("home")
