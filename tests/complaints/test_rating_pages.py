"""Rating pages: rating a finished case (only one's own), window ratings, the ratings list scoped by role with
statistics, appeals, and rectification orders for the rated department only."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints.models import AppealStatus, RectificationOrder, RectificationStatus, ServiceRating
from complaints.services import ratings
from efficiency_portal.org.models import Role
from tests.factories import CitizenFactory, DepartmentFactory, ItemFactory, StaffFactory, make_accepted_case, make_head

from .factories import make_supervisor

pytestmark = pytest.mark.django_db
XSS = "<script>alert(1)</script>"


def finished_case(applicant):
    case = make_accepted_case(ItemFactory(), applicant=applicant, status="delivered")
    type(case).objects.filter(pk=case.pk).update(decided_at=timezone.now(), delivered_at=timezone.now())
    case.refresh_from_db()
    return case


def test_citizen_rates_own_finished_case_once(client):
    citizen = CitizenFactory()
    case = finished_case(citizen)
    client.force_login(CitizenFactory())
    assert client.get(reverse("complaints:rate_case", args=[case.pk])).status_code == 404
    client.force_login(citizen)
    page = client.get(reverse("approvals:my_case", args=[case.pk])).content.decode()
    assert reverse("complaints:rate_case", args=[case.pk]) in page
    bad = client.post(reverse("complaints:rate_case", args=[case.pk]), {"level": "9"})
    assert bad.status_code == 200 and not ServiceRating.objects.exists()
    response = client.post(reverse("complaints:rate_case", args=[case.pk]), {"level": "2", "comment": XSS})
    assert response.status_code == 302
    rating = ServiceRating.objects.get()
    assert rating.case == case and rating.rectification.status == RectificationStatus.OPEN
    again = client.get(reverse("complaints:rate_case", args=[case.pk]))
    assert again.status_code == 302 and ServiceRating.objects.count() == 1


def test_window_rating_page_for_anyone(client):
    window = DepartmentFactory()
    response = client.post(reverse("complaints:rate_window"), {"department": window.pk, "level": "5"})
    assert response.status_code == 302 and ServiceRating.objects.get().department == window


def test_rating_list_scope_and_statistics(client, django_assert_max_num_queries):
    x, y = DepartmentFactory(name="甲局"), DepartmentFactory(name="乙局")
    ratings.rate_window_visit(x, level=5, comment=XSS)
    ratings.rate_window_visit(y, level=1)
    head_x = make_head(x)
    client.force_login(head_x.user)
    page = client.get(reverse("complaints:rating_list"))
    assert [r.department for r in page.context["ratings"]] == [x]
    assert XSS not in page.content.decode()
    client.force_login(make_supervisor())
    page = client.get(reverse("complaints:rating_list"))
    assert {row["name"] for row in page.context["stats"]} == {"甲局", "乙局"}
    with django_assert_max_num_queries(15) as few:
        client.get(reverse("complaints:rating_list"))
    for _ in range(10):
        ratings.rate_window_visit(x, level=4)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("complaints:rating_list"))
    export = client.get(reverse("complaints:rating_list") + "?export=xlsx")
    assert export.status_code == 200


def test_appeal_through_the_pages(client):
    window = DepartmentFactory()
    clerk = StaffFactory(department=window, roles=[Role.CLERK])
    make_head(window)
    rating = ratings.rate_window_visit(window, level=1, handler=clerk)
    client.force_login(clerk.user)
    url = reverse("complaints:rating_detail", args=[rating.pk])
    client.post(url, {"action": "appeal", "appeal-reason": "该群众因违规要求未满足而恶意差评"})
    assert ServiceRating.objects.get().appeal_status == AppealStatus.PENDING
    client.post(url, {"action": "decide", "decision-uphold": "1", "decision-decision": "同意"})
    assert ServiceRating.objects.get().appeal_status == AppealStatus.PENDING  # a clerk cannot decide
    client.force_login(make_supervisor())
    client.post(url, {"action": "decide", "decision-uphold": "1", "decision-decision": "经核实属恶意差评"})
    assert ServiceRating.objects.get().appeal_status == AppealStatus.UPHELD
    assert RectificationOrder.objects.get().status == RectificationStatus.SET_ASIDE
    client.force_login(CitizenFactory())
    assert client.get(url).status_code == 403


def test_rectification_pages_for_the_rated_department_only(client):
    window = DepartmentFactory()
    clerk = StaffFactory(department=window, roles=[Role.CLERK])
    rating = ratings.rate_window_visit(window, level=2)
    order = rating.rectification
    outsider = StaffFactory(roles=[Role.CLERK])
    client.force_login(outsider.user)
    assert order not in client.get(reverse("complaints:rectification_list")).context["orders"]
    assert client.get(reverse("complaints:rectification_detail", args=[order.pk])).status_code == 404
    client.force_login(CitizenFactory())
    assert client.get(reverse("complaints:rectification_list")).status_code == 403
    client.force_login(clerk.user)
    assert list(client.get(reverse("complaints:rectification_list")).context["orders"]) == [order]
    url = reverse("complaints:rectification_detail", args=[order.pk])
    assert client.post(url, {"note": ""}).status_code == 200
    client.post(url, {"note": "已联系"})
    client.post(url, {"note": "已整改"})
    page = client.get(url)
    assert not page.context["may_step"]  # the follow-up belongs to the supervision office
    client.post(url, {"note": "自行回访"})
    assert RectificationOrder.objects.get().status == RectificationStatus.RECTIFIED
