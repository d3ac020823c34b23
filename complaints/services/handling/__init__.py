"""Handling a complaint: accept or decline, how it is handled, the department's part, notes, extension,
finding with sanctions (recorded in credit), reply, the complainant's rating and one reopening.

One module per step; callers use ``complaints.services.handling.<name>``. Every status change goes through
:func:`complaints.services.common.transition` (conditional on the status it starts from, with its event row).
"""

from .acceptance import accept, assign, decline, hand_to_department, handle_self, investigating_head
from .base import conclude_clock, running_clock
from .department import add_note, department_report, department_return
from .extensions import decide_extension, request_extension
from .findings import SanctionInput, record_finding
from .replies import rate_handling, reopen, reply

__all__ = [
    "SanctionInput",
    "accept",
    "add_note",
    "assign",
    "conclude_clock",
    "decide_extension",
    "decline",
    "department_report",
    "department_return",
    "hand_to_department",
    "handle_self",
    "investigating_head",
    "rate_handling",
    "record_finding",
    "reopen",
    "reply",
    "request_extension",
    "running_clock",
]
