"""A double click or a reload of the filing form files once and, in the browser that sent it, still shows the done
page with the secret (while its receipt keeps it); another browser with the same form data learns nothing."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.urls import reverse

from complaints.models import Complaint
from tests.factories import DepartmentFactory

from .test_pages import filing_data

pytestmark = pytest.mark.django_db


def english_client() -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    return client


def form_token(client: Client) -> str:
    page = client.get(reverse("complaints:file")).content.decode()
    return re.search(r'name="form_token" value="([^"]+)"', page).group(1)


def test_second_click_before_the_done_page_shows_the_secret_until_the_receipt_expires(settings):
    settings.RECEIPT_SECRET_MINUTES = 10
    client = english_client()
    data = filing_data(DepartmentFactory(), token=form_token(client))
    first = client.post(reverse("complaints:file"), data)
    second = client.post(reverse("complaints:file"), data)  # the browser follows this one's answer
    assert first.url == second.url == reverse("complaints:file_done")
    assert Complaint.objects.count() == 1
    done = client.get(reverse("complaints:file_done"))
    secret = done.context["new"]["secret"]
    assert secret and secret in done.content.decode()
    complaint = Complaint.objects.get()
    assert done.context["new"]["code"] == complaint.tracking_code
    # A third click (or a retry after a lost answer) shows both again, while the receipt keeps the secret.
    third = client.post(reverse("complaints:file"), data)
    assert third.url == reverse("complaints:file_done")
    assert secret in client.get(reverse("complaints:file_done")).content.decode()
    with time_machine.travel(dt.timedelta(minutes=settings.RECEIPT_SECRET_MINUTES + 1)):
        again = client.get(reverse("complaints:file_done")).content.decode()
    assert complaint.tracking_code in again and secret not in again and 'id="secret-shown"' in again
    assert client.get(reverse("complaints:track_detail", args=[complaint.pk])).status_code == 200


def test_second_click_whose_session_missed_the_first_answer_still_shows_the_secret():
    """The two requests of a double click run side by side: the second one read the session before the first
    saved it, and saves it back without what the first one put there."""
    client = english_client()
    token = form_token(client)
    data = filing_data(DepartmentFactory(), token=token)
    key = client.cookies["sessionid"].value
    stale = dict(SessionStore(session_key=key).load())
    client.post(reverse("complaints:file"), data)
    store = SessionStore(session_key=key)
    store.load()
    store.clear()
    store.update(stale)  # the first request's additions are lost
    store.save()
    assert "complaints_done" not in SessionStore(session_key=key).load()
    second = client.post(reverse("complaints:file"), data)
    assert second.url == reverse("complaints:file_done")
    done = client.get(reverse("complaints:file_done"))
    complaint = Complaint.objects.get()
    assert done.context["new"]["secret"] and done.context["new"]["code"] == complaint.tracking_code
    assert client.get(reverse("complaints:track_detail", args=[complaint.pk])).status_code == 200


def test_another_browser_with_the_same_form_learns_nothing():
    owner = english_client()
    data = filing_data(DepartmentFactory(), token=form_token(owner))
    owner.post(reverse("complaints:file"), data)
    stranger = english_client()
    response = stranger.post(reverse("complaints:file"), data)
    assert response.url == reverse("complaints:track") and Complaint.objects.count() == 1
    assert stranger.get(reverse("complaints:file_done")).status_code == 302
    # The owner still gets the secret.
    assert owner.get(reverse("complaints:file_done")).context["new"]["secret"]


def test_submit_button_is_disabled_by_an_external_script(client):
    page = client.get(reverse("complaints:file")).content.decode()
    assert 'id="filing-form"' in page and "data-once" in page
    assert re.search(r'<script src="[^"]*complaints/once(\.[0-9a-f]+)?\.js" defer>', page)
    assert "<script>" not in page  # nothing inline: the Content-Security-Policy forbids it
