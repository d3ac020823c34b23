"""A scheme's settings (name, kind, thresholds, quota, bonus, active) on the pages and in the admin, through
``save_scheme``: the same checks everywhere, every change in the audit log."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessment.models import AdjustmentRule, Indicator, Scheme, VetoRule
from assessment.services import schemes
from efficiency_portal.audit.models import AuditEvent
from efficiency_portal.org.models import Role
from tests.factories import DepartmentFactory, StaffFactory, UserFactory, make_head

from .factories import make_period, make_rule, make_scheme, make_veto_rule

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    x = DepartmentFactory(name="X科")
    alice = StaffFactory(department=x)
    head_x = make_head(x)
    leader = StaffFactory(department=x, roles=[Role.LEADER])
    supervisor = UserFactory(roles=[Role.SUPERVISOR])
    administrator = UserFactory(roles=[Role.ADMINISTRATOR])
    scheme = make_scheme(name="公务员考核")
    return locals()


def _user(world, who):
    return world[who] if who in ("supervisor", "administrator") else world[who].user


def settings_data(**change) -> dict[str, str]:
    data = {
        "name": "新方案",
        "subject_kind": "staff",
        "description": "平时考核",
        "excellent_quota": "20",
        "excellent_min": "90",
        "good_min": "75",
        "pass_min": "60",
        "bonus_enabled": "on",
        "bonus_base": "2000",
        "bonus_baseline": "80",
        "bonus_per_point": "30",
        "bonus_add_cap": "600",
        "bonus_deduct_cap": "1000",
        "is_active": "on",
    }
    data.update(change)
    return {key: value for key, value in data.items() if value is not None}


@pytest.mark.parametrize(
    ("who", "status"),
    [("alice", 403), ("head_x", 403), ("leader", 403), ("supervisor", 200), ("administrator", 200)],
)
def test_scheme_settings_are_for_supervisors_and_administrators(client, world, who, status):
    client.force_login(_user(world, who))
    create = reverse("assessment:scheme_create")
    change = reverse("assessment:scheme_settings", args=[world["scheme"].pk])
    assert client.get(create).status_code == status
    assert client.get(change).status_code == status
    response = client.post(create, settings_data(name=f"方案-{who}"))
    assert response.status_code == (302 if status == 200 else 403)
    assert Scheme.objects.filter(name=f"方案-{who}").exists() == (status == 200)
    response = client.post(change, settings_data(name="改名"))
    assert response.status_code == (302 if status == 200 else 403)
    world["scheme"].refresh_from_db()
    assert (world["scheme"].name == "改名") == (status == 200)


def test_a_supervisor_creates_a_scheme_and_changes_its_settings(client, world):
    client.force_login(world["supervisor"])
    response = client.post(reverse("assessment:scheme_create"), settings_data(), follow=True)
    assert response.status_code == 200
    scheme = Scheme.objects.get(name="新方案")
    assert (scheme.subject_kind, scheme.excellent_quota, scheme.excellent_min, scheme.good_min, scheme.pass_min) == (
        "staff",
        D("20"),
        D("90"),
        D("75"),
        D("60"),
    )
    assert scheme.bonus_enabled and scheme.bonus_base == D("2000") and scheme.bonus_deduct_cap == D("1000")
    # The new scheme has no indicator yet: its page says the weights are off 100 and shows the bonus.
    page = response.content.decode()
    assert "weight-warning" in page and "2000" in page and "bonus-settings" in page
    created = AuditEvent.objects.get(action="assessment.scheme_changed", target_id=str(scheme.pk))
    assert created.detail["change"] == "scheme_created" and created.actor == world["supervisor"]
    # Changing thresholds, bonus and switching it off.
    data = settings_data(excellent_min="92", good_min="80", pass_min="65", bonus_enabled=None, is_active=None)
    url = reverse("assessment:scheme_settings", args=[scheme.pk])
    assert client.post(url, data).status_code == 302
    scheme.refresh_from_db()
    assert (scheme.excellent_min, scheme.good_min, scheme.pass_min) == (D("92"), D("80"), D("65"))
    assert not scheme.bonus_enabled and not scheme.is_active
    changed = AuditEvent.objects.filter(action="assessment.scheme_changed", target_id=str(scheme.pk)).latest("pk")
    assert changed.detail["change"] == "settings_saved"
    assert changed.detail["fields"]["excellent_min"] == {"from": "90.00", "to": "92.00"}
    assert changed.detail["fields"]["is_active"] == {"from": True, "to": False}
    assert "name" not in changed.detail["fields"]
    # An inactive scheme is offered for no new period.
    periods = client.get(reverse("assessment:period_list"))
    assert scheme not in periods.context["period_form"].fields["scheme"].queryset


def test_the_scheme_pages_link_the_settings_and_show_the_bonus(client, world):
    client.force_login(world["supervisor"])
    listing = client.get(reverse("assessment:scheme_list")).content.decode()
    assert reverse("assessment:scheme_create") in listing
    assert reverse("assessment:scheme_settings", args=[world["scheme"].pk]) in listing
    detail = client.get(world["scheme"].get_absolute_url()).content.decode()
    assert reverse("assessment:scheme_settings", args=[world["scheme"].pk]) in detail
    assert "No monthly bonus." in detail
    Scheme.objects.filter(pk=world["scheme"].pk).update(
        bonus_enabled=True, bonus_base=1500, bonus_per_point=25, bonus_add_cap=400, bonus_deduct_cap=700
    )
    detail = client.get(world["scheme"].get_absolute_url()).content.decode()
    assert "Monthly bonus: 1500.00 yuan, plus 25.00 yuan" in detail and "+400.00" in detail and "700.00" in detail


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"name": ""}, "name", "This field is required."),
        ({"name": "公务员考核"}, "name", "Another scheme has this name."),
        ({"subject_kind": "robots"}, "subject_kind", "Select a valid choice."),
        ({"excellent_quota": "25.01"}, "excellent_quota", "between 0 and 25"),
        ({"excellent_quota": "-1"}, "excellent_quota", "greater than or equal to 0"),
        ({"good_min": "60"}, "good_min", "must lie above the pass threshold"),
        ({"good_min": "55"}, "good_min", "must lie above the pass threshold"),
        ({"excellent_min": "75"}, "excellent_min", "must lie above the competent/good threshold"),
        ({"excellent_min": "101"}, "excellent_min", "less than or equal to 100"),
        ({"pass_min": "abc"}, "pass_min", "Enter a number."),
        ({"bonus_base": "-1"}, "bonus_base", "greater than or equal to 0"),
        ({"bonus_per_point": "-30"}, "bonus_per_point", "greater than or equal to 0"),
        ({"bonus_add_cap": "-1"}, "bonus_add_cap", "greater than or equal to 0"),
        ({"bonus_deduct_cap": "-5"}, "bonus_deduct_cap", "greater than or equal to 0"),
        ({"subject_kind": "department"}, "bonus_enabled", "Only a civil servants' scheme pays a monthly bonus"),
    ],
)
def test_bad_settings_are_refused_with_a_message(client, world, change, field, message):
    client.force_login(world["supervisor"])
    before = Scheme.objects.count()
    response = client.post(reverse("assessment:scheme_create"), settings_data(**change))
    assert response.status_code == 400
    form = response.context["form"]
    assert any(message in error for error in form.errors.get(field, [])), form.errors
    assert Scheme.objects.count() == before
    assert not AuditEvent.objects.filter(action="assessment.scheme_changed").exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"excellent_quota": "26"}, "excellent_quota"),
        ({"pass_min": "75", "good_min": "75"}, "good_min"),
        ({"excellent_min": "100.01"}, "excellent_min"),
        ({"pass_min": "-0.01"}, "pass_min"),
        ({"bonus_base": "-1"}, "bonus_base"),
        ({"bonus_per_point": "-1"}, "bonus_per_point"),
        ({"bonus_add_cap": "-0.5"}, "bonus_add_cap"),
        ({"bonus_deduct_cap": "-0.5"}, "bonus_deduct_cap"),
        ({"bonus_base": "NaN"}, "bonus_base"),
    ],
)
def test_the_service_refuses_what_the_page_form_would(world, change, field):
    data = {key: value for key, value in settings_data(**change).items()}
    data["bonus_enabled"] = True
    data["is_active"] = True
    with pytest.raises(ValidationError) as refused:
        schemes.save_scheme(actor=world["supervisor"], **data)
    assert field in refused.value.message_dict
    assert not Scheme.objects.filter(name="新方案").exists()


def test_who_is_assessed_cannot_change_once_the_scheme_has_periods(client, world):
    make_period(world["scheme"])
    client.force_login(world["supervisor"])
    url = reverse("assessment:scheme_settings", args=[world["scheme"].pk])
    response = client.post(url, settings_data(name="公务员考核", subject_kind="department", bonus_enabled=None))
    assert response.status_code == 400
    assert "can no longer change" in response.content.decode()
    world["scheme"].refresh_from_db()
    assert world["scheme"].subject_kind == "staff"


# --- The admin: the same checks, the parts read-only -------------------------------------------------------------


@pytest.fixture
def admin_client(client):
    superuser = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(superuser)
    client.superuser = superuser
    return client


def admin_data(scheme: Scheme, **change) -> dict[str, str]:
    data = settings_data(**{"name": scheme.name, **change})
    for prefix, count in (
        ("indicators", scheme.indicators.count() if scheme.pk else 0),
        ("adjustment_rules", scheme.adjustment_rules.count() if scheme.pk else 0),
        ("veto_rules", scheme.veto_rules.count() if scheme.pk else 0),
    ):
        data.update({f"{prefix}-TOTAL_FORMS": str(count), f"{prefix}-INITIAL_FORMS": str(count),
                     f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"})  # fmt: skip
    return data


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"good_min": "95"}, "must lie above the competent/good threshold"),
        ({"pass_min": "80"}, "must lie above the pass threshold"),
        ({"bonus_base": "-100"}, "Enter a number from 0"),
        ({"bonus_deduct_cap": "-1"}, "Enter a number from 0"),
        ({"excellent_quota": "30"}, "between 0 and 25"),
    ],
)
def test_the_admin_applies_the_same_checks(admin_client, world, change, message):
    scheme = world["scheme"]
    url = reverse("admin:assessment_scheme_change", args=[scheme.pk])
    response = admin_client.post(url, admin_data(scheme, **change))
    assert response.status_code == 200  # the form again, with the error
    assert message in response.content.decode().replace("&#x27;", "'")
    scheme.refresh_from_db()
    assert (scheme.good_min, scheme.pass_min, scheme.bonus_base) == (D("75"), D("60"), D("0"))


def test_the_admin_saves_through_the_service_into_the_audit_log(admin_client, world):
    scheme = world["scheme"]
    url = reverse("admin:assessment_scheme_change", args=[scheme.pk])
    response = admin_client.post(url, admin_data(scheme, excellent_min="95"))
    assert response.status_code == 302, response.content.decode()[:2000]
    scheme.refresh_from_db()
    assert scheme.excellent_min == D("95") and scheme.bonus_enabled
    event = AuditEvent.objects.get(action="assessment.scheme_changed", target_id=str(scheme.pk))
    assert event.actor == admin_client.superuser
    assert event.detail["fields"]["excellent_min"] == {"from": "90.00", "to": "95.00"}
    add = reverse("admin:assessment_scheme_add")
    data = admin_data(Scheme(), name="部门方案", subject_kind="department", bonus_enabled=None)
    assert admin_client.post(add, data).status_code == 302
    assert AuditEvent.objects.filter(action="assessment.scheme_changed", detail__change="scheme_created").count() == 1


def test_the_admin_shows_indicators_rules_and_vetoes_read_only(admin_client, world):
    scheme = world["scheme"]
    rule = make_rule(scheme, "late", "-5", name="迟到")
    veto = make_veto_rule(scheme)
    url = reverse("admin:assessment_scheme_change", args=[scheme.pk])
    page = admin_client.get(url).content.decode()
    assert "迟到" in page and veto.name in page
    # No input for a part: a veto capping to excellent, 0 points, a zero cap or a tier before the free units
    # cannot be slipped in here.
    assert 'name="adjustment_rules-0-points"' not in page
    assert 'name="veto_rules-0-cap_grade"' not in page
    assert 'name="indicators-0-weight"' not in page
    data = admin_data(scheme)
    data.update({"veto_rules-TOTAL_FORMS": "2", "veto_rules-1-name": "任意", "veto_rules-1-cap_grade": "excellent"})
    data.update({"adjustment_rules-TOTAL_FORMS": "2", "adjustment_rules-1-code": "zero",
                 "adjustment_rules-1-name": "零分", "adjustment_rules-1-points": "0", "adjustment_rules-1-unit": "次",
                 "adjustment_rules-1-free_units": "5", "adjustment_rules-1-tier_after": "1",
                 "adjustment_rules-1-tier_points": "-1", "adjustment_rules-1-cap": "0"})  # fmt: skip
    data.update({"adjustment_rules-0-id": str(rule.pk), "adjustment_rules-0-points": "0"})
    admin_client.post(url, data)
    assert list(VetoRule.objects.filter(scheme=scheme)) == [veto]
    assert list(AdjustmentRule.objects.filter(scheme=scheme)) == [rule]
    rule.refresh_from_db()
    assert rule.points == D("-5")
    assert Indicator.objects.filter(scheme=scheme).count() == 3
    # Periods are created on the period list, never here.
    assert admin_client.get(reverse("admin:assessment_period_add")).status_code == 403
