"""Open311 GeoReport v2 as a client uses it: POST a request (JSON and XML), read it back by id with and without the
secret; no listing without ids; GeoReport-style errors in JSON and XML; control characters never break the XML;
the agency responsible is the department."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest
from rest_framework.test import APIClient

from complaints.models import Complaint
from complaints.services import handling
from tests.factories import DepartmentFactory

from .factories import file, make_supervisor

pytestmark = pytest.mark.django_db
BASE = "/api/complaints/open311/v2"


@pytest.fixture
def api():
    client = APIClient()
    client.cookies["django_language"] = "en"
    return client


def post_request(api, fmt: str = "json", **overrides):
    body = {
        "service_code": "rudeness",
        "description": "窗口人员态度恶劣",
        "agency_code": "scjgj",
        "first_name": "三",
        "last_name": "张",
        "phone": "13900001234",
        "address_string": "市民中心三楼",
    }
    body.update(overrides)
    # GeoReport clients post form-encoded bodies.
    return api.post(f"{BASE}/requests.{fmt}", body)


def test_client_posts_in_json_and_reads_back_with_and_without_the_secret(api):
    department = DepartmentFactory(code="scjgj", name="市市场监管局")
    posted = post_request(api)
    assert posted.status_code == 201
    answer = posted.json()[0]
    code, secret = answer["service_request_id"], answer["secret"]
    assert answer["service_notice"].startswith("Keep the secret") and answer["account_id"] is None
    complaint = Complaint.objects.get(tracking_code=code)
    assert complaint.channel == "open311" and complaint.department == department

    public = api.get(f"{BASE}/requests/{code}.json").json()[0]
    assert public["agency_responsible"] == "市市场监管局"
    assert public["description"] is None and public["address"] is None and public["finding"] is None
    full = api.get(f"{BASE}/requests/{code}.json", {"secret": secret}).json()[0]
    assert full["description"] == "窗口人员态度恶劣" and full["address"] == "市民中心三楼"

    supervisor = make_supervisor()
    complaint = handling.accept(complaint, supervisor)
    complaint = handling.handle_self(complaint, supervisor)
    complaint = handling.record_finding(complaint, supervisor, finding="not_upheld", text="不属实")
    handling.reply(complaint, supervisor, text="经核实不属实")
    full = api.get(f"{BASE}/requests/{code}.json", {"secret": secret}).json()[0]
    assert full["status"] == "closed" and full["status_notes"] == "经核实不属实" and full["finding"] == "not_upheld"
    public = api.get(f"{BASE}/requests/{code}.json").json()[0]
    assert public["status"] == "closed" and public["status_notes"] is None and public["finding"] is None


def test_client_posts_in_xml_and_reads_back_in_xml(api):
    DepartmentFactory(code="scjgj", name="市市场监管局")
    posted = post_request(api, "xml")
    assert posted.status_code == 201 and posted["Content-Type"].startswith("application/xml")
    root = ElementTree.fromstring(posted.content)
    assert root.tag == "service_requests"
    code, secret = root.findtext("request/service_request_id"), root.findtext("request/secret")
    assert code and secret and root.findtext("request/service_notice")

    public = ElementTree.fromstring(api.get(f"{BASE}/requests/{code}.xml").content)
    assert public.findtext("request/service_request_id") == code
    assert public.findtext("request/agency_responsible") == "市市场监管局"
    assert public.findtext("request/description") == ""  # an empty element: not shown without the secret
    full = ElementTree.fromstring(api.get(f"{BASE}/requests/{code}.xml", {"secret": secret}).content)
    assert full.findtext("request/description") == "窗口人员态度恶劣"


def test_requests_cannot_be_listed_without_ids(api):
    for _ in range(3):
        file()
    listing = api.get(f"{BASE}/requests.json")
    assert listing.status_code == 400
    assert listing.json()[0]["code"] == 400 and "service_request_id" in listing.json()[0]["description"]
    by_category = api.get(f"{BASE}/requests.json", {"service_code": "buck_passing"})
    assert by_category.status_code == 400
    xml = api.get(f"{BASE}/requests.xml")
    root = ElementTree.fromstring(xml.content)
    assert xml.status_code == 400 and root.tag == "errors" and root.findtext("error/code") == "400"
    too_many = api.get(f"{BASE}/requests.json", {"service_request_id": ",".join(f"TS{n:010d}" for n in range(21))})
    assert too_many.status_code == 400


def test_requests_by_id_list_show_public_fields_only(api):
    a, _ = file(description="甲的投诉", place="甲地")
    b, _ = file(description="乙的投诉")
    file(description="丙的投诉")
    response = api.get(f"{BASE}/requests.json", {"service_request_id": f"{a.tracking_code}, {b.tracking_code.lower()}"})
    rows = response.json()
    assert response.status_code == 200
    assert sorted(r["service_request_id"] for r in rows) == sorted([a.tracking_code, b.tracking_code])
    for row in rows:
        assert row["description"] is None and row["address"] is None and row["finding"] is None
        assert row["status_notes"] is None
    assert "甲" not in response.content.decode() and "乙" not in response.content.decode()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_errors_are_georeport_errors(api, fmt):
    DepartmentFactory(code="scjgj")

    def errors(response) -> list[tuple[str, str]]:
        if fmt == "json":
            return [(str(e["code"]), e["description"]) for e in response.json()]
        root = ElementTree.fromstring(response.content)
        assert root.tag == "errors"
        return [(e.findtext("code"), e.findtext("description")) for e in root.findall("error")]

    missing = api.get(f"{BASE}/requests/TSNOPE2345.{fmt}")
    assert missing.status_code == 404 and errors(missing)[0][0] == "404"
    bad = post_request(api, fmt, service_code="nonsense", agency_code="scjgj", description="")
    assert bad.status_code == 400
    described = errors(bad)
    assert all(code == "400" for code, _ in described)
    assert any(text.startswith("description:") for _, text in described)
    assert "{" not in "".join(text for _, text in described)  # no Python dict repr
    unknown_agency = post_request(api, fmt, agency_code="nowhere")
    assert unknown_agency.status_code == 400
    assert any(text.startswith("agency_code:") for _, text in errors(unknown_agency))
    long_phone = post_request(api, fmt, phone="1" * 25)
    assert long_phone.status_code == 400 and any(text.startswith("phone:") for _, text in errors(long_phone))
    assert not Complaint.objects.exists()


def test_throttled_filing_is_a_translated_georeport_error(api, settings):
    settings.COMPLAINTS_FILING_LIMIT = 1
    DepartmentFactory(code="scjgj")
    assert post_request(api).status_code == 201
    refused = post_request(api)
    assert refused.status_code == 429
    assert refused.json()[0] == {
        "code": 429,
        "description": "Too many complaints from this address; please try again later.",
    }
    api.cookies["django_language"] = "zh-hans"
    from django.utils import translation

    with translation.override("zh-hans"):
        expected = translation.gettext("Too many complaints from this address; please try again later.")
    assert post_request(api).json()[0]["description"] == expected


def test_control_characters_in_citizens_text_do_not_break_the_xml(api):
    DepartmentFactory(code="scjgj")
    text = "第一行\x01\x08\x0b\x0c\x1b[31m\x7f第二行\n第三行\t完"
    posted = post_request(api, description=text, address_string="地\x02点")
    assert posted.status_code == 201
    code, secret = posted.json()[0]["service_request_id"], posted.json()[0]["secret"]
    xml = api.get(f"{BASE}/requests/{code}.xml", {"secret": secret})
    root = ElementTree.fromstring(xml.content)  # raises on malformed XML
    assert root.findtext("request/description") == "第一行[31m\x7f第二行\n第三行\t完"
    assert root.findtext("request/address") == "地点"
    # JSON carries the text as it was filed.
    assert api.get(f"{BASE}/requests/{code}.json", {"secret": secret}).json()[0]["description"] == text
    # A NUL cannot be stored at all: a clear 400, not a database error.
    nul = post_request(api, "xml", description="a\x00b")
    assert nul.status_code == 400 and ElementTree.fromstring(nul.content).findtext("error/code") == "400"


def test_services_are_translated(api):
    english = api.get(f"{BASE}/services.json").json()
    assert {row["group"] for row in english} == {"Efficiency complaints"}
