"""The rule table: edits go through save_rule (audited) on the page and in the admin; codes are fixed, rules are
never deleted, and the rules the portal records by itself stay active."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from credit import services
from credit.conf import SYSTEM_RULE_CODES
from credit.models import CreditRule
from efficiency_portal.audit.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _form_data(rule: CreditRule, **changes) -> dict:
    data = {
        "code": rule.code,
        "name": rule.name,
        "kind": rule.kind,
        "points": rule.points,
        "downgrade_to": rule.downgrade_to,
        "validity_years": rule.validity_years or "",
        "for_staff": "on" if rule.for_staff else "",
        "for_departments": "on" if rule.for_departments else "",
        "is_active": "on" if rule.is_active else "",
        "sort_order": rule.sort_order,
        "description": rule.description,
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


@pytest.fixture
def root(client):
    user = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(user)
    return user


def test_the_rules_other_apps_look_up_are_system_rules():
    from approvals.services.cards.credit import CREDIT_RULE
    from complaints.models.complaints import SANCTION_CREDIT_RULES
    from complaints.services.ratings import BAD_RATING_RULE

    assert {*SANCTION_CREDIT_RULES.values(), CREDIT_RULE, BAD_RATING_RULE} <= SYSTEM_RULE_CODES
    assert set(CreditRule.objects.filter(code__in=SYSTEM_RULE_CODES).values_list("code", flat=True)) == set(
        SYSTEM_RULE_CODES
    )


def test_save_rule_refuses_a_new_code_and_switching_off_a_system_rule():
    actor = UserFactory()
    rule = CreditRule.objects.get(code="red_card_case")
    rule.code = "red_card"
    with pytest.raises(ValidationError) as caught:
        services.save_rule(rule, actor)
    assert "code" in caught.value.message_dict
    rule = CreditRule.objects.get(code="red_card_case")
    rule.is_active = False
    with pytest.raises(ValidationError) as caught:
        services.save_rule(rule, actor)
    assert "is_active" in caught.value.message_dict
    assert CreditRule.objects.get(code="red_card_case").is_active
    # Another rule may be switched off (and back on).
    other = CreditRule.objects.get(code="kickbacks")
    other.is_active = False
    services.save_rule(other, actor, changed=["is_active"])
    assert not CreditRule.objects.get(code="kickbacks").is_active
    assert not AuditEvent.objects.filter(action="credit.rule_update").exclude(actor=actor).exists()
    assert AuditEvent.objects.filter(action="credit.rule_update").count() == 1


def test_admin_changes_are_audited_and_keep_the_code(client, root):
    rule = CreditRule.objects.get(code="kickbacks")
    url = reverse("admin:credit_creditrule_change", args=[rule.pk])
    page = client.get(url).content.decode()
    assert 'name="code"' not in page  # shown, not editable
    response = client.post(url, _form_data(rule, code="renamed", points=-25))
    assert response.status_code == 302, response.content.decode()[:2000]
    rule.refresh_from_db()
    assert (rule.code, rule.points) == ("kickbacks", -25)
    event = AuditEvent.objects.get(action="credit.rule_update")
    assert event.actor == root and "points" in event.detail["fields"] and "code" not in event.detail["fields"]
    created = client.post(
        reverse("admin:credit_creditrule_add"),
        _form_data(rule, code="late_reply", name="答复超时", points=-3, sort_order=500),
    )
    assert created.status_code == 302
    assert AuditEvent.objects.filter(action="credit.rule_create", actor=root).count() == 1
    assert CreditRule.objects.filter(code="late_reply").exists()


def test_admin_refuses_switching_off_a_system_rule(client, root):
    rule = CreditRule.objects.get(code="bad_rating")
    response = client.post(reverse("admin:credit_creditrule_change", args=[rule.pk]), _form_data(rule, is_active=""))
    assert response.status_code == 200 and "stays active" in response.content.decode()
    rule.refresh_from_db()
    assert rule.is_active
    assert not AuditEvent.objects.filter(action="credit.rule_update").exists()


def test_no_rule_is_deleted_in_the_admin(client, root):
    rule = CreditRule.objects.create(code="unused", name="未用", kind="deduction", points=-1)
    response = client.post(reverse("admin:credit_creditrule_delete", args=[rule.pk]), {"post": "yes"})
    assert response.status_code == 403
    changelist = client.get(reverse("admin:credit_creditrule_changelist")).content.decode()
    assert "delete_selected" not in changelist
    bulk = client.post(
        reverse("admin:credit_creditrule_changelist"),
        {"action": "delete_selected", "_selected_action": [rule.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302)
    assert CreditRule.objects.filter(pk=rule.pk).exists()


def test_rule_page_keeps_the_code_and_the_system_rules_active(client, root):
    from tests.factories import with_roles

    with_roles(root, "administrator")
    listing = client.get(reverse("credit:rule_list")).content.decode()
    assert listing.count("recorded by the portal") == len(SYSTEM_RULE_CODES)
    rule = CreditRule.objects.get(code="transfer")
    url = reverse("credit:rule_edit", args=[rule.pk])
    page = client.get(url).content.decode()
    assert 'name="code"' in page and "disabled" in page.split('name="code"')[1].split(">")[0]
    response = client.post(url, _form_data(rule, code="move", name="调离岗位"))
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.code, rule.name) == ("transfer", "调离岗位")
    refused = client.post(url, _form_data(rule, is_active=""))
    assert refused.status_code == 400 and "stays active" in refused.content.decode()
    rule.refresh_from_db()
    assert rule.is_active
    # A new rule chooses its code.
    new = client.post(
        reverse("credit:rule_create"),
        _form_data(CreditRule.objects.get(code="kickbacks"), code="slow_reply", name="答复迟缓", sort_order=510),
    )
    assert new.status_code == 302 and CreditRule.objects.filter(code="slow_reply").exists()


def test_the_seeded_downgrades_take_their_validity_from_the_grade_setting():
    import importlib

    from django.apps import apps

    migration = importlib.import_module("credit.migrations.0005_downgrade_validity_by_grade")
    assert dict(CreditRule.objects.filter(kind="downgrade").values_list("code", "validity_years")) == {
        "transfer": None,
        "dismissal_proposal": None,
    }
    migration.back(apps, None)
    assert dict(CreditRule.objects.filter(kind="downgrade").values_list("code", "validity_years")) == {
        "transfer": 3,
        "dismissal_proposal": 5,
    }
    CreditRule.objects.filter(code="transfer").update(validity_years=4)  # changed by an administrator: kept
    migration.by_grade(apps, None)
    assert dict(CreditRule.objects.filter(kind="downgrade").values_list("code", "validity_years")) == {
        "transfer": 4,
        "dismissal_proposal": None,
    }
