from __future__ import annotations

import pytest
from django.urls import reverse

from efficiency_portal.accounts.models import User
from efficiency_portal.audit import actions
from efficiency_portal.audit.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "Qing-he 2026 river"
VALID_CREDIT_CODE = "91350100M000100Y43"  # the example of GB 32100-2015


def form(**changes) -> dict:
    data = {
        "kind": "citizen",
        "display_name": "王小明",
        "phone": "13900001111",
        "email": "",
        "enterprise_name": "",
        "credit_code": "",
        "password1": GOOD_PASSWORD,
        "password2": GOOD_PASSWORD,
    }
    data.update(changes)
    return data


def register(client, **changes):
    return client.post(reverse("accounts:register"), form(**changes))


def test_register_page_renders(client):
    response = client.get(reverse("accounts:register"))
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("kind", "display_name", "phone", "email", "credit_code", "password1", "password2"):
        assert f'name="{name}"' in html


def test_citizen_registers_with_phone_and_is_signed_in(client):
    response = register(client, phone="+86 139-0000-1111")
    assert response.status_code == 302
    user = User.objects.get()
    assert user.kind == User.Kind.CITIZEN
    assert user.phone == "13900001111"
    assert user.display_name == "王小明"
    assert user.check_password(GOOD_PASSWORD)
    assert not user.is_staff and not user.is_superuser
    assert int(client.session["_auth_user_id"]) == user.pk
    assert AuditEvent.objects.filter(action=actions.REGISTER, actor=user, target_id=str(user.pk)).count() == 1
    # ... and can sign in again later with the phone number.
    client.logout()
    assert (
        client.post(reverse("accounts:login"), {"username": "13900001111", "password": GOOD_PASSWORD}).status_code
        == 302
    )


def test_citizen_registers_with_email_only(client):
    response = register(client, phone="", email="wang@example.com")
    assert response.status_code == 302
    user = User.objects.get()
    assert (user.phone, user.email) == ("", "wang@example.com")


def test_enterprise_registers_with_name_and_credit_code(client):
    response = register(
        client, kind="enterprise", enterprise_name="福州示范科技有限公司", credit_code=VALID_CREDIT_CODE.lower()
    )
    assert response.status_code == 302
    user = User.objects.get()
    assert user.kind == User.Kind.ENTERPRISE
    assert user.enterprise_name == "福州示范科技有限公司"
    assert user.credit_code == VALID_CREDIT_CODE


def test_citizen_does_not_keep_enterprise_fields(client):
    register(client, enterprise_name="某公司", credit_code=VALID_CREDIT_CODE)
    user = User.objects.get()
    assert (user.enterprise_name, user.credit_code) == ("", "")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"password1": "short1!", "password2": "short1!"}, "password1"),
        ({"password1": "12345678901234", "password2": "12345678901234"}, "password1"),
        ({"password1": "password123", "password2": "password123"}, "password1"),
        ({"password1": "13900001111a", "password2": "13900001111a"}, "password1"),
        ({"password2": GOOD_PASSWORD + "x"}, "password2"),
        ({"password2": ""}, "password2"),
        ({"phone": "", "email": ""}, "__all__"),
        ({"phone": "12345"}, "phone"),
        ({"phone": "23900001111"}, "phone"),
        ({"phone": "139000011112"}, "phone"),
        ({"email": "not-an-address"}, "email"),
        ({"display_name": ""}, "display_name"),
        ({"display_name": "王" * 65}, "display_name"),
        ({"kind": "staff"}, "kind"),
        ({"kind": "enterprise", "enterprise_name": "", "credit_code": VALID_CREDIT_CODE}, "enterprise_name"),
        ({"kind": "enterprise", "enterprise_name": "某公司", "credit_code": ""}, "credit_code"),
        ({"kind": "enterprise", "enterprise_name": "某公司", "credit_code": "91350100M000100Y44"}, "credit_code"),
        ({"kind": "enterprise", "enterprise_name": "某公司", "credit_code": "91350100M000100Y4"}, "credit_code"),
        ({"kind": "enterprise", "enterprise_name": "某公司", "credit_code": "91350100M0001O0Y43"}, "credit_code"),
        ({"kind": "enterprise", "enterprise_name": "某公司", "credit_code": "9135010OM000100Y43"}, "credit_code"),
    ],
)
def test_bad_input_shows_the_error_and_creates_nothing(client, changes, field):
    response = register(client, **changes)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors, errors
    assert User.objects.count() == 0
    assert AuditEvent.objects.count() == 0
    assert "_auth_user_id" not in client.session
    # The error is shown on the page, next to the field (or at the top for the whole form).
    html = response.content.decode()
    if field == "__all__":
        assert 'class="alert alert-danger"' in html
    else:
        assert f'id="id_{field}_error"' in html
        assert "is-invalid" in html


@pytest.mark.parametrize(
    "changes",
    [
        {"phone": "13800001234"},
        {"phone": "", "email": "TAKEN@example.com"},
        {"phone": "", "email": "taken@example.com"},
    ],
)
def test_phone_and_email_must_be_unique(client, changes):
    UserFactory(username="taken", email="taken@example.com", phone="13800001234")
    response = register(client, **changes)
    assert response.status_code == 400
    field = "phone" if changes.get("phone") else "email"
    assert [error.code for error in response.context["form"].errors.as_data()[field]] == [f"{field}_taken"]
    assert User.objects.count() == 1


def test_a_login_equal_to_another_users_username_is_refused(client):
    UserFactory(username="boss@example.com", email="")
    response = register(client, phone="", email="BOSS@example.com")
    assert response.status_code == 400
    assert [error.code for error in response.context["form"].errors.as_data()["email"]] == ["email_taken"]


def test_signed_in_user_is_sent_away_from_registration(client):
    client.force_login(UserFactory())
    assert client.get(reverse("accounts:register")).status_code == 302
    assert register(client, phone="13911112222").status_code == 302
    assert not User.objects.filter(phone="13911112222").exists()


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("123", "credit_code_length"),
        (VALID_CREDIT_CODE + "1", "credit_code_length"),
        ("91350100M000100Y44", "credit_code_check"),
    ],
)
def test_credit_code_errors_explain_the_problem(client, code, error):
    response = register(client, kind="enterprise", enterprise_name="某公司", credit_code=code)
    assert [e.code for e in response.context["form"].errors.as_data()["credit_code"]] == [error]


def test_credit_code_may_be_typed_with_spaces(client):
    spaced = " ".join([VALID_CREDIT_CODE[:6], VALID_CREDIT_CODE[6:12], VALID_CREDIT_CODE[12:]])
    assert register(client, kind="enterprise", enterprise_name="某公司", credit_code=spaced).status_code == 302
    assert User.objects.get().credit_code == VALID_CREDIT_CODE


def test_password_help_follows_the_language(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "at least 10 characters" in client.get(reverse("accounts:register")).content.decode()
