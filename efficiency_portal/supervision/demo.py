"""Demo deadlines for the seeded staff: some green, some yellow, some red, then one sweep so the warnings and
notifications exist. Safe to run again: a deadline is found by its subject and kind (the service is idempotent),
and the sweep changes nothing twice. Later issues attach real cases and complaints; here the subject of each demo
deadline is the responsible person's user row.
"""

from __future__ import annotations

import datetime as dt
from typing import TextIO

from django.db import transaction
from django.utils import timezone

from efficiency_portal.org.models import Role, Staff

from .services import open_deadline, sweep_deadlines

DEMO_CLERKS = 8

# (kind, title, calendar days since receipt, limit in working days): started long ago → red; started today with a
# limit of one working day → yellow (due tomorrow); started yesterday with a long limit → green.
MATTERS = (
    ("case", "{name}承办：食品经营许可证核发", 1, 15),
    ("task", "{name}承办：建设工程规划许可（补正材料审查）", 0, 1),
    ("complaint", "{name}承办：市民投诉“窗口推诿扯皮”调查处理", 30, 5),
)


def load(stdout: TextIO) -> dict[str, int]:
    clerks = list(
        Staff.objects.filter(user__groups__name=Role.CLERK, is_active=True, department__head__isnull=False)
        .select_related("user", "department")
        .order_by("department__sort_order", "employee_no")[:DEMO_CLERKS]
    )
    if not clerks:
        stdout.write("Supervision demo: no staff yet, no deadlines loaded.")
        return {"deadlines": 0}
    now = timezone.now()
    opened = 0
    with transaction.atomic():
        for index, clerk in enumerate(clerks):
            for kind, title, days_ago, limit in MATTERS:
                # Alternate a little so the list is not three identical rows per person.
                started = now - dt.timedelta(days=days_ago + (index % 3 if days_ago else 0), hours=2)
                open_deadline(
                    clerk.user,
                    kind=kind,
                    title=title.format(name=clerk.name),
                    department=clerk.department,
                    responsible=clerk.user,
                    started_at=started,
                    limit_days=limit,
                )
                opened += 1
    result = sweep_deadlines()
    stdout.write(
        f"Supervision demo: {opened} deadlines for {len(clerks)} staff; sweep turned {result.yellow} yellow and "
        f"{result.red} red, {result.notifications} notifications."
    )
    return {"deadlines": opened, **result.counts}
