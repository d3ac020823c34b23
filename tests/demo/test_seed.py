"""``seed_demo`` as a whole: what it says it loaded, and a second run that creates nothing."""

from __future__ import annotations

from io import StringIO

from django.apps import apps
from django.core.management import call_command


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models() if model._meta.managed}


def test_every_part_is_loaded(demo_city):
    assert "Demo data loaded:" in demo_city
    for part in ("workdays", "org", "approvals", "credit", "complaints", "assessment", "supervised_tasks"):
        assert part in demo_city.split("Demo data loaded:")[1], part
    assert "Skipped" not in demo_city


def test_a_second_run_creates_nothing(demo_city):
    before = row_counts()
    assert before["approvals.Case"] > 0 and before["complaints.Complaint"] > 0
    call_command("seed_demo", stdout=StringIO())
    after = row_counts()
    # Running the command again may only note that it ran (sign-ins are not part of it).
    changed = {label: (before[label], after[label]) for label in before if before[label] != after[label]}
    assert changed == {}
