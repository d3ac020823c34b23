"""The supervisors' lists behind the command centre's figures: each lists exactly what its figure counts, and each
exports to Excel. The blacklist export too."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from credit import services
from credit.models import CreditObjection, ObjectionOutcome, Source
from credit.selectors import dashboard_counts
from tests.credit.conftest import NOW, World, workbook_rows
from tests.credit.factories import bare_entry
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db
TZ = NOW.tzinfo


def _objection(world: World, when: dt.datetime, name: str) -> CreditObjection:
    person = StaffFactory(department=world.x, name=name)
    with time_machine.travel(when, tick=False):
        entry = services.record_entry(
            rule_code="kickbacks",
            fact_date=when.date() - dt.timedelta(days=1),
            source=Source.MANUAL,
            staff=person,
            actor=world.users["supervisor"],
        )
        return services.file_objection(entry, person.user, "不属实")


@pytest.fixture
def figures(world: World) -> dict[str, object]:
    """Two pending entries (and one dismissed), objections: one late, one accepted, one fresh, one decided."""
    boss = world.users["supervisor"]
    with time_machine.travel(NOW, tick=False):
        for n, code in enumerate(("red_card_case", "bad_rating", "red_card_case")):
            entry = services.propose_entry(
                rule_code=code, fact_date=dt.date(2026, 5, 10 + n), source=Source.RED_CARD, staff=world.clerk_x
            )
        services.dismiss_entry(entry, boss, "重复")
    late = _objection(world, dt.datetime(2026, 5, 18, 10, tzinfo=TZ), "逾期人")  # accept due 20 May
    accepted = _objection(world, dt.datetime(2026, 5, 25, 10, tzinfo=TZ), "受理人")
    with time_machine.travel(dt.datetime(2026, 5, 26, 10, tzinfo=TZ), tick=False):
        services.accept_objection(accepted, boss)  # decide due 9 June
    fresh = _objection(world, dt.datetime(2026, 6, 1, 9, tzinfo=TZ), "新异议人")  # accept due 3 June
    decided = _objection(world, dt.datetime(2026, 5, 11, 10, tzinfo=TZ), "已决定人")
    with time_machine.travel(dt.datetime(2026, 5, 12, 10, tzinfo=TZ), tick=False):
        services.decide_objection(decided, boss, outcome=ObjectionOutcome.UPHELD, reason="证据充分")
    return {"late": late, "accepted": accepted, "fresh": fresh, "decided": decided}


@pytest.mark.parametrize(
    ("figure", "url", "names"),
    [
        ("pending", "credit:pending_list", None),
        ("objections_open", "credit:objection_list?state=open", {"逾期人", "受理人", "新异议人"}),
        ("objections_overdue", "credit:objection_list?state=overdue", {"逾期人"}),
    ],
)
def test_each_list_shows_what_its_figure_counts(world, figures, figure, url, names):
    name, _sep, query = url.partition("?")
    with time_machine.travel(NOW, tick=False):
        counts = dashboard_counts(NOW.date())
        response = world.client("supervisor").get(reverse(name) + ("?" + query if query else ""))
    assert counts == {"pending": 2, "objections_open": 3, "objections_overdue": 1}
    listed = list(response.context["page"])
    assert len(listed) == response.context["page"].paginator.count == counts[figure]
    html = response.content.decode()
    if names is not None:
        assert {objection.entry.staff.name for objection in listed} == names
        assert f"{counts[figure]} objection" in html
    else:
        assert {entry.status for entry in listed} == {"pending"}
        assert f"{counts[figure]} entries to confirm" in html


def test_all_objections_and_an_unknown_state(world, figures):
    client = world.client("supervisor")
    with time_machine.travel(NOW, tick=False):
        assert client.get(reverse("credit:objection_list") + "?state=all").context["page"].paginator.count == 4
        odd = client.get(reverse("credit:objection_list") + "?state=bogus", follow=True)
    assert odd.status_code == 200 and odd.context["state"] == "open"
    assert "Unknown state" in odd.content.decode()


def test_pending_list_exports_its_rows(world, figures):
    with time_machine.travel(NOW, tick=False):
        rows = workbook_rows(world.client("supervisor").get(reverse("credit:pending_list") + "?export=xlsx"))
    assert rows[0][:3] == ("Subject", "Rule", "Points")
    assert sorted(row[1] for row in rows[1:]) == ["差评属实", "红牌办件"]
    assert {row[0] for row in rows[1:]} == {world.clerk_x.name}


def test_objection_list_exports_the_state_asked_for(world, figures):
    client = world.client("supervisor")
    with time_machine.travel(NOW, tick=False):
        overdue = workbook_rows(client.get(reverse("credit:objection_list") + "?state=overdue&export=xlsx"))
        everything = workbook_rows(client.get(reverse("credit:objection_list") + "?state=all&export=xlsx"))
    header = overdue[0]
    assert header[:2] == ("Subject", "Rule") and "Clock" in header and "Due" in header
    assert [row[0] for row in overdue[1:]] == ["逾期人"]
    assert overdue[1][header.index("Clock")] in {"Green (on schedule)", "Yellow (due soon)", "Red (overdue)"}
    assert overdue[1][header.index("Reasons")] == "不属实"
    assert sorted(row[0] for row in everything[1:]) == sorted(["逾期人", "受理人", "新异议人", "已决定人"])
    assert world.client("head_x").get(reverse("credit:objection_list") + "?export=xlsx").status_code == 403


def test_blacklist_exports_its_rows(world):
    bare_entry(world.clerk_x, code="dismissal_proposal", fact_date=dt.date(2026, 1, 1), years=5).save()
    for fact in (dt.date(2025, 9, 1), dt.date(2026, 1, 1), dt.date(2026, 2, 1)):
        bare_entry(department=world.y, code="public_criticism_4", points=-60, fact_date=fact, years=2).save()
    bare_entry(StaffFactory(department=world.x), fact_date=dt.date(2026, 1, 1)).save()  # 997, A: not listed
    rows = workbook_rows(world.client("supervisor").get(reverse("credit:blacklist") + "?export=xlsx&on=2026-06-01"))
    assert rows[0] == ("Name", "Department", "Score", "Grade", "Direct downgrade", "Counting entries")
    assert rows[1:] == [
        (world.clerk_x.name, world.x.name, 990, "D", "D", 2),  # the world's -10, and the dismissal proposal
        (world.y.name, None, 820, "C", None, 3),
    ]
    # A head sees only their departments' people.
    scoped = workbook_rows(world.client("head_x").get(reverse("credit:blacklist") + "?export=xlsx&on=2026-06-01"))
    assert [row[0] for row in scoped[1:]] == [world.clerk_x.name]


def test_objection_and_pending_lists_keep_their_queries_constant(world, figures, django_assert_max_num_queries):
    client = world.client("supervisor")
    urls = [reverse("credit:objection_list") + "?state=all", reverse("credit:pending_list")]
    with time_machine.travel(NOW, tick=False):
        counted = []
        for url in urls:
            client.get(url)
            with django_assert_max_num_queries(30) as first:
                client.get(url)
            counted.append(len(first.captured_queries))
        for n in range(6):
            _objection(world, dt.datetime(2026, 5, 20 + n % 3, 10, tzinfo=TZ), f"又一人{n}")
            services.propose_entry(
                rule_code="bad_rating", fact_date=dt.date(2026, 5, 1 + n), source=Source.BAD_RATING, staff=world.clerk_x
            )
        for url, limit in zip(urls, counted, strict=True):
            with django_assert_max_num_queries(limit):
                response = client.get(url)
            assert len(response.context["page"]) >= 7
