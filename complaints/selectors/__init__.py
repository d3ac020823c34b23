"""Reads of the complaints app. The figures below are the contract other apps rely on."""

from .figures import (
    Satisfaction,
    dashboard_counts,
    public_counts,
    ratings_between,
    sanction_counts,
    satisfaction,
    upheld_between,
    upheld_counts,
    upheld_findings,
)

__all__ = [
    "Satisfaction",
    "dashboard_counts",
    "public_counts",
    "ratings_between",
    "sanction_counts",
    "satisfaction",
    "upheld_between",
    "upheld_counts",
    "upheld_findings",
]
