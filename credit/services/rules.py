"""Edits of the rule table, audited. Entries already recorded keep the points they were given.

A rule is never deleted (entries point at it; it is switched off instead), its code never changes once created, and
the rules the portal records by itself (``credit.conf.SYSTEM_RULE_CODES``) stay active.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from credit.conf import SYSTEM_RULE_CODES
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


def check_rule(rule: CreditRule) -> None:
    """Refuse an edit that would break the table: wrong sign, a new code, a rule the portal records switched off."""
    errors: dict[str, list] = {}
    if rule.kind and rule.points is not None:
        try:
            check_points(rule, rule.points)
        except ValidationError as error:
            errors.update(error.message_dict)
    saved_code = CreditRule.objects.filter(pk=rule.pk).values_list("code", flat=True).first() if rule.pk else None
    if saved_code is not None and saved_code != rule.code:
        errors["code"] = [_("The code of a rule cannot change once it exists; entries refer to it.")]
    if rule.code in SYSTEM_RULE_CODES and not rule.is_active:
        errors["is_active"] = [
            _("The portal records this rule by itself (complaints, red cards, ratings): it stays active.")
        ]
    if errors:
        raise ValidationError(errors)


def save_rule(rule: CreditRule, actor, *, changed: Iterable[str] = ()) -> CreditRule:
    """Save a rule the caller has filled in (a form checked it); the audit log names the fields changed."""
    check_rule(rule)
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
