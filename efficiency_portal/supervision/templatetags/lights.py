"""``{{ code|light_label }}``: a light's translated words on any page (``{% load lights %}``)."""

from __future__ import annotations

from django import template

from efficiency_portal.supervision.models import light_label as _light_label

register = template.Library()


@register.filter
def light_label(code: str | None) -> str:
    return _light_label(code)
