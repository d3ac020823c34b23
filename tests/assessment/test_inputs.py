"""The inputs of a run: forms stay open for evaluators after a run until they close; add/deduct entries and vetoes
are listed on the period page and deleted with a logged reason before publishing; a veto is recorded once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from assessment.models import AdjustmentEntry, AssessmentEvent, EvaluationForm, IndicatorKind, Result, VetoEntry
from assessment.services import forms, publishing, runs
from efficiency_portal.audit.models import AuditEvent
from efficiency_portal.org.models import Role
from tests.factories import DepartmentFactory, StaffFactory, UserFactory, make_head, seed_calendar

from .factories import make_period, make_rule, make_scheme, make_veto_rule

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    seed_calendar(2026)
    x = DepartmentFactory(name="X科")
    alice, bob = StaffFactory(department=x, name="张三"), StaffFactory(department=x, name="李四")
    evaluator = StaffFactory(department=x, name="评议人")
    head_x = make_head(x)
    supervisor = UserFactory(roles=[Role.SUPERVISOR])
    scheme = make_scheme()
    rule = make_rule(scheme, "late", "-5", name="迟到")
    veto = make_veto_rule(scheme, "严重违纪", "pass")
    period = make_period(scheme, forms_close_at=timezone.now() + dt.timedelta(days=3))
    indicator = scheme.indicators.get(kind=IndicatorKind.EVALUATED)
    form = forms.assign_form(period, indicator=indicator, evaluator=evaluator, subject_ids=[alice.pk, bob.pk])
    return locals()


def democratic_points(world, person) -> D:
    result = Result.objects.get(period=world["period"], subject_id=person.pk)
    return result.lines.get(label="民主测评").points


# --- Forms after a run --------------------------------------------------------------------------------------------


def test_an_evaluator_submits_after_a_run_until_the_forms_close_and_a_rerun_takes_the_scores(client, world):
    runs.run_period(world["period"])
    world["period"].refresh_from_db()
    assert world["period"].status == "computed"
    assert democratic_points(world, world["alice"]) == D("24.00")  # nobody scored yet: a neutral 3
    client.force_login(world["evaluator"].user)
    # Still offered on the evaluator's list, and the page takes the scores.
    listing = client.get(reverse("assessment:my_forms")).content.decode()
    assert world["form"].get_absolute_url() in listing and "Fill in" in listing
    a, b = world["alice"].pk, world["bob"].pk
    url = reverse("assessment:form_fill", args=[world["form"].pk])
    assert not client.get(url).context["closed"]
    assert client.post(url, {f"score_{a}": "5", f"score_{b}": "2"}).status_code == 302
    runs.run_period(world["period"])
    assert democratic_points(world, world["alice"]) == D("40.00")
    assert democratic_points(world, world["bob"]) == D("16.00")
    # Evaluators may be assigned on a computed period while the forms are open.
    form = forms.assign_form(
        world["period"],
        indicator=world["form"].indicator,
        evaluator=world["head_x"],
        subject_ids=[world["alice"].pk],
    )
    forms.submit_form(form, user=world["head_x"].user, scores={world["alice"].pk: 3})
    # Once the forms close, nothing more is taken, computed or not.
    after = world["period"].forms_close_at + dt.timedelta(seconds=1)
    with time_machine.travel(after), pytest.raises(ValidationError, match="closed"):
        forms.submit_form(world["form"], user=world["evaluator"].user, scores={a: 1, b: 1})
    closes = world["period"].forms_close_at
    type(world["period"]).objects.filter(pk=world["period"].pk).update(forms_close_at=timezone.now())
    assert client.get(url).context["closed"]
    assert client.post(url, {f"score_{a}": "1", f"score_{b}": "1"}).status_code == 400
    type(world["period"]).objects.filter(pk=world["period"].pk).update(forms_close_at=closes)
    # Nor once published, even before the forms close.
    publishing.publish_period(world["period"], actor=world["supervisor"])
    with pytest.raises(ValidationError, match="closed"):
        forms.submit_form(world["form"], user=world["evaluator"].user, scores={a: 1, b: 1})
    assert EvaluationForm.objects.get(pk=world["form"].pk).entries.get(subject_id=a).score == 5


def test_assigning_on_a_computed_period_after_the_forms_closed_is_refused_on_the_page(client, world):
    runs.run_period(world["period"])
    client.force_login(world["supervisor"])
    url = reverse("assessment:period_assign", args=[world["period"].pk])
    data = {"indicator": world["form"].indicator_id, "evaluator": world["head_x"].pk, "subjects": [world["alice"].pk]}
    closes = world["period"].forms_close_at
    type(world["period"]).objects.filter(pk=world["period"].pk).update(forms_close_at=timezone.now())
    response = client.post(url, data)
    assert response.status_code == 400 and "have closed" in response.content.decode()
    assert not EvaluationForm.objects.filter(evaluator=world["head_x"]).exists()
    type(world["period"]).objects.filter(pk=world["period"].pk).update(forms_close_at=closes)
    assert client.post(url, data).status_code == 302


# --- Entries listed and deleted -------------------------------------------------------------------------------------


def record(world, **change):
    data = {"rule": world["rule"], "subject_id": world["alice"].pk, "quantity": "2", "fact_date": dt.date(2026, 3, 4),
            "note": "考勤", "actor": world["supervisor"]}  # fmt: skip
    data.update(change)
    return forms.record_adjustment(world["period"], **data)


def test_entries_and_vetoes_are_listed_on_the_period_page(client, world):
    record(world)
    record(world, subject_id=world["bob"].pk, quantity="1", note="迟到十分钟")
    forms.record_veto(
        world["period"], rule=world["veto"], subject_id=world["bob"].pk, reason="严重违反纪律", actor=None
    )
    client.force_login(world["supervisor"])
    response = client.get(world["period"].get_absolute_url())
    page = response.content.decode()
    assert "迟到十分钟" in page and "严重违反纪律" in page and "张三" in page and "李四" in page
    assert page.count(reverse("assessment:adjustment_delete", args=[AdjustmentEntry.objects.first().pk])) == 1
    assert reverse("assessment:veto_entry_delete", args=[VetoEntry.objects.get().pk]) in page
    assert response.context["entries"].paginator.count == 2


def test_the_period_page_keeps_its_query_count_with_more_entries(client, world, django_assert_max_num_queries):
    record(world)
    client.force_login(world["supervisor"])
    url = world["period"].get_absolute_url()
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    for n in range(20):
        person = StaffFactory(department=world["x"])
        record(world, subject_id=person.pk, quantity=str(n + 1))
        forms.record_veto(world["period"], rule=world["veto"], subject_id=person.pk, reason="严重违反纪律", actor=None)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_a_wrong_entry_is_deleted_with_a_logged_reason_and_the_rerun_drops_it(client, world):
    entry = record(world)
    runs.run_period(world["period"])
    alice = Result.objects.get(period=world["period"], subject_id=world["alice"].pk)
    assert alice.lines.get(label="迟到").points == D("-10.00")
    client.force_login(world["supervisor"])
    url = reverse("assessment:adjustment_delete", args=[entry.pk])
    # A reason is required.
    response = client.post(url, {"reason": "错"}, follow=True)
    assert "at least 5 characters" in response.content.decode()
    assert AdjustmentEntry.objects.filter(pk=entry.pk).exists()
    assert client.post(url, {"reason": "录入人员选错了对象"}).status_code == 302
    assert not AdjustmentEntry.objects.filter(pk=entry.pk).exists()
    event = AssessmentEvent.objects.get(period=world["period"], action="adjustment_deleted")
    assert event.actor == world["supervisor"] and "录入人员选错了对象" in event.reason and "late" in event.reason
    audit = AuditEvent.objects.get(action="assessment.input_deleted")
    assert audit.detail["input"] == "adjustment" and audit.detail["reason"] == "录入人员选错了对象"
    assert audit.detail["subject_id"] == world["alice"].pk and audit.detail["quantity"] == "2.00"
    runs.run_period(world["period"])
    alice = Result.objects.get(period=world["period"], subject_id=world["alice"].pk)
    assert not alice.lines.filter(label="迟到").exists()


def test_a_wrong_veto_is_deleted_with_a_logged_reason(client, world):
    veto = forms.record_veto(
        world["period"], rule=world["veto"], subject_id=world["alice"].pk, reason="严重违反纪律", actor=None
    )
    client.force_login(world["supervisor"])
    assert (
        client.post(reverse("assessment:veto_entry_delete", args=[veto.pk]), {"reason": "经复核不属实"}).status_code
        == 302
    )
    assert not VetoEntry.objects.exists()
    event = AssessmentEvent.objects.get(action="veto_deleted")
    assert "经复核不属实" in event.reason and "严重违反纪律" in event.reason
    assert AuditEvent.objects.get(action="assessment.input_deleted").detail["input"] == "veto"
    # Recorded again afterwards, with the new reason.
    forms.record_veto(
        world["period"], rule=world["veto"], subject_id=world["alice"].pk, reason="新的事实依据", actor=None
    )
    assert VetoEntry.objects.get().reason == "新的事实依据"


def test_nothing_is_deleted_once_published(client, world):
    entry = record(world)
    veto = forms.record_veto(
        world["period"], rule=world["veto"], subject_id=world["bob"].pk, reason="严重违反纪律", actor=None
    )
    runs.run_period(world["period"])
    publishing.publish_period(world["period"], actor=world["supervisor"])
    client.force_login(world["supervisor"])
    response = client.post(
        reverse("assessment:adjustment_delete", args=[entry.pk]), {"reason": "发布后想删除"}, follow=True
    )
    assert "published" in response.content.decode()
    client.post(reverse("assessment:veto_entry_delete", args=[veto.pk]), {"reason": "发布后想删除"})
    assert AdjustmentEntry.objects.filter(pk=entry.pk).exists() and VetoEntry.objects.filter(pk=veto.pk).exists()
    assert not AuditEvent.objects.filter(action="assessment.input_deleted").exists()
    # The page lists them without delete buttons.
    page = client.get(world["period"].get_absolute_url()).content.decode()
    assert reverse("assessment:adjustment_delete", args=[entry.pk]) not in page and "严重违反纪律" in page


@pytest.mark.parametrize("who", ["alice", "head_x", "evaluator"])
def test_only_supervisors_delete_entries(client, world, who):
    entry = record(world)
    veto = forms.record_veto(
        world["period"], rule=world["veto"], subject_id=world["bob"].pk, reason="严重违反纪律", actor=None
    )
    client.force_login(world[who].user)
    assert (
        client.post(reverse("assessment:adjustment_delete", args=[entry.pk]), {"reason": "无权删除的尝试"}).status_code
        == 403
    )
    assert (
        client.post(reverse("assessment:veto_entry_delete", args=[veto.pk]), {"reason": "无权删除的尝试"}).status_code
        == 403
    )
    assert AdjustmentEntry.objects.filter(pk=entry.pk).exists() and VetoEntry.objects.filter(pk=veto.pk).exists()


def test_a_second_veto_of_the_same_kind_is_refused_and_logs_nothing(client, world):
    forms.record_veto(
        world["period"], rule=world["veto"], subject_id=world["alice"].pk, reason="第一次的理由", actor=None
    )
    with pytest.raises(ValidationError, match="recorded against them already"):
        forms.record_veto(
            world["period"], rule=world["veto"], subject_id=world["alice"].pk, reason="第二次的理由", actor=None
        )
    assert VetoEntry.objects.get().reason == "第一次的理由"
    assert AssessmentEvent.objects.filter(action="veto").count() == 1
    client.force_login(world["supervisor"])
    data = {"rule": world["veto"].pk, "subject": world["alice"].pk, "reason": "页面上的第二次"}
    response = client.post(reverse("assessment:period_veto", args=[world["period"].pk]), data)
    assert response.status_code == 400 and "recorded against them already" in response.content.decode()
    assert AssessmentEvent.objects.filter(action="veto").count() == 1


def test_forms_to_fill_in_count_computed_periods_but_not_published_ones(world):
    from assessment import selectors

    assert selectors.open_form_count(world["evaluator"].user) == 1
    runs.run_period(world["period"])
    assert selectors.open_form_count(world["evaluator"].user) == 1
    publishing.publish_period(world["period"], actor=world["supervisor"])
    assert selectors.open_form_count(world["evaluator"].user) == 0
