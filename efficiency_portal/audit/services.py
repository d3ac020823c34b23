"""Writing to the audit log. The only write there is: append one event."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from . import actions
from .export import events_workbook
from .middleware import current_request_context
from .models import AuditEvent, Result
from .selectors import export_rows, filter_events

LABEL_LENGTH = AuditEvent._meta.get_field("actor_label").max_length
REPR_LENGTH = AuditEvent._meta.get_field("target_repr").max_length


def describe_actor(actor: Any) -> str:
    """How an actor reads in the log: display name and username, so a later rename does not hide who it was."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return ""
    name = str(actor)
    username = actor.get_username()
    return name if name == username else f"{name} ({username})"


def record(
    actor: Any,
    action: str,
    target: models.Model | None = None,
    result: str = Result.SUCCESS,
    detail: dict | None = None,
    *,
    actor_label: str | None = None,
) -> AuditEvent:
    """Append one event: ``actor`` (a user, or None/anonymous) did ``action`` to ``target`` with ``result``.

    The address and user agent come from the current request, when there is one. ``actor_label`` names an actor
    who is not a known user (e.g. the login typed in a failed sign-in).
    """
    if result not in Result.values:
        raise ValueError(f"unknown audit result {result!r}")
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    context = current_request_context()
    event = AuditEvent(
        actor=user,
        actor_label=(actor_label if actor_label is not None else describe_actor(user))[:LABEL_LENGTH],
        action=action,
        result=result,
        detail=detail or {},
        ip_address=context.ip_address if context else None,
        user_agent=context.user_agent if context else "",
    )
    if target is not None:
        event.target_type = ContentType.objects.get_for_model(target, for_concrete_model=False)
        event.target_id = str(target.pk)
        event.target_repr = str(target)[:REPR_LENGTH]
    event.save()
    return event


def export_events(actor: Any, params: Mapping[str, str], limit: int) -> tuple[bytes, int]:
    """The filtered events as an Excel workbook; the export itself is an audited act."""
    filterset = filter_events(params)
    content, count = events_workbook(export_rows(filterset, limit))
    used = {name: value for name, value in params.items() if name in filterset.filters and value}
    record(actor, actions.EXPORT, detail={"filters": used, "rows": count})
    return content, count
