"""Every write of credit goes through these services; other apps call them, never the models."""

from credit.services.entries import confirm_entry, dismiss_entry, propose_entry, record_entry
from credit.services.expiry import expire_entries
from credit.services.objections import (
    ACCEPT_CLOCK,
    DECIDE_CLOCK,
    accept_objection,
    decide_objection,
    file_objection,
    objection_window_ends,
)
from credit.services.rules import save_rule
from credit.services.withdrawal import withdraw_entry

__all__ = [
    "ACCEPT_CLOCK",
    "DECIDE_CLOCK",
    "accept_objection",
    "confirm_entry",
    "decide_objection",
    "dismiss_entry",
    "expire_entries",
    "file_objection",
    "objection_window_ends",
    "propose_entry",
    "record_entry",
    "save_rule",
    "withdraw_entry",
]
