"""The complainant is never named by the office's history: a signed-in citizen's filing, rating and reopening name
no account; an anonymous complaint is linked to no account at all; staff intake names the member of staff. The
Complaint admin shows neither the identity nor the account; the history API follows the page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from complaints.models import Complaint, ComplaintEvent, ComplaintStatus
from complaints.services import handling
from tests.factories import CitizenFactory, DepartmentFactory, UserFactory

from .factories import make_supervisor
from .test_pages import filing_data

pytestmark = pytest.mark.django_db
CITIZEN_NAME = "欧阳娜娜"


def english_client(user=None) -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    if user is not None:
        client.force_login(user)
    return client


def file_as(citizen, *, anonymous: bool, token: str) -> Complaint:
    client = english_client(citizen)
    data = filing_data(DepartmentFactory(), token=token, name=CITIZEN_NAME, phone="13766665555")
    if anonymous:
        data["anonymous"] = "on"
    response = client.post(reverse("complaints:file"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Complaint.objects.get(submission_key=token)


def walk_to_reply(complaint: Complaint, supervisor) -> Complaint:
    complaint = handling.accept(complaint, supervisor)
    complaint = handling.handle_self(complaint, supervisor)
    complaint = handling.record_finding(complaint, supervisor, finding="not_upheld", text="不属实")
    return handling.reply(complaint, supervisor, text="答复")


@pytest.mark.parametrize("anonymous", [False, True])
def test_signed_in_citizen_is_not_named_in_the_office_history(anonymous):
    citizen = CitizenFactory(display_name=CITIZEN_NAME, username="ouyang")
    supervisor = make_supervisor()
    complaint = file_as(citizen, anonymous=anonymous, token=f"privacy-{anonymous}")
    # An anonymous complaint leads to no account; a named one keeps it for "my complaints".
    assert complaint.complainant_id == (None if anonymous else citizen.pk)
    complaint = walk_to_reply(complaint, supervisor)

    # The citizen rates and reopens on the tracking page (signed in for the named one, proved for the anonymous).
    owner = english_client(citizen)
    if anonymous:
        session = owner.session
        session["complaints_tracked"] = [complaint.pk]
        session.save()
    track = reverse("complaints:track_detail", args=[complaint.pk])
    assert owner.post(track, {"rate": "1", "rate-level": "1", "rate-comment": "不满意"}).status_code == 302
    assert owner.post(track, {"reopen": "1", "reopen-reason": "请重新调查"}).status_code == 302
    assert Complaint.objects.get(pk=complaint.pk).status == ComplaintStatus.REOPENED

    events = {e.action: e for e in ComplaintEvent.objects.filter(complaint=complaint)}
    for action in ("filed", "rated", "reopened"):
        assert events[action].actor_id is None, action

    office = english_client(supervisor)
    page = office.get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
    for secret in (CITIZEN_NAME, "ouyang", "13766665555"):
        assert secret not in page
    assert page.count('<span class="event-actor">the complainant</span>') == 3
    if not anonymous:
        revealed = office.post(reverse("complaints:reveal", args=[complaint.pk])).content.decode()
        assert CITIZEN_NAME in revealed

    api = APIClient()
    api.force_authenticate(supervisor)
    rows = api.get(f"/api/complaints/complaints/{complaint.pk}/history/").json()
    own = [row for row in rows if row["action"] in ("filed", "rated", "reopened")]
    assert len(own) == 3 and all(row["by_complainant"] and row["actor_name"] is None for row in own)
    assert CITIZEN_NAME not in str(rows) and "ouyang" not in str(rows)


def test_my_complaints_lists_the_named_complaint_but_not_the_anonymous_one():
    citizen = CitizenFactory()
    named = file_as(citizen, anonymous=False, token="mine-named")
    hidden = file_as(citizen, anonymous=True, token="mine-anon")
    page = english_client(citizen).get(reverse("complaints:my_complaints")).content.decode()
    assert named.tracking_code in page and hidden.tracking_code not in page


def test_anonymous_complaint_cannot_name_the_citizens_application():
    from tests.factories import make_accepted_case

    citizen = CitizenFactory()
    case = make_accepted_case(applicant=citizen)
    client = english_client(citizen)
    data = filing_data(case.department, token="anon-case", case=case.pk, anonymous="on")
    response = client.post(reverse("complaints:file"), data)
    assert (
        response.status_code == 200
        and "An anonymous complaint cannot name your application" in response.content.decode()
    )
    assert not Complaint.objects.exists()


def test_staff_intake_names_the_member_of_staff():
    supervisor = make_supervisor()
    client = english_client(supervisor)
    data = {**filing_data(DepartmentFactory(), token="intake-1"), "channel": "hotline"}
    assert client.post(reverse("complaints:intake"), data).status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.events.get(action="filed").actor == supervisor
    page = client.get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
    assert f'<span class="event-actor">{supervisor}</span>' in page


def test_complaint_admin_shows_no_account_or_identity():
    citizen = CitizenFactory(display_name=CITIZEN_NAME, username="ouyang")
    complaint = file_as(citizen, anonymous=False, token="admin-1")
    admin = UserFactory(is_staff=True, is_superuser=True)
    page = english_client(admin).get(reverse("admin:complaints_complaint_change", args=[complaint.pk]))
    body = page.content.decode()
    assert page.status_code == 200 and complaint.tracking_code in body
    for secret in (CITIZEN_NAME, "ouyang", "13766665555", "field-complainant", "field-name_encrypted"):
        assert secret not in body
