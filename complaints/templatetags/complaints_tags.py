"""Small template helpers of the complaints pages."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: Any, key: str) -> Any:
    try:
        return mapping.get(key, "")
    except AttributeError:
        return ""


@register.filter
def light_label(code: str | None) -> str:
    """The words of a clock's light (green/yellow/red), never the bare code."""
    from efficiency_portal.supervision.models import light_label as label

    return label(code)


@register.filter
def light_class(code: str | None) -> str:
    return {"red": "text-bg-danger", "yellow": "text-bg-warning"}.get(code or "", "text-bg-success")
