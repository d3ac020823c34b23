"""Sign-in, sign-out and lockout go to the audit log through Django's and django-axes' signals."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from . import actions
from .models import Result
from .services import LABEL_LENGTH, record


def _attempted_login(credentials: dict | None) -> str:
    # Django has already masked the password in ``credentials``; only the login is kept.
    return str((credentials or {}).get("username") or "")[:LABEL_LENGTH]


def _denied_by_lockout(request: HttpRequest | None) -> bool:
    """True when axes refused this attempt because the login was already locked.

    Axes counts failures (``axes_failures_since_start``) only for attempts it let through; the attempt that
    causes the lock is counted and is a real failure, the later ones are refused without checking the password.
    """
    return bool(
        request is not None
        and getattr(request, "axes_locked_out", False)
        and getattr(request, "axes_failures_since_start", None) is None
    )


@receiver(user_logged_in, dispatch_uid="audit_user_logged_in")
def on_logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    record(user, actions.LOGIN)


@receiver(user_logged_out, dispatch_uid="audit_user_logged_out")
def on_logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(user, actions.LOGOUT)


@receiver(user_login_failed, dispatch_uid="audit_user_login_failed")
def on_login_failed(sender: Any, credentials: dict, request: HttpRequest | None = None, **kwargs: Any) -> None:
    login = _attempted_login(credentials)
    locked = _denied_by_lockout(request)
    record(
        None,
        actions.LOGIN_FAILED,
        result=Result.DENIED if locked else Result.FAILED,
        detail={"login": login, "locked_out": locked},
        actor_label=login,
    )


@receiver(user_locked_out, dispatch_uid="audit_user_locked_out")
def on_locked_out(sender: Any, request: HttpRequest | None = None, username: str | None = None, **kwargs: Any) -> None:
    if _denied_by_lockout(request):
        # A refused attempt during an existing lock: on_login_failed records it; the lock itself is recorded once.
        return
    login = str(username or "")[:LABEL_LENGTH]
    record(
        None,
        actions.LOCKED_OUT,
        result=Result.DENIED,
        detail={"login": login, "failures": getattr(request, "axes_failures_since_start", None)},
        actor_label=login,
    )
