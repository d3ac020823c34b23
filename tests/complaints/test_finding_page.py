"""The neutral finding page that credit entries and assessment facts link to: open to the people and departments
at fault and the office, closed to everyone else, never showing who complained or the evidence."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from complaints import selectors
from complaints.models import Complaint, Finding, Sanction
from complaints.services import handling
from credit.models import CreditEntry
from efficiency_portal.org.models import Role
from tests.factories import CitizenFactory, DepartmentFactory, StaffFactory, UserFactory, make_head

from .factories import file, make_supervisor, png_upload

pytestmark = pytest.mark.django_db

SECRET_BITS = ("张三丰", "13912345678", "zhang@example.com", "窗口工作人员推诿", "证据照片.png", "人民路1号")


def concluded(department, culprit, *, finding=Finding.UPHELD, sanctions=None, citizen=None):
    supervisor = make_supervisor()
    complaint, _ = file(
        department,
        staff=culprit,
        complainant=citizen,
        place="人民路1号",
        files=[png_upload("证据照片.png")],
    )
    complaint = handling.accept(complaint, supervisor)
    complaint = handling.handle_self(complaint, supervisor)
    if sanctions is None:
        sanctions = [
            handling.SanctionInput(Sanction.EFFICIENCY_CAUTION, staff=culprit),
            handling.SanctionInput(Sanction.PUBLIC_CRITICISM, department=department),
        ]
    return handling.record_finding(complaint, supervisor, finding=finding, text="经查推诿属实", sanctions=sanctions)


@pytest.fixture
def world():
    department = DepartmentFactory()
    head = make_head(department)
    culprit = StaffFactory(department=department)
    leader = StaffFactory(roles=[Role.LEADER])
    department.leader_in_charge = leader
    department.save(update_fields=["leader_in_charge"])
    citizen = CitizenFactory()
    complaint = concluded(department, culprit, citizen=citizen)
    return {
        "department": department,
        "head": head,
        "culprit": culprit,
        "leader": leader,
        "citizen": citizen,
        "complaint": complaint,
    }


def test_credit_entries_link_to_the_finding_page_which_the_subject_can_read(client, world):
    complaint, culprit = world["complaint"], world["culprit"]
    entries = CreditEntry.objects.filter(
        source_type=ContentType.objects.get_for_model(Complaint), source_id=complaint.pk
    )
    finding_url = reverse("complaints:finding", args=[complaint.pk])
    assert {entry.source_link for entry in entries} == {finding_url}
    client.force_login(culprit.user)
    assert client.get(complaint.get_absolute_url()).status_code == 403  # the office's page stays closed
    page = client.get(finding_url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "经查推诿属实" in text and "Efficiency caution (效能告诫)" in text
    for bit in SECRET_BITS:
        assert bit not in text
    assert reverse("complaints:attachment", args=[complaint.attachments.get().pk]) not in text
    assert reverse("complaints:detail", args=[complaint.pk]) not in text
    # The credit entry page the subject reads links here.
    entry = entries.get(staff=culprit)
    assert finding_url in client.get(entry.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("supervisor", 200),
        ("administrator", 200),
        ("culprit", 200),
        ("head", 200),
        ("leader", 200),
        ("colleague", 404),
        ("other_head", 404),
        ("citizen_complainant", 404),
        ("other_citizen", 404),
        ("other_clerk", 404),
    ],
)
def test_finding_page_permission_matrix(client, world, who, status):
    users = {
        "supervisor": lambda: make_supervisor(),
        "administrator": lambda: StaffFactory(roles=[Role.ADMINISTRATOR]).user,
        "culprit": lambda: world["culprit"].user,
        "head": lambda: world["head"].user,
        "leader": lambda: world["leader"].user,
        "colleague": lambda: StaffFactory(department=world["department"]).user,
        "other_head": lambda: make_head(DepartmentFactory()).user,
        "citizen_complainant": lambda: world["citizen"],
        "other_citizen": lambda: CitizenFactory(),
        "other_clerk": lambda: StaffFactory().user,
    }
    client.force_login(users[who]())
    response = client.get(reverse("complaints:finding", args=[world["complaint"].pk]))
    assert response.status_code == status
    if status == 200:
        for bit in SECRET_BITS:
            assert bit not in response.content.decode()


def test_anonymous_visitor_is_sent_to_sign_in(client, world):
    response = client.get(reverse("complaints:finding", args=[world["complaint"].pk]))
    assert response.status_code == 302 and "login" in response.url


def test_each_subject_reads_only_what_concerns_them(client):
    department, other_department = DepartmentFactory(), DepartmentFactory()
    culprit = StaffFactory(department=department)
    bystander = StaffFactory(department=other_department, name="李四光")
    complaint = concluded(
        department,
        culprit,
        sanctions=[
            handling.SanctionInput(Sanction.ADMONITION, staff=culprit),
            handling.SanctionInput(Sanction.REMINDER, staff=bystander),
        ],
    )
    client.force_login(culprit.user)
    text = client.get(reverse("complaints:finding", args=[complaint.pk])).content.decode()
    assert "Admonition (诫勉)" in text and "李四光" not in text
    client.force_login(bystander.user)
    text = client.get(reverse("complaints:finding", args=[complaint.pk])).content.decode()
    assert "李四光" in text and "Admonition (诫勉)" not in text
    client.force_login(make_supervisor())
    text = client.get(reverse("complaints:finding", args=[complaint.pk])).content.decode()
    assert "李四光" in text and "Admonition (诫勉)" in text
    assert reverse("complaints:detail", args=[complaint.pk]) in text


def test_not_upheld_and_unfinished_complaints_stay_with_the_office(client):
    department = DepartmentFactory()
    head = make_head(department)
    accused = StaffFactory(department=department)
    cleared = concluded(department, accused, finding=Finding.NOT_UPHELD, sanctions=[])
    open_complaint, _ = file(department, staff=accused)
    for user in (accused.user, head.user):
        client.force_login(user)
        assert client.get(reverse("complaints:finding", args=[cleared.pk])).status_code == 404
        assert client.get(reverse("complaints:finding", args=[open_complaint.pk])).status_code == 404
    client.force_login(make_supervisor())
    assert client.get(reverse("complaints:finding", args=[cleared.pk])).status_code == 200
    assert client.get(reverse("complaints:finding", args=[open_complaint.pk])).status_code == 404
    client.force_login(UserFactory())
    assert client.get(reverse("complaints:finding", args=[cleared.pk])).status_code == 404


def test_upheld_between_links_to_the_finding_page(world):
    today = timezone.localdate()
    rows = list(selectors.upheld_between(today, today, staff=world["culprit"]))
    assert [row.get_absolute_url() for row in rows] == [reverse("complaints:finding", args=[world["complaint"].pk])]
