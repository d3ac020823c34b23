"""Editing a scheme's indicators, add/deduct rules and vetoes on the supervisors' pages.

Each function checks everything before it writes and raises ``ValidationError`` keyed by field. The weights may be
off 100 while indicators are being edited one at a time; :func:`assessment.services.schemes.check_scheme` refuses to
run (or queue) a period of the scheme until they sum to 100 again, and the scheme page says so.
Parts already used by a period (score lines, evaluation forms, recorded entries) are never deleted: their history
would lose its meaning.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.text import slugify
from django.utils.translation import gettext as _

from assessment import providers
from assessment.models import (
    AdjustmentEntry,
    AdjustmentRule,
    EvaluationForm,
    EvaluatorRole,
    Grade,
    Indicator,
    IndicatorKind,
    Scheme,
    ScoreLine,
    VetoEntry,
    VetoRule,
)
from efficiency_portal.audit import services as audit

HUNDRED = Decimal("100")
LIMIT = Decimal("1000")


def _number(
    value: object, field: str, *, low: Decimal, high: Decimal, required: bool = True, message: str = ""
) -> Decimal | None:
    if value is None or value == "":
        if required:
            raise ValidationError({field: _("This field is required.")})
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as error:
        raise ValidationError({field: _("Enter a number.")}) from error
    if not number.is_finite() or number < low or number > high:
        raise ValidationError(
            {field: message or _("Enter a number from %(low)s to %(high)s.") % {"low": low, "high": high}}
        )
    return number.quantize(Decimal("0.01"))


def _name(value: object, field: str = "name", length: int = 100) -> str:
    cleaned = str(value or "").strip()
    if not cleaned:
        raise ValidationError({field: _("This field is required.")})
    if len(cleaned) > length:
        raise ValidationError({field: _("At most %(n)s characters.") % {"n": length}})
    return cleaned


def weight_total(scheme: Scheme) -> Decimal:
    return scheme.indicators.aggregate(total=Sum("weight"))["total"] or Decimal("0")


def _log(actor, action: str, scheme: Scheme, detail: dict) -> None:
    audit.record(actor, "assessment.scheme_changed", scheme, detail={"change": action, **detail})


# --- Indicators -------------------------------------------------------------------------------------------------


def _indicator_used(indicator: Indicator) -> bool:
    return (
        ScoreLine.objects.filter(indicator=indicator).exists()
        or EvaluationForm.objects.filter(indicator=indicator).exists()
    )


@transaction.atomic
def save_indicator(
    scheme: Scheme,
    *,
    indicator: Indicator | None = None,
    name: object,
    kind: object,
    provider: object = "",
    evaluator_role: object = "",
    weight: object,
    per_unit: object = 20,
    sort_order: object = 0,
    actor=None,
) -> Indicator:
    """Add an indicator to ``scheme`` or change one of its indicators.

    A computed indicator names a registered source; an evaluated one says who evaluates. The kind of an indicator
    that evaluation forms or results already use cannot change (add a new indicator instead)."""
    if indicator is not None and indicator.scheme_id != scheme.pk:
        raise ValidationError(_("This indicator belongs to another scheme."))
    cleaned_name = _name(name)
    if kind not in IndicatorKind.values:
        raise ValidationError({"kind": _("Choose whether the indicator is computed or scored by evaluators.")})
    provider_code = str(provider or "")
    role = str(evaluator_role or "")
    if kind == IndicatorKind.COMPUTED:
        if providers.get(provider_code) is None:
            raise ValidationError({"provider": _("Choose the source of a computed indicator.")})
        role = ""
    else:
        if role not in EvaluatorRole.values:
            raise ValidationError({"evaluator_role": _("Choose who evaluates.")})
        provider_code = ""
    weight_value = _number(weight, "weight", low=Decimal("0"), high=HUNDRED)
    per_unit_value = _number(per_unit, "per_unit", low=Decimal("0"), high=HUNDRED)
    try:
        order = int(str(sort_order or 0))
    except ValueError as error:
        raise ValidationError({"sort_order": _("Enter a whole number.")}) from error
    if not 0 <= order <= 1000:
        raise ValidationError({"sort_order": _("Enter a whole number from 0 to 1000.")})
    if indicator is not None:
        current = Indicator.objects.select_for_update().get(pk=indicator.pk)
        if current.kind != kind and _indicator_used(current):
            raise ValidationError(
                {"kind": _("This indicator is already used by a period; add a new indicator instead.")}
            )
    else:
        current = Indicator(scheme=scheme)
    before = {"weight": str(current.weight) if current.pk else None, "kind": current.kind or None}
    current.name = cleaned_name
    current.kind = str(kind)
    current.provider = provider_code
    current.evaluator_role = role
    current.weight = weight_value
    current.per_unit = per_unit_value
    current.sort_order = order
    current.save()
    _log(
        actor,
        "indicator_saved",
        scheme,
        {"indicator": current.pk, "name": cleaned_name, "before": before, "weight": str(weight_value), "kind": kind},
    )
    return current


@transaction.atomic
def delete_indicator(indicator: Indicator, *, actor=None) -> None:
    if _indicator_used(indicator):
        raise ValidationError(
            _("This indicator is already used by a period and cannot be deleted; set its weight to 0 instead.")
        )
    scheme = indicator.scheme
    _log(actor, "indicator_deleted", scheme, {"indicator": indicator.pk, "name": indicator.name})
    indicator.delete()


# --- Add/deduct rules -------------------------------------------------------------------------------------------


@transaction.atomic
def save_rule(
    scheme: Scheme,
    *,
    rule: AdjustmentRule | None = None,
    code: object,
    name: object,
    points: object,
    unit: object,
    free_units: object = 0,
    tier_after: object = None,
    tier_points: object = None,
    cap: object = None,
    actor=None,
) -> AdjustmentRule:
    """Add or change an add/deduct rule: points per unit (negative deducts), free units, a second tier, a cap."""
    if rule is not None and rule.scheme_id != scheme.pk:
        raise ValidationError(_("This rule belongs to another scheme."))
    cleaned_code = str(code or "").strip()
    if not cleaned_code or slugify(cleaned_code) != cleaned_code or len(cleaned_code) > 40:
        raise ValidationError(
            {"code": _("Use at most 40 lower-case letters, digits, hyphens and underscores, e.g. “late”.")}
        )
    duplicate = AdjustmentRule.objects.filter(scheme=scheme, code=cleaned_code)
    if rule is not None:
        duplicate = duplicate.exclude(pk=rule.pk)
    if duplicate.exists():
        raise ValidationError({"code": _("This scheme already has a rule with this code.")})
    cleaned_name = _name(name)
    cleaned_unit = _name(unit, "unit", 20)
    points_value = _number(points, "points", low=-LIMIT, high=LIMIT)
    if points_value == 0:
        raise ValidationError({"points": _("Points per unit cannot be 0: negative deducts, positive adds.")})
    free_value = _number(free_units, "free_units", low=Decimal("0"), high=LIMIT)
    tier_after_value = _number(tier_after, "tier_after", low=Decimal("0"), high=LIMIT, required=False)
    tier_points_value = _number(tier_points, "tier_points", low=-LIMIT, high=LIMIT, required=False)
    if (tier_after_value is None) != (tier_points_value is None):
        raise ValidationError(
            {"tier_points": _("A second tier needs both the units it starts after and its points per unit.")}
        )
    if tier_after_value is not None and tier_after_value < free_value:
        raise ValidationError({"tier_after": _("The second tier cannot start before the free units end.")})
    cap_value = _number(
        cap,
        "cap",
        low=Decimal("0.01"),
        high=LIMIT,
        required=False,
        message=_("The cap is the largest total in points, above 0 and at most 1000, whatever the sign."),
    )
    current = AdjustmentRule.objects.select_for_update().get(pk=rule.pk) if rule is not None else None
    current = current or AdjustmentRule(scheme=scheme)
    current.code = cleaned_code
    current.name = cleaned_name
    current.unit = cleaned_unit
    current.points = points_value
    current.free_units = free_value
    current.tier_after = tier_after_value
    current.tier_points = tier_points_value
    current.cap = cap_value
    current.save()
    _log(actor, "rule_saved", scheme, {"rule": current.pk, "code": cleaned_code, "points": str(points_value)})
    return current


@transaction.atomic
def delete_rule(rule: AdjustmentRule, *, actor=None) -> None:
    if AdjustmentEntry.objects.filter(rule=rule).exists() or ScoreLine.objects.filter(rule=rule).exists():
        raise ValidationError(_("This rule has recorded entries and cannot be deleted."))
    _log(actor, "rule_deleted", rule.scheme, {"rule": rule.pk, "code": rule.code})
    rule.delete()


# --- Vetoes -----------------------------------------------------------------------------------------------------


@transaction.atomic
def save_veto(scheme: Scheme, *, veto: VetoRule | None = None, name: object, cap_grade: object, actor=None) -> VetoRule:
    """Add or change a veto (一票否决): the grade it caps to, anything below excellent."""
    if veto is not None and veto.scheme_id != scheme.pk:
        raise ValidationError(_("This veto belongs to another scheme."))
    cleaned_name = _name(name)
    if cap_grade not in Grade.values or cap_grade == Grade.EXCELLENT:
        raise ValidationError({"cap_grade": _("Choose a grade below excellent for the veto to cap to.")})
    current = VetoRule.objects.select_for_update().get(pk=veto.pk) if veto is not None else None
    current = current or VetoRule(scheme=scheme)
    current.name = cleaned_name
    current.cap_grade = str(cap_grade)
    current.save()
    _log(actor, "veto_saved", scheme, {"veto": current.pk, "name": cleaned_name, "cap_grade": cap_grade})
    return current


@transaction.atomic
def delete_veto(veto: VetoRule, *, actor=None) -> None:
    if VetoEntry.objects.filter(rule=veto).exists():
        raise ValidationError(_("This veto has been recorded against someone and cannot be deleted."))
    _log(actor, "veto_deleted", veto.scheme, {"veto": veto.pk, "name": veto.name})
    veto.delete()
