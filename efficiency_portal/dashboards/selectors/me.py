"""A civil servant's own page: my queue of cases with their lights, my other running clocks, my warnings, my
ratings, my credit, my assessment."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q

import assessment.selectors as assessment_selectors
import complaints.selectors as complaints_selectors
import credit.selectors as credit_selectors
from efficiency_portal.supervision.models import Deadline, Light
from efficiency_portal.supervision.selectors import my_warnings

from .drill import deadline_links
from .figures import CASE_KIND, RUNNING
from .links import url_or_none

MY_ROWS = 10


def my_page(user, on: dt.date) -> dict:
    staff = user.staff
    year_start = on.replace(month=1, day=1)
    running = Deadline.objects.filter(responsible=user, status__in=RUNNING)
    # My queue: the cases assigned to me, with their lights, most urgent first; other clocks (tasks, complaints,
    # rectifications ...) below.
    queue = list(running.filter(kind=CASE_KIND).select_related("department").order_by("due_at", "id")[:MY_ROWS])
    clocks = list(running.exclude(kind=CASE_KIND).select_related("department").order_by("due_at", "id")[:MY_ROWS])
    counts = running.aggregate(
        all=Count("id"),
        cases=Count("id", filter=Q(kind=CASE_KIND)),
        yellow=Count("id", filter=Q(kind=CASE_KIND, light=Light.YELLOW)),
        red=Count("id", filter=Q(kind=CASE_KIND, light=Light.RED)),
    )
    ratings = complaints_selectors.satisfaction(year_start, on, by="staff").get(staff.pk)
    return {
        "staff": staff,
        "on": on,
        "queue": deadline_links(user, queue),
        "queue_counts": counts,
        "clocks": deadline_links(user, clocks),
        "running_count": counts["all"],
        "other_count": counts["all"] - counts["cases"],
        "warnings": list(my_warnings(user)[:MY_ROWS]),
        "ratings": ratings,
        "ratings_list": list(
            complaints_selectors.ratings_between(year_start, on, staff=staff).order_by("-rated_at")[:MY_ROWS]
        ),
        "credit": credit_selectors.score_on(staff=staff, on=on),
        "results": list(assessment_selectors.published_results(staff=staff)[:5]),
        # Each link appears once its page exists (reverse finds it).
        "links": {
            "queue": url_or_none("approvals:my_queue"),
            "warnings": url_or_none("supervision:my_warnings"),
            "credit": url_or_none("credit:my_record"),
            "assessment": url_or_none("assessment:my_results"),
            "ratings": url_or_none("complaints:my_ratings"),
            "tasks": url_or_none("supervised_tasks:list"),
        },
    }
