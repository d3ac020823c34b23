"""Intake: applying (online and at the window), pre-review (accept, refuse, one notice of what is missing),
supplementing, and the acceptance by law of cases left without a decision past the pre-review window.

One module for each; ``base`` holds what they share. Callers import from this package.
"""

from .acceptance_by_law import auto_accept_overdue
from .applying import Submitted, intake_clerk, receipt_for, submit_application, submit_once
from .base import note_first_receiver
from .pre_review import accept_case, issue_supplement_notice, refuse_case
from .supplements import open_notice, supplement_materials

__all__ = [
    "Submitted",
    "accept_case",
    "auto_accept_overdue",
    "intake_clerk",
    "issue_supplement_notice",
    "note_first_receiver",
    "open_notice",
    "receipt_for",
    "refuse_case",
    "submit_application",
    "submit_once",
    "supplement_materials",
]
