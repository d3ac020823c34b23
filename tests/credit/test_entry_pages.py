"""Entry pages: who is offered recording, objection papers and who may open them, states on the record pages, and
nothing of a complaint's complainant on an entry that a complaint finding recorded."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from credit import services
from credit.models import CreditAttachment, CreditEntry, CreditObjection, EntryStatus
from tests.credit.conftest import NOW, World
from tests.factories import PDF_BYTES

pytestmark = pytest.mark.django_db
RECORD = reverse("credit:entry_create")


@pytest.mark.parametrize(
    ("who", "offered"), [("supervisor", True), ("admin", True), ("head_x", False), ("leader", False)]
)
def test_recording_is_offered_only_to_those_who_may_record(world, who, offered):
    client = world.client(who)
    page = client.get(reverse("credit:entry_list")).content.decode()
    assert (f'href="{RECORD}"' in page) is offered
    assert client.get(RECORD).status_code == (200 if offered else 403)


def _object_with_papers(world: World) -> CreditObjection:
    url = reverse("credit:entry_object", args=[world.entry.pk])
    papers = [SimpleUploadedFile("情况说明.pdf", PDF_BYTES), SimpleUploadedFile("系统日志.pdf", PDF_BYTES + b"%log")]
    with time_machine.travel(NOW, tick=False):
        response = world.client("clerk_x").post(url, {"reasons": "当日系统故障。", "papers": papers})
    assert response.status_code == 302, response.content.decode()[:2000]
    return CreditObjection.objects.get(entry=world.entry)


def test_objection_papers_are_kept_listed_and_served_to_the_supervisor_and_the_objector(world, private_media):
    objection = _object_with_papers(world)
    papers = list(CreditAttachment.objects.filter(objection=objection).order_by("name"))
    assert [(paper.name, paper.entry_id, paper.uploaded_by) for paper in papers] == [
        ("情况说明.pdf", world.entry.pk, world.users["clerk_x"]),
        ("系统日志.pdf", world.entry.pk, world.users["clerk_x"]),
    ]
    links = [reverse("credit:attachment", args=[paper.pk]) for paper in papers]
    entry_url = reverse("credit:entry_detail", args=[world.entry.pk])
    for who in ("supervisor", "clerk_x"):
        client = world.client(who)
        page = client.get(entry_url).content.decode()
        assert all(link in page for link in links) and "情况说明.pdf" in page, who
        served = client.get(links[1])
        assert served.status_code == 200, who
        assert b"".join(served.streaming_content) == PDF_BYTES + b"%log"
        assert "attachment" in served["Content-Disposition"]
    for who in ("clerk_x2", "clerk_y", "citizen", "head_x", "leader"):
        client = world.client(who)
        assert client.get(links[0]).status_code == 404, who
        if who in ("head_x", "leader"):  # they see the entry, not the objector's papers
            page = client.get(entry_url).content.decode()
            assert links[0] not in page and "情况说明.pdf" not in page
    assert world.client("anonymous").get(links[0]).status_code == 302


def test_a_bad_paper_keeps_the_whole_objection_out(world, private_media):
    url = reverse("credit:entry_object", args=[world.entry.pk])
    papers = [SimpleUploadedFile("好.pdf", PDF_BYTES), SimpleUploadedFile("坏.pdf", b"MZ\x90\x00" + b"\x00" * 200)]
    with time_machine.travel(NOW, tick=False):
        response = world.client("clerk_x").post(url, {"reasons": "理由", "papers": papers})
    assert response.status_code == 400 and "坏.pdf" in response.content.decode()
    assert not CreditObjection.objects.exists() and not CreditAttachment.objects.exists()
    world.entry.refresh_from_db()
    assert world.entry.status == EntryStatus.CONFIRMED


def test_record_pages_mark_the_state_of_each_entry(world):
    expired = services.record_entry(
        rule_code="talk_reminder",
        fact_date=dt.date(2025, 3, 1),
        source="manual",
        staff=world.clerk_x,
        actor=world.users["supervisor"],
        at=dt.datetime(2025, 3, 2, 10, tzinfo=NOW.tzinfo),
    )
    services.expire_entries(dt.date(2026, 6, 1))
    with time_machine.travel(NOW, tick=False):
        services.file_objection(world.entry, world.users["clerk_x"], "不属实")
    marks = {
        "clerk_x": reverse("credit:my_record"),
        "supervisor": reverse("credit:staff_detail", args=[world.clerk_x.pk]),
    }
    for who, url in marks.items():
        html = world.client(who).get(url).content.decode()
        assert f'<a href="{world.entry.get_absolute_url()}">推诿扯皮</a>' in html
        assert 'data-state="disputed">Disputed' in html, who
        assert 'data-state="expired">Expired' in html, who
        assert html.count('data-testid="entry-state"') == 2  # one per entry, not on the line where validity ended
    assert CreditEntry.objects.get(pk=expired.pk).status == EntryStatus.EXPIRED


def test_a_complaint_entry_shows_nothing_of_the_complaint(world, private_media):
    from complaints.models import Finding, Sanction
    from complaints.services import handling
    from tests.complaints.factories import file, make_supervisor, png_upload

    supervisor = make_supervisor()
    complaint, secret = file(
        world.x, staff=world.clerk_x, place="人民路1号", files=[png_upload("证据照片.png")], phone="13912345678"
    )
    complaint = handling.accept(complaint, supervisor)
    complaint = handling.handle_self(complaint, supervisor)
    handling.record_finding(
        complaint,
        supervisor,
        finding=Finding.UPHELD,
        text="经查推诿属实",
        sanctions=[handling.SanctionInput(Sanction.EFFICIENCY_CAUTION, staff=world.clerk_x)],
    )
    entry = CreditEntry.objects.get(source="complaint", staff=world.clerk_x)
    secrets = (secret, "张三丰", "13912345678", "zhang@example.com", "窗口工作人员推诿，让我跑了三次", "证据照片.png")
    for who in ("clerk_x", "head_x", "supervisor"):
        html = world.client(who).get(reverse("credit:entry_detail", args=[entry.pk])).content.decode()
        assert "Efficiency caution" in html and reverse("complaints:finding", args=[complaint.pk]) in html, who
        for bit in secrets:
            assert bit not in html, (who, bit)
        assert reverse("complaints:detail", args=[complaint.pk]) not in html
