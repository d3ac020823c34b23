"""The elder mode (长辈版): switched from every page's header, remembered per browser, rendered by the server."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse

from efficiency_portal.org.models import Role
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

COOKIE = settings.DISPLAY_MODE_COOKIE_NAME


def switch_on(client, next_url: str = "/"):
    return client.post(reverse("set_display_mode"), {"mode": "elder", "next": next_url})


def test_switching_on_sets_a_long_lived_cookie_and_returns_to_the_page(client) -> None:
    response = switch_on(client, "/approvals/items/?q=%E9%A3%9F%E5%93%81")
    assert response.status_code == 302
    assert response["Location"] == "/approvals/items/?q=%E9%A3%9F%E5%93%81"
    cookie = response.cookies[COOKIE]
    assert cookie.value == "elder"
    assert cookie["max-age"] == settings.DISPLAY_MODE_COOKIE_DAYS * 86400
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


def test_the_page_comes_out_in_the_mode_with_no_script(client) -> None:
    standard = client.get(reverse("home")).content.decode()
    assert 'class="elder"' not in standard and "portal/elder" not in standard
    assert "navbar-expand-xl" in standard
    switch_on(client)
    elder = client.get(reverse("home")).content.decode()
    assert re.search(r'<html lang="zh-CN" class="elder">', elder)
    assert re.search(r'<link rel="stylesheet" href="/static/portal/elder\.[0-9a-f]+\.css">', elder)
    # The elder stylesheet comes last, after the page's own (so that its sizes win).
    assert elder.index("portal/elder") > elder.index("portal/portal")
    # The menu stays folded behind its button at every width.
    assert "navbar-expand-xl" not in elder
    assert 'value="standard"' in elder


def test_switching_back_clears_the_cookie(client) -> None:
    switch_on(client)
    response = client.post(reverse("set_display_mode"), {"mode": "standard", "next": "/"})
    assert response.cookies[COOKIE].value == "" and response.cookies[COOKIE]["max-age"] == 0
    assert 'class="elder"' not in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "", "javascript:alert(1)"])
def test_the_switch_returns_only_to_this_site(client, target: str) -> None:
    response = switch_on(client, target)
    assert response.status_code == 302 and response["Location"] == "/"


def test_the_switch_is_a_post_with_the_csrf_token(client) -> None:
    assert client.get(reverse("set_display_mode")).status_code == 405
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post(reverse("set_display_mode"), {"mode": "elder"}).status_code == 403


def test_pages_vary_on_the_cookie(client) -> None:
    for address in (reverse("home"), reverse("dashboards:disclosure"), reverse("approvals:catalogue")):
        vary = client.get(address)["Vary"]
        assert "Cookie" in vary, address


@pytest.mark.parametrize("elder", [False, True])
def test_every_page_of_a_signed_in_clerk_carries_the_switch(client, elder: bool) -> None:
    client.force_login(StaffFactory(roles=[Role.CLERK]).user)
    if elder:
        switch_on(client)
    for address in (reverse("home"), reverse("approvals:my_queue"), reverse("dashboards:me")):
        page = client.get(address).content.decode()
        switch = re.search(r'<form[^>]*id="display-switch">.*?</form>', page, re.S).group(0)
        assert f'value="{address}"' in switch
        assert ('value="standard"' in switch) is elder


def test_english_labels(client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Large text (elder mode)" in client.get(reverse("home")).content.decode()
    switch_on(client)
    assert "Standard text" in client.get(reverse("home")).content.decode()
