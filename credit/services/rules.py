"""Edits of the rule table, audited. Entries already recorded keep the points they were given."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from credit.models import CreditRule
from credit.services.entries import check_points
from efficiency_portal.audit.actions import register_action_labels
from efficiency_portal.audit.services import record

register_action_labels(
    {
        "credit.rule_create": _("Credit rule created"),
        "credit.rule_update": _("Credit rule changed"),
    }
)


def save_rule(rule: CreditRule, actor, *, changed: Iterable[str] = ()) -> CreditRule:
    """Save a rule the caller has filled in (a form checked it); the audit log names the fields changed."""
    check_points(rule, rule.points)
    creating = rule.pk is None
    with transaction.atomic():
        rule.full_clean()
        rule.save()
        record(
            actor,
            "credit.rule_create" if creating else "credit.rule_update",
            rule,
            detail={"fields": sorted(changed), "points": rule.points, "kind": rule.kind},
        )
    return rule
