"""Action codes of the audit log and their human labels.

An action code is ``<area>.<verb>``. Other apps record their own codes and may give them labels with
:func:`register_action_labels` (from their ``AppConfig.ready``); an unlabelled code is shown as it is.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

LOGIN = "auth.login"
LOGIN_FAILED = "auth.login_failed"
LOCKED_OUT = "auth.locked_out"
LOGOUT = "auth.logout"
REGISTER = "accounts.register"
PROFILE_UPDATE = "accounts.profile_update"
PASSWORD_CHANGE = "accounts.password_change"
EXPORT = "audit.export"

_labels: dict[str, str | Promise] = {
    LOGIN: _("Signed in"),
    LOGIN_FAILED: _("Sign-in failed"),
    LOCKED_OUT: _("Locked out after repeated failures"),
    LOGOUT: _("Signed out"),
    REGISTER: _("Registered"),
    PROFILE_UPDATE: _("Profile updated"),
    PASSWORD_CHANGE: _("Password changed"),
    EXPORT: _("Audit log exported"),
}


def register_action_labels(labels: Mapping[str, str | Promise]) -> None:
    _labels.update(labels)


def action_label(code: str) -> str | Promise:
    return _labels.get(code, code)


def known_actions() -> list[tuple[str, str | Promise]]:
    return sorted(_labels.items())
