"""Keyset pagination over (at, id), newest first: the cost of a page does not grow with how deep it is."""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.db.models import Model, Q, QuerySet

T = TypeVar("T", bound=Model)


@dataclass(frozen=True)
class Cursor:
    at: dt.datetime
    id: int

    def encode(self) -> str:
        raw = f"{self.at.isoformat()}|{self.id}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str | None) -> Cursor | None:
        """The cursor in ``token``, or None when it is missing or malformed (the first page is shown then)."""
        if not token:
            return None
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
            at_text, id_text = raw.split("|", 1)
            at = dt.datetime.fromisoformat(at_text)
            if at.tzinfo is None:
                return None
            return cls(at=at, id=int(id_text))
        except (ValueError, UnicodeDecodeError):
            return None


@dataclass
class KeysetPage(Generic[T]):
    rows: list[T]
    next_cursor: str | None
    is_first: bool


def keyset_page(queryset: QuerySet[T], cursor: Cursor | None, size: int) -> KeysetPage[T]:
    """One page of ``queryset`` ordered by ``-at, -id`` after ``cursor``; one query."""
    ordered = queryset.order_by("-at", "-id")
    if cursor is not None:
        ordered = ordered.filter(Q(at__lt=cursor.at) | Q(at=cursor.at, id__lt=cursor.id))
    rows = list(ordered[: size + 1])
    has_more = len(rows) > size
    rows = rows[:size]
    next_cursor = Cursor(rows[-1].at, rows[-1].pk).encode() if has_more else None
    return KeysetPage(rows=rows, next_cursor=next_cursor, is_first=cursor is None)
