"""Pages: who sees what (matrix), bad input gets a message never a 500, lists keep their query count."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone

from assessment.models import Appeal, EvaluationEntry, Grade, IndicatorKind, PeriodStatus, Result
from assessment.services import forms, publishing, runs
from efficiency_portal.org.models import Role
from tests.factories import DepartmentFactory, StaffFactory, UserFactory, make_head, seed_calendar

from .factories import make_period, make_rule, make_scheme

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    seed_calendar(2026)
    x, y = DepartmentFactory(name="X科"), DepartmentFactory(name="Y科")
    alice, bob = StaffFactory(department=x, name="张三"), StaffFactory(department=y, name="李四")
    head_x = make_head(x)
    leader = StaffFactory(department=x, roles=[Role.LEADER])
    y.leader_in_charge = leader
    y.save()
    evaluator = StaffFactory(department=x, name="评议人")
    supervisor = UserFactory(roles=[Role.SUPERVISOR])
    scheme = make_scheme()
    make_rule(scheme, "late", "-5", name="迟到")
    period = make_period(scheme)
    indicator = scheme.indicators.get(kind=IndicatorKind.EVALUATED)
    form = forms.assign_form(period, indicator=indicator, evaluator=evaluator, subject_ids=[alice.pk, bob.pk])
    return locals()


def published(world):
    runs.run_period(world["period"])
    publishing.publish_period(world["period"], actor=world["supervisor"])
    world["period"].refresh_from_db()
    return Result.objects.get(period=world["period"], subject_id=world["alice"].pk)


def test_evaluator_fills_in_the_form(client, world):
    client.force_login(world["evaluator"].user)
    url = reverse("assessment:form_fill", args=[world["form"].pk])
    assert client.get(reverse("assessment:my_forms")).status_code == 200
    a, b = world["alice"].pk, world["bob"].pk
    response = client.post(url, {f"score_{a}": "5", f"score_{b}": "unknown"})
    assert response.status_code == 302
    scores = dict(EvaluationEntry.objects.values_list("subject_id", "score"))
    assert scores == {a: 5, b: None}
    assert EvaluationEntry.objects.get(subject_id=b).unknown


@pytest.mark.parametrize("value", ["6", "0", "abc", ""])
def test_a_score_outside_the_scale_is_refused_with_a_message(client, world, value):
    client.force_login(world["evaluator"].user)
    a, b = world["alice"].pk, world["bob"].pk
    response = client.post(
        reverse("assessment:form_fill", args=[world["form"].pk]), {f"score_{a}": value, f"score_{b}": "3"}
    )
    assert response.status_code == 400
    assert not EvaluationEntry.objects.filter(score__isnull=False).exists()


def test_scoring_someone_not_assigned_is_refused(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="not assigned"):
        forms.submit_form(
            world["form"],
            user=world["evaluator"].user,
            scores={world["alice"].pk: 4, world["bob"].pk: 4, world["head_x"].pk: 5},
        )


def test_a_closed_form_is_refused(client, world):
    world["period"].forms_close_at = timezone.now() - dt.timedelta(minutes=1)
    world["period"].save()
    client.force_login(world["evaluator"].user)
    a, b = world["alice"].pk, world["bob"].pk
    response = client.post(
        reverse("assessment:form_fill", args=[world["form"].pk]), {f"score_{a}": "4", f"score_{b}": "4"}
    )
    assert response.status_code == 400
    assert "closed" in response.content.decode()


def test_someone_elses_form_is_not_found(client, world):
    client.force_login(world["alice"].user)
    assert client.get(reverse("assessment:form_fill", args=[world["form"].pk])).status_code == 404


@pytest.mark.parametrize(
    ("who", "status"),
    [("alice", 403), ("head_x", 403), ("leader", 403), ("supervisor", 200)],
)
def test_period_pages_are_for_supervisors(client, world, who, status):
    user = world[who] if who == "supervisor" else world[who].user
    client.force_login(user)
    assert client.get(reverse("assessment:period_list")).status_code == status
    assert client.get(reverse("assessment:period_detail", args=[world["period"].pk])).status_code == status
    assert client.get(reverse("assessment:scheme_list")).status_code == status


def test_supervisor_runs_and_publishes_and_each_person_is_told(client, world, django_capture_on_commit_callbacks):
    from efficiency_portal.notifications.models import Notification

    client.force_login(world["supervisor"])
    with django_capture_on_commit_callbacks(execute=True) as queued:
        assert client.post(reverse("assessment:period_run", args=[world["period"].pk])).status_code == 302
    assert len(queued) == 1 and Result.objects.count() == 5
    assert client.post(reverse("assessment:period_publish", args=[world["period"].pk])).status_code == 302
    world["period"].refresh_from_db()
    assert world["period"].status == PeriodStatus.PUBLISHED and world["period"].appeal_until
    assert Notification.objects.filter(recipient=world["alice"].user, kind="assessment_published").count() == 1
    # Publishing twice is refused with a message and tells nobody again.
    response = client.post(reverse("assessment:period_publish", args=[world["period"].pk]), follow=True)
    assert "published already" in response.content.decode()
    assert Notification.objects.filter(kind="assessment_published").count() == Result.objects.count()


@pytest.mark.parametrize(
    ("who", "status"),
    [("alice", 200), ("bob", 404), ("head_x", 404), ("evaluator", 404), ("supervisor", 200)],
)
def test_results_are_seen_by_their_person_and_supervisors_only(client, world, who, status):
    result = published(world)
    user = world[who] if who == "supervisor" else world[who].user
    client.force_login(user)
    assert client.get(result.get_absolute_url()).status_code == status


def test_an_unpublished_result_is_hidden_from_its_person(client, world):
    runs.run_period(world["period"])
    result = Result.objects.get(period=world["period"], subject_id=world["alice"].pk)
    client.force_login(world["alice"].user)
    assert client.get(result.get_absolute_url()).status_code == 404
    assert result not in client.get(reverse("assessment:my_results")).context["results"]


def test_evaluators_individual_scores_are_not_on_the_persons_page(client, world):
    forms.submit_form(world["form"], user=world["evaluator"].user, scores={world["alice"].pk: 2, world["bob"].pk: 5})
    result = published(world)
    client.force_login(world["alice"].user)
    page = client.get(result.get_absolute_url()).content.decode()
    assert "评议人" not in page
    assert "Average 2.00 of 5 from 1 evaluator" in page


def test_staff_reads_and_appeals_their_result(client, world):
    result = published(world)
    client.force_login(world["alice"].user)
    page = client.get(result.get_absolute_url())
    assert page.context["appeal_form"] is not None
    response = client.post(result.get_absolute_url(), {"reason": "红牌系系统故障所致，请复核。"})
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    from efficiency_portal.supervision.models import Deadline

    assert Deadline.objects.filter(kind="assessment_appeal", object_id=appeal.pk, status="open").exists()
    # A second appeal while the first awaits its decision is refused.
    response = client.post(result.get_absolute_url(), {"reason": "再次申诉，请复核这个结果。"})
    assert response.status_code == 400 and Appeal.objects.count() == 1


def test_an_appeal_after_the_window_is_refused(client, world):
    import time_machine

    result = published(world)
    with time_machine.travel(world["period"].appeal_until + dt.timedelta(minutes=1)):
        client.force_login(world["alice"].user)
        response = client.post(result.get_absolute_url(), {"reason": "超过时限后的申诉，请复核。"})
    assert response.status_code == 400
    assert not Appeal.objects.exists()


def test_supervisor_decides_an_appeal_and_adjusts_the_grade_with_reason(client, world):
    result = published(world)
    appeal = publishing.file_appeal(result, user=world["alice"].user, reason="红牌系系统故障所致，请复核。")
    client.force_login(world["supervisor"])
    response = client.post(
        reverse("assessment:appeal_decide", args=[appeal.pk]),
        {"upheld": "1", "grade": Grade.EXCELLENT, "decision": "经核实，红牌系系统故障。"},
    )
    assert response.status_code == 302
    result.refresh_from_db()
    assert result.adjusted_grade == Grade.EXCELLENT and "系统故障" in result.adjusted_reason
    from efficiency_portal.supervision.models import Deadline

    assert Deadline.objects.get(kind="assessment_appeal").status == "finished"
    # An adjustment without a reason is refused.
    client.post(reverse("assessment:result_adjust", args=[result.pk]), {"grade": Grade.PASS, "reason": ""})
    result.refresh_from_db()
    assert result.adjusted_grade == Grade.EXCELLENT


def test_adjustment_entry_bad_input_gets_a_message(client, world):
    client.force_login(world["supervisor"])
    rule = world["scheme"].adjustment_rules.get()
    url = reverse("assessment:period_adjustment", args=[world["period"].pk])
    response = client.post(
        url, {"rule": rule.pk, "subject": world["alice"].pk, "quantity": "2", "fact_date": "2026-05-01"}
    )
    assert response.status_code == 400 and "within the period" in response.content.decode()
    response = client.post(
        url, {"rule": rule.pk, "subject": world["alice"].pk, "quantity": "2", "fact_date": "2026-03-02"}
    )
    assert response.status_code == 302


def test_weights_not_summing_to_100_and_quota_over_the_maximum_are_refused(client, world):
    client.force_login(world["supervisor"])
    scheme = world["scheme"]
    data = {f"weight_{i.pk}": "30" for i in scheme.indicators.all()}
    data["excellent_quota"] = "20"
    response = client.post(reverse("assessment:scheme_detail", args=[scheme.pk]), data)
    assert response.status_code == 400 and "sum to 100" in response.content.decode()
    data = {f"weight_{i.pk}": str(w) for i, w in zip(scheme.indicators.all(), (50, 10, 40), strict=True)}
    data["excellent_quota"] = "26"
    response = client.post(reverse("assessment:scheme_detail", args=[scheme.pk]), data)
    assert response.status_code == 400 and "25" in response.content.decode()
    data["excellent_quota"] = "25"
    assert client.post(reverse("assessment:scheme_detail", args=[scheme.pk]), data).status_code == 302
    scheme.refresh_from_db()
    assert scheme.excellent_quota == D("25")


@pytest.mark.parametrize(
    ("who", "status", "sees"),
    [("supervisor", 200, {"张三", "李四"}), ("head_x", 200, {"张三"}), ("leader", 200, {"李四"}), ("alice", 403, None)],
)
def test_rankings_within_ones_own_scope(client, world, who, status, sees):
    import io

    from openpyxl import load_workbook

    scheme = world["scheme"]
    scheme.bonus_enabled, scheme.bonus_base, scheme.bonus_per_point = True, D("2000"), D("30")
    scheme.bonus_add_cap, scheme.bonus_deduct_cap = D("600"), D("1000")
    scheme.save()
    published(world)
    user = world[who] if who == "supervisor" else world[who].user
    client.force_login(user)
    response = client.get(reverse("assessment:rankings"))
    assert response.status_code == status
    if sees is None:
        assert client.get(reverse("assessment:rankings_export"), {"period": world["period"].pk}).status_code == 403
        return
    names = {r.subject_name for r in response.context["rows"]}
    assert sees <= names
    if who != "supervisor":
        assert not ({"张三", "李四"} - sees) & names
    export = client.get(reverse("assessment:rankings_export"), {"period": world["period"].pk})
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxml")
    rows = list(load_workbook(io.BytesIO(b"".join(export.streaming_content))).active.iter_rows(values_only=True))
    assert rows[0] == ("Rank", "Assessed", "Department", "Points", "Grade", "Bonus (yuan)")
    # The same people as on the page, in rank order, with their points.
    assert {row[1] for row in rows[1:]} == names
    assert [row[0] for row in rows[1:]] == sorted(row[0] for row in rows[1:])
    by_name = {r.subject_name: r for r in Result.objects.filter(period=world["period"])}
    assert all(D(str(row[3])) == by_name[row[1]].total for row in rows[1:])
    # Bonuses: every one for supervisors; a head or leader sees their own only (the leader's own row is not in scope).
    bonuses = {row[1]: row[5] for row in rows[1:]}
    if who == "supervisor":
        assert all(value not in ("", None) for value in bonuses.values())
    else:
        own = world[who].name
        assert {name for name, value in bonuses.items() if value not in ("", None)} == ({own} & names)
        if who == "head_x":
            assert D(str(bonuses[own])) == by_name[own].bonus


def test_period_page_query_count_does_not_grow_with_rows(client, world, django_assert_max_num_queries):
    client.force_login(world["supervisor"])
    runs.run_period(world["period"])
    url = reverse("assessment:period_detail", args=[world["period"].pk])
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    for _ in range(30):
        StaffFactory(department=world["x"])
    runs.run_period(world["period"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize(("who", "status"), [("supervisor", 200), ("alice", 404), ("head_x", 404), ("leader", 404)])
def test_individual_scores_are_seen_by_supervisors_only(client, world, who, status):
    forms.submit_form(world["form"], user=world["evaluator"].user, scores={world["alice"].pk: 2, world["bob"].pk: 5})
    user = world[who] if who == "supervisor" else world[who].user
    client.force_login(user)
    response = client.get(reverse("assessment:form_fill", args=[world["form"].pk]))
    assert response.status_code == status
    if status == 200:
        assert response.context["closed"]
        assert client.post(reverse("assessment:form_fill", args=[world["form"].pk]), {}).status_code == 403


def test_period_results_are_paged_by_rank(client, world):
    for _ in range(5):
        StaffFactory(department=world["x"])
    runs.run_period(world["period"])
    client.force_login(world["supervisor"])
    url = reverse("assessment:period_detail", args=[world["period"].pk])
    import assessment.selectors as selectors

    seen = []
    after = None
    original = selectors.PAGE_SIZE
    try:
        selectors.PAGE_SIZE = 3
        selectors.keyset.__defaults__ = (3,)
        while True:
            response = client.get(url, {"after": after} if after else {})
            seen += [r.subject_id for r in response.context["results"]]
            after = response.context["next_after"]
            if not after:
                break
    finally:
        selectors.PAGE_SIZE = original
        selectors.keyset.__defaults__ = (original,)
    assert sorted(seen) == sorted(Result.objects.values_list("subject_id", flat=True))
    assert len(seen) == len(set(seen))


def test_run_button_refuses_a_bad_scheme_with_a_message(client, world):
    world["scheme"].indicators.filter(kind=IndicatorKind.EVALUATED).update(weight=10)
    client.force_login(world["supervisor"])
    response = client.post(reverse("assessment:period_run", args=[world["period"].pk]), follow=True)
    assert "sum to 100" in response.content.decode()
    assert not Result.objects.exists()


def test_run_task_is_idempotent_and_leaves_a_published_period_alone(world):
    from assessment.tasks import run_period_task

    assert run_period_task(world["period"].pk, world["supervisor"].pk) == Result.objects.count()
    first = list(Result.objects.order_by("subject_id").values_list("subject_id", "total", "proposed_grade"))
    run_period_task(world["period"].pk)
    assert list(Result.objects.order_by("subject_id").values_list("subject_id", "total", "proposed_grade")) == first
    publishing.publish_period(world["period"], actor=world["supervisor"])
    assert run_period_task(world["period"].pk) == 0
    assert run_period_task(999999) == 0
