"""API: filing and tracking, supervisors' actions with field errors, the department's view without identity,
ratings and rectification, Open311 GeoReport v2 in JSON and XML."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest
from rest_framework.test import APIClient

from complaints.models import Complaint, ComplaintStatus, RectificationStatus
from complaints.services import handling, ratings
from tests.factories import CitizenFactory, DepartmentFactory, StaffFactory

from .factories import file, make_department_with_head, make_supervisor

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    client = APIClient()
    client.cookies["django_language"] = "en"
    return client


def test_file_and_track_through_the_api(api):
    department = DepartmentFactory()
    body = {"category": "delay", "description": "超期未办", "department": department.pk, "name": "钱七"}
    created = api.post("/api/complaints/file/", body, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert created.status_code == 201 and created.data["secret"]
    again = api.post("/api/complaints/file/", body, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    # A lost answer retried: the same number and secret again.
    assert again.status_code == 200 and again.data["duplicate"] and again.data["secret"] == created.data["secret"]
    assert Complaint.objects.count() == 1
    tracked = api.post(
        "/api/complaints/track/", {"code": created.data["tracking_code"], "secret": created.data["secret"]}
    )
    assert tracked.status_code == 200 and tracked.data["description"] == "超期未办"
    assert "name" not in tracked.data
    wrong = api.post("/api/complaints/track/", {"code": created.data["tracking_code"], "secret": "NOPE"})
    assert wrong.status_code == 404


def test_bad_filing_gives_field_errors(api):
    response = api.post("/api/complaints/file/", {"category": "nonsense", "description": "", "department": 0})
    assert response.status_code == 400 and "description" in response.data
    response = api.post(
        "/api/complaints/file/", {"category": "nonsense", "description": "x", "department": 99999, "name": "a"}
    )
    assert response.status_code == 400 and {"category", "department"} <= set(response.data)


def test_supervisor_actions_and_errors(api):
    supervisor = make_supervisor()
    department, head = make_department_with_head()
    culprit = StaffFactory(department=department)
    complaint, _ = file(department, staff=culprit)
    api.force_authenticate(supervisor)
    base = f"/api/complaints/complaints/{complaint.pk}"
    listing = api.get("/api/complaints/complaints/")
    assert listing.status_code == 200 and listing.data["results"][0]["tracking_code"] == complaint.tracking_code
    assert "name_encrypted" not in listing.data["results"][0]
    assert api.post(f"{base}/accept/").data["status"] == ComplaintStatus.ACCEPTED
    assert api.post(f"{base}/accept/").status_code == 400
    assert api.post(f"{base}/hand/", {"department": 0}).status_code == 400
    assert api.post(f"{base}/hand/", {"department": department.pk}).data["status"] == ComplaintStatus.WITH_DEPARTMENT
    api.force_authenticate(head.user)
    rows = api.get("/api/complaints/department/").data["results"]
    assert [r["id"] for r in rows] == [complaint.pk] and set(rows[0]) >= {"description"}
    assert not {"name", "phone", "email", "anonymous", "complainant"} & set(rows[0])
    report = api.post(f"/api/complaints/department/{complaint.pk}/report/", {"text": "属实"})
    assert report.status_code == 200
    api.force_authenticate(supervisor)
    missing = api.post(f"{base}/finding/", {"finding": "upheld", "text": "属实"}, format="json")
    assert missing.status_code == 400 and "sanctions" in missing.data
    done = api.post(
        f"{base}/finding/",
        {"finding": "upheld", "text": "属实", "sanctions": [{"sanction": "reminder", "staff": culprit.pk}]},
        format="json",
    )
    assert done.status_code == 200 and done.data["finding"] == "upheld"
    assert api.post(f"{base}/reply/", {"text": "答复"}).data["status"] == ComplaintStatus.REPLIED


@pytest.mark.parametrize("who", ["anonymous", "citizen", "clerk", "head"])
def test_supervisor_api_is_closed_to_others(api, who):
    complaint, _ = file()
    users = {
        "citizen": CitizenFactory,
        "clerk": lambda: StaffFactory().user,
        "head": lambda: make_department_with_head()[1].user,
    }
    if who in users:
        api.force_authenticate(users[who]())
    assert api.get("/api/complaints/complaints/").status_code in (401, 403)
    assert api.post(f"/api/complaints/complaints/{complaint.pk}/accept/").status_code in (401, 403)


def test_ratings_and_rectification_api(api):
    window = DepartmentFactory()
    clerk = StaffFactory(department=window)
    response = api.post(
        "/api/complaints/window-ratings/", {"department": window.pk, "level": 1, "handler": clerk.pk}, format="json"
    )
    assert response.status_code == 201
    assert api.post("/api/complaints/window-ratings/", {"department": window.pk, "level": 9}).status_code == 400
    api.force_authenticate(clerk.user)
    orders = api.get("/api/complaints/rectifications/").data["results"]
    assert len(orders) == 1
    step = api.post(f"/api/complaints/rectifications/{orders[0]['id']}/step/", {"note": "已联系"})
    assert step.status_code == 200 and step.data["status"] == RectificationStatus.CONTACTED
    api.force_authenticate(StaffFactory().user)
    assert api.get("/api/complaints/rectifications/").data["results"] == []
    api.force_authenticate(make_supervisor())
    assert api.get("/api/complaints/ratings/").data["results"][0]["level"] == 1
    assert api.get("/api/complaints/statistics/").status_code == 200


def test_open311_services_json_and_xml(api):
    services = api.get("/api/complaints/open311/v2/services.json")
    assert services.status_code == 200 and {s["service_code"] for s in services.json()} >= {"buck_passing"}
    xml = api.get("/api/complaints/open311/v2/services.xml")
    assert xml["Content-Type"].startswith("application/xml")
    root = ElementTree.fromstring(xml.content)
    assert root.tag == "services" and root.find("service/service_code") is not None


def test_open311_client_posts_and_reads_back(api):
    department = DepartmentFactory(code="scjgj")
    posted = api.post(
        "/api/complaints/open311/v2/requests.json",
        {
            "service_code": "rudeness",
            "description": "窗口人员态度恶劣",
            "agency_code": "scjgj",
            "first_name": "三",
            "last_name": "张",
            "phone": "13900001234",
        },
    )
    assert posted.status_code == 201
    code, secret = posted.json()[0]["service_request_id"], posted.json()[0]["secret"]
    complaint = Complaint.objects.get(tracking_code=code)
    assert complaint.channel == "open311" and complaint.department == department
    public = api.get(f"/api/complaints/open311/v2/requests/{code}.json").json()[0]
    assert public["status"] == "open" and public["portal_status"] == "submitted" and public["description"] is None
    full = api.get(f"/api/complaints/open311/v2/requests/{code}.json?secret={secret}").json()[0]
    assert full["description"] == "窗口人员态度恶劣"
    supervisor = make_supervisor()
    complaint = handling.accept(complaint, supervisor)
    complaint = handling.handle_self(complaint, supervisor)
    complaint = handling.record_finding(complaint, supervisor, finding="not_upheld", text="不属实")
    handling.reply(complaint, supervisor, text="经核实不属实")
    xml = api.get(f"/api/complaints/open311/v2/requests/{code}.xml?secret={secret}")
    root = ElementTree.fromstring(xml.content)
    assert root.findtext("request/status") == "closed"
    assert root.findtext("request/portal_status") == "replied"
    assert root.findtext("request/status_notes") == "经核实不属实"
    listing = api.get(f"/api/complaints/open311/v2/requests.json?service_request_id={code}").json()
    assert [r["service_request_id"] for r in listing] == [code] and listing[0]["description"] is None
    bad = api.post("/api/complaints/open311/v2/requests.json", {"service_code": "rudeness", "description": "x"})
    assert bad.status_code == 400
    assert api.get("/api/complaints/open311/v2/requests/NOPE1234.json").status_code == 404


def test_rate_case_service_is_reachable_only_for_finished_cases():
    from tests.factories import make_accepted_case

    citizen = CitizenFactory()
    case = make_accepted_case(applicant=citizen)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        ratings.rate_case(case, rater=citizen, level=5)


# --- endpoints that offer what the pages offer ----------------------------------------------------------------


def finished_case(applicant):
    from django.utils import timezone

    from tests.factories import make_accepted_case

    case = make_accepted_case(applicant=applicant, status="delivered")
    type(case).objects.filter(pk=case.pk).update(decided_at=timezone.now(), delivered_at=timezone.now())
    return case


def test_filing_with_attachments_and_an_own_case_in_multipart(api):
    from tests.factories import make_accepted_case

    from .factories import png_upload

    citizen, other = CitizenFactory(), CitizenFactory()
    mine, theirs = make_accepted_case(applicant=citizen), make_accepted_case(applicant=other)
    api.force_authenticate(citizen)
    body = {"category": "delay", "description": "超期", "department": mine.department_id, "name": "钱七"}
    refused = api.post("/api/complaints/file/", {**body, "case": theirs.pk}, format="multipart")
    assert refused.status_code == 400 and "case" in refused.data
    anonymous = api.post("/api/complaints/file/", {**body, "case": mine.pk, "anonymous": True}, format="multipart")
    assert anonymous.status_code == 400 and "case" in anonymous.data
    created = api.post(
        "/api/complaints/file/",
        {**body, "case": mine.pk, "attachments": [png_upload("一.png"), png_upload("二.png")]},
        format="multipart",
    )
    assert created.status_code == 201, created.data
    complaint = Complaint.objects.get(pk=created.data["id"])
    assert complaint.case == mine and complaint.complainant == citizen
    assert sorted(complaint.attachments.values_list("original_name", flat=True)) == ["一.png", "二.png"]
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("x.png", b"MZ" + b"\x00" * 100, content_type="image/png")
    bad = api.post("/api/complaints/file/", {**body, "attachments": [fake]}, format="multipart")
    assert bad.status_code == 400 and "attachments" in bad.data
    assert Complaint.objects.count() == 1


def test_assign_notes_and_history(api):
    supervisor, colleague = make_supervisor(), make_supervisor()
    complaint, _ = file()
    api.force_authenticate(supervisor)
    base = f"/api/complaints/complaints/{complaint.pk}"
    api.post(f"{base}/accept/")
    assert api.post(f"{base}/assign/", {"supervisor": 999999}).status_code == 400
    clerk = StaffFactory().user
    not_a_supervisor = api.post(f"{base}/assign/", {"supervisor": clerk.pk})
    assert not_a_supervisor.status_code == 400 and "supervisor" in not_a_supervisor.data
    assigned = api.post(f"{base}/assign/", {"supervisor": colleague.pk})
    assert assigned.status_code == 200 and assigned.data["handler"] == colleague.pk
    assert assigned.data["handling_mode"] == "assigned"
    assert api.post(f"{base}/assign/", {"supervisor": colleague.pk}).status_code == 400  # not from this state

    assert api.post(f"{base}/notes/", {"text": ""}).status_code == 400
    added = api.post(f"{base}/notes/", {"text": "已调取监控"})
    assert added.status_code == 201 and added.data["text"] == "已调取监控" and added.data["kind"] == "note"
    notes = api.get(f"{base}/notes/").json()
    assert [n["text"] for n in notes] == ["已调取监控"] and notes[0]["author_name"]

    history = api.get(f"{base}/history/").json()
    assert [row["action"] for row in history] == ["filed", "accepted", "assigned"]
    assert history[0]["by_complainant"] and history[0]["actor_name"] is None
    assert history[1]["actor_name"] and not history[1]["by_complainant"]

    for user in (CitizenFactory(), StaffFactory().user, make_department_with_head()[1].user):
        api.force_authenticate(user)
        assert api.get(f"{base}/history/").status_code == 403
        assert api.get(f"{base}/notes/").status_code == 403
        assert api.post(f"{base}/notes/", {"text": "x"}).status_code == 403
        assert api.post(f"{base}/assign/", {"supervisor": colleague.pk}).status_code == 403


def test_complainant_rates_and_reopens_with_number_and_secret(api):
    supervisor = make_supervisor()
    complaint, secret = file()
    code = complaint.tracking_code
    early = api.post("/api/complaints/track/rate/", {"code": code, "secret": secret, "level": 5})
    assert early.status_code == 400 and "level" in early.data
    complaint = handling.accept(complaint, supervisor)
    complaint = handling.handle_self(complaint, supervisor)
    complaint = handling.record_finding(complaint, supervisor, finding="not_upheld", text="不属实")
    handling.reply(complaint, supervisor, text="答复")
    assert api.post("/api/complaints/track/rate/", {"code": code, "secret": secret, "level": 9}).status_code == 400
    rated = api.post("/api/complaints/track/rate/", {"code": code, "secret": secret, "level": 2, "comment": "不满意"})
    assert rated.status_code == 200 and rated.data["feedback_level"] == 2 and rated.data["status"] == "replied"
    assert api.post("/api/complaints/track/reopen/", {"code": code, "secret": secret, "reason": ""}).status_code == 400
    reopened = api.post("/api/complaints/track/reopen/", {"code": code, "secret": secret, "reason": "请重新调查"})
    assert reopened.status_code == 200 and reopened.data["status"] == "reopened"
    again = api.post("/api/complaints/track/reopen/", {"code": code, "secret": secret, "reason": "再次"})
    assert again.status_code == 400 and "reason" in again.data
    assert (
        api.post("/api/complaints/track/reopen/", {"code": code, "secret": "WRONG", "reason": "x"}).status_code == 404
    )


def test_citizen_rates_their_own_finished_case_once(api):
    citizen, other = CitizenFactory(), CitizenFactory()
    case, theirs = finished_case(citizen), finished_case(other)
    assert api.post("/api/complaints/case-ratings/", {"case": case.pk, "level": 5}).status_code in (401, 403)
    api.force_authenticate(citizen)
    refused = api.post("/api/complaints/case-ratings/", {"case": theirs.pk, "level": 5})
    assert refused.status_code == 400 and "case" in refused.data
    assert api.post("/api/complaints/case-ratings/", {"case": case.pk, "level": 7}).status_code == 400
    rated = api.post(
        "/api/complaints/case-ratings/",
        {"case": case.pk, "level": 1, "window_level": 2, "tags": ["等待久"], "comment": "等了两小时"},
        format="json",
    )
    assert rated.status_code == 201 and rated.data["level"] == 1 and rated.data["case"] == case.pk
    assert api.post("/api/complaints/case-ratings/", {"case": case.pk, "level": 5}).status_code == 400


def test_rating_appeal_by_the_department_and_decision_by_a_supervisor(api):
    window = DepartmentFactory()
    clerk = StaffFactory(department=window)
    outsider = StaffFactory()
    rating = ratings.rate_window_visit(window, level=1, handler=clerk)
    base = f"/api/complaints/ratings/{rating.pk}"
    api.force_authenticate(outsider.user)
    assert api.post(f"{base}/appeal/", {"reason": "恶意"}).status_code == 404
    api.force_authenticate(clerk.user)
    assert api.post(f"{base}/appeal/", {"reason": ""}).status_code == 400
    appealed = api.post(f"{base}/appeal/", {"reason": "恶意差评"})
    assert appealed.status_code == 200 and appealed.data["appeal_status"] == "pending"
    assert api.post(f"{base}/appeal/", {"reason": "再次"}).status_code == 400
    assert api.post(f"{base}/appeal-decision/", {"uphold": True, "decision": "x"}).status_code == 403
    api.force_authenticate(make_supervisor())
    assert api.post(f"{base}/appeal-decision/", {"uphold": True}).status_code == 400
    decided = api.post(f"{base}/appeal-decision/", {"uphold": True, "decision": "属恶意"}, format="json")
    assert decided.status_code == 200 and decided.data["appeal_status"] == "upheld"
    assert api.post(f"{base}/appeal-decision/", {"uphold": False, "decision": "x"}).status_code == 400


def test_response_templates_for_supervisors(api):
    from complaints.models import ResponseTemplate

    ResponseTemplate.objects.create(title="A general", category="", body="感谢监督")
    ResponseTemplate.objects.create(title="B rude", category="rudeness", body="已批评教育")
    ResponseTemplate.objects.create(title="C late", category="delay", body="已督办")
    api.force_authenticate(CitizenFactory())
    assert api.get("/api/complaints/response-templates/").status_code == 403
    api.force_authenticate(make_supervisor())
    rows = api.get("/api/complaints/response-templates/").data["results"]
    assert [r["title"] for r in rows] == ["A general", "B rude", "C late"]
    rude = api.get("/api/complaints/response-templates/", {"category": "rudeness"}).data["results"]
    assert [r["title"] for r in rude] == ["A general", "B rude"]
    one = api.get(f"/api/complaints/response-templates/{rows[0]['id']}/").data
    assert set(one) == {"id", "title", "category", "body"}
