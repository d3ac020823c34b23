"""Pages: filing (double submit, captcha, limit, bad input, XSS), tracking, reply and rating, confidentiality
towards the department complained about, permission matrices, query counts, Excel export."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
import time_machine
from django.urls import reverse

from complaints.models import Complaint, ComplaintStatus, Finding, Sanction
from complaints.services import handling
from efficiency_portal.audit.models import AuditEvent
from efficiency_portal.org.models import Role
from tests.factories import CitizenFactory, DepartmentFactory, StaffFactory, UserFactory

from .factories import file, make_department_with_head, make_supervisor, png_upload

pytestmark = pytest.mark.django_db
XSS = '<script>alert("x")</script>'
FORMULA = '=HYPERLINK("http://evil.example","x")'


def filing_data(dept, token="tok-1", **overrides):
    data = {
        "form_token": token,
        "category": "buck_passing",
        "department": dept.pk,
        "description": "让我跑了三次",
        "name": "王五",
        "phone": "13800001111",
        "email": "",
    }
    data.update(overrides)
    return data


def lines(*rows: tuple) -> dict:
    """The posted sanction lines of the finding form: (staff employee number, department id, sanction) each."""
    data = {"sanction-TOTAL_FORMS": str(max(len(rows), 1)), "sanction-INITIAL_FORMS": "0"}
    for index, (staff, department, sanction) in enumerate(rows):
        data.update(
            {
                f"sanction-{index}-staff": staff,
                f"sanction-{index}-department": department,
                f"sanction-{index}-sanction": sanction,
            }
        )
    return data


def test_filing_shows_secret_for_a_while_and_tracking_reads_it(client, settings):
    settings.RECEIPT_SECRET_MINUTES = 10
    department = DepartmentFactory()
    response = client.post(reverse("complaints:file"), filing_data(department, attachments=png_upload()))
    assert response.status_code == 302 and response.url == reverse("complaints:file_done")
    done = client.get(reverse("complaints:file_done"))
    secret = done.context["new"]["secret"]
    code = done.context["new"]["code"]
    assert secret in done.content.decode()
    assert secret in client.get(reverse("complaints:file_done")).content.decode()  # a reload shows it again
    with time_machine.travel(dt.timedelta(minutes=11)):
        later = client.get(reverse("complaints:file_done")).content.decode()
    assert code in later and secret not in later
    complaint = Complaint.objects.get()
    assert complaint.attachments.count() == 1
    other = type(client)()
    other.cookies["django_language"] = "en"
    assert other.get(reverse("complaints:track_detail", args=[complaint.pk])).status_code == 404
    wrong = other.post(reverse("complaints:track"), {"code": code, "secret": "WRONGWRONG"})
    assert "No complaint matches" in wrong.content.decode()
    ok = other.post(reverse("complaints:track"), {"code": code.lower(), "secret": secret.lower()})
    assert ok.status_code == 302
    page = other.get(ok.url)
    assert page.status_code == 200 and "让我跑了三次" in page.content.decode()
    assert other.get(reverse("complaints:attachment", args=[complaint.attachments.get().pk])).status_code == 200


def test_double_submit_files_once(client):
    department = DepartmentFactory()
    data = filing_data(department, token="same")
    client.post(reverse("complaints:file"), data)
    again = client.post(reverse("complaints:file"), data)
    assert again.status_code == 302 and again.url == reverse("complaints:file_done")  # the same browser
    assert Complaint.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"category": ""}, "Please choose what the complaint is about."),
        ({"description": ""}, "Please tell us what happened."),
        ({"department": 999999}, "Please choose a department that exists."),
        ({"name": ""}, "Please give your name"),
    ],
)
def test_bad_filing_shows_a_clear_message(client, overrides, message):
    response = client.post(reverse("complaints:file"), filing_data(DepartmentFactory(), **overrides))
    assert response.status_code == 200 and message in response.content.decode()
    assert not Complaint.objects.exists()


def test_disguised_attachment_is_refused(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("x.png", b"MZ\x90\x00" + b"\x00" * 200, content_type="image/png")
    response = client.post(reverse("complaints:file"), filing_data(DepartmentFactory(), attachments=fake))
    assert response.status_code == 200 and "not of an accepted type" in response.content.decode()
    assert not Complaint.objects.exists()


def test_captcha_near_the_limit_then_blocked(client, settings):
    settings.COMPLAINTS_CAPTCHA_AFTER = 1
    settings.COMPLAINTS_FILING_LIMIT = 2
    department = DepartmentFactory()
    assert client.post(reverse("complaints:file"), filing_data(department, token="a")).status_code == 302
    form_page = client.get(reverse("complaints:file"))
    assert "captcha_answer" in form_page.content.decode()
    refused = client.post(reverse("complaints:file"), filing_data(department, token="b", captcha_answer="999"))
    assert refused.status_code == 200 and Complaint.objects.count() == 1
    from complaints import captcha

    question, token = captcha.new_challenge()
    a, b = (int(x) for x in question.replace("= ?", "").split("+"))
    ok = client.post(
        reverse("complaints:file"), filing_data(department, token="c", captcha_token=token, captcha_answer=a + b)
    )
    assert ok.status_code == 302 and Complaint.objects.count() == 2
    assert client.get(reverse("complaints:file")).status_code == 429


def test_text_from_citizens_is_escaped_everywhere(client):
    supervisor = make_supervisor()
    department, head = make_department_with_head()
    complaint, _ = file(department, description=XSS, place=XSS, name=XSS, files=[png_upload(f"{XSS}.png")])
    complaint = handling.accept(complaint, supervisor)
    complaint = handling.hand_to_department(complaint, supervisor, department=department, instructions=XSS)
    client.force_login(supervisor)
    page = client.get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
    assert XSS not in page and "&lt;script&gt;" in page
    client.force_login(head.user)
    page = client.get(reverse("complaints:department_detail", args=[complaint.pk])).content.decode()
    assert XSS not in page and "&lt;script&gt;" in page


def test_department_never_sees_the_complainant():
    supervisor = make_supervisor()
    department, head = make_department_with_head()
    culprit = StaffFactory(department=department, roles=[Role.CLERK])
    complaint, _ = file(department, staff=culprit, name="赵秘密", phone="13799998888", email="secret@example.com")
    complaint = handling.accept(complaint, supervisor)
    complaint = handling.hand_to_department(complaint, supervisor, department=department)
    from django.test import Client

    for user in (head.user, culprit.user):
        client = Client()
        client.cookies["django_language"] = "en"
        client.force_login(user)
        pages = [
            client.get(reverse("complaints:department_list")),
            client.get(reverse("complaints:department_detail", args=[complaint.pk])),
            client.get(reverse("complaints:detail", args=[complaint.pk])),
            client.get(reverse("complaints:work_list") + "?export=xlsx"),
            client.get(reverse("complaints:track_detail", args=[complaint.pk])),
            client.get(reverse("complaints:attachment", args=[1])),
        ]
        for response in pages:
            raw = b"".join(response.streaming_content) if response.streaming else response.content
            body = raw.decode(errors="ignore")
            for secret in ("赵秘密", "13799998888", "secret@example.com", "赵**", "137****8888"):
                assert secret not in body
    culprit_client = Client()
    culprit_client.force_login(culprit.user)
    assert culprit_client.get(reverse("complaints:department_list")).status_code == 403
    assert culprit_client.get(reverse("complaints:detail", args=[complaint.pk])).status_code == 403
    assert culprit_client.post(reverse("complaints:reveal", args=[complaint.pk])).status_code == 403


def test_supervisor_sees_masked_identity_and_reveal_is_logged(client):
    supervisor = make_supervisor()
    complaint, _ = file(name="赵秘密", phone="13799998888")
    client.force_login(supervisor)
    page = client.get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
    assert "赵秘密" not in page and "赵**" in page and "137****8888" in page
    revealed = client.post(reverse("complaints:reveal", args=[complaint.pk])).content.decode()
    assert "赵秘密" in revealed and "13799998888" in revealed
    assert AuditEvent.objects.filter(action="complaints.reveal_identity", actor=supervisor).count() == 1


@pytest.mark.parametrize(
    ("who", "work", "department_list", "ratings", "intake", "detail", "sees_identity", "reveal"),
    [
        ("anonymous", 302, 302, 302, 302, 302, False, 302),
        ("citizen", 403, 403, 403, 403, 403, False, 403),
        ("clerk", 403, 403, 403, 403, 403, False, 403),
        ("head", 403, 200, 200, 403, 403, False, 403),
        ("leader", 403, 403, 200, 403, 403, False, 403),
        ("supervisor", 200, 403, 200, 200, 200, True, 200),
        # Administrators keep every other access, but the complainant's identity is for supervisors only.
        ("administrator", 200, 403, 200, 200, 200, False, 403),
        ("superuser", 200, 403, 200, 200, 200, False, 403),
    ],
)
def test_permission_matrix(client, who, work, department_list, ratings, intake, detail, sees_identity, reveal):
    department = DepartmentFactory()
    complaint, _ = file(department, name="赵秘密", phone="13799998888", email="secret@example.com")
    users = {
        "citizen": lambda: CitizenFactory(),
        "clerk": lambda: StaffFactory(department=department, roles=[Role.CLERK]).user,
        "head": lambda: make_department_with_head()[1].user,
        "leader": lambda: StaffFactory(roles=[Role.LEADER]).user,
        "supervisor": lambda: make_supervisor(),
        "administrator": lambda: StaffFactory(roles=[Role.ADMINISTRATOR]).user,
        "superuser": lambda: UserFactory(is_superuser=True, is_staff=True),
    }
    user = users[who]() if who in users else None
    if user is not None:
        client.force_login(user)
    assert client.get(reverse("complaints:work_list")).status_code == work
    assert client.get(reverse("complaints:department_list")).status_code == department_list
    assert client.get(reverse("complaints:rating_list")).status_code == ratings
    assert client.get(reverse("complaints:intake")).status_code == intake
    page = client.get(reverse("complaints:detail", args=[complaint.pk]))
    assert page.status_code == detail
    body = page.content.decode()
    assert ("赵**" in body and "137****8888" in body) == sees_identity
    assert (reverse("complaints:reveal", args=[complaint.pk]) in body) == sees_identity
    assert "赵秘密" not in body
    revealed = client.post(reverse("complaints:reveal", args=[complaint.pk]))
    assert revealed.status_code == reveal
    assert ("赵秘密" in revealed.content.decode()) == (reveal == 200)
    if user is not None and detail == 200:
        outcome = "success" if reveal == 200 else "denied"
        assert AuditEvent.objects.filter(action="complaints.reveal_identity", actor=user, result=outcome).count() == 1


def test_other_department_head_cannot_open_or_act(client):
    supervisor = make_supervisor()
    department, _head = make_department_with_head()
    _other, other_head = make_department_with_head()
    complaint, _ = file(department)
    complaint = handling.accept(complaint, supervisor)
    complaint = handling.hand_to_department(complaint, supervisor, department=department)
    client.force_login(other_head.user)
    assert client.get(reverse("complaints:department_detail", args=[complaint.pk])).status_code == 404
    response = client.post(
        reverse("complaints:department_detail", args=[complaint.pk]), {"action": "report", "report-text": "x"}
    )
    assert response.status_code == 404
    assert Complaint.objects.get(pk=complaint.pk).status == ComplaintStatus.WITH_DEPARTMENT


def test_citizen_b_cannot_read_citizen_a(client):
    a, b = CitizenFactory(), CitizenFactory()
    complaint, _ = file(complainant=a)
    client.force_login(b)
    assert client.get(reverse("complaints:track_detail", args=[complaint.pk])).status_code == 404
    assert complaint.tracking_code not in client.get(reverse("complaints:my_complaints")).content.decode()
    client.force_login(a)
    assert complaint.tracking_code in client.get(reverse("complaints:my_complaints")).content.decode()


def test_supervisor_actions_through_the_page_and_reply_on_tracking(client):
    supervisor = make_supervisor()
    department = DepartmentFactory()
    culprit = StaffFactory(department=department)
    complaint, _ = file(department, staff=culprit, complainant=(citizen := CitizenFactory()))
    client.force_login(supervisor)
    url = reverse("complaints:detail", args=[complaint.pk])
    assert client.post(url, {"action": "accept"}).status_code == 302
    assert client.post(url, {"action": "handle_self"}).status_code == 302
    bad = client.post(url, {"action": "finding", "finding-finding": Finding.UPHELD, "finding-text": "属实", **lines()})
    assert "at least one sanction" in bad.content.decode()
    early_reply = client.post(url, {"action": "reply", "reply-text": "答复"})
    assert early_reply.status_code == 200
    assert "A reply can only be sent once the finding is recorded." in early_reply.content.decode()
    early = Complaint.objects.get(pk=complaint.pk)
    assert early.status == ComplaintStatus.INVESTIGATING and early.reply_text == "" and early.replied_at is None
    client.post(
        url,
        {
            "action": "finding",
            "finding-finding": Finding.UPHELD,
            "finding-text": "属实",
            **lines((culprit.employee_no, "", Sanction.REMINDER)),
        },
    )
    assert client.post(url, {"action": "reply", "reply-text": "已处理，谢谢监督"}).status_code == 302
    assert Complaint.objects.get(pk=complaint.pk).status == ComplaintStatus.REPLIED
    client.force_login(citizen)
    track = reverse("complaints:track_detail", args=[complaint.pk])
    assert "已处理，谢谢监督" in client.get(track).content.decode()
    client.post(track, {"rate": "1", "rate-level": "5", "rate-comment": "好"})
    assert Complaint.objects.get(pk=complaint.pk).status == ComplaintStatus.CLOSED


def test_work_list_query_count_does_not_grow_and_export_is_formula_safe(client, django_assert_max_num_queries):
    supervisor = make_supervisor()
    client.force_login(supervisor)
    department = DepartmentFactory()
    file(department, description=FORMULA)
    with django_assert_max_num_queries(12) as one:
        client.get(reverse("complaints:work_list"))
    for _ in range(15):
        file(department, staff=StaffFactory(department=department))
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(reverse("complaints:work_list"))
    response = client.get(reverse("complaints:work_list") + "?export=xlsx")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    values = [cell.value for row in book.active.iter_rows() for cell in row]
    assert FORMULA not in values and any(str(v).endswith(FORMULA) for v in values if v)
    # The acceptance clocks' light in words, never the code.
    assert "Green (on schedule)" in values and "green" not in values


def test_keyset_pages_cover_every_row_once(client):
    from complaints.selectors import lists

    department = DepartmentFactory()
    for _ in range(7):
        file(department)
    seen, cursor = [], None
    while True:
        page = lists.page(lists.work_list(), cursor, size=3)
        seen += [row.pk for row in page.rows]
        cursor = page.next_cursor
        if not cursor:
            break
    assert sorted(seen) == sorted(Complaint.objects.values_list("pk", flat=True)) and len(seen) == 7
    assert lists.page(lists.work_list(), "garbage!!", size=3).rows


def test_intake_records_channel_and_taker(client):
    supervisor = make_supervisor()
    client.force_login(supervisor)
    response = client.post(
        reverse("complaints:intake"), {**filing_data(DepartmentFactory(), token="hot"), "channel": "hotline"}
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.channel == "hotline" and complaint.received_by == supervisor
    assert complaint.complainant is None


def test_statistics_page(client):
    supervisor = make_supervisor()
    file()
    client.force_login(supervisor)
    response = client.get(reverse("complaints:statistics"))
    assert response.status_code == 200 and "complaints-chart-data" in response.content.decode()
    assert client.get(reverse("complaints:statistics") + "?start=bad&end=2020-13-01").status_code == 200


def test_unknown_user_cannot_download_evidence(client):
    complaint, _ = file(files=[png_upload()])
    attachment = complaint.attachments.get()
    assert client.get(reverse("complaints:attachment", args=[attachment.pk])).status_code == 404
    client.force_login(UserFactory())
    assert client.get(reverse("complaints:attachment", args=[attachment.pk])).status_code == 404


def test_evidence_is_for_supervisors_not_administrators(client):
    """Photos and papers may show who complained: the identity's rule, supervisors only."""
    complaint, _ = file(files=[png_upload()])
    attachment = complaint.attachments.get()
    url = reverse("complaints:attachment", args=[attachment.pk])
    client.force_login(make_supervisor())
    assert client.get(url).status_code == 200
    assert url in client.get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
    client.force_login(StaffFactory(roles=[Role.ADMINISTRATOR]).user)
    assert client.get(url).status_code == 404
    page = client.get(reverse("complaints:detail", args=[complaint.pk]))
    assert page.status_code == 200 and url not in page.content.decode()


def test_department_queue_query_count_does_not_grow(client, django_assert_max_num_queries):
    supervisor = make_supervisor()
    department, head = make_department_with_head()

    def handed():
        complaint, _ = file(department, staff=StaffFactory(department=department))
        complaint = handling.accept(complaint, supervisor)
        handling.hand_to_department(complaint, supervisor, department=department)

    handed()
    client.force_login(head.user)
    with django_assert_max_num_queries(15) as one:
        assert client.get(reverse("complaints:department_list")).status_code == 200
    for _ in range(8):
        handed()
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(reverse("complaints:department_list"))
    assert len(page.context["complaints"]) == 9


def test_reopening_tells_the_handler():
    from efficiency_portal.notifications.models import Notification

    supervisor = make_supervisor()
    complaint, _ = file()
    complaint = handling.accept(complaint, supervisor)
    complaint = handling.handle_self(complaint, supervisor)
    complaint = handling.record_finding(complaint, supervisor, finding=Finding.NOT_UPHELD, text="不属实")
    complaint = handling.reply(complaint, supervisor, text="答复")
    handling.reopen(complaint, reason="不服")
    assert Notification.objects.filter(recipient=supervisor, dedupe_key=f"complaint:reopened:{complaint.pk}").exists()
