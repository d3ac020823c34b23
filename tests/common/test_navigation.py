"""The navigation follows the user's roles: each role sees its own menus and nothing it may not open."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from efficiency_portal.common.context_processors import visible_items
from efficiency_portal.org.models import Role
from tests.factories import CitizenFactory, StaffFactory, UserFactory, with_roles


def names(user) -> set[str]:
    return {item["name"] for group in visible_items(user) for item in group["items"]}


@pytest.mark.django_db
def test_anonymous_visitor_sees_public_services_only():
    assert names(AnonymousUser()) == {
        "approvals:catalogue",
        "approvals:track",
        "complaints:file",
        "complaints:track",
        "dashboards:disclosure",
        "org:department_list",
        "workdays:calendar",
    }


@pytest.mark.django_db
def test_citizen_also_sees_their_applications_but_no_staff_pages():
    seen = names(CitizenFactory())
    assert "approvals:my_cases" in seen
    assert not seen & {"approvals:my_queue", "supervision:my_warnings", "audit:event_list"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("roles", "expected", "absent"),
    [
        ((Role.CLERK,), {"approvals:my_queue", "supervision:my_warnings", "approvals:my_cards"}, {"audit:event_list"}),
        (
            (Role.DEPARTMENT_HEAD,),
            {"approvals:department_queue", "approvals:item_manage", "org:post_manage"},
            {"workdays:manage", "approvals:card_review_list"},
        ),
        ((Role.LEADER,), {"approvals:extension_requests", "approvals:statistics"}, {"approvals:item_manage"}),
        (
            (Role.SUPERVISOR,),
            {"approvals:card_review_list", "audit:event_list", "supervision:deadline_list"},
            {"workdays:manage"},
        ),
    ],
)
def test_staff_menus_follow_roles(roles, expected, absent):
    staff = StaffFactory(roles=list(roles))
    seen = names(staff.user)
    assert expected <= seen
    assert not seen & absent
    assert "approvals:my_cases" not in seen


@pytest.mark.django_db
def test_administrator_manages_the_calendar():
    admin = with_roles(UserFactory(), Role.ADMINISTRATOR)
    assert {"workdays:manage", "approvals:item_manage", "audit:event_list"} <= names(admin)


@pytest.mark.django_db
def test_every_menu_link_resolves_for_a_supervisor_administrator(client):
    user = StaffFactory(roles=[Role.SUPERVISOR, Role.ADMINISTRATOR]).user
    client.force_login(user)
    for group in visible_items(user):
        for item in group["items"]:
            assert client.get(item["url"]).status_code in {200, 302}, item["name"]


DASHBOARD_LINKS = {"dashboards:command_centre", "dashboards:department", "dashboards:me", "supervised_tasks:list"}


@pytest.mark.django_db
def test_dashboard_and_task_links_are_offered_exactly_to_those_the_pages_admit(client):
    """Each role sees the dashboard and task links whose pages open for it, and no link that would answer 403."""
    from django.urls import reverse

    from tests.factories import DepartmentFactory, make_head

    department = DepartmentFactory()
    leader = StaffFactory(roles=[Role.LEADER])
    department.leader_in_charge = leader
    department.save(update_fields=["leader_in_charge"])
    own = {"dashboards:me", "supervised_tasks:list"}
    people = {
        "citizen": (CitizenFactory(), set()),
        "clerk": (StaffFactory(department=department, roles=[Role.CLERK]).user, own),
        "head": (make_head(department).user, {"dashboards:department", *own}),
        # The head role, but heading no department: the department dashboard would refuse them.
        "head of nothing": (StaffFactory(roles=[Role.DEPARTMENT_HEAD]).user, own),
        "leader in charge": (leader.user, DASHBOARD_LINKS),
        # A leader in charge of no department opens the command centre, not the department dashboard.
        "leader of nothing": (
            StaffFactory(roles=[Role.LEADER]).user,
            {"dashboards:command_centre", "dashboards:me", "supervised_tasks:list"},
        ),
        "supervisor": (
            StaffFactory(roles=[Role.SUPERVISOR]).user,
            {"dashboards:command_centre", "dashboards:me", "supervised_tasks:list"},
        ),
        "administrator": (
            with_roles(UserFactory(), Role.ADMINISTRATOR),
            {"dashboards:command_centre", "supervised_tasks:list"},
        ),
    }
    for who, (user, expected) in people.items():
        assert names(user) & DASHBOARD_LINKS == expected, who
        client.force_login(user)
        for name in DASHBOARD_LINKS:
            status = client.get(reverse(name)).status_code
            assert (status == 200) == (name in expected), (who, name, status)
    assert not names(AnonymousUser()) & DASHBOARD_LINKS
