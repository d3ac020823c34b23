"""Security settings and headers: CSRF, session expiry, headers, the deploy check, the language switch."""

from __future__ import annotations

import datetime as dt
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import TEST_PASSWORD, UserFactory

BASE_DIR = Path(django_settings.BASE_DIR)


# --- Headers ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/accounts/login/", "/accounts/register/"])
def test_security_headers_on_pages(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "camera=()" in response["Permissions-Policy"]


@pytest.mark.django_db
def test_pages_carry_no_inline_script_or_style(client):
    # The policy forbids them, so a page that had one would silently break in the browser.
    for url in ["/", "/accounts/login/", "/accounts/register/"]:
        html = client.get(url).content.decode()
        assert "<script>" not in html and "<script type" not in html
        assert " style=" not in html and " onclick=" not in html and " onchange=" not in html


@pytest.mark.django_db
def test_hsts_on_secure_requests(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SECURE_SSL_REDIRECT = False
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


# --- Production settings and the deploy check -----------------------------------------------------------------


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """A production-like environment: only what the deployment documents, nothing from the test run."""
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR") if key in os.environ}
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="portal.example.gov.cn",
        COMPLAINTS_ENCRYPTION_KEY=secrets.token_urlsafe(40),
        VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="efficiency_portal.settings",
        **extra,
    )
    return env


def test_deploy_check_is_clean_with_production_settings(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_deploy_check_notices_an_insecure_setting(tmp_path):
    # The check above can fail: with HSTS switched off it reports it.
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=production_env(tmp_path, SECURE_HSTS_SECONDS="0"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "security.W004" in result.stdout + result.stderr


def test_production_settings_values(tmp_path):
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS >= 31536000, s.X_FRAME_OPTIONS, s.SESSION_SAVE_EVERY_REQUEST)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.split() == ["False", "True", "True", "True", "True", "DENY", "True"], result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = production_env(tmp_path)
    env.pop("SECRET_KEY")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_code_only_commands_run_without_a_secret_key_and_data_commands_do_not(tmp_path):
    # A bare checkout can be asked for missing migrations; anything touching the data still needs the key.
    env = production_env(tmp_path)
    env.pop("SECRET_KEY")
    check = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert "No changes detected" in check.stdout
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--plan"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert migrate.returncode != 0 and "SECRET_KEY" in migrate.stderr


# --- CSRF ------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/accounts/login/", {"username": "csrf-user", "password": TEST_PASSWORD}),
        ("/accounts/register/", {"kind": "citizen", "display_name": "x", "phone": "13911110000"}),
        ("/accounts/logout/", {}),
        ("/i18n/setlang/", {"language": "en"}),
    ],
)
def test_csrf_is_enforced(url, data):
    UserFactory(username="csrf-user")
    client = Client(enforce_csrf_checks=True)
    assert client.post(url, data).status_code == 403


@pytest.mark.django_db
def test_login_with_the_csrf_token_succeeds():
    user = UserFactory(username="csrf-user")
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("accounts:login"))
    token = client.cookies[django_settings.CSRF_COOKIE_NAME].value
    response = client.post(
        reverse("accounts:login"), {"username": "csrf-user", "password": TEST_PASSWORD, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk


@pytest.mark.django_db
def test_signed_in_post_without_token_is_refused():
    user = UserFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(reverse("accounts:profile"), {"display_name": "changed", "email": "x@example.com"})
    assert response.status_code == 403
    user.refresh_from_db()
    assert user.display_name != "changed"


# --- Session expiry after inactivity ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_session_expires_after_inactivity_and_activity_keeps_it_alive(client, settings):
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    idle = dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert idle == dt.timedelta(minutes=30)
    user = UserFactory()
    profile = reverse("accounts:profile")
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.force_login(user)
        # Active every 20 minutes for an hour: each request pushes the expiry forward.
        for _ in range(3):
            traveller.shift(dt.timedelta(minutes=20))
            assert client.get(profile).status_code == 200
        traveller.shift(idle + dt.timedelta(seconds=1))
        response = client.get(profile)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


# --- Language --------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_default_language_is_chinese(client):
    html = client.get("/").content.decode()
    assert 'lang="zh-CN"' in html


@pytest.mark.django_db
def test_language_switch_makes_pages_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    html = client.get("/accounts/login/").content.decode()
    assert 'lang="en"' in html
    # Back to Chinese.
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert 'lang="zh-CN"' in client.get("/").content.decode()


@pytest.mark.django_db
def test_language_switch_ignores_unknown_languages_and_foreign_next(client):
    response = client.post("/i18n/setlang/", {"language": "xx", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]
    assert 'lang="zh-CN"' in client.get("/").content.decode()
