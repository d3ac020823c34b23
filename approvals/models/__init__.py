from .cards import Card, CardLevel, CardTrigger, ExplanationStatus, TalkFlag
from .cases import (
    OPEN_STATUSES,
    Case,
    CaseDepartment,
    CaseEvent,
    CaseMaterial,
    CaseStatus,
    CaseStep,
    Channel,
    ExtensionRequest,
    ExtensionStatus,
    StepStatus,
    SupplementNotice,
)
from .catalogue import Item, ItemKind, ItemMaterial, ItemStep, StepCode, SupplementMode, Topic
from .processing import CasePause, SpecialProcedure
from .stats import DailyCaseStat

__all__ = [
    "OPEN_STATUSES",
    "Card",
    "CardLevel",
    "CardTrigger",
    "Case",
    "CaseDepartment",
    "CaseEvent",
    "CaseMaterial",
    "CasePause",
    "CaseStatus",
    "CaseStep",
    "Channel",
    "DailyCaseStat",
    "ExplanationStatus",
    "ExtensionRequest",
    "ExtensionStatus",
    "Item",
    "ItemKind",
    "ItemMaterial",
    "ItemStep",
    "SpecialProcedure",
    "StepCode",
    "StepStatus",
    "SupplementMode",
    "SupplementNotice",
    "TalkFlag",
    "Topic",
]
