"""The complaints API under /api/complaints/: the same services as the pages, one module per area; routes in
``complaints.api_urls`` (Open311 GeoReport v2 is ``complaints.open311``)."""

from .department import DepartmentComplaintViewSet
from .filing import FileView, IntakeView, TrackEvidenceView, TrackRateView, TrackReopenView, TrackView, file_from_api
from .office import ResponseTemplateViewSet, StatisticsView
from .ratings import CaseRatingView, RatingViewSet, RectificationViewSet, WindowRatingView
from .work import ComplaintViewSet

__all__ = [
    "CaseRatingView",
    "ComplaintViewSet",
    "DepartmentComplaintViewSet",
    "FileView",
    "IntakeView",
    "RatingViewSet",
    "RectificationViewSet",
    "ResponseTemplateViewSet",
    "StatisticsView",
    "TrackEvidenceView",
    "TrackRateView",
    "TrackReopenView",
    "TrackView",
    "WindowRatingView",
    "file_from_api",
]
