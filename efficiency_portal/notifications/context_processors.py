from __future__ import annotations

from django.http import HttpRequest

from .selectors import unread_count


def unread(request: HttpRequest) -> dict:
    """The unread count for the bell in the base layout (None hides the bell)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": None}
    return {"unread_notifications": unread_count(user)}
