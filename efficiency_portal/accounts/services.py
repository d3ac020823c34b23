"""Writes on users: registration, profile changes, and the audit entries they leave."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from efficiency_portal.audit import actions
from efficiency_portal.audit.services import record

from .models import User


class RegistrationConflict(Exception):
    """The phone or e-mail was taken by someone else between validation and saving."""


@dataclass(frozen=True)
class Registration:
    kind: str
    display_name: str
    password: str
    phone: str = ""
    email: str = ""
    enterprise_name: str = ""
    credit_code: str = ""


def _new_username(kind: str) -> str:
    # Citizens sign in with their phone or e-mail; the username is an opaque handle that never collides with one.
    while True:
        candidate = f"{kind}-{secrets.token_hex(5)}"
        if not User.objects.filter(username=candidate).exists():
            return candidate


def register_user(registration: Registration) -> User:
    if registration.kind not in (User.Kind.CITIZEN, User.Kind.ENTERPRISE):
        raise ValueError(f"cannot self-register as {registration.kind!r}")
    if not (registration.phone or registration.email):
        raise ValueError("a phone number or an e-mail address is required")
    is_enterprise = registration.kind == User.Kind.ENTERPRISE
    user = User(
        username=_new_username(registration.kind),
        kind=registration.kind,
        display_name=registration.display_name.strip(),
        phone=registration.phone,
        email=registration.email,
        enterprise_name=registration.enterprise_name.strip() if is_enterprise else "",
        credit_code=registration.credit_code if is_enterprise else "",
    )
    user.set_password(registration.password)
    try:
        with transaction.atomic():
            user.save()
            record(
                user,
                actions.REGISTER,
                target=user,
                detail={"kind": user.kind, "phone": bool(user.phone), "email": bool(user.email)},
            )
    except IntegrityError as error:
        raise RegistrationConflict from error
    return user


PROFILE_FIELDS = ("display_name", "phone", "email")


class ProfileConflict(Exception):
    """The new phone or e-mail was taken by someone else between validation and saving."""


def update_profile(user: User, *, display_name: str, phone: str, email: str) -> list[str]:
    """Save the changed profile fields; returns their names (nothing is written when nothing changed).

    Compares with the stored row, not with ``user``: a bound model form has already copied the input onto it.
    """
    values = {"display_name": display_name.strip(), "phone": phone, "email": email}
    try:
        with transaction.atomic():
            stored = User.objects.select_for_update().only(*PROFILE_FIELDS).get(pk=user.pk)
            changed = [name for name in PROFILE_FIELDS if getattr(stored, name) != values[name]]
            if changed:
                User.objects.filter(pk=user.pk).update(**{name: values[name] for name in changed})
                record(user, actions.PROFILE_UPDATE, target=user, detail={"changed": changed})
    except IntegrityError as error:
        raise ProfileConflict from error
    for name, value in values.items():
        setattr(user, name, value)
    return changed


@transaction.atomic
def change_password(user: User, new_password: str) -> None:
    """Set a password already checked by Django's password change form (old password, validators)."""
    user.set_password(new_password)
    user.save(update_fields=["password"])
    record(user, actions.PASSWORD_CHANGE, target=user)
