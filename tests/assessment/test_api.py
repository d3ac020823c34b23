"""API: supervisors run, publish and read every result; staff read their own and appeal; evaluators submit forms."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from assessment.models import Appeal, EvaluationEntry, IndicatorKind, Result
from assessment.services import forms, publishing, runs
from efficiency_portal.org.models import Role
from tests.factories import DepartmentFactory, StaffFactory, UserFactory, seed_calendar

from .factories import make_period, make_scheme

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    seed_calendar(2026)
    dept = DepartmentFactory()
    alice, bob, evaluator = (StaffFactory(department=dept) for _ in range(3))
    supervisor = UserFactory(roles=[Role.SUPERVISOR])
    scheme = make_scheme()
    period = make_period(scheme)
    indicator = scheme.indicators.get(kind=IndicatorKind.EVALUATED)
    form = forms.assign_form(period, indicator=indicator, evaluator=evaluator, subject_ids=[alice.pk, bob.pk])
    return locals()


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_evaluator_submits_scores_and_bad_ones_get_field_errors(world):
    client = api(world["evaluator"].user)
    listed = client.get("/api/assessment/forms/").json()["results"]
    assert [row["id"] for row in listed] == [world["form"].pk]
    url = f"/api/assessment/forms/{world['form'].pk}/submit/"
    bad = client.post(url, {"scores": [{"subject_id": world["alice"].pk, "score": 7}]}, format="json")
    assert bad.status_code == 400
    missing = client.post(url, {"scores": [{"subject_id": world["alice"].pk, "score": 4}]}, format="json")
    assert missing.status_code == 400 and f"score_{world['bob'].pk}" in missing.json()
    ok = client.post(
        url,
        {"scores": [{"subject_id": world["alice"].pk, "score": 4}, {"subject_id": world["bob"].pk, "score": None}]},
        format="json",
    )
    assert ok.status_code == 200 and ok.json()["status"] == "submitted"
    assert EvaluationEntry.objects.get(subject_id=world["bob"].pk).unknown
    # Someone else's form does not exist for this user.
    assert api(world["alice"].user).post(url, {"scores": []}, format="json").status_code == 404


def test_supervisor_runs_publishes_and_reads_results(world):
    client = api(world["supervisor"])
    run = client.post(f"/api/assessment/periods/{world['period'].pk}/run/")
    assert run.status_code == 200 and run.json()["subjects"] == 3
    results = client.get("/api/assessment/results/", {"period": world["period"].pk}).json()["results"]
    assert len(results) == 3
    detail = client.get(f"/api/assessment/results/{results[0]['id']}/").json()
    assert sum(float(line["points"]) for line in detail["lines"]) == pytest.approx(float(detail["total"]))
    assert client.post(f"/api/assessment/periods/{world['period'].pk}/publish/").status_code == 200
    again = client.post(f"/api/assessment/periods/{world['period'].pk}/run/")
    assert again.status_code == 400 and "published" in str(again.json())


@pytest.mark.parametrize("endpoint", ["schemes", "periods", "results"])
def test_staff_cannot_read_the_supervisors_endpoints(world, endpoint):
    assert api(world["alice"].user).get(f"/api/assessment/{endpoint}/").status_code == 403


def test_staff_reads_own_results_and_appeals(world):
    runs.run_period(world["period"])
    client = api(world["alice"].user)
    assert client.get("/api/assessment/my-results/").json()["results"] == []  # not published yet
    publishing.publish_period(world["period"], actor=world["supervisor"])
    rows = client.get("/api/assessment/my-results/").json()["results"]
    assert [row["subject_id"] for row in rows] == [world["alice"].pk] and rows[0]["lines"]
    result_id = rows[0]["id"]
    short = client.post(f"/api/assessment/my-results/{result_id}/appeal/", {"reason": "no"}, format="json")
    assert short.status_code == 400 and "reason" in short.json()
    filed = client.post(f"/api/assessment/my-results/{result_id}/appeal/", {"reason": "评议分数与事实不符，请复核。"})
    assert filed.status_code == 201 and Appeal.objects.count() == 1
    bobs = Result.objects.get(subject_id=world["bob"].pk)
    assert client.post(f"/api/assessment/my-results/{bobs.pk}/appeal/", {"reason": "x" * 20}).status_code == 404
