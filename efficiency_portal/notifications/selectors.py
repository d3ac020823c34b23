"""Reads of the notifications app."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.http import url_has_allowed_host_and_scheme

from efficiency_portal.accounts.models import User

from .models import Notification

PAGE_SIZE = 20


def unread_count(user: User) -> int:
    """One indexed count (the partial index on unread rows)."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notifications_for(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).order_by("-id")


def notification_page(
    user: User, before: int | None = None, size: int = PAGE_SIZE
) -> tuple[list[Notification], int | None]:
    """One page of the user's notifications, newest first, keyset-paginated by id.

    Returns the rows and the ``before`` cursor of the next page (None on the last page).
    """
    rows = notifications_for(user)
    if before is not None:
        rows = rows.filter(id__lt=before)
    page = list(rows[: size + 1])
    next_before = page[size - 1].id if len(page) > size else None
    return page[:size], next_before


def local_path(link: str) -> str | None:
    """``link`` if it is a path on this site, else None: a notification never redirects elsewhere."""
    if not link or not link.startswith("/") or link.startswith("//") or "\\" in link:
        return None
    if not url_has_allowed_host_and_scheme(link, allowed_hosts=set(), require_https=False):
        return None
    return link
