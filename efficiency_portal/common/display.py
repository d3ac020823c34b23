"""The elder mode (长辈版 / 大字号): larger text, stronger contrast and a simpler layout on every page, remembered per
browser (互联网网站适老化通用设计规范 of the MIIT, 2021; GB/T 37668-2019 §5: perceivable, operable).

The choice lives in a cookie, read on the server, which puts the class ``elder`` on ``<html>`` and links
``static/portal/elder.css``: the page comes out in its mode at once, with no flash of the other one and no script
(the Content-Security-Policy allows no inline script or style anyway). The header of every page carries the switch,
a small form that posts here, so it works without JavaScript too. Pages vary on the cookie (``Vary: Cookie``), so a
cache never serves one mode's page to a reader of the other.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

ELDER, STANDARD = "elder", "standard"


def is_elder(request: HttpRequest) -> bool:
    return request.COOKIES.get(settings.DISPLAY_MODE_COOKIE_NAME) == ELDER


class DisplayModeMiddleware:
    """Marks the request with the reader's mode and makes every response vary on the cookie that holds it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.elder_mode = is_elder(request)
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        return response


def display(request: HttpRequest) -> dict:
    """Template context: ``elder_mode`` (the page is in the elder mode)."""
    return {"elder_mode": getattr(request, "elder_mode", None) or is_elder(request)}


@require_POST
def set_display_mode(request: HttpRequest) -> HttpResponse:
    """``mode=elder`` switches the elder mode on for this browser, anything else back to the standard pages; then
    back to ``next`` (a page of this site only, like Django's language switch)."""
    target = request.POST.get("next") or "/"
    host = request.get_host()
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={host}, require_https=request.is_secure()):
        target = "/"
    response = HttpResponseRedirect(target)
    if request.POST.get("mode") == ELDER:
        response.set_cookie(
            settings.DISPLAY_MODE_COOKIE_NAME,
            ELDER,
            max_age=settings.DISPLAY_MODE_COOKIE_DAYS * 24 * 60 * 60,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,  # read by the server only
            samesite="Lax",
        )
    else:
        response.delete_cookie(settings.DISPLAY_MODE_COOKIE_NAME, samesite="Lax")
    return response
