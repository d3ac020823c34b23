"""Intake API: applying (multipart), tracking with proof, supplementing; bad input is a 400 with field errors."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from approvals.models import Case, CaseStatus
from approvals.services import intake
from tests.factories import CitizenFactory, ItemFactory, make_intake_desk, pdf_upload, submit_online

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
    yield
    storages._storages.pop("private", None)
    cache.clear()


@pytest.fixture
def item():
    item = ItemFactory()
    make_intake_desk(item)
    return item


@pytest.fixture
def api():
    return APIClient()


def test_apply_returns_code_and_secret(api, item):
    required = item.materials.get(required=True)
    response = api.post(
        reverse("approvals_api:apply", args=[item.code]),
        {"applicant_name": "王芳", "applicant_phone": "13912345678", f"material_{required.pk}": pdf_upload()},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    case = Case.objects.get()
    assert response.data["tracking_code"] == case.tracking_code and len(response.data["secret"]) >= 8
    track = api.get(reverse("approvals_api:track"), {"code": case.tracking_code, "proof": response.data["secret"]})
    assert track.status_code == 200 and track.data["status"] == CaseStatus.SUBMITTED
    assert track.data["timeline"] and track.data["notice"] is None


def test_signed_in_applicant_is_the_case_owner(api, item):
    citizen = CitizenFactory()
    api.force_authenticate(citizen)
    required = item.materials.get(required=True)
    api.post(
        reverse("approvals_api:apply", args=[item.code]),
        {"applicant_name": "王芳", "applicant_phone": "13912345678", f"material_{required.pk}": pdf_upload()},
        format="multipart",
    )
    assert Case.objects.get().applicant == citizen


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"applicant_name": "", "applicant_phone": "13912345678"}, "applicant_name"),
        ({"applicant_name": "王芳", "applicant_phone": "call me"}, "applicant_phone"),
        ({"applicant_name": "王芳", "applicant_phone": "13912345678"}, "material_"),
        ({"applicant_name": "王芳", "applicant_phone": "13912345678", "bogus": "exe"}, "bogus"),
        ({"applicant_name": "王芳", "applicant_phone": "13912345678", "renamed": "exe"}, "material_"),
    ],
)
def test_apply_bad_input_is_400_with_field_errors(api, item, data, field):
    required = item.materials.get(required=True)
    if data.get("bogus"):
        data = {**data, "bogus": SimpleUploadedFile("a.pdf", b"%PDF-1.4 x")}
    if data.get("renamed"):
        data = {k: v for k, v in data.items() if k != "renamed"}
        data[f"material_{required.pk}"] = SimpleUploadedFile("licence.pdf", b"MZ\x90\x00" + b"\x00" * 64)
    response = api.post(reverse("approvals_api:apply", args=[item.code]), data, format="multipart")
    assert response.status_code == 400
    assert any(key.startswith(field) for key in response.data)
    assert Case.objects.count() == 0


def test_apply_unknown_item_404(api, item):
    assert api.post(reverse("approvals_api:apply", args=["nope"]), {}, format="multipart").status_code == 404


def test_apply_token_makes_double_submit_one_case(api, item):
    required = item.materials.get(required=True)
    url = reverse("approvals_api:apply", args=[item.code])

    def data():
        return {
            "applicant_name": "王芳",
            "applicant_phone": "13912345678",
            "form_token": "abc",
            f"material_{required.pk}": pdf_upload(),
        }

    first = api.post(url, data(), format="multipart")
    assert first.status_code == 201
    # A lost answer retried: the first answer again, secret included.
    again = api.post(url, data(), format="multipart")
    assert again.status_code == 200 and again.data["secret"] == first.data["secret"]
    assert again.data["tracking_code"] == first.data["tracking_code"]
    # The same token with another body is refused, and another caller's same token is its own submission.
    other = api.post(url, {**data(), "applicant_name": "李四"}, format="multipart")
    assert other.status_code == 422
    assert Case.objects.count() == 1
    stranger = APIClient(REMOTE_ADDR="10.9.9.9")
    theirs = stranger.post(url, data(), format="multipart")
    assert theirs.status_code == 201 and theirs.data["tracking_code"] != first.data["tracking_code"]


def test_track_mismatch_is_generic_404_and_rate_limited(api, item):
    case, secret = submit_online(item)
    url = reverse("approvals_api:track")
    wrong = api.get(url, {"code": case.tracking_code, "proof": "nope"})
    unknown = api.get(url, {"code": "SP000000ZZZZZZ", "proof": "nope"})
    assert wrong.status_code == unknown.status_code == 404 and wrong.data == unknown.data
    for _ in range(8):
        api.get(url, {"code": "x", "proof": "y"})
    assert api.get(url, {"code": case.tracking_code, "proof": secret}).status_code == 429


def test_supplement_through_api(api, item):
    clerk = item.department.posts.get().holder
    optional = item.materials.get(required=False)
    case, secret = submit_online(item)
    intake.issue_supplement_notice(case, clerk.user, missing=[optional], note="请补充")
    url = reverse("approvals_api:supplement")
    track = api.get(reverse("approvals_api:track"), {"code": case.tracking_code, "proof": secret})
    assert track.data["missing_materials"] == [{"id": optional.pk, "name": optional.name}]
    missing = api.post(url, {"code": case.tracking_code, "proof": secret}, format="multipart")
    assert missing.status_code == 400 and f"material_{optional.pk}" in missing.data
    wrong = api.post(url, {"code": case.tracking_code, "proof": "bad"}, format="multipart")
    assert wrong.status_code == 404
    ok = api.post(
        url, {"code": case.tracking_code, "proof": secret, f"material_{optional.pk}": pdf_upload()}, format="multipart"
    )
    assert ok.status_code == 200 and ok.data["status"] == CaseStatus.SUBMITTED
    again = api.post(
        url, {"code": case.tracking_code, "proof": secret, f"material_{optional.pk}": pdf_upload()}, format="multipart"
    )
    assert again.status_code == 400
