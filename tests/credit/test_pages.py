"""Credit pages: permission matrix, actions with bad input, Excel export, constant query counts."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from credit import services
from credit.models import CreditEntry, CreditObjection, CreditRule, EntryStatus, Source
from tests.credit.conftest import NOW, World
from tests.credit.factories import bare_entry
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def status_of(response) -> int:
    return 302 if response.status_code == 302 and "login" in response["Location"] else response.status_code


PAGES = [
    "my_record",
    "subject_list",
    "staff_detail",
    "entry_detail",
    "department_detail",
    "entry_list",
    "pending_list",
    "objection_list",
    "blacklist",
    "rule_list",
    "entry_create",
]
MATRIX = {
    "anonymous": (302, 302, 302, 302, 302, 302, 302, 302, 302, 302, 302),
    "citizen": (403, 403, 404, 404, 404, 403, 403, 403, 403, 403, 403),
    "clerk_x": (200, 403, 200, 200, 404, 403, 403, 403, 403, 403, 403),
    "clerk_x2": (200, 403, 404, 404, 404, 403, 403, 403, 403, 403, 403),
    "clerk_y": (200, 403, 404, 404, 404, 403, 403, 403, 403, 403, 403),
    "head_x": (200, 200, 200, 200, 200, 200, 403, 403, 200, 403, 403),
    "leader": (200, 200, 200, 200, 200, 200, 403, 403, 200, 403, 403),
    "head_y": (200, 200, 404, 404, 404, 200, 403, 403, 200, 403, 403),
    "leader_y": (200, 200, 404, 404, 404, 200, 403, 403, 200, 403, 403),
    "supervisor": (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    "admin": (403, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
}


def url_of(world: World, page: str) -> str:
    args = {"staff_detail": [world.clerk_x.pk], "entry_detail": [world.entry.pk], "department_detail": [world.x.pk]}
    return reverse(f"credit:{page}", args=args.get(page, []))


@pytest.mark.parametrize("who", list(MATRIX))
def test_page_permission_matrix(world, who):
    client = world.client(who)
    got = tuple(status_of(client.get(url_of(world, page))) for page in PAGES)
    assert dict(zip(PAGES, got, strict=True)) == dict(zip(PAGES, MATRIX[who], strict=True))


def test_a_civil_servant_sees_only_their_own_record(world):
    page = world.client("clerk_x").get(reverse("credit:my_record")).content.decode()
    assert "990" in page and "推诿扯皮" in page
    other = world.client("clerk_x2").get(reverse("credit:my_record")).content.decode()
    assert "推诿扯皮" not in other and "1000" in other


def test_head_lists_only_their_departments(world):
    StaffFactory(department=world.y, name="乙部门人员")
    page = world.client("head_x").get(reverse("credit:subject_list")).content.decode()
    assert world.clerk_x.name in page and "乙部门人员" not in page
    everyone = world.client("supervisor").get(reverse("credit:subject_list")).content.decode()
    assert "乙部门人员" in everyone


def test_subject_list_queries_do_not_grow_with_rows(world, django_assert_max_num_queries):
    client = world.client("supervisor")
    url = reverse("credit:subject_list")
    client.get(url)
    with django_assert_max_num_queries(20) as one:
        client.get(url)
    for _ in range(30):
        person = StaffFactory(department=world.x)
        bare_entry(person).save()
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(url + "?grade=A")
    assert response.status_code == 200


def test_entry_list_filters_exports_and_keeps_queries_constant(world, django_assert_max_num_queries):
    client = world.client("supervisor")
    url = reverse("credit:entry_list") + "?rule=" + str(CreditRule.objects.get(code="kickbacks").pk)
    bare_entry(StaffFactory(department=world.y), code="kickbacks").save()
    client.get(url)
    with django_assert_max_num_queries(20) as one:
        client.get(url)
    for _ in range(20):
        bare_entry(StaffFactory(department=world.y), code="kickbacks").save()
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(url).content.decode()
    assert "吃拿卡要" in page
    export = client.get(url + "&export=xlsx&department=" + str(world.x.pk))
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client.get(reverse("credit:subject_list") + "?export=xlsx").status_code == 200


def test_supervisor_confirms_and_dismisses_from_the_pending_list(world):
    client = world.client("supervisor")
    with time_machine.travel(NOW, tick=False):
        first = services.propose_entry(
            rule_code="red_card_case", fact_date=dt.date(2026, 5, 1), source=Source.RED_CARD, staff=world.clerk_x
        )
        second = services.propose_entry(
            rule_code="bad_rating", fact_date=dt.date(2026, 5, 2), source=Source.BAD_RATING, staff=world.clerk_x
        )
    assert "红牌办件" in client.get(reverse("credit:pending_list")).content.decode()
    client.post(reverse("credit:entry_confirm", args=[first.pk]), {"next": "pending"})
    response = client.post(reverse("credit:entry_dismiss", args=[second.pk]), {"reason": ""}, follow=True)
    assert "reason" in response.content.decode()
    client.post(reverse("credit:entry_dismiss", args=[second.pk]), {"reason": "评价人撤回"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (EntryStatus.CONFIRMED, EntryStatus.DISMISSED)
    again = client.post(reverse("credit:entry_confirm", args=[first.pk]), follow=True).content.decode()
    assert "already decided" in again
    assert world.client("clerk_x").post(reverse("credit:entry_confirm", args=[second.pk])).status_code == 403


def test_objection_through_the_pages(world):
    subject = world.client("clerk_x")
    url = reverse("credit:entry_object", args=[world.entry.pk])
    with time_machine.travel(NOW, tick=False):
        assert subject.post(url, {"reasons": ""}).status_code == 400
        bad_file = subject.post(url, {"reasons": "理由", "papers": [_fake_exe()]})
        assert bad_file.status_code == 400 and not CreditObjection.objects.exists()
        assert world.client("clerk_x2").post(url, {"reasons": "冒名"}).status_code == 404
        response = subject.post(url, {"reasons": "当日系统故障，非本人推诿。"})
        assert response.status_code == 302
        objection = CreditObjection.objects.get()
        supervisor = world.client("supervisor")
        supervisor.post(reverse("credit:objection_accept", args=[objection.pk]))
        assert world.clerk_x.name in supervisor.get(reverse("credit:objection_list")).content.decode()
        supervisor.post(
            reverse("credit:objection_decide", args=[objection.pk]),
            {"outcome": "withdrawn", "reason": "系统日志证实故障。"},
        )
    world.entry.refresh_from_db()
    assert world.entry.status == EntryStatus.WITHDRAWN


def _fake_exe():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("证明.pdf", b"MZ\x90\x00" + b"\x00" * 200, content_type="application/pdf")


def test_manual_entry_form_refuses_wrong_sign_and_future_date(world):
    client = world.client("supervisor")
    rule = CreditRule.objects.get(code="buck_passing")
    data = {
        "staff": world.clerk_x.pk,
        "rule": rule.pk,
        "points": 5,
        "fact_date": "2026-05-01",
        "source": "manual",
        "detail": "窗口推诿",
    }
    with time_machine.travel(NOW, tick=False):
        response = client.post(reverse("credit:entry_create"), data)
        assert response.status_code == 400 and "negative points" in response.content.decode()
        data.update(points="", fact_date="2026-07-01")
        response = client.post(reverse("credit:entry_create"), data)
        assert response.status_code == 400 and "future" in response.content.decode()
        data.update(fact_date="2026-05-01", department=world.x.pk)
        assert client.post(reverse("credit:entry_create"), data).status_code == 400
        del data["department"]
        assert client.post(reverse("credit:entry_create"), data).status_code == 302
    assert CreditEntry.objects.filter(staff=world.clerk_x).count() == 2


def test_rule_form_checks_the_sign(world):
    client = world.client("admin")
    rule = CreditRule.objects.get(code="commendation")
    data = {
        "code": "commendation",
        "name": "嘉奖",
        "kind": "bonus",
        "points": -20,
        "downgrade_to": "",
        "validity_years": "",
        "for_staff": "on",
        "for_departments": "on",
        "is_active": "on",
        "sort_order": 1,
    }
    response = client.post(reverse("credit:rule_edit", args=[rule.pk]), data)
    assert response.status_code == 400 and "positive" in response.content.decode()
    data["points"] = 25
    assert client.post(reverse("credit:rule_edit", args=[rule.pk]), data).status_code == 302
    rule.refresh_from_db()
    assert rule.points == 25
    from efficiency_portal.audit.models import AuditEvent

    event = AuditEvent.objects.get(action="credit.rule_update")
    assert event.actor == world.users["admin"] and "points" in event.detail["fields"]


def test_blacklist_shows_downgraded_subjects(world):
    bare_entry(world.clerk_x, code="dismissal_proposal", fact_date=dt.date(2026, 1, 1), years=5).save()
    page = world.client("supervisor").get(reverse("credit:blacklist")).content.decode()
    assert world.clerk_x.name in page
    assert (
        world.clerk_x.name
        not in world.client("head_x").get(reverse("credit:blacklist") + "?on=2025-06-01").content.decode()
    )


def test_evidence_is_served_only_to_those_who_see_the_entry(world, settings, tmp_path):
    from django.core.files.storage import storages

    from credit.models import CreditAttachment
    from tests.factories import PDF_BYTES

    private = settings.STORAGES["private"]
    settings.STORAGES = {**settings.STORAGES, "private": {**private, "OPTIONS": {"location": str(tmp_path)}}}
    storages._storages.pop("private", None)
    try:
        from django.core.files.uploadedfile import SimpleUploadedFile

        rule = CreditRule.objects.get(code="kickbacks")
        data = {
            "staff": world.clerk_x.pk,
            "rule": rule.pk,
            "fact_date": "2026-05-01",
            "source": "police",
            "detail": "公安机关通报",
            "evidence": [SimpleUploadedFile("通报.pdf", PDF_BYTES)],
        }
        with time_machine.travel(NOW, tick=False):
            assert world.client("supervisor").post(reverse("credit:entry_create"), data).status_code == 302
        attachment = CreditAttachment.objects.get()
        url = reverse("credit:attachment", args=[attachment.pk])
        assert world.client("clerk_x").get(url).status_code == 200
        assert world.client("head_x").get(url).status_code == 200
        assert world.client("clerk_x2").get(url).status_code == 404
        assert world.client("clerk_y").get(url).status_code == 404
    finally:
        storages._storages.pop("private", None)


def test_expiry_task_runs_the_sweep(world):
    from credit.tasks import expire_entries_task

    with time_machine.travel(dt.datetime(2027, 5, 21, 1, tzinfo=dt.UTC), tick=False):
        assert expire_entries_task.delay().get() == 1
        assert expire_entries_task.delay().get() == 0
    world.entry.refresh_from_db()
    assert world.entry.status == EntryStatus.EXPIRED


def test_entry_list_pages_by_keyset(world):
    for n in range(7):
        bare_entry(world.clerk_x, fact_date=dt.date(2026, 1, 1) + dt.timedelta(days=n)).save()
    from credit.views import entries as views

    client = world.client("supervisor")
    seen: list[str] = []
    url = reverse("credit:entry_list") + "?subject=staff"
    original = views.PAGE_SIZE
    views.PAGE_SIZE = 3
    try:
        for _ in range(5):
            response = client.get(url)
            seen += [entry.pk for entry in response.context["page"]]
            if not response.context["next_query"]:
                break
            url = reverse("credit:entry_list") + "?" + response.context["next_query"]
    finally:
        views.PAGE_SIZE = original
    assert len(seen) == len(set(seen)) == 8
    assert client.get(reverse("credit:entry_list") + "?after=garbage").status_code == 200
