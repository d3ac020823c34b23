"""Editing a scheme's indicators, add/deduct rules and vetoes on the pages, through services that keep the checks."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessment.models import AdjustmentRule, Indicator, IndicatorKind, VetoRule
from assessment.services import forms, runs, scheme_parts
from efficiency_portal.audit.models import AuditEvent
from efficiency_portal.org.models import Role
from tests.factories import DepartmentFactory, StaffFactory, UserFactory, make_head, seed_calendar

from .factories import make_period, make_rule, make_scheme, make_veto_rule

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    seed_calendar(2026)
    x = DepartmentFactory(name="X科")
    alice = StaffFactory(department=x, name="张三")
    head_x = make_head(x)
    leader = StaffFactory(department=x, roles=[Role.LEADER])
    supervisor = UserFactory(roles=[Role.SUPERVISOR])
    administrator = UserFactory(roles=[Role.ADMINISTRATOR])
    scheme = make_scheme()
    other = make_scheme()
    rule = make_rule(scheme, "late", "-5", name="迟到")
    veto = make_veto_rule(scheme)
    on_time = scheme.indicators.get(provider="on_time_rate")
    return locals()


def _user(world, who):
    return world[who] if who in ("supervisor", "administrator") else world[who].user


def _indicator(**change):
    data = {
        "name": "早办率",
        "kind": "computed",
        "provider": "early_rate",
        "evaluator_role": "",
        "weight": "10",
        "per_unit": "20",
        "sort_order": "5",
    }
    data.update(change)
    return data


def _rule(**change):
    data = {"code": "absence", "name": "旷工", "points": "-20", "unit": "天", "free_units": "0"}
    data.update(change)
    return data


def add_url(world, part):
    return reverse("assessment:scheme_part_add", args=[world["scheme"].pk, part])


def edit_url(world, part, pk):
    return reverse("assessment:scheme_part_edit", args=[world["scheme"].pk, part, pk])


@pytest.mark.parametrize(
    ("who", "status"),
    [("alice", 403), ("head_x", 403), ("leader", 403), ("supervisor", 200), ("administrator", 200)],
)
def test_scheme_editing_is_for_supervisors_and_administrators(client, world, who, status):
    client.force_login(_user(world, who))
    urls = [
        add_url(world, "indicator"),
        add_url(world, "rule"),
        add_url(world, "veto"),
        edit_url(world, "indicator", world["on_time"].pk),
        edit_url(world, "rule", world["rule"].pk),
        edit_url(world, "veto", world["veto"].pk),
    ]
    for url in urls:
        assert client.get(url).status_code == status, url
    response = client.post(add_url(world, "veto"), {"name": "违纪", "cap_grade": "fail"})
    assert response.status_code == (302 if status == 200 else 403)
    delete = reverse("assessment:scheme_part_delete", args=[world["scheme"].pk, "rule", world["rule"].pk])
    assert client.post(delete).status_code == (302 if status == 200 else 403)
    assert AdjustmentRule.objects.filter(pk=world["rule"].pk).exists() == (status != 200)


def test_the_scheme_pages_link_the_editing_pages(client, world):
    client.force_login(world["supervisor"])
    listing = client.get(reverse("assessment:scheme_list")).content.decode()
    assert world["scheme"].get_absolute_url() in listing
    detail = client.get(world["scheme"].get_absolute_url()).content.decode()
    for url in (
        add_url(world, "indicator"),
        add_url(world, "rule"),
        add_url(world, "veto"),
        edit_url(world, "indicator", world["on_time"].pk),
        edit_url(world, "rule", world["rule"].pk),
        edit_url(world, "veto", world["veto"].pk),
    ):
        assert url in detail
    assert "weight-warning" not in detail


def test_a_part_of_another_scheme_or_an_unknown_part_is_not_found(client, world):
    client.force_login(world["supervisor"])
    foreign = world["other"].indicators.first()
    assert client.get(edit_url(world, "indicator", foreign.pk)).status_code == 404
    assert client.get(f"/assessment/schemes/{world['scheme'].pk}/period/new/").status_code == 404
    assert client.get(reverse("assessment:scheme_part_add", args=[999999, "rule"])).status_code == 404


def test_adding_an_indicator_warns_until_the_weights_sum_to_100_and_runs_are_refused(client, world):
    client.force_login(world["supervisor"])
    response = client.post(add_url(world, "indicator"), _indicator(), follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "The weights now sum to 110.00" in page and "weight-warning" in page
    added = Indicator.objects.get(scheme=world["scheme"], provider="early_rate")
    assert (added.weight, added.kind, added.evaluator_role, added.sort_order) == (D("10"), "computed", "", 5)
    period = make_period(world["scheme"])
    with pytest.raises(ValidationError, match="sum to 100"):
        runs.queue_run(period)
    with pytest.raises(ValidationError, match="sum to 100"):
        runs.run_period(period)
    # Taking 10 off on-time completion makes the scheme runnable again.
    response = client.post(
        edit_url(world, "indicator", world["on_time"].pk),
        _indicator(name="按时办结率", provider="on_time_rate", weight="30"),
    )
    assert response.status_code == 302
    assert scheme_parts.weight_total(world["scheme"]) == D("100")
    assert runs.run_period(period).subjects > 0
    assert AuditEvent.objects.filter(action="assessment.scheme_changed").count() == 2


def test_an_evaluated_indicator_keeps_no_source(client, world):
    client.force_login(world["administrator"])
    data = _indicator(name="领导评价", kind="evaluated", provider="early_rate", evaluator_role="leader", weight="0")
    assert client.post(add_url(world, "indicator"), data).status_code == 302
    added = Indicator.objects.get(scheme=world["scheme"], name="领导评价")
    assert (added.provider, added.evaluator_role) == ("", "leader")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": ""}, "This field is required."),
        ({"kind": "magic"}, "Select a valid choice."),
        ({"provider": ""}, "Choose the source of a computed indicator."),
        ({"provider": "nonsense"}, "Select a valid choice."),
        ({"kind": "evaluated", "provider": "", "evaluator_role": ""}, "Choose who evaluates."),
        ({"weight": "101"}, "less than or equal to 100"),
        ({"weight": "-1"}, "greater than or equal to 0"),
        ({"weight": "abc"}, "Enter a number."),
        ({"weight": "NaN"}, "Enter a number."),
        ({"per_unit": "1e9"}, "less than or equal to 100"),
        ({"sort_order": "x"}, "Enter a whole number."),
    ],
)
def test_bad_indicators_are_refused_with_a_message(client, world, change, message):
    client.force_login(world["supervisor"])
    response = client.post(add_url(world, "indicator"), _indicator(**change))
    assert response.status_code == 400
    assert message in response.content.decode().replace("&#x27;", "'")
    assert world["scheme"].indicators.count() == 3


def test_an_indicator_used_by_a_period_keeps_its_kind_and_is_not_deleted(client, world):
    period = make_period(world["scheme"])
    democratic = world["scheme"].indicators.get(kind=IndicatorKind.EVALUATED)
    forms.assign_form(period, indicator=democratic, evaluator=world["head_x"], subject_ids=[world["alice"].pk])
    client.force_login(world["supervisor"])
    data = _indicator(name="民主测评", kind="computed", provider="red_cards", weight="40")
    response = client.post(edit_url(world, "indicator", democratic.pk), data)
    assert response.status_code == 400
    assert "already used by a period" in response.content.decode()
    democratic.refresh_from_db()
    assert democratic.kind == IndicatorKind.EVALUATED
    delete = reverse("assessment:scheme_part_delete", args=[world["scheme"].pk, "indicator", democratic.pk])
    response = client.post(delete, follow=True)
    assert "cannot be deleted" in response.content.decode()
    assert Indicator.objects.filter(pk=democratic.pk).exists()
    # Its weight may still change.
    data = _indicator(name="民主测评", kind="evaluated", provider="", evaluator_role="democratic", weight="40")
    assert client.post(edit_url(world, "indicator", democratic.pk), data).status_code == 302


def test_an_unused_indicator_is_deleted(client, world):
    client.force_login(world["supervisor"])
    delete = reverse("assessment:scheme_part_delete", args=[world["scheme"].pk, "indicator", world["on_time"].pk])
    response = client.post(delete, follow=True)
    assert not Indicator.objects.filter(pk=world["on_time"].pk).exists()
    assert "The weights now sum to 60.00" in response.content.decode()


def test_a_tiered_capped_rule_is_added_and_changed(client, world):
    client.force_login(world["supervisor"])
    data = _rule(code="leave", name="请假", points="-1", free_units="3", tier_after="10", tier_points="-2", cap="30")
    assert client.post(add_url(world, "rule"), data).status_code == 302
    rule = AdjustmentRule.objects.get(scheme=world["scheme"], code="leave")
    assert (rule.points, rule.free_units, rule.tier_after, rule.tier_points, rule.cap) == (
        D("-1"),
        D("3"),
        D("10"),
        D("-2"),
        D("30"),
    )
    data.update(tier_after="", tier_points="", cap="")
    assert client.post(edit_url(world, "rule", rule.pk), data).status_code == 302
    rule.refresh_from_db()
    assert (rule.tier_after, rule.tier_points, rule.cap) == (None, None, None)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"code": "late"}, "already has a rule with this code"),
        ({"code": "旷 工"}, "Enter a valid “slug”"),
        ({"code": ""}, "This field is required."),
        ({"points": "0"}, "cannot be 0"),
        ({"points": "abc"}, "Enter a number."),
        ({"points": "5000"}, "less than or equal to 1000"),
        ({"unit": ""}, "This field is required."),
        ({"free_units": "-1"}, "greater than or equal to 0"),
        ({"tier_after": "10"}, "needs both"),
        ({"tier_points": "-2"}, "needs both"),
        ({"free_units": "5", "tier_after": "2", "tier_points": "-2"}, "cannot start before the free units end"),
        ({"cap": "0"}, "above 0"),
        ({"cap": "-3"}, "greater than or equal to 0"),
    ],
)
def test_bad_rules_are_refused_with_a_message(client, world, change, message):
    client.force_login(world["supervisor"])
    response = client.post(add_url(world, "rule"), _rule(**change))
    assert response.status_code == 400
    assert message in response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')
    assert AdjustmentRule.objects.filter(scheme=world["scheme"]).count() == 1


def test_a_rule_with_entries_is_not_deleted(client, world):
    import datetime as dt

    period = make_period(world["scheme"])
    forms.record_adjustment(
        period, rule=world["rule"], subject_id=world["alice"].pk, quantity=1, fact_date=dt.date(2026, 3, 2), actor=None
    )
    client.force_login(world["supervisor"])
    delete = reverse("assessment:scheme_part_delete", args=[world["scheme"].pk, "rule", world["rule"].pk])
    response = client.post(delete, follow=True)
    assert "has recorded entries" in response.content.decode()
    assert AdjustmentRule.objects.filter(pk=world["rule"].pk).exists()


def test_vetoes_are_added_changed_and_refused_when_bad(client, world):
    client.force_login(world["supervisor"])
    assert client.post(add_url(world, "veto"), {"name": "重大事故", "cap_grade": "pass"}).status_code == 302
    veto = VetoRule.objects.get(name="重大事故")
    assert client.post(edit_url(world, "veto", veto.pk), {"name": "重大事故", "cap_grade": "fail"}).status_code == 302
    veto.refresh_from_db()
    assert veto.cap_grade == "fail"
    for data in (
        {"name": "", "cap_grade": "fail"},
        {"name": "x", "cap_grade": "excellent"},
        {"name": "x", "cap_grade": "z"},
    ):
        response = client.post(add_url(world, "veto"), data)
        assert response.status_code == 400
    assert VetoRule.objects.filter(scheme=world["scheme"]).count() == 2
    with pytest.raises(ValidationError, match="below excellent"):
        scheme_parts.save_veto(world["scheme"], name="x", cap_grade="excellent")


def test_a_veto_recorded_against_someone_is_not_deleted(client, world):
    period = make_period(world["scheme"])
    forms.record_veto(period, rule=world["veto"], subject_id=world["alice"].pk, reason="严重违纪行为", actor=None)
    client.force_login(world["supervisor"])
    delete = reverse("assessment:scheme_part_delete", args=[world["scheme"].pk, "veto", world["veto"].pk])
    assert "cannot be deleted" in client.post(delete, follow=True).content.decode()
    assert VetoRule.objects.filter(pk=world["veto"].pk).exists()


def test_the_services_refuse_parts_of_another_scheme(world):
    with pytest.raises(ValidationError, match="another scheme"):
        scheme_parts.save_indicator(
            world["other"], indicator=world["on_time"], name="x", kind="computed", provider="red_cards", weight=1
        )
    with pytest.raises(ValidationError, match="another scheme"):
        scheme_parts.save_rule(world["other"], rule=world["rule"], code="late", name="x", points=-1, unit="次")
    with pytest.raises(ValidationError, match="another scheme"):
        scheme_parts.save_veto(world["other"], veto=world["veto"], name="x", cap_grade="pass")


def test_the_quota_over_the_maximum_is_still_refused_on_the_scheme_page(client, world):
    client.force_login(world["supervisor"])
    data = {"excellent_quota": "30"} | {f"weight_{i.pk}": str(i.weight) for i in world["scheme"].indicators.all()}
    response = client.post(world["scheme"].get_absolute_url(), data)
    assert response.status_code == 400
    assert "between 0 and 25" in response.content.decode()
