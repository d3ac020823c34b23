"""Complaints (效能投诉) and service ratings (好差评)."""

from .complaints import (
    Category,
    Complaint,
    ComplaintAttachment,
    ComplaintChannel,
    ComplaintEvent,
    ComplaintNote,
    ComplaintSanction,
    ComplaintStatus,
    ExtensionState,
    Finding,
    HandlingMode,
    NoteKind,
    ResponseTemplate,
    Sanction,
)
from .ratings import (
    AppealStatus,
    RatingLevel,
    RatingSubject,
    RectificationOrder,
    RectificationStatus,
    ServiceRating,
)

__all__ = [
    "AppealStatus",
    "Category",
    "Complaint",
    "ComplaintAttachment",
    "ComplaintChannel",
    "ComplaintEvent",
    "ComplaintNote",
    "ComplaintSanction",
    "ComplaintStatus",
    "ExtensionState",
    "Finding",
    "HandlingMode",
    "NoteKind",
    "RatingLevel",
    "RatingSubject",
    "RectificationOrder",
    "RectificationStatus",
    "ResponseTemplate",
    "Sanction",
    "ServiceRating",
]
