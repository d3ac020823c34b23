"""Intake and tracking pages: applying, the one-time secret, tracking with proof, rate limit, downloads, pre-review."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from approvals.models import Case, CaseMaterial, CaseStatus, Channel
from approvals.selectors.tracking import find_case, public_timeline
from approvals.services import intake
from approvals.views.applying import case_work_url
from efficiency_portal.org.models import Role
from tests.factories import (
    CitizenFactory,
    ItemFactory,
    StaffFactory,
    UserFactory,
    make_head,
    make_intake_desk,
    pdf_upload,
    submit_online,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    from django.core.files.storage import storages

    private = settings.STORAGES["private"]
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {**private, "OPTIONS": {**private["OPTIONS"], "location": str(tmp_path)}},
    }
    storages._storages.pop("private", None)
    cache.clear()
    yield tmp_path
    storages._storages.pop("private", None)
    cache.clear()


@pytest.fixture
def item():
    return ItemFactory()


@pytest.fixture
def desk(item):
    return make_intake_desk(item)


def apply_data(item, token="t1", **overrides):
    data = {"form_token": token, "applicant_name": "王芳", "applicant_phone": "13912345678", "applicant_email": ""}
    for material in item.materials.filter(required=True):
        data[f"material_{material.pk}"] = pdf_upload()
    data.update(overrides)
    return data


# --- applying ---------------------------------------------------------------------------------------------------


def test_guest_applies_and_sees_secret_until_the_receipt_expires(client, item, desk, settings):
    settings.RECEIPT_SECRET_MINUTES = 10
    page = client.get(reverse("approvals:apply", args=[item.code]))
    assert page.status_code == 200 and 'name="form_token"' in page.content.decode()
    response = client.post(reverse("approvals:apply", args=[item.code]), apply_data(item))
    assert response.status_code == 302 and response.url == reverse("approvals:apply_done")
    case = Case.objects.get()
    assert case.applicant is None and case.channel == Channel.ONLINE
    done = client.get(response.url).content.decode()
    assert case.tracking_code in done
    secret = done.split('id="tracking-secret">')[1].split("<")[0]
    assert find_case(case.tracking_code, secret) == case
    # A reload (or a retry of the same form) shows it again, until the receipt lets it go.
    assert secret in client.get(reverse("approvals:apply_done")).content.decode()
    again = client.post(reverse("approvals:apply", args=[item.code]), apply_data(item))
    assert again.url == reverse("approvals:apply_done") and Case.objects.count() == 1
    assert secret in client.get(reverse("approvals:apply_done")).content.decode()
    with time_machine.travel(dt.timedelta(minutes=11)):
        later = client.get(reverse("approvals:apply_done")).content.decode()
    assert case.tracking_code in later and secret not in later


def test_signed_in_citizen_prefilled_and_owns_case(client, item, desk):
    citizen = CitizenFactory(display_name="李雷", phone="13700000001")
    client.force_login(citizen)
    page = client.get(reverse("approvals:apply", args=[item.code])).content.decode()
    assert "李雷" in page and "13700000001" in page
    client.post(reverse("approvals:apply", args=[item.code]), apply_data(item))
    case = Case.objects.get()
    assert case.applicant == citizen
    assert client.get(reverse("approvals:my_cases")).content.decode().count(case.tracking_code) == 1
    assert client.get(reverse("approvals:my_case", args=[case.pk])).status_code == 200


def test_double_submit_creates_one_case(client, item, desk):
    url = reverse("approvals:apply", args=[item.code])
    client.post(url, apply_data(item, token="same"))
    second = client.post(url, apply_data(item, token="same"))
    assert second.status_code == 302
    assert Case.objects.count() == 1


def test_form_errors_next_to_fields_and_token_reusable(client, item, desk):
    url = reverse("approvals:apply", args=[item.code])
    required = item.materials.get(required=True)
    bad = apply_data(item, token="retry", applicant_name="", applicant_phone="abc")
    bad[f"material_{required.pk}"] = SimpleUploadedFile("x.pdf", b"MZ" + b"\x00" * 100)
    response = client.post(url, bad)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("invalid-feedback") >= 2
    assert Case.objects.count() == 0
    missing = apply_data(item, token="retry")
    del missing[f"material_{required.pk}"]
    response = client.post(url, missing)
    assert response.status_code == 200 and "invalid-feedback" in response.content.decode()
    assert client.post(url, apply_data(item, token="retry")).status_code == 302
    assert Case.objects.count() == 1


def test_unknown_or_unpublished_item_is_404(client, item, desk):
    assert client.get(reverse("approvals:apply", args=["nope"])).status_code == 404
    item.is_published = False
    item.save()
    assert client.get(reverse("approvals:apply", args=[item.code])).status_code == 404


# --- window intake ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("citizen", 403), ("clerk_x", 200), ("clerk_y", 403), ("head_x", 200), ("supervisor", 403)],
)
def test_window_intake_permissions(client, item, desk, who, status):
    users = {
        "citizen": lambda: CitizenFactory(),
        "clerk_x": lambda: desk[0].user,
        "clerk_y": lambda: StaffFactory(roles=[Role.CLERK]).user,
        "head_x": lambda: make_head(item.department).user,
        "supervisor": lambda: UserFactory(roles=[Role.SUPERVISOR]),
    }
    if who != "anonymous":
        client.force_login(users[who]())
    assert client.get(reverse("approvals:window_intake", args=[item.code])).status_code == status


def test_window_intake_records_clerk_and_channel(client, item, desk):
    clerk = desk[0]
    client.force_login(clerk.user)
    data = apply_data(item, channel=Channel.PHONE)
    del data[f"material_{item.materials.get(required=True).pk}"]  # paper materials at the window
    response = client.post(reverse("approvals:window_intake", args=[item.code]), data)
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.channel == Channel.PHONE and case.first_receiver == clerk.user and case.applicant is None


# --- tracking ---------------------------------------------------------------------------------------------------


def test_track_with_secret_or_phone(client, item, desk):
    case, secret = submit_online(item, phone="139-1234-5678")
    for proof in (secret, secret.lower(), "13912345678"):
        fresh = client.__class__()
        response = fresh.post(reverse("approvals:track"), {"code": case.tracking_code.lower(), "proof": proof})
        assert response.status_code == 302 and response.url == reverse("approvals:track_case", args=[case.pk])
        page = fresh.get(response.url).content.decode()
        assert str(CaseStatus.SUBMITTED.label) in page or case.get_status_display() in page


def test_wrong_proof_generic_message_and_no_access(client, item, desk):
    case, _ = submit_online(item)
    wrong = client.post(reverse("approvals:track"), {"code": case.tracking_code, "proof": "WRONGSECRET"})
    unknown = client.post(reverse("approvals:track"), {"code": "SP000000AAAAAA", "proof": "WRONGSECRET"})
    assert wrong.status_code == unknown.status_code == 200

    def alert(response):
        return response.content.decode().split('class="alert alert-danger"')[1].split("</div>")[0]

    assert alert(wrong) == alert(unknown)
    assert client.get(reverse("approvals:track_case", args=[case.pk])).status_code == 404


def test_track_rate_limited_per_address(client, item, desk):
    case, secret = submit_online(item)
    for _ in range(10):
        client.post(reverse("approvals:track"), {"code": case.tracking_code, "proof": "nope"})
    blocked = client.post(reverse("approvals:track"), {"code": case.tracking_code, "proof": secret})
    assert blocked.status_code == 429
    # Coming back to the page while still blocked shows why, with the empty form.
    again = client.get(reverse("approvals:track"))
    assert again.status_code == 429 and 'name="code"' in again.content.decode()
    assert any("Too many failed look-ups" in str(m) or "查询失败次数过多" in str(m) for m in again.context["messages"])
    other = client.__class__(REMOTE_ADDR="10.0.0.9")
    assert other.post(reverse("approvals:track"), {"code": case.tracking_code, "proof": secret}).status_code == 302


def test_timeline_is_public_text_only(client, item, desk):
    clerk = desk[0]
    case, secret = submit_online(item)
    intake.refuse_case(case, clerk.user, "材料不符合法定形式")
    from approvals.services.common import record_event

    record_event(case, "internal", clerk.user, note="内部意见：不要告诉申请人")
    client.post(reverse("approvals:track"), {"code": case.tracking_code, "proof": secret})
    page = client.get(reverse("approvals:track_case", args=[case.pk])).content.decode()
    assert "材料不符合法定形式" in page and "内部意见" not in page
    assert clerk.name not in page
    assert [e.text for e in public_timeline(case)][-1].endswith("材料不符合法定形式")


def test_supplement_through_tracking_page(client, item, desk):
    clerk = desk[0]
    optional = item.materials.get(required=False)
    case, secret = submit_online(item)
    intake.issue_supplement_notice(case, clerk.user, missing=[optional], note="请补充经营场所平面图")
    client.post(reverse("approvals:track"), {"code": case.tracking_code, "proof": secret})
    url = reverse("approvals:track_case", args=[case.pk])
    page = client.get(url).content.decode()
    assert "请补充经营场所平面图" in page and f"material_{optional.pk}" in page
    bad = client.post(url, {f"material_{optional.pk}": SimpleUploadedFile("p.pdf", b"<html></html>")})
    assert bad.status_code == 200 and "invalid-feedback" in bad.content.decode()
    assert Case.objects.get(pk=case.pk).status == CaseStatus.SUPPLEMENT
    ok = client.post(url, {f"material_{optional.pk}": pdf_upload("平面图.pdf")})
    assert ok.status_code == 302
    assert Case.objects.get(pk=case.pk).status == CaseStatus.SUBMITTED


def test_track_page_query_count_constant(client, item, desk, django_assert_max_num_queries):
    clerk = desk[0]
    case, secret = submit_online(item)
    client.post(reverse("approvals:track"), {"code": case.tracking_code, "proof": secret})
    url = reverse("approvals:track_case", args=[case.pk])
    with django_assert_max_num_queries(30) as before:
        client.get(url)
    from approvals.services.common import record_event

    for n in range(15):
        record_event(case, "note", clerk.user, public_text=f"进展{n}")
        CaseMaterial.objects.create(case=case, file="x.pdf", original_name=f"{n}.pdf", content_type="a", size=1)
    with django_assert_max_num_queries(len(before.captured_queries)):
        page = client.get(url)
    assert "进展14" in page.content.decode()


# --- downloads --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 404),
        ("applicant_a", 200),
        ("applicant_b", 404),
        ("clerk_x", 200),
        ("clerk_y", 404),
        ("head_x", 200),
        ("supervisor", 200),
        ("secret_session", 200),
        ("phone_session", 404),
    ],
)
def test_material_download_matrix(client, item, desk, who, status):
    applicant = CitizenFactory()
    case, secret = submit_online(item, applicant=applicant, phone="13912345678")
    material = case.materials.get()
    users = {
        "applicant_a": lambda: applicant,
        "applicant_b": lambda: CitizenFactory(),
        "clerk_x": lambda: desk[0].user,
        "clerk_y": lambda: StaffFactory(roles=[Role.CLERK]).user,
        "head_x": lambda: make_head(item.department).user,
        "supervisor": lambda: UserFactory(roles=[Role.SUPERVISOR]),
    }
    if who in users:
        client.force_login(users[who]())
    if who == "secret_session":
        client.post(reverse("approvals:track"), {"code": case.tracking_code, "proof": secret})
    if who == "phone_session":
        client.post(reverse("approvals:track"), {"code": case.tracking_code, "proof": "13912345678"})
    response = client.get(reverse("approvals:material_download", args=[material.pk]))
    assert response.status_code == status
    if status == 200:
        assert response["Content-Disposition"].startswith("attachment")
        assert b"".join(response.streaming_content).startswith(b"%PDF")


# --- pre-review actions -----------------------------------------------------------------------------------------


def test_prereview_actions_redirect_to_the_case_work_page(client, item, desk):
    clerk = desk[0]
    client.force_login(clerk.user)
    case, _ = submit_online(item)
    response = client.post(reverse("approvals:prereview_accept", args=[case.pk]))
    assert response.status_code == 302
    # The staff case page when it exists, else the pre-review page of intake.
    assert response.url in (f"/approvals/cases/{case.pk}/work/", f"/approvals/prereview/{case.pk}/")
    assert response.url == case_work_url(case.pk)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.ACCEPTED
    again = client.post(reverse("approvals:prereview_accept", args=[case.pk]), follow=True)
    assert again.status_code == 200  # wrong state: a message, not a 500


def test_prereview_refuse_and_notice_bad_input(client, item, desk):
    clerk = desk[0]
    client.force_login(clerk.user)
    case, _ = submit_online(item)
    client.post(reverse("approvals:prereview_refuse", args=[case.pk]), {"reason": ""})
    client.post(reverse("approvals:prereview_notice", args=[case.pk]), {"missing": [], "note": ""})
    client.post(reverse("approvals:prereview_notice", args=[case.pk]), {"missing": ["999999"], "note": "x"})
    assert Case.objects.get(pk=case.pk).status == CaseStatus.SUBMITTED
    optional = item.materials.get(required=False)
    client.post(reverse("approvals:prereview_notice", args=[case.pk]), {"missing": [optional.pk], "note": "请补充"})
    assert Case.objects.get(pk=case.pk).status == CaseStatus.SUPPLEMENT
    client.post(reverse("approvals:prereview_refuse", args=[case.pk]), {"reason": "逾期未补正"})
    assert Case.objects.get(pk=case.pk).status == CaseStatus.REFUSED


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("citizen", 404), ("clerk_x", 200), ("clerk_y", 404), ("supervisor", 404)],
)
def test_prereview_permissions(client, item, desk, who, status):
    case, _ = submit_online(item)
    users = {
        "citizen": lambda: CitizenFactory(),
        "clerk_x": lambda: desk[0].user,
        "clerk_y": lambda: StaffFactory(roles=[Role.CLERK]).user,
        "supervisor": lambda: UserFactory(roles=[Role.SUPERVISOR]),
    }
    if who != "anonymous":
        client.force_login(users[who]())
    assert client.get(reverse("approvals:prereview", args=[case.pk])).status_code == status
    accept = client.post(reverse("approvals:prereview_accept", args=[case.pk]))
    assert accept.status_code == (302 if status in (200, 302) else 404)
    expected = CaseStatus.ACCEPTED if who == "clerk_x" else CaseStatus.SUBMITTED
    assert Case.objects.get(pk=case.pk).status == expected


def test_first_staff_opening_is_first_receiver(client, item, desk):
    clerk = desk[0]
    case, _ = submit_online(item)
    client.force_login(clerk.user)
    client.get(reverse("approvals:prereview", args=[case.pk]))
    assert Case.objects.get(pk=case.pk).first_receiver == clerk.user
