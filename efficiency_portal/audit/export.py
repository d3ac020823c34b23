"""The audit log as an Excel workbook (write-only mode: memory does not grow with the rows)."""

from __future__ import annotations

import io
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from .actions import action_label
from .models import AuditEvent


def events_workbook(events: Iterable[AuditEvent]) -> tuple[bytes, int]:
    """The workbook's bytes and the number of events written."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Audit log")[:31])
    sheet.append(
        [
            _("Time"),
            _("Actor"),
            _("Action"),
            _("Action code"),
            _("Result"),
            _("Target type"),
            _("Target id"),
            _("Target"),
            _("IP address"),
            _("User agent"),
        ]
    )
    count = 0
    for event in events:
        sheet.append(
            [
                # Excel has no time zones: write the local wall-clock time.
                timezone.localtime(event.at).replace(tzinfo=None),
                event.actor_label,
                str(action_label(event.action)),
                event.action,
                event.get_result_display(),
                event.target_type.name if event.target_type_id else "",
                event.target_id,
                event.target_repr,
                event.ip_address or "",
                event.user_agent,
            ]
        )
        count += 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), count
