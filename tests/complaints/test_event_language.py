"""What the complainant reads in their timeline is stored untranslated and read in their own language, whatever
language the supervisor worked in."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from complaints.models import ComplaintEvent
from complaints.services import handling
from tests.factories import CitizenFactory

from .factories import file, make_department_with_head, make_supervisor

pytestmark = pytest.mark.django_db


def reader(user, language: str) -> Client:
    client = Client()
    client.cookies["django_language"] = language
    client.force_login(user)
    return client


def test_a_supervisor_in_english_a_citizen_reading_chinese():
    citizen = CitizenFactory()
    supervisor = make_supervisor()
    department, _head = make_department_with_head()
    with translation.override("en"):
        accepted, _ = file(department, complainant=citizen)
        handling.hand_to_department(handling.accept(accepted, supervisor), supervisor, department=department)
        declined, _ = file(department, complainant=citizen)
        handling.decline(declined, supervisor, reason="属于信访事项")
    stored = ComplaintEvent.objects.get(complaint=declined, action="declined")
    assert stored.public_text == "Your complaint was not accepted: %(reason)s"
    assert stored.public_params == {"reason": "属于信访事项"}

    chinese = reader(citizen, "zh-hans")
    page = chinese.get(reverse("complaints:track_detail", args=[accepted.pk])).content.decode()
    assert "您的投诉已受理，将开展调查。" in page and "您的投诉已转交相关部门调查。" in page
    assert "Your complaint was accepted" not in page and "passed to the department" not in page
    page = chinese.get(reverse("complaints:track_detail", args=[declined.pk])).content.decode()
    assert "您的投诉不予受理。理由：属于信访事项" in page and "not accepted" not in page

    # The same rows read in English by an English reader.
    english = reader(citizen, "en")
    page = english.get(reverse("complaints:track_detail", args=[declined.pk])).content.decode()
    assert "Your complaint was not accepted: 属于信访事项" in page


def test_a_supervisor_in_chinese_a_citizen_reading_english():
    citizen = CitizenFactory()
    supervisor = make_supervisor()
    with translation.override("zh-hans"):
        complaint, _ = file(complainant=citizen)
        handling.accept(complaint, supervisor)
    assert ComplaintEvent.objects.get(complaint=complaint, action="accepted").public_text == (
        "Your complaint was accepted and will be investigated."
    )
    page = reader(citizen, "en").get(reverse("complaints:track_detail", args=[complaint.pk])).content.decode()
    assert "Your complaint was accepted and will be investigated." in page and "您的投诉已受理" not in page


def test_a_message_whose_translation_lost_a_placeholder_still_reads():
    event = ComplaintEvent(public_text="Your complaint was not accepted: %(reason)s", public_params={"other": "x"})
    with translation.override("en"):
        assert event.public_message == "Your complaint was not accepted: %(reason)s"
    legacy = ComplaintEvent(public_text="您的投诉已受理，将开展调查。")  # stored translated before
    with translation.override("en"):
        assert legacy.public_message == "您的投诉已受理，将开展调查。"


def test_the_history_api_reads_the_message_with_its_placeholders_in_the_reader_language():
    from rest_framework.test import APIClient

    supervisor = make_supervisor()
    with translation.override("en"):
        complaint, _ = file()
        handling.decline(complaint, supervisor, reason="属于信访事项")
    api = APIClient()
    api.force_authenticate(supervisor)
    rows = api.get(f"/api/complaints/complaints/{complaint.pk}/history/", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    declined = next(row for row in rows if row["action"] == "declined")
    assert declined["public_text"] == "您的投诉不予受理。理由：属于信访事项"
