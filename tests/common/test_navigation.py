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
