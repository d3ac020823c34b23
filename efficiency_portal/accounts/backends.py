from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Q
from django.http import HttpRequest


class UsernamePhoneOrEmailBackend(ModelBackend):
    """Staff sign in with their username; citizens may also use the phone number or e-mail they registered."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ):
        if not username or password is None:
            return None
        user_model = get_user_model()
        login = username.strip()
        matches = list(
            user_model._default_manager.filter(
                Q(username__iexact=login) | Q(phone=login) | (Q(email__iexact=login) & ~Q(email=""))
            )[:2]
        )
        if len(matches) != 1:
            # Run the hasher anyway so that timing does not reveal whether the login exists.
            user_model().set_password(password)
            return None
        user = matches[0]
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
