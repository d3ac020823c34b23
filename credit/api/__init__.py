"""The credit API: the same reads and actions as the pages, through the same selectors and services."""

from credit.api.entries import EntryViewSet, RuleViewSet
from credit.api.objections import ObjectionViewSet
from credit.api.scores import (
    BlacklistView,
    DepartmentRecordView,
    GradeDistributionView,
    MyScoreView,
    ScoreListView,
    StaffRecordView,
)

__all__ = [
    "BlacklistView",
    "DepartmentRecordView",
    "EntryViewSet",
    "GradeDistributionView",
    "MyScoreView",
    "ObjectionViewSet",
    "RuleViewSet",
    "ScoreListView",
    "StaffRecordView",
]
