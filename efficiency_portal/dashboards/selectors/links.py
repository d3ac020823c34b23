"""Links from the dashboards to other apps' pages: only to pages that exist and that the viewer may open."""

from __future__ import annotations

from collections.abc import Callable

from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode

from approvals.selectors import stats
from efficiency_portal.org.roles import is_supervisor


def url_or_none(name: str, *args, query: dict | list | None = None) -> str | None:
    """A link to another app's page, or None while that page does not exist (its figure is shown unlinked)."""
    try:
        url = reverse(name, args=args)
    except NoReverseMatch:
        return None
    return f"{url}?{urlencode(query)}" if query else url


# Who may open each other app's list: that app's own predicate (complaints, credit and assessment keep their lists to
# supervisors and administrators, ``org.roles.is_supervisor``; approvals its statistics to ``may_read_statistics``).
# The rectification list opens to any civil servant too, but then lists only their own departments' orders, not the
# city-wide count the figure shows, so the figure links it for supervisors only.
TARGET_ACCESS: dict[str, Callable[[object], bool]] = {
    "approvals:statistics": stats.may_read_statistics,
    "approvals:department_statistics": stats.may_read_statistics,
    "complaints:work_list": is_supervisor,
    "complaints:rectification_list": is_supervisor,
    "credit:pending_list": is_supervisor,
    "credit:objection_list": is_supervisor,
    "assessment:appeal_list": is_supervisor,
    "approvals:card_review": is_supervisor,
}


def may_open(user, name: str) -> bool:
    return bool(user is not None and user.is_authenticated and TARGET_ACCESS[name](user))


def link_for(user, name: str, *args, query: dict | list | None = None) -> str | None:
    """A link to another app's page for ``user``: None when the page does not exist or ``user`` may not open it
    (a leader sees the command centre, but not the complaint, credit and assessment lists)."""
    if not may_open(user, name):
        return None
    return url_or_none(name, *args, query=query)
