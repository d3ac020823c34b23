"""Reading users."""

from __future__ import annotations

from django.db.models import Q

from .models import User


def login_taken(value: str, *, exclude_pk: int | None = None) -> bool:
    """Whether ``value`` already signs someone in: as a username, a phone number or an e-mail address.

    Sign-in accepts any of the three, so a new phone or e-mail must not equal another user's username either.
    """
    users = User.objects.filter(Q(username__iexact=value) | Q(phone=value) | Q(email__iexact=value))
    if exclude_pk is not None:
        users = users.exclude(pk=exclude_pk)
    return users.exists()
