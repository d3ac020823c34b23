"""Loads the demo city: calendar, organisation, then each app's data (whose clocks and warnings are real: cases,
complaints, ratings, objections, appeals, tasks). Safe to run again."""

from __future__ import annotations

import importlib
import time

from django.core.management.base import BaseCommand

# In this order: the organisation needs the calendar; every app after it needs both, and credit, complaints and
# assessment read the cases (and complaints the credit rules) loaded before them.
DEMO_MODULES = (
    "efficiency_portal.workdays.demo",
    "efficiency_portal.org.demo",
    "approvals.demo",
    "approvals.demo_cases",
    "credit.demo",
    "complaints.demo",
    "assessment.demo",
    "efficiency_portal.supervised_tasks.demo",
)


def _import_optional(name: str):
    """The module ``name``, or None when it does not exist (a part that has no demo data yet)."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as error:
        # Only a missing demo module is skipped; a missing import inside an existing one is a real error.
        if error.name is not None and name.startswith(error.name):
            return None
        raise


class Command(BaseCommand):
    help = "Load the demo city (departments, staff, A/B posts, away notices, calendar, deadlines). Idempotent."

    def handle(self, *args, **options) -> None:
        loaded, skipped = [], []
        for name in DEMO_MODULES:
            module = _import_optional(name)
            if module is None or not hasattr(module, "load"):
                skipped.append(name)
                continue
            started = time.monotonic()
            module.load(self.stdout)
            loaded.append(f"{name.rsplit('.', 2)[-2]} ({time.monotonic() - started:.1f}s)")
        self.stdout.write(self.style.SUCCESS("Demo data loaded: " + (", ".join(loaded) or "nothing")))
        if skipped:
            self.stdout.write("Skipped (not available yet): " + ", ".join(skipped))
