from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from efficiency_portal.accounts.models import User
from efficiency_portal.audit import actions
from efficiency_portal.audit.models import AuditEvent
from tests.factories import TEST_PASSWORD, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Gu-lou 2027 bridge"


@pytest.fixture
def citizen():
    return UserFactory(username="citizen-1", email="a@example.com", phone="13700000001", display_name="陈一")


@pytest.fixture
def signed_in(client, citizen):
    client.force_login(citizen)
    return client


def post_profile(client, **changes):
    data = {"display_name": "陈一", "phone": "13700000001", "email": "a@example.com", **changes}
    return client.post(reverse("accounts:profile"), data)


@pytest.mark.parametrize("name", ["accounts:profile", "accounts:password_change"])
def test_anonymous_is_sent_to_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_profile_page_shows_the_user(signed_in):
    response = signed_in.get(reverse("accounts:profile"))
    assert response.status_code == 200
    assert "陈一" in response.content.decode()


def test_user_edits_name_phone_and_email(signed_in, citizen):
    response = post_profile(signed_in, display_name="陈一一", phone="137 0000 0002", email="b@example.com")
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert (citizen.display_name, citizen.phone, citizen.email) == ("陈一一", "13700000002", "b@example.com")
    event = AuditEvent.objects.get(action=actions.PROFILE_UPDATE)
    assert event.actor == citizen
    assert sorted(event.detail["changed"]) == ["display_name", "email", "phone"]


def test_saving_unchanged_profile_writes_nothing(signed_in):
    assert post_profile(signed_in).status_code == 302
    assert not AuditEvent.objects.filter(action=actions.PROFILE_UPDATE).exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"phone": "1370000000"}, "phone"),
        ({"phone": "13800009999"}, "phone"),  # taken by another user
        ({"email": "OTHER@example.com"}, "email"),  # taken, whatever the case
        ({"email": "nope"}, "email"),
        ({"phone": "", "email": ""}, "__all__"),
        ({"display_name": ""}, "display_name"),
    ],
)
def test_bad_profile_input_is_refused_and_nothing_changes(signed_in, citizen, changes, field):
    UserFactory(username="other", email="other@example.com", phone="13800009999")
    response = post_profile(signed_in, **changes)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    stored = User.objects.get(pk=citizen.pk)
    assert (stored.display_name, stored.phone, stored.email) == ("陈一", "13700000001", "a@example.com")


def test_staff_may_clear_phone_and_email(client):
    staff = StaffFactory()
    client.force_login(staff.user)
    response = client.post(reverse("accounts:profile"), {"display_name": "张三", "phone": "", "email": ""})
    assert response.status_code == 302
    staff.user.refresh_from_db()
    assert (staff.user.phone, staff.user.email) == ("", "")


def test_password_change(signed_in, citizen):
    other_session = Client()
    other_session.force_login(citizen)
    response = signed_in.post(
        reverse("accounts:password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert citizen.check_password(NEW_PASSWORD)
    # This session stays signed in; the others end.
    assert signed_in.get(reverse("accounts:profile")).status_code == 200
    assert other_session.get(reverse("accounts:profile")).status_code == 302
    assert AuditEvent.objects.filter(action=actions.PASSWORD_CHANGE, actor=citizen).count() == 1


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, "old_password"),
        ({"old_password": TEST_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": "x"}, "new_password2"),
        ({"old_password": TEST_PASSWORD, "new_password1": "abc", "new_password2": "abc"}, "new_password2"),
        ({"old_password": TEST_PASSWORD, "new_password1": "", "new_password2": ""}, "new_password1"),
    ],
)
def test_bad_password_change_is_refused(signed_in, citizen, data, field):
    response = signed_in.post(reverse("accounts:password_change"), data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    citizen.refresh_from_db()
    assert citizen.check_password(TEST_PASSWORD)
    assert not AuditEvent.objects.filter(action=actions.PASSWORD_CHANGE).exists()
