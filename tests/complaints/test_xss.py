"""Citizens' text is data everywhere: payloads that need no "/" (so file names keep them) in every text a citizen
writes and in the file name never reach a page unescaped, the API returns them as plain strings, and no Excel cell
starts with a formula trigger."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from rest_framework.test import APIClient

from complaints.models import Complaint
from complaints.services import handling, ratings
from efficiency_portal.common.excel import FORMULA_TRIGGERS
from tests.factories import DepartmentFactory

from .factories import make_department_with_head, make_supervisor, png_upload

pytestmark = pytest.mark.django_db
PAYLOADS = ["<img src=x onerror=alert(1)>", '"><svg onload=alert(1)>', "'><iframe srcdoc=x onload=alert(1)>"]
FORMULAS = ["=1+2", "+SUM(1)", "-1+2", "@SUM(1)"]
FIELDS = ["description", "place", "name", "file_name", "rate_comment", "reopen_reason"]


def english(user=None) -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    if user is not None:
        client.force_login(user)
    return client


def body(response) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode()


def complaint_with(field: str, text: str):
    """A complaint carrying ``text`` in ``field`` (elsewhere plain), handed to the department, concluded, replied,
    rated and reopened as needed; returns (complaint, secret, supervisor, head)."""
    from complaints.services.filing import file_complaint

    supervisor = make_supervisor()
    department, head = make_department_with_head()
    values = {"description": "普通描述", "place": "市民中心", "name": "王五"}
    if field in values:
        values[field] = text
    upload = png_upload(f"{text}.png" if field == "file_name" else "照片.png")
    filed = file_complaint(category="rudeness", department=department, files=[upload], **values)
    complaint = handling.accept(filed.complaint, supervisor)
    complaint = handling.hand_to_department(complaint, supervisor, department=department)
    complaint = handling.department_report(complaint, head.user, text="已核实")
    complaint = handling.record_finding(complaint, supervisor, finding="not_upheld", text="不属实")
    complaint = handling.reply(complaint, supervisor, text="答复")
    if field == "rate_comment":
        complaint = handling.rate_handling(complaint, level=2, comment=text)
    if field == "reopen_reason":
        complaint = handling.reopen(complaint, reason=text)
    return Complaint.objects.get(pk=complaint.pk), filed.secret, supervisor, head


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("field", FIELDS)
def test_payload_is_escaped_on_every_page(field, payload):
    complaint, secret, supervisor, head = complaint_with(field, payload)
    office = english(supervisor)
    supervisor_page = body(office.get(reverse("complaints:detail", args=[complaint.pk])))
    revealed = body(office.post(reverse("complaints:reveal", args=[complaint.pk])))
    department_page = body(english(head.user).get(reverse("complaints:department_detail", args=[complaint.pk])))
    citizen = english()
    assert (
        citizen.post(reverse("complaints:track"), {"code": complaint.tracking_code, "secret": secret}).status_code
        == 302
    )
    tracking_page = body(citizen.get(reverse("complaints:track_detail", args=[complaint.pk])))
    pages = {
        "supervisor": supervisor_page,
        "reveal": revealed,
        "department": department_page,
        "tracking": tracking_page,
    }
    for name, page in pages.items():
        assert payload not in page, f"{field} unescaped on the {name} page"
    # Shown, escaped, where the office reads it (the name only when revealed: it is masked elsewhere).
    where = revealed if field == "name" else supervisor_page
    assert escape(payload) in where, field
    if field in ("description", "file_name"):
        assert escape(payload) in tracking_page
    if field == "description":
        assert escape(payload) in department_page


@pytest.mark.parametrize("payload", PAYLOADS)
def test_api_returns_citizens_text_as_plain_data(payload):
    complaint, _secret, supervisor, _head = complaint_with("reopen_reason", payload)
    api = APIClient()
    api.force_authenticate(supervisor)
    notes = api.get(f"/api/complaints/complaints/{complaint.pk}/notes/").json()
    assert payload in [note["text"] for note in notes]
    history = api.get(f"/api/complaints/complaints/{complaint.pk}/history/").json()
    assert payload in [event["note"] for event in history]
    described, secret, supervisor, _head = complaint_with("description", payload)
    api.force_authenticate(supervisor)
    row = api.get(f"/api/complaints/complaints/{described.pk}/")
    assert row["Content-Type"].startswith("application/json") and row.json()["description"] == payload
    public = APIClient().post("/api/complaints/track/", {"code": described.tracking_code, "secret": secret})
    assert public.json()["description"] == payload
    assert escape(payload) not in public.content.decode()  # data, not HTML


def cells(response) -> list:
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [cell.value for row in book.active.iter_rows() for cell in row if cell.value is not None]


@pytest.mark.parametrize("payload", FORMULAS + PAYLOADS)
def test_exports_never_start_a_cell_with_a_formula(payload):
    supervisor = make_supervisor()
    department = DepartmentFactory()
    from complaints.services.filing import file_complaint

    file_complaint(category="delay", department=department, description=payload, place=payload, name="王五")
    ratings.rate_window_visit(department, level=1, comment=payload)
    office = english(supervisor)
    for url in (reverse("complaints:work_list") + "?export=xlsx", reverse("complaints:rating_list") + "?export=xlsx"):
        values = [str(value) for value in cells(office.get(url))]
        assert any(payload in value for value in values), url
        assert not [value for value in values if value.startswith(FORMULA_TRIGGERS)], url


@pytest.mark.parametrize("payload", PAYLOADS)
def test_contact_fields_refuse_markup(payload):
    from django.core.exceptions import ValidationError

    from complaints.services.filing import file_complaint

    for field in ("phone", "email"):
        with pytest.raises(ValidationError) as error:
            file_complaint(
                category="delay", department=DepartmentFactory(), description="x", name="王五", **{field: payload}
            )
        assert field in error.value.message_dict
    assert not Complaint.objects.exists()


@pytest.mark.parametrize("payload", PAYLOADS)
def test_window_rating_comment_and_tags_are_escaped(payload):
    window = DepartmentFactory()
    rating = ratings.rate_window_visit(window, level=1, comment=payload, tags=[payload[:30]])
    office = english(make_supervisor())
    for url in (reverse("complaints:rating_list"), reverse("complaints:rating_detail", args=[rating.pk])):
        page = body(office.get(url))
        assert payload not in page and payload[:30] not in page, url
        assert escape(payload[:30]) in page, url
    api = APIClient()
    api.force_authenticate(make_supervisor())
    row = api.get("/api/complaints/ratings/").json()["results"][0]
    assert row["comment"] == payload and row["tags"] == [payload[:30]]
