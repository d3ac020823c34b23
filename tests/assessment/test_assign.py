"""Assigning evaluators on a page: supervisors and administrators only; bad input gets a message, never a 500."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from assessment.models import AssessmentEvent, EvaluationEntry, EvaluationForm, EvaluatorRole, IndicatorKind
from assessment.services import publishing, runs
from efficiency_portal.org.models import Role
from tests.factories import DepartmentFactory, StaffFactory, UserFactory, make_head, seed_calendar

from .factories import make_period, make_scheme

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    seed_calendar(2026)
    x, y = DepartmentFactory(name="X科"), DepartmentFactory(name="Y科")
    alice, bob = StaffFactory(department=x, name="张三"), StaffFactory(department=y, name="李四")
    carol = StaffFactory(department=x, name="王五")
    head_x = make_head(x)
    leader = StaffFactory(department=x, roles=[Role.LEADER])
    supervisor = UserFactory(roles=[Role.SUPERVISOR])
    administrator = UserFactory(roles=[Role.ADMINISTRATOR])
    scheme = make_scheme()
    other_scheme = make_scheme()
    period = make_period(scheme)
    democratic = scheme.indicators.get(kind=IndicatorKind.EVALUATED)
    computed = scheme.indicators.filter(kind=IndicatorKind.COMPUTED).first()
    foreign = other_scheme.indicators.get(kind=IndicatorKind.EVALUATED)
    url = reverse("assessment:period_assign", args=[period.pk])
    return locals()


def _user(world, who):
    return world[who] if who in ("supervisor", "administrator") else world[who].user


@pytest.mark.parametrize(
    ("who", "status"),
    [("alice", 403), ("head_x", 403), ("leader", 403), ("supervisor", 200), ("administrator", 200)],
)
def test_the_assignment_page_is_for_supervisors_and_administrators(client, world, who, status):
    client.force_login(_user(world, who))
    assert client.get(world["url"]).status_code == status
    response = client.post(
        world["url"],
        {"indicator": world["democratic"].pk, "evaluator": world["alice"].pk, "subjects": [world["bob"].pk]},
    )
    assert response.status_code == (302 if status == 200 else 403)
    assert EvaluationForm.objects.exists() == (status == 200)


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    response = client.get(world["url"])
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_the_period_page_links_the_assignment_page(client, world):
    client.force_login(world["supervisor"])
    response = client.get(reverse("assessment:period_detail", args=[world["period"].pk]))
    assert world["url"] in response.content.decode()


def test_assigning_creates_the_form_and_assigning_again_adds_the_missing(client, world):
    client.force_login(world["supervisor"])
    data = {"indicator": world["democratic"].pk, "evaluator": world["alice"].pk, "subjects": [world["bob"].pk]}
    assert client.post(world["url"], data).status_code == 302
    form = EvaluationForm.objects.get()
    assert (form.evaluator, form.indicator, form.period) == (world["alice"], world["democratic"], world["period"])
    assert set(form.entries.values_list("subject_id", flat=True)) == {world["bob"].pk}
    data["subjects"] = [world["bob"].pk, world["carol"].pk]
    assert client.post(world["url"], data).status_code == 302
    assert EvaluationForm.objects.count() == 1
    assert set(form.entries.values_list("subject_id", flat=True)) == {world["bob"].pk, world["carol"].pk}
    assert AssessmentEvent.objects.filter(action="form_assigned", actor=world["supervisor"]).count() == 2
    page = client.get(world["url"]).content.decode()
    assert "张三" in page and "assigned-forms" in page
    # The new form is the evaluator's to fill in.
    client.force_login(world["alice"].user)
    assert client.get(reverse("assessment:form_fill", args=[form.pk])).status_code == 200


def test_a_whole_department_is_assigned_without_the_evaluator(client, world):
    client.force_login(world["supervisor"])
    data = {"indicator": world["democratic"].pk, "evaluator": world["alice"].pk, "whole_department": world["x"].pk}
    assert client.post(world["url"], data).status_code == 302
    subjects = set(EvaluationEntry.objects.values_list("subject_id", flat=True))
    assert world["alice"].pk not in subjects
    assert {world["carol"].pk, world["head_x"].pk, world["leader"].pk} <= subjects
    assert world["bob"].pk not in subjects


def test_departments_are_assigned_on_a_department_scheme(client, world):
    scheme = make_scheme(
        "department",
        indicators=[
            ("按时办结率", IndicatorKind.COMPUTED, "on_time_rate", 50),
            ("领导评价", IndicatorKind.EVALUATED, EvaluatorRole.LEADER, 50),
        ],
    )
    period = make_period(scheme)
    client.force_login(world["administrator"])
    url = reverse("assessment:period_assign", args=[period.pk])
    page = client.get(url).content.decode()
    assert "whole_department" not in page
    indicator = scheme.indicators.get(kind=IndicatorKind.EVALUATED)
    data = {"indicator": indicator.pk, "evaluator": world["leader"].pk, "subjects": [world["x"].pk, world["y"].pk]}
    assert client.post(url, data).status_code == 302
    assert set(EvaluationEntry.objects.values_list("subject_id", flat=True)) == {world["x"].pk, world["y"].pk}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"subjects": []}, "Choose at least one person or department to evaluate."),
        ({"subjects": ["alice"]}, "An evaluator does not score themselves."),
        ({"subjects": ["999999"]}, "Select a valid choice."),
        ({"subjects": ["abc"]}, "Select a valid choice."),
        ({"indicator": "computed"}, "Select a valid choice."),
        ({"indicator": "foreign"}, "Select a valid choice."),
        ({"indicator": ""}, "This field is required."),
        ({"evaluator": "999999"}, "Select a valid choice."),
        ({"evaluator": "x"}, "Select a valid choice."),
        ({"whole_department": "999999"}, "Select a valid choice."),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_written(client, world, change, message):
    client.force_login(world["supervisor"])
    data = {"indicator": world["democratic"].pk, "evaluator": world["alice"].pk, "subjects": [world["bob"].pk]}
    for key, value in change.items():
        if isinstance(value, list):
            data[key] = [world[v].pk if v in world else v for v in value]
        else:
            data[key] = world[value].pk if value in ("computed", "foreign") else value
    response = client.post(world["url"], data)
    assert response.status_code == 400
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not EvaluationForm.objects.exists()


def test_an_inactive_evaluator_is_refused(client, world):
    world["carol"].is_active = False
    world["carol"].save()
    client.force_login(world["supervisor"])
    data = {"indicator": world["democratic"].pk, "evaluator": world["carol"].pk, "subjects": [world["bob"].pk]}
    assert client.post(world["url"], data).status_code == 400
    assert not EvaluationForm.objects.exists()


def test_closed_forms_are_refused(client, world):
    period = world["period"]
    period.forms_close_at = timezone.now() - dt.timedelta(minutes=1)
    period.save()
    client.force_login(world["supervisor"])
    data = {"indicator": world["democratic"].pk, "evaluator": world["alice"].pk, "subjects": [world["bob"].pk]}
    response = client.post(world["url"], data)
    assert response.status_code == 400
    assert "The evaluation forms of this period have closed." in response.content.decode()
    assert not EvaluationForm.objects.exists()


def test_a_published_period_is_refused(client, world):
    runs.run_period(world["period"])
    publishing.publish_period(world["period"], actor=world["supervisor"])
    client.force_login(world["supervisor"])
    assert "no longer change" in client.get(world["url"]).content.decode()
    data = {"indicator": world["democratic"].pk, "evaluator": world["alice"].pk, "subjects": [world["bob"].pk]}
    response = client.post(world["url"], data)
    assert response.status_code == 400
    assert "This period is published; its inputs can no longer change." in response.content.decode()
    assert not EvaluationForm.objects.exists()


def test_the_form_list_costs_the_same_queries_for_one_or_many_forms(client, world, django_assert_max_num_queries):
    from assessment.services import forms

    client.force_login(world["supervisor"])
    forms.assign_form(
        world["period"], indicator=world["democratic"], evaluator=world["alice"], subject_ids=[world["bob"].pk]
    )
    with django_assert_max_num_queries(20) as one:
        client.get(world["url"])
    for _ in range(8):
        person = StaffFactory(department=world["y"])
        forms.assign_form(
            world["period"], indicator=world["democratic"], evaluator=person, subject_ids=[world["bob"].pk]
        )
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(world["url"])
