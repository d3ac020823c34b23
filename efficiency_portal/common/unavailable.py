"""A clear 503 page, Chinese first, when the database cannot be reached — with what the citizen typed kept.

PostgreSQL is the system of record: without it nothing can be filed or read, but a citizen who has just typed a
long complaint must not lose it to a bare 500. The page is rendered without touching the database (no session,
no user, no navigation from roles) and shows every text field that was posted, in a form that sends the same fields
to the same address again: "try again" resubmits exactly what was typed (with the same one-time form token, so a
submission that did reach the database is not filed twice). Files cannot be kept; the page says so. Passwords and
the CSRF token are never echoed except the token as the hidden field it came as.

``DatabaseUnavailableMiddleware`` answers for errors raised in views (also with DEBUG); ``server_error``
(``handler500``) answers for those raised anywhere else, such as the session saved after the view.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template import loader
from django.utils.translation import gettext_lazy as _
from django.views import defaults

logger = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 30
# Never shown again on the page: secrets of the person and the form's machinery.
HIDDEN_ONLY = {"csrfmiddlewaretoken", "form_token", "captcha_token", "large"}
NEVER_ECHOED = ("password", "secret", "captcha_answer", "otp", "token_code")
# Labels of the citizens' forms' fields; any other field is shown under its name.
LABELS = {
    "description": _("What happened"),
    "place": _("Where"),
    "happened_on": _("When"),
    "name": _("Your name"),
    "phone": _("Your phone"),
    "email": _("Your e-mail"),
    "applicant_name": _("Applicant's name"),
    "applicant_phone": _("Phone"),
    "applicant_email": _("E-mail (optional)"),
    "enterprise_name": _("Enterprise (if applying for one)"),
    "comment": _("Comment"),
    "reason": _("Reason"),
}


def is_database_down(error: BaseException | None) -> bool:
    # OperationalError: refused, timed out, server gone; InterfaceError: the connection was closed under us.
    return isinstance(error, (OperationalError, InterfaceError)) and not _is_integrity_like(error)


def _is_integrity_like(error: DatabaseError) -> bool:
    # A lock timeout or a serialisation failure is an OperationalError too, with the server up: not "down".
    cause = getattr(error, "__cause__", None)
    code = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
    return bool(code) and code.startswith(("40", "55P03", "57014"))


def _kept_fields(request: HttpRequest) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    if request.method != "POST":
        return [], []
    try:
        items = [(name, value) for name in request.POST for value in request.POST.getlist(name)]
    except Exception:  # an unreadable body: nothing to keep
        return [], []
    hidden, shown = [], []
    for name, value in items:
        if any(word in name.lower() for word in NEVER_ECHOED):
            continue
        if name in HIDDEN_ONLY or not value.strip():
            hidden.append((name, value))
        else:
            shown.append((name, LABELS.get(name, name), value))
    return hidden, shown


def unavailable_response(request: HttpRequest) -> HttpResponse:
    hidden, shown = _kept_fields(request)
    had_files = request.method == "POST" and bool(getattr(request, "_files", None))
    context = {
        "hidden": hidden,
        "shown": shown,
        "had_files": had_files,
        "retry_url": request.get_full_path(),
        "retry_seconds": RETRY_AFTER_SECONDS,
        "is_api": request.path.startswith("/api/"),
    }
    if context["is_api"]:
        response = HttpResponse(
            b'{"detail": "The service is briefly unavailable; please try again shortly."}',
            status=503,
            content_type="application/json",
        )
    else:
        response = HttpResponse(loader.render_to_string("503.html", context), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if is_database_down(exception):
            logger.error("Database unavailable: %s", exception)
            return unavailable_response(request)
        return None


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    """handler500: the 503 page when the database is the cause, else Django's 500."""
    error = sys.exc_info()[1]
    if is_database_down(error):
        return unavailable_response(request)
    try:
        return defaults.server_error(request, template_name)
    except Exception:  # a 500 template that itself fails
        return HttpResponseServerError(b"<h1>Server Error (500)</h1>", content_type="text/html")
