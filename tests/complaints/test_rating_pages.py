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


def track(client, case, proof="13800000000"):
    """Prove the case on the tracking page, as an applicant without an account does."""
    response = client.post(reverse("approvals:track"), {"code": case.tracking_code, "proof": proof})
    assert response.status_code == 302, response.content.decode()[:300]


def test_applicant_without_an_account_rates_from_the_tracking_page(client):
    case, other, still_open = finished_case(None), finished_case(None), make_accepted_case(status="processing")
    url = reverse("complaints:rate_case", args=[case.pk])
    # Without proving the case in this session: nothing to see, nothing written.
    assert client.get(url).status_code == 404
    assert client.post(url, {"level": "5"}).status_code == 404
    track(client, other)
    assert client.get(url).status_code == 404  # proving another case does not open this one
    track(client, case)
    page = client.get(reverse("approvals:track_case", args=[case.pk])).content.decode()
    assert f'href="{url}"' in page
    assert f"?department={case.department_id}" in page  # a complaint starts with the department chosen
    assert not ServiceRating.objects.exists()
    bad = client.post(url, {"level": "0"})
    assert bad.status_code == 200 and not ServiceRating.objects.exists()
    response = client.post(url, {"level": "1", "comment": XSS})
    assert response.status_code == 302 and response["Location"] == reverse("approvals:track_case", args=[case.pk])
    rating = ServiceRating.objects.get()
    assert (rating.case, rating.rater, rating.level, rating.is_default) == (case, None, 1, False)
    assert rating.rectification.status == RectificationStatus.OPEN  # a bad rating is followed up all the same
    page = client.get(reverse("approvals:track_case", args=[case.pk])).content.decode()
    assert "This service was rated" in page and f'href="{url}"' not in page
    again = client.post(url, {"level": "5"})
    assert again.status_code == 302 and ServiceRating.objects.count() == 1
    # An open case proved on the tracking page is not rated yet, and offers no rating.
    track(client, still_open)
    assert client.get(reverse("complaints:rate_case", args=[still_open.pk])).status_code == 404
    assert 'id="rate-case"' not in client.get(reverse("approvals:track_case", args=[still_open.pk])).content.decode()


def test_a_signed_in_visitor_who_proved_someone_elses_case_is_recorded_as_the_rater(client):
    owner, visitor = CitizenFactory(), CitizenFactory()
    case = finished_case(owner)
    client.force_login(visitor)
    assert client.get(reverse("complaints:rate_case", args=[case.pk])).status_code == 404
    track(client, case)
    response = client.post(reverse("complaints:rate_case", args=[case.pk]), {"level": "4"})
    assert response.status_code == 302 and ServiceRating.objects.get().rater == visitor


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
