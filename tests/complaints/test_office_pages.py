"""The office's complaint page: sanction lines of a finding (any person or department, each its own sanction),
replies started from a response template, and what the investigating department reads of a hand-over."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints.models import (
    Complaint,
    ComplaintSanction,
    ComplaintStatus,
    Finding,
    NoteKind,
    ResponseTemplate,
    Sanction,
)
from complaints.services import handling
from tests.factories import DepartmentFactory, StaffFactory, make_head

from .factories import file, make_department_with_head, make_supervisor, png_upload
from .test_pages import lines

pytestmark = pytest.mark.django_db


def investigating(department=None, **kwargs):
    supervisor = make_supervisor()
    complaint, _ = file(department or DepartmentFactory(), **kwargs)
    complaint = handling.accept(complaint, supervisor)
    return handling.handle_self(complaint, supervisor), supervisor


def finding_post(finding=Finding.UPHELD, *rows, text="经查属实"):
    return {"action": "finding", "finding-finding": finding, "finding-text": text, **lines(*rows)}


# --- sanction lines -----------------------------------------------------------------------------------------------


def test_buck_passing_between_two_departments_and_a_person_elsewhere_is_recorded_on_the_page(client):
    first, second = DepartmentFactory(name="市住建局"), DepartmentFactory(name="市自然资源局")
    elsewhere = StaffFactory(department=DepartmentFactory(), name="钱经办")
    clerk = StaffFactory(department=first, name="孙窗口")
    complaint, supervisor = investigating(first, category="buck_passing")
    client.force_login(supervisor)
    url = reverse("complaints:detail", args=[complaint.pk])
    page = client.get(url).content.decode()
    # Every active department can be chosen; the list suggests the staff of the department complained about
    # (not the whole city's), and anyone else is accepted by employee number below.
    assert f'value="{second.pk}"' in page and f'<option value="{clerk.employee_no}">' in page
    assert f'<option value="{elsewhere.employee_no}">' not in page
    response = client.post(
        url,
        finding_post(
            Finding.UPHELD,
            ("", first.pk, Sanction.PUBLIC_CRITICISM),
            ("", second.pk, Sanction.REMINDER),
            (elsewhere.employee_no, "", Sanction.ADMONITION),
        ),
    )
    assert response.status_code == 302
    rows = {(r.staff_id, r.department_id, r.sanction) for r in ComplaintSanction.objects.filter(complaint=complaint)}
    assert rows == {
        (None, first.pk, Sanction.PUBLIC_CRITICISM),
        (None, second.pk, Sanction.REMINDER),
        (elsewhere.pk, None, Sanction.ADMONITION),
    }
    assert Complaint.objects.get(pk=complaint.pk).status == ComplaintStatus.CONCLUDED


def test_after_a_hand_over_the_investigating_departments_staff_are_suggested_too(client):
    accused_department = DepartmentFactory()
    investigator, head = make_department_with_head()
    accused_clerk = StaffFactory(department=accused_department)
    other = StaffFactory(department=DepartmentFactory())
    gone = StaffFactory(department=accused_department, is_active=False)
    supervisor = make_supervisor()
    complaint, _ = file(accused_department)
    complaint = handling.accept(complaint, supervisor)
    complaint = handling.hand_to_department(complaint, supervisor, department=investigator)
    handling.department_report(complaint, head.user, text="已调查，情况属实")
    client.force_login(supervisor)
    page = client.get(reverse("complaints:detail", args=[complaint.pk]))
    assert set(page.context["staff_choices"]) == {accused_clerk, head}
    assert f'<option value="{other.employee_no}">' not in page.content.decode()
    assert gone not in page.context["staff_choices"]


def test_a_person_is_found_by_a_unique_name_too(client):
    person = StaffFactory(name="独一无二")
    complaint, supervisor = investigating()
    client.force_login(supervisor)
    url = reverse("complaints:detail", args=[complaint.pk])
    assert client.post(url, finding_post(Finding.PARTLY, ("独一无二", "", Sanction.REMINDER))).status_code == 302
    assert ComplaintSanction.objects.get(complaint=complaint).staff == person


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("both", "not both"),
        ("neither", "Please name the civil servant or the department"),
        ("no_sanction", "Please choose the sanction."),
        ("unknown_person", "No active civil servant has this employee number or name."),
        ("unknown_department", "Please choose a department that exists."),
        ("upheld_without_lines", "at least one sanction"),
        ("not_upheld_with_lines", "not upheld carries no sanction"),
        ("same_line_twice", "named twice with the same sanction"),
        ("no_management_form", "ManagementForm data is missing"),
    ],
)
def test_bad_sanction_lines_get_a_clear_message_and_write_nothing(client, case, message):
    department = DepartmentFactory()
    person = StaffFactory(department=department)
    complaint, supervisor = investigating(department)
    client.force_login(supervisor)
    posts = {
        "both": finding_post(Finding.UPHELD, (person.employee_no, department.pk, Sanction.REMINDER)),
        "neither": finding_post(Finding.UPHELD, ("", "", Sanction.REMINDER)),
        "no_sanction": finding_post(Finding.UPHELD, (person.employee_no, "", "")),
        "unknown_person": finding_post(Finding.UPHELD, ("E-NOBODY", "", Sanction.REMINDER)),
        "unknown_department": finding_post(Finding.UPHELD, ("", "999999", Sanction.REMINDER)),
        "upheld_without_lines": finding_post(Finding.UPHELD),
        "not_upheld_with_lines": finding_post(Finding.NOT_UPHELD, ("", department.pk, Sanction.REMINDER)),
        "same_line_twice": finding_post(
            Finding.UPHELD, ("", department.pk, Sanction.REMINDER), ("", department.pk, Sanction.REMINDER)
        ),
        "no_management_form": {"action": "finding", "finding-finding": Finding.UPHELD, "finding-text": "属实"},
    }
    response = client.post(reverse("complaints:detail", args=[complaint.pk]), posts[case])
    assert response.status_code == 200 and message in response.content.decode()
    assert Complaint.objects.get(pk=complaint.pk).status == ComplaintStatus.INVESTIGATING
    assert not ComplaintSanction.objects.exists()


def test_more_lines_keeps_what_was_typed_and_writes_nothing(client):
    department = DepartmentFactory()
    complaint, supervisor = investigating(department)
    client.force_login(supervisor)
    data = finding_post(Finding.UPHELD, ("", department.pk, Sanction.REMINDER), text="写到一半")
    data["action"] = "finding_more"
    response = client.post(reverse("complaints:detail", args=[complaint.pk]), data)
    assert response.status_code == 200
    form = response.context["finding_form"]
    assert len(form.lines.forms) == 1 + 3 and form.lines.forms[0].initial["department"] == str(department.pk)
    assert form.initial["text"] == "写到一半"
    assert "写到一半" in response.content.decode()
    assert Complaint.objects.get(pk=complaint.pk).status == ComplaintStatus.INVESTIGATING


# --- response templates -------------------------------------------------------------------------------------------


def test_a_reply_started_from_a_template(client):
    complaint, supervisor = investigating(category="rudeness")
    complaint = handling.record_finding(complaint, supervisor, finding=Finding.NOT_UPHELD, text="不属实")
    general = ResponseTemplate.objects.create(title="通用答复", body="您好！经调查核实，未发现您反映的情况。")
    own = ResponseTemplate.objects.create(title="态度答复", category="rudeness", body="您好！已责成整改。")
    foreign = ResponseTemplate.objects.create(title="收费答复", category="illegal_fees", body="收费已退还。")
    client.force_login(supervisor)
    url = reverse("complaints:detail", args=[complaint.pk])
    page = client.get(url)
    offered = list(page.context["reply_form"].fields["template"].queryset)
    assert offered == [own, general]  # the category's own first; another category's not at all
    assert 'id="use-template"' in page.content.decode()
    used = client.post(url, {"action": "use_template", "reply-template": general.pk, "reply-text": ""})
    assert used.status_code == 200
    assert used.context["reply_form"].initial["text"] == general.body
    assert general.body in used.content.decode()
    assert Complaint.objects.get(pk=complaint.pk).status == ComplaintStatus.CONCLUDED  # nothing sent yet
    refused = client.post(url, {"action": "use_template", "reply-template": foreign.pk, "reply-text": "草稿"})
    assert "Please choose a template first." in refused.content.decode()
    assert refused.context["reply_form"].initial["text"] == "草稿"
    # The text, edited, is sent as the reply.
    sent = client.post(url, {"action": "reply", "reply-template": general.pk, "reply-text": general.body + "谢谢。"})
    assert sent.status_code == 302
    assert Complaint.objects.get(pk=complaint.pk).reply_text == general.body + "谢谢。"


# --- what the department reads --------------------------------------------------------------------------------------


def test_the_department_reads_the_instructions_and_when_and_where_but_nothing_of_the_complainant(client):
    supervisor = make_supervisor()
    department, head = make_department_with_head()
    complaint, _ = file(
        department,
        name="孙保密",
        phone="13611112222",
        email="hidden@example.com",
        happened_on=dt.date(2026, 1, 5),
        place="市民中心三楼窗口",
        files=[png_upload("现场证据.png")],
    )
    complaint = handling.accept(complaint, supervisor)
    handling.add_note(complaint, supervisor, text="办公室内部：投诉人情绪激动")
    complaint = handling.hand_to_department(
        complaint, supervisor, department=department, instructions="请调取1月5日上午监控并约谈当班人员"
    )
    note = complaint.notes.get(kind=NoteKind.INSTRUCTIONS)
    assert note.department == department
    client.force_login(head.user)
    page = client.get(reverse("complaints:department_detail", args=[complaint.pk]))
    text = page.content.decode()
    assert "请调取1月5日上午监控并约谈当班人员" in text
    assert "2026-01-05" in text and "市民中心三楼窗口" in text
    assert timezone.localtime(note.created_at).strftime("%Y-%m-%d %H:%M") in text and department.name in text
    for secret in ("孙保密", "孙**", "13611112222", "136****2222", "hidden@example.com", "现场证据.png"):
        assert secret not in text
    assert "办公室内部" not in text  # the office's own notes stay in the office
    assert "anonymous" not in text.lower()
    # The supervisor's page lists the instructions as such.
    client.force_login(supervisor)
    office = client.get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
    assert "Instructions to the department" in office


def test_a_hand_over_without_instructions_still_tells_when(client):
    supervisor = make_supervisor()
    department = DepartmentFactory()
    make_head(department)
    head_user = department.head.user
    complaint, _ = file(department)
    complaint = handling.accept(complaint, supervisor)
    handling.hand_to_department(complaint, supervisor, department=department)
    client.force_login(head_user)
    page = client.get(reverse("complaints:department_detail", args=[complaint.pk]))
    assert len(page.context["handovers"]) == 1 and "No particular instructions." in page.content.decode()
