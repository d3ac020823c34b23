from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from efficiency_portal.audit import actions
from efficiency_portal.audit.models import AuditEvent, Result
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"


def sign_in(client, login: str, password: str = TEST_PASSWORD, **extra):
    return client.post(reverse("accounts:login"), {"username": login, "password": password}, **extra)


def signed_in_user_id(client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value else None


@pytest.fixture
def citizen():
    return UserFactory(username="lihua", email="Li.Hua@example.com", phone="13812345678", display_name="李华")


def test_login_url_is_named():
    assert reverse("accounts:login") == LOGIN_URL


@pytest.mark.parametrize("login", ["lihua", "LIHUA", "13812345678", "li.hua@example.com", " Li.Hua@EXAMPLE.com "])
def test_sign_in_with_username_phone_or_email(client, citizen, login):
    response = sign_in(client, login)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert signed_in_user_id(client) == citizen.pk


def test_sign_in_follows_safe_next_only(client, citizen):
    response = client.post(
        reverse("accounts:login") + "?next=/org/",
        {"username": "lihua", "password": TEST_PASSWORD, "next": "/org/"},
    )
    assert response["Location"] == "/org/"
    client.logout()
    response = client.post(
        reverse("accounts:login"), {"username": "lihua", "password": TEST_PASSWORD, "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("home")


@pytest.mark.parametrize(
    ("login", "password"),
    [("lihua", "wrong-password"), ("nobody", TEST_PASSWORD), ("", TEST_PASSWORD), ("lihua", "")],
)
def test_wrong_credentials_show_an_error_on_the_form(client, citizen, login, password):
    response = sign_in(client, login, password)
    assert response.status_code == 400
    assert response.context["form"].errors
    assert signed_in_user_id(client) is None


def test_inactive_user_cannot_sign_in(client, citizen):
    citizen.is_active = False
    citizen.save()
    response = sign_in(client, "lihua")
    assert response.status_code == 400
    assert signed_in_user_id(client) is None


def test_login_page_renders_fields_and_csrf(client):
    response = client.get(reverse("accounts:login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'name="username"' in html and 'name="password"' in html


def test_signed_in_user_is_sent_on_from_the_login_page(client, citizen):
    client.force_login(citizen)
    assert client.get(reverse("accounts:login")).status_code == 302


def test_sign_in_and_failure_are_audited(client, citizen):
    sign_in(client, "lihua", "wrong-password", HTTP_USER_AGENT="pytest-browser/1.0")
    failed = AuditEvent.objects.get(action=actions.LOGIN_FAILED)
    assert failed.result == Result.FAILED
    assert failed.actor is None
    assert failed.actor_label == "lihua"
    assert failed.ip_address == "127.0.0.1"
    assert failed.user_agent == "pytest-browser/1.0"
    assert "password" not in failed.detail
    assert "wrong-password" not in str(failed.detail)

    sign_in(client, "13812345678")
    ok = AuditEvent.objects.get(action=actions.LOGIN)
    assert ok.actor == citizen
    assert ok.result == Result.SUCCESS
    assert ok.actor_label == "李华 (lihua)"


# --- Lockout (django-axes: 5 failures per login + address, 30 minutes) ----------------------------------------


def fail_times(client, n: int, login: str = "lihua", **extra) -> list[int]:
    return [sign_in(client, login, "wrong-password", **extra).status_code for _ in range(n)]


def test_five_failures_lock_the_login_and_the_right_password_is_then_refused(client, citizen):
    assert fail_times(client, 4) == [400] * 4
    locked = sign_in(client, "lihua", "wrong-password")
    assert locked.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in locked.templates]

    sixth = sign_in(client, "lihua")  # the correct password
    assert sixth.status_code == 429
    assert signed_in_user_id(client) is None
    html = sixth.content.decode()
    assert "30" in html  # the page says how long to wait


def test_lockout_is_per_address(client, citizen):
    fail_times(client, 5)
    assert sign_in(client, "lihua").status_code == 429
    elsewhere = sign_in(client, "lihua", REMOTE_ADDR="10.1.2.3")
    assert elsewhere.status_code == 302
    assert signed_in_user_id(client) == citizen.pk


def test_lock_ends_after_the_cool_off(client, citizen):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        fail_times(client, 5)
        traveller.shift(dt.timedelta(minutes=29))
        assert sign_in(client, "lihua").status_code == 429
        # Refused attempts during the lock do not extend it: 30 minutes after the fifth failure it ends.
        traveller.shift(dt.timedelta(minutes=1, seconds=1))
        response = sign_in(client, "lihua")
        assert response.status_code == 302
        assert signed_in_user_id(client) == citizen.pk


def test_success_before_the_limit_resets_the_count(client, citizen):
    fail_times(client, 4)
    assert sign_in(client, "lihua").status_code == 302
    client.logout()
    assert fail_times(client, 4) == [400] * 4
    assert sign_in(client, "lihua").status_code == 302


def test_administrator_unlocks_through_the_axes_admin(client, citizen):
    fail_times(client, 5)
    assert sign_in(client, "lihua").status_code == 429
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    admin_client = type(client)()
    admin_client.force_login(admin)
    attempt = AccessAttempt.objects.get(username="lihua")
    url = reverse("admin:axes_accessattempt_delete", args=[attempt.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert sign_in(client, "lihua").status_code == 302


def test_lockout_is_audited_once_and_refused_attempts_as_denied(client, citizen):
    fail_times(client, 5)
    sign_in(client, "lihua")
    sign_in(client, "lihua")
    events = list(AuditEvent.objects.order_by("id").values_list("action", "result"))
    # The fifth failure locks (axes announces the lock before Django's failure signal reaches the log).
    assert events == [(actions.LOGIN_FAILED, Result.FAILED)] * 4 + [
        (actions.LOCKED_OUT, Result.DENIED),
        (actions.LOGIN_FAILED, Result.FAILED),
        (actions.LOGIN_FAILED, Result.DENIED),
        (actions.LOGIN_FAILED, Result.DENIED),
    ]
    assert AuditEvent.objects.get(action=actions.LOCKED_OUT).detail["failures"] == 5


# --- Sign-out ---------------------------------------------------------------------------------------------------


def test_sign_out_needs_post(client, citizen):
    client.force_login(citizen)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert signed_in_user_id(client) == citizen.pk
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert signed_in_user_id(client) is None
    event = AuditEvent.objects.get(action=actions.LOGOUT)
    assert event.actor == citizen
