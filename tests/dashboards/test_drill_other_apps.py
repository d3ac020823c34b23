"""Each complaint, rating, credit and assessment figure of the command centre opens that app's list filtered to what
it counts, and the list, loaded by a supervisor, holds exactly the figure's number of rows (test city of
conftest.py: a complaint in each state, one overdue; bad ratings with orders, one overdue; a pending credit entry; an
objection past its clock; appeals, one due)."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest
from django.urls import NoReverseMatch, reverse

from efficiency_portal.dashboards.selectors import figures

pytestmark = pytest.mark.django_db

# figure key → (the list's URL name, the filter it must carry, the figure's hand-counted value)
LINKED = {
    "complaints_awaiting": ("complaints:work_list", {"state": "awaiting"}, 2),
    "complaints_open": ("complaints:work_list", {"state": "open"}, 4),
    "complaints_overdue": ("complaints:work_list", {"state": "overdue"}, 1),
    "rectifications_open": ("complaints:rectification_list", {"state": "open"}, 2),
    "rectifications_overdue": ("complaints:rectification_list", {"state": "overdue"}, 1),
    "credit_pending": ("credit:pending_list", {}, 1),
    "objections_open": ("credit:objection_list", {"state": "open"}, 1),
    "objections_overdue": ("credit:objection_list", {"state": "overdue"}, 1),
    "appeals_open": ("assessment:appeal_list", {"state": "open"}, 2),
    "appeals_due": ("assessment:appeal_list", {"state": "due"}, 1),
}


def listed(response) -> int:
    """How many rows the list holds: a numbered page's count, or a keyset page's rows (the city has fewer than one
    page of each)."""
    page = response.context["page"]
    if hasattr(page, "paginator"):
        return page.paginator.count
    assert page.next_cursor is None
    return len(page.rows)


@pytest.mark.parametrize("key", list(LINKED))
def test_the_figure_opens_its_list_and_the_list_counts_alike(world, city, login, key):
    name, query, value = LINKED[key]
    try:
        path = reverse(name)
    except NoReverseMatch:
        pytest.fail(f"{name} does not exist yet")
    client = login(world.supervisor.user)
    figure = figures.flat(client.get(reverse("dashboards:command_centre")).context["sections"])[key]
    assert figure.value == value
    assert figure.url is not None, key
    parts = urlsplit(figure.url)
    assert parts.path == path and dict(parse_qsl(parts.query)) == query
    response = client.get(figure.url)
    assert response.status_code == 200
    assert listed(response) == figure.value, key
