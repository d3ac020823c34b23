"""Credit API: scoped lists, actions with field errors, scores."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from rest_framework.test import APIClient

from credit import services
from credit.models import EntryStatus, Source
from tests.credit.conftest import NOW

pytestmark = pytest.mark.django_db


def api(world, who: str) -> APIClient:
    client = APIClient()
    if world.users[who] is not None:
        client.force_authenticate(world.users[who])
    return client


@pytest.mark.parametrize(
    ("who", "entries", "scores"),
    [
        ("anonymous", 403, 403),
        ("citizen", 0, 403),
        ("clerk_x", 1, 403),
        ("clerk_x2", 0, 403),
        ("clerk_y", 0, 403),
        ("head_x", 1, 200),
        ("leader", 1, 200),
        ("head_y", 0, 200),
        ("leader_y", 0, 200),
        ("supervisor", 1, 200),
        ("admin", 1, 200),
    ],
)
def test_api_scope_matrix(world, who, entries, scores):
    client = api(world, who)
    response = client.get("/api/credit/entries/")
    if entries == 403:
        assert response.status_code in (401, 403)
    else:
        assert response.status_code == 200 and len(response.json()["results"]) == entries
    score = client.get("/api/credit/scores/")
    if who == "anonymous":
        assert score.status_code in (401, 403)
    else:
        assert score.status_code == scores
    if scores == 200:
        names = {row["name"]: row for row in score.json()}
        if entries:
            assert names[world.clerk_x.name]["points"] == 990
        else:  # a head or leader of another department
            assert world.clerk_x.name not in names and names


def test_api_filters_and_bad_parameters(world):
    client = api(world, "supervisor")
    assert client.get("/api/credit/entries/?status=pending").json()["results"] == []
    assert len(client.get("/api/credit/entries/?status=confirmed&subject=staff").json()["results"]) == 1
    bad = client.get("/api/credit/scores/?kind=people&grade=Z&on=yesterday")
    assert bad.status_code == 400 and {"kind", "grade"} <= set(bad.json())
    assert client.get("/api/credit/scores/?on=yesterday").status_code == 400
    grade_a = client.get(f"/api/credit/scores/?grade=A&department={world.x.pk}").json()
    assert world.clerk_x.name in {row["name"] for row in grade_a}
    assert len(client.get("/api/credit/rules/").json()) >= 18
    mine = api(world, "clerk_x").get("/api/credit/scores/mine/").json()
    assert (mine["points"], mine["grade"]) == (990, "A")


def test_api_confirm_dismiss_object_decide(world):
    supervisor = api(world, "supervisor")
    with time_machine.travel(NOW, tick=False):
        pending = services.propose_entry(
            rule_code="red_card_case", fact_date=dt.date(2026, 5, 3), source=Source.RED_CARD, staff=world.clerk_x
        )
        assert api(world, "clerk_x").post(f"/api/credit/entries/{pending.pk}/confirm/").status_code == 403
        assert supervisor.post(f"/api/credit/entries/{pending.pk}/dismiss/", {}).status_code == 400
        assert supervisor.post(f"/api/credit/entries/{pending.pk}/confirm/").json()["status"] == "confirmed"
        again = supervisor.post(f"/api/credit/entries/{pending.pk}/confirm/")
        assert again.status_code == 400 and "status" in again.json()
        assert (
            api(world, "clerk_x2").post(f"/api/credit/entries/{world.entry.pk}/object/", {"reasons": "x"}).status_code
            == 404
        )
        assert (
            api(world, "head_x").post(f"/api/credit/entries/{world.entry.pk}/object/", {"reasons": "x"}).status_code
            == 403
        )
        filed = api(world, "clerk_x").post(f"/api/credit/entries/{world.entry.pk}/object/", {"reasons": "非本人"})
        assert filed.status_code == 201
        objection_id = filed.json()["id"]
        assert api(world, "clerk_x").get("/api/credit/objections/").json()["results"][0]["id"] == objection_id
        bad = supervisor.post(f"/api/credit/objections/{objection_id}/decide/", {"outcome": "maybe"})
        assert bad.status_code == 400 and {"outcome", "reason"} <= set(bad.json())
        assert supervisor.post(f"/api/credit/objections/{objection_id}/accept/").json()["status"] == "accepted"
        decided = supervisor.post(
            f"/api/credit/objections/{objection_id}/decide/", {"outcome": "upheld", "reason": "证据充分"}
        )
        assert decided.json()["outcome"] == "upheld"
    world.entry.refresh_from_db()
    assert world.entry.status == EntryStatus.CONFIRMED


# --- what the pages offer, the API offers too --------------------------------------------------------------------


def test_api_records_an_entry_with_evidence(world, private_media):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from credit.models import CreditAttachment, CreditEntry
    from tests.factories import PDF_BYTES

    data = {
        "staff": world.clerk_x.pk,
        "rule_code": "kickbacks",
        "fact_date": "2026-05-01",
        "source": "police",
        "detail": "公安机关通报",
        "evidence": [SimpleUploadedFile("通报.pdf", PDF_BYTES), SimpleUploadedFile("笔录.pdf", PDF_BYTES)],
    }
    with time_machine.travel(NOW, tick=False):
        response = api(world, "supervisor").post("/api/credit/entries/", data, format="multipart")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["rule_code"], body["points"], body["status"], body["source"]) == (
        "kickbacks",
        -20,
        "confirmed",
        "police",
    )
    assert sorted(a["name"] for a in body["attachments"]) == ["笔录.pdf", "通报.pdf"]
    entry = CreditEntry.objects.get(pk=body["id"])
    assert CreditAttachment.objects.filter(entry=entry, objection__isnull=True).count() == 2
    served = world.client("clerk_x").get(body["attachments"][0]["url"])
    assert served.status_code == 200
    # The entry reads back with its evidence.
    detail = api(world, "clerk_x").get(f"/api/credit/entries/{entry.pk}/").json()
    assert len(detail["attachments"]) == 2
    # JSON works too, without files.
    with time_machine.travel(NOW, tick=False):
        plain = api(world, "supervisor").post(
            "/api/credit/entries/",
            {"department": world.x.pk, "rule_code": "commendation", "fact_date": "2026-05-02", "detail": "嘉奖"},
            format="json",
        )
    assert plain.status_code == 201 and (plain.json()["points"], plain.json()["source"]) == (20, "manual")


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        ({"staff": None}, {"non_field_errors"}),
        ({"department": "x-dept"}, {"non_field_errors"}),
        ({"rule_code": "no_such_rule"}, {"rule_code"}),
        ({"points": 5}, {"points"}),
        ({"fact_date": "2026-07-01"}, {"fact_date"}),
        ({"fact_date": "yesterday"}, {"fact_date"}),
        ({"source": "rumour"}, {"source"}),
        ({"detail": ""}, {"detail"}),
        ({"rule_code": "transfer", "staff": None, "department": "x-dept"}, {"rule_code"}),
        ({"evidence": "bad-file"}, {"evidence"}),
    ],
)
def test_api_entry_bad_input_gets_field_errors(world, private_media, change, fields):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from credit.models import CreditAttachment, CreditEntry

    data = {
        "staff": world.clerk_x.pk,
        "rule_code": "buck_passing",
        "fact_date": "2026-05-01",
        "source": "manual",
        "detail": "窗口推诿",
    }
    data.update(change)
    if data.get("department") == "x-dept":
        data["department"] = world.x.pk
    if data.get("evidence") == "bad-file":
        data["evidence"] = [SimpleUploadedFile("证明.pdf", b"MZ\x90\x00" + b"\x00" * 200)]
    data = {key: value for key, value in data.items() if value is not None}
    before = CreditEntry.objects.count()
    with time_machine.travel(NOW, tick=False):
        response = api(world, "supervisor").post("/api/credit/entries/", data, format="multipart")
    assert response.status_code == 400
    assert set(response.json()) == fields
    assert CreditEntry.objects.count() == before and not CreditAttachment.objects.exists()


def test_api_objection_with_papers(world, private_media):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from credit.models import CreditAttachment, CreditObjection
    from tests.factories import PDF_BYTES

    url = f"/api/credit/entries/{world.entry.pk}/object/"
    client = api(world, "clerk_x")
    with time_machine.travel(NOW, tick=False):
        bad = client.post(
            url,
            {"reasons": "理由", "papers": [SimpleUploadedFile("坏.pdf", b"MZ\x90\x00" + b"\x00" * 200)]},
            format="multipart",
        )
        assert bad.status_code == 400 and set(bad.json()) == {"papers"}
        assert not CreditObjection.objects.exists() and not CreditAttachment.objects.exists()
        assert client.post(url, {"reasons": ""}, format="multipart").json().keys() == {"reasons"}
        filed = client.post(
            url, {"reasons": "当日系统故障", "papers": [SimpleUploadedFile("日志.pdf", PDF_BYTES)]}, format="multipart"
        )
    assert filed.status_code == 201
    papers = filed.json()["papers"]
    assert [paper["name"] for paper in papers] == ["日志.pdf"]
    objection = CreditObjection.objects.get()
    assert papers[0]["objection"] == objection.pk
    assert world.client("supervisor").get(papers[0]["url"]).status_code == 200
    assert world.client("head_x").get(papers[0]["url"]).status_code == 404
    # The entry lists the papers to those who may open them only.
    assert len(api(world, "supervisor").get(f"/api/credit/entries/{world.entry.pk}/").json()["attachments"]) == 1
    assert api(world, "head_x").get(f"/api/credit/entries/{world.entry.pk}/").json()["attachments"] == []


def test_api_objections_are_listed_within_scope(world):
    with time_machine.travel(NOW, tick=False):
        objection = services.file_objection(world.entry, world.users["clerk_x"], "不属实")
    for who, expected in {
        "clerk_x": [objection.pk],
        "head_x": [objection.pk],
        "leader": [objection.pk],
        "supervisor": [objection.pk],
        "clerk_x2": [],
        "head_y": [],
        "leader_y": [],
        "citizen": [],
    }.items():
        rows = api(world, who).get("/api/credit/objections/").json()["results"]
        assert [row["id"] for row in rows] == expected, who
    assert api(world, "head_x").get(f"/api/credit/objections/{objection.pk}/").status_code == 200
    assert api(world, "head_y").get(f"/api/credit/objections/{objection.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("who", "staff_code", "department_code"),
    [
        ("clerk_x", 200, 404),
        ("clerk_x2", 404, 404),
        ("head_x", 200, 200),
        ("leader", 200, 200),
        ("head_y", 404, 404),
        ("leader_y", 404, 404),
        ("supervisor", 200, 200),
        ("citizen", 404, 404),
    ],
)
def test_api_subject_record_is_scoped_like_the_pages(world, who, staff_code, department_code):
    client = api(world, who)
    staff = client.get(f"/api/credit/subjects/staff/{world.clerk_x.pk}/?on=2026-06-01")
    department = client.get(f"/api/credit/subjects/departments/{world.x.pk}/?on=2026-06-01")
    assert (staff.status_code, department.status_code) == (staff_code, department_code)
    if staff_code == 200:
        body = staff.json()
        assert (body["points"], body["grade"], body["entries"], body["on"]) == (990, "A", 1, "2026-06-01")
        assert body["timeline"] == [
            {
                "day": "2026-05-20",
                "entry": world.entry.pk,
                "rule_code": "buck_passing",
                "rule_name": "推诿扯皮",
                "status": "confirmed",
                "starts": True,
                "change": -10,
                "downgrade_to": "",
                "points_after": 990,
                "grade_after": "A",
            }
        ]


def test_api_subject_record_before_the_fact_and_bad_dates(world):
    client = api(world, "clerk_x")
    early = client.get(f"/api/credit/subjects/staff/{world.clerk_x.pk}/?on=2026-05-19").json()
    assert (early["points"], early["timeline"]) == (1000, [])
    bad = client.get(f"/api/credit/subjects/staff/{world.clerk_x.pk}/?on=19/05/2026")
    assert bad.status_code == 400 and set(bad.json()) == {"on"}
    assert api(world, "head_x").get("/api/credit/subjects/departments/999999/").status_code == 404


def test_api_blacklist_and_grade_distribution(world):
    from tests.credit.factories import bare_entry

    bare_entry(world.clerk_x, code="dismissal_proposal", fact_date=dt.date(2026, 1, 1), years=5).save()
    black = api(world, "supervisor").get("/api/credit/blacklist/?on=2026-06-01")
    assert black.status_code == 200
    assert [(row["name"], row["grade"], row["blacklisted"]) for row in black.json()] == [
        (world.clerk_x.name, "D", True)
    ]
    assert api(world, "head_x").get("/api/credit/blacklist/").json()[0]["id"] == world.clerk_x.pk
    assert api(world, "head_y").get("/api/credit/blacklist/").json() == []
    assert api(world, "clerk_x").get("/api/credit/blacklist/").status_code == 403
    assert api(world, "supervisor").get("/api/credit/blacklist/?on=never").status_code == 400

    client = api(world, "head_x")
    people = client.get("/api/credit/scores/?on=2026-06-01").json()
    counts = {row["grade"]: row["count"] for row in client.get("/api/credit/scores/distribution/?on=2026-06-01").json()}
    assert list(counts) == ["AAA", "AA", "A", "B", "C", "D"]
    assert sum(counts.values()) == len(people) and counts["D"] == 1
    departments = client.get("/api/credit/scores/distribution/?kind=department").json()
    assert sum(row["count"] for row in departments) == 1  # the head's department
    bad = client.get("/api/credit/scores/distribution/?kind=people&department=x")
    assert bad.status_code == 400 and set(bad.json()) == {"kind", "department"}
    assert api(world, "clerk_x").get("/api/credit/scores/distribution/").status_code == 403
