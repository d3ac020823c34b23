"""Expressions and texts shared by the card services: SQL text building, the portal language."""

from __future__ import annotations

import string

from django.conf import settings
from django.db import models
from django.db.models import Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils import translation

CARD_FIELDS = [
    "level",
    "raised_at",
    "case_id",
    "department_id",
    "handler_id",
    "trigger",
    "detail",
    "explanation_status",
    "explanation",
    "review_note",
]
CARD_EVENT_FIELDS = ["card_id", "action", "actor_id", "from_status", "to_status", "at", "reason"]
CASE_EVENT_FIELDS = ["case_id", "actor_id", "action", "from_status", "to_status", "at", "public_text", "note"]
TALK_FIELDS = ["department_id", "red_cards", "month", "raised_at", "note"]


def _text(value: object) -> Value:
    return Value(str(value), output_field=models.CharField())


def _as_text(expression) -> Cast:
    return Cast(expression, models.CharField())


def _url_with_id(name: str, id_expression) -> Concat:
    """The URL of ``name`` for the id in ``id_expression``, built in SQL."""
    marker = 987654321
    before, after = reverse(name, args=[marker]).split(str(marker))
    return Concat(_text(before), _as_text(id_expression), _text(after), output_field=models.CharField())


def _from_template(template: str, parts: dict[str, models.Expression]) -> models.Expression:
    """``template`` with ``{name}`` placeholders as an SQL concatenation of its text and ``parts``.

    A placeholder a translation leaves out is simply not shown; an unknown one is shown as written.
    """
    pieces: list[models.Expression] = []
    for literal, name, _spec, _conversion in string.Formatter().parse(template):
        if literal:
            pieces.append(_text(literal))
        if name:
            pieces.append(parts[name] if name in parts else _text("{" + name + "}"))
    if not pieces:
        return _text("")
    if len(pieces) == 1:
        return pieces[0]
    return Concat(*pieces, output_field=models.TextField())


def _portal_text(message) -> str:
    # Messages written by the system are stored in the portal's language, whoever triggered them.
    with translation.override(settings.LANGUAGE_CODE):
        return str(message)


def _last_id(model: type[models.Model]) -> int:
    return model.objects.order_by("-id").values_list("id", flat=True).first() or 0


class _Lenient(dict):
    """Formatting values that leave an unknown placeholder as written instead of failing."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"
