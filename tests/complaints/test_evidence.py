"""Evidence added by the complainant after filing (补充材料): until the finding, checked like the files at filing,
capped in all, told to the handler, and never naming an account in the history."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from complaints.models import ComplaintAttachment, ComplaintStatus, Finding
from complaints.services import handling
from complaints.services.filing import add_evidence
from efficiency_portal.notifications.models import Notification

from .factories import file, make_supervisor, png_upload

pytestmark = pytest.mark.django_db


def disguised(name: str = "照片.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"MZ\x90\x00 not an image at all", content_type="image/png")


def concluded():
    supervisor = make_supervisor()
    complaint, secret = file()
    complaint = handling.handle_self(handling.accept(complaint, supervisor), supervisor)
    complaint = handling.record_finding(complaint, supervisor, finding=Finding.NOT_UPHELD, text="经核查不属实")
    return complaint, secret


def test_evidence_is_added_recorded_and_told_to_the_handler():
    supervisor = make_supervisor()
    complaint, _secret = file(files=[png_upload("第一张.png")])
    complaint = handling.handle_self(handling.accept(complaint, supervisor), supervisor)
    stored = add_evidence(complaint, [png_upload("监控截图.png"), png_upload("收据.png")])
    assert [a.original_name for a in stored] == ["监控截图.png", "收据.png"]
    assert complaint.attachments.count() == 3
    event = complaint.events.get(action="evidence_added")
    assert event.actor is None and event.note == "监控截图.png, 收据.png"
    assert event.from_status == event.to_status == ComplaintStatus.INVESTIGATING
    assert "2" in event.public_message
    told = Notification.objects.get(dedupe_key__startswith=f"complaint:evidence:{complaint.pk}:")
    assert told.recipient == supervisor and complaint.tracking_code in told.body


def test_before_acceptance_the_duty_supervisor_is_told():
    supervisor = make_supervisor()
    complaint, _secret = file()
    add_evidence(complaint, [png_upload()])
    assert Notification.objects.get(dedupe_key__startswith="complaint:evidence:").recipient == supervisor


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([], "at least one file"),
        ([disguised()], ""),  # the content is checked, whatever the name and declared type
    ],
)
def test_bad_files_are_refused_and_nothing_is_written(files, message):
    complaint, _secret = file()
    with pytest.raises(ValidationError) as error:
        add_evidence(complaint, files)
    assert "attachments" in error.value.message_dict
    assert message in " ".join(error.value.message_dict["attachments"])
    assert not ComplaintAttachment.objects.exists() and not complaint.events.filter(action="evidence_added").exists()


def test_files_in_all_are_capped(settings):
    settings.COMPLAINTS_MAX_ATTACHMENTS_IN_ALL = 3
    complaint, _secret = file(files=[png_upload(), png_upload()])
    with pytest.raises(ValidationError) as error:
        add_evidence(complaint, [png_upload(), png_upload()])
    assert "at most 3 files in all" in error.value.message_dict["attachments"][0]
    assert complaint.attachments.count() == 2
    add_evidence(complaint, [png_upload()])
    assert complaint.attachments.count() == 3


def test_after_the_finding_no_evidence_is_taken():
    complaint, _secret = concluded()
    with pytest.raises(ValidationError) as error:
        add_evidence(complaint, [png_upload()])
    assert "until the finding" in error.value.message_dict["attachments"][0]
    assert not complaint.attachments.exists()


def test_tracking_page_takes_evidence_from_whoever_proved_the_complaint(client):
    complaint, secret = file()
    url = reverse("complaints:track_detail", args=[complaint.pk])
    client.cookies["django_language"] = "en"
    assert client.post(url, {"evidence": "1", "evidence-attachments": png_upload()}).status_code == 404
    proved = client.post(reverse("complaints:track"), {"code": complaint.tracking_code, "secret": secret})
    assert proved.status_code == 302
    page = client.get(url).content.decode()
    assert 'id="evidence-form"' in page and 'enctype="multipart/form-data"' in page
    bad = client.post(url, {"evidence": "1", "evidence-attachments": disguised()})
    assert bad.status_code == 200 and not ComplaintAttachment.objects.exists()
    empty = client.post(url, {"evidence": "1"})
    assert empty.status_code == 200 and "Please choose at least one file." in empty.content.decode()
    response = client.post(url, {"evidence": "1", "evidence-attachments": [png_upload("补充.png")]})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "补充.png" in page and "You added 1 file(s) of evidence." in page
    # The office's history says the complainant did it, naming no account.
    supervisor = make_supervisor()
    client.force_login(supervisor)
    office = client.get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
    assert "Evidence added by the complainant" in office and "补充.png" in office


def test_tracking_page_offers_no_evidence_form_after_the_finding(client):
    complaint, secret = concluded()
    client.post(reverse("complaints:track"), {"code": complaint.tracking_code, "secret": secret})
    url = reverse("complaints:track_detail", args=[complaint.pk])
    assert 'id="evidence-form"' not in client.get(url).content.decode()
    refused = client.post(url, {"evidence": "1", "evidence-attachments": png_upload()})
    assert refused.status_code == 200 and not complaint.attachments.exists()


def test_api_adds_evidence_with_number_and_secret():
    api = APIClient()
    api.cookies["django_language"] = "en"
    complaint, secret = file()
    url = reverse("complaints_api:track-evidence")
    code = complaint.tracking_code
    wrong = api.post(url, {"code": code, "secret": "WRONGWRONG", "attachments": [png_upload()]}, format="multipart")
    assert wrong.status_code == 404
    none = api.post(url, {"code": code, "secret": secret}, format="multipart")
    assert none.status_code == 400 and "attachments" in none.data
    bad = api.post(url, {"code": code, "secret": secret, "attachments": [disguised()]}, format="multipart")
    assert bad.status_code == 400 and "attachments" in bad.data
    ok = api.post(url, {"code": code, "secret": secret, "attachments": [png_upload()]}, format="multipart")
    assert ok.status_code == 200 and ok.data["tracking_code"] == code
    assert complaint.attachments.count() == 1
    done, done_secret = concluded()
    late = api.post(
        url, {"code": done.tracking_code, "secret": done_secret, "attachments": [png_upload()]}, format="multipart"
    )
    assert late.status_code == 400 and "until the finding" in str(late.data)
