"""A civil servant's own ratings page, linked from their dashboard; the supervisors' queues of appeals (filter,
link, notification); the formula safety of the ratings export."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from complaints.models import AppealStatus, RectificationStatus
from complaints.services import ratings
from efficiency_portal.notifications.models import Notification
from efficiency_portal.org.models import Role
from tests.factories import CitizenFactory, DepartmentFactory, StaffFactory, make_head

from .factories import make_supervisor

pytestmark = pytest.mark.django_db
FORMULAS = ('=HYPERLINK("http://evil.example","x")', "+1+2", "-3+4", "@SUM(A1:A2)")


def test_my_ratings_shows_my_ratings_with_their_rectification_and_never_the_citizen(client):
    window = DepartmentFactory()
    make_head(window)
    me = StaffFactory(department=window, roles=[Role.CLERK])
    colleague = StaffFactory(department=window, roles=[Role.CLERK])
    citizen = CitizenFactory(display_name="钱多多", phone="13712345678")
    good = ratings.rate_window_visit(window, level=5, handler=me, rater=citizen, comment="服务热情")
    bad = ratings.rate_window_visit(window, level=1, handler=me, rater=citizen, comment="让我等了一个小时")
    ratings.record_contact(bad.rectification, me.user, note="已电话致歉")
    ratings.rate_window_visit(window, level=2, handler=colleague, comment="同事的差评")
    client.force_login(me.user)
    page = client.get(reverse("complaints:my_ratings"))
    assert page.status_code == 200
    assert [r.pk for r in page.context["ratings"]] == [bad.pk, good.pk]
    text = page.content.decode()
    assert "服务热情" in text and "让我等了一个小时" in text and "同事的差评" not in text
    assert str(RectificationStatus.CONTACTED.label) in text
    for secret in ("钱多多", "13712345678", citizen.username, citizen.email):
        assert secret not in text
    # The link on the personal dashboard.
    assert reverse("complaints:my_ratings") in client.get(reverse("dashboards:me")).content.decode()


@pytest.mark.parametrize(("who", "status"), [("anonymous", 302), ("citizen", 403), ("supervisor", 200)])
def test_my_ratings_is_for_staff(client, who, status):
    if who == "citizen":
        client.force_login(CitizenFactory())
    elif who == "supervisor":
        client.force_login(make_supervisor())
    assert client.get(reverse("complaints:my_ratings")).status_code == status


def test_an_appeal_tells_the_supervisors_and_waits_in_their_queue(client):
    window = DepartmentFactory()
    head = make_head(window)
    first, second = make_supervisor(), make_supervisor()
    inactive = make_supervisor()
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    rating = ratings.rate_window_visit(window, level=1)
    ratings.rate_window_visit(window, level=2)
    ratings.appeal_rating(rating, head.user, reason="恶意差评")
    told = Notification.objects.filter(dedupe_key__startswith=f"rating:appeal:{rating.pk}:")
    assert {n.recipient for n in told} == {first, second}
    assert {n.link for n in told} == {reverse("complaints:rating_detail", args=[rating.pk])}
    client.force_login(first)
    page = client.get(reverse("complaints:rating_list"))
    text = page.content.decode()
    assert 'id="r-appeal"' in text and 'id="appeal-queue"' in text and "1 appeal waiting for a decision" in text
    queue = client.get(reverse("complaints:rating_list") + f"?appeal={AppealStatus.PENDING}")
    assert [r.pk for r in queue.context["ratings"]] == [rating.pk]
    ratings.decide_appeal(rating, first, uphold=False, decision="维持")
    assert list(client.get(reverse("complaints:rating_list") + "?appeal=pending").context["ratings"]) == []


def test_ratings_export_neutralises_formulas(client):
    window = DepartmentFactory()
    for formula in FORMULAS:
        ratings.rate_window_visit(window, level=3, comment=formula)
    client.force_login(make_supervisor())
    response = client.get(reverse("complaints:rating_list") + "?export=xlsx")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cells = [cell.value for row in book.active.iter_rows() for cell in row if isinstance(cell.value, str)]
    for formula in FORMULAS:
        assert formula not in cells and f"'{formula}" in cells
    assert not any(cell.data_type == "f" for row in book.active.iter_rows() for cell in row)


def test_the_ratings_list_pages_instead_of_cutting_off(client, monkeypatch):
    monkeypatch.setattr("complaints.views.ratings.ORDERS_PER_PAGE", 2)
    window = DepartmentFactory()
    made = [ratings.rate_window_visit(window, level=4).pk for _ in range(5)]
    client.force_login(make_supervisor())
    seen, url = [], reverse("complaints:rating_list") + f"?department={window.pk}"
    response = client.get(url)
    while True:
        seen += [r.pk for r in response.context["ratings"]]
        if not response.context["page"].has_next():
            break
        response = client.get(url + f"&page={response.context['page'].next_page_number()}")
    assert sorted(seen) == sorted(made) and len(seen) == 5
