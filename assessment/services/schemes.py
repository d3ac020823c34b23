"""Editing schemes: their settings (name, kind, grade thresholds, quota, bonus), weights that sum to 100, a quota
within the hard maximum, computed sources that exist."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from assessment import providers
from assessment.models import Indicator, IndicatorKind, Scheme, SubjectKind
from assessment.models.schemes import max_quota
from efficiency_portal.audit import services as audit

HUNDRED = Decimal("100")
ZERO = Decimal("0")
MONEY_LIMIT = Decimal("99999999")
# The settings a supervisor edits on the scheme's settings page, in the order of the form.
SETTINGS = (
    "name",
    "subject_kind",
    "description",
    "excellent_quota",
    "excellent_min",
    "good_min",
    "pass_min",
    "bonus_enabled",
    "bonus_base",
    "bonus_baseline",
    "bonus_per_point",
    "bonus_add_cap",
    "bonus_deduct_cap",
    "is_active",
)


def check_weights(weights: list[Decimal]) -> None:
    total = sum(weights, Decimal("0"))
    if total != HUNDRED:
        raise ValidationError(
            {"weights": _("The weights of the indicators must sum to 100; they sum to %(total)s.") % {"total": total}}
        )


def check_quota(quota: Decimal) -> None:
    limit = max_quota()
    if quota < 0 or quota > limit:
        raise ValidationError(
            {"excellent_quota": _("The quota on excellent must lie between 0 and %(max)s%%.") % {"max": limit}}
        )


def check_scheme(scheme: Scheme) -> None:
    """Everything a run needs: weights summing to 100, a quota within the maximum, known computed sources."""
    check_quota(scheme.excellent_quota)
    indicators = list(scheme.indicators.all())
    check_weights([indicator.weight for indicator in indicators])
    for indicator in indicators:
        if indicator.kind == IndicatorKind.COMPUTED:
            provider = providers.get(indicator.provider)
            if provider is None or not provider.available():
                raise ValidationError(
                    {"provider": _("The source of “%(name)s” is not available.") % {"name": indicator.name}}
                )
    check_thresholds(scheme.pass_min, scheme.good_min, scheme.excellent_min)


def check_thresholds(pass_min: Decimal, good_min: Decimal, excellent_min: Decimal) -> None:
    """0 ≤ pass < good < excellent ≤ 100: every grade is reachable and none is skipped."""
    if pass_min < ZERO:
        raise ValidationError({"pass_min": _("The pass threshold cannot lie below 0.")})
    if excellent_min > HUNDRED:
        raise ValidationError({"excellent_min": _("The excellent threshold cannot lie above 100.")})
    if not pass_min < good_min:
        raise ValidationError({"good_min": _("The competent/good threshold must lie above the pass threshold.")})
    if not good_min < excellent_min:
        raise ValidationError(
            {"excellent_min": _("The excellent threshold must lie above the competent/good threshold.")}
        )


@transaction.atomic
def set_weights(scheme: Scheme, weights: Mapping[int, object], *, quota: object | None = None) -> Scheme:
    """Set the weight of each indicator (by id) and optionally the quota; nothing is saved unless all is valid."""
    indicators = {indicator.pk: indicator for indicator in scheme.indicators.select_for_update()}
    parsed: dict[int, Decimal] = {}
    for indicator_id, raw in weights.items():
        if indicator_id not in indicators:
            raise ValidationError({"weights": _("Unknown indicator %(id)s.") % {"id": indicator_id}})
        try:
            value = Decimal(str(raw))
        except (InvalidOperation, ValueError) as error:
            raise ValidationError({"weights": _("Weights must be numbers.")}) from error
        if value < 0 or value > HUNDRED:
            raise ValidationError({"weights": _("Each weight lies between 0 and 100.")})
        parsed[indicator_id] = value
    final = {pk: parsed.get(pk, indicator.weight) for pk, indicator in indicators.items()}
    check_weights(list(final.values()))
    if quota is not None:
        try:
            quota_value = Decimal(str(quota))
        except (InvalidOperation, ValueError) as error:
            raise ValidationError({"excellent_quota": _("The quota must be a number.")}) from error
        check_quota(quota_value)
        scheme.excellent_quota = quota_value
        scheme.save(update_fields=["excellent_quota"])
    for pk, value in final.items():
        if indicators[pk].weight != value:
            Indicator.objects.filter(pk=pk).update(weight=value)
    return scheme


def _decimal(data: Mapping[str, object], field: str, *, low: Decimal, high: Decimal) -> Decimal:
    raw = data.get(field)
    if raw is None or raw == "":
        raise ValidationError({field: _("This field is required.")})
    try:
        value = Decimal(str(raw))
    except (InvalidOperation, ValueError) as error:
        raise ValidationError({field: _("Enter a number.")}) from error
    if not value.is_finite():
        raise ValidationError({field: _("Enter a number.")})
    if value < low or value > high:
        raise ValidationError({field: _("Enter a number from %(low)s to %(high)s.") % {"low": low, "high": high}})
    return value.quantize(Decimal("0.01"))


def clean_scheme(data: Mapping[str, object], *, scheme: Scheme | None = None) -> dict[str, object]:
    """Check a scheme's settings and return them cleaned; raises ``ValidationError`` keyed by field.

    The name is unique; the kind of a scheme that has periods cannot change (its results would change meaning); the
    quota lies within the hard maximum; the thresholds rise strictly (pass < good < excellent ≤ 100); bonus amounts
    and caps are not negative, and only a civil servants' scheme pays a bonus (to people, for a month)."""
    cleaned: dict[str, object] = {}
    name = str(data.get("name") or "").strip()
    if not name:
        raise ValidationError({"name": _("This field is required.")})
    if len(name) > 100:
        raise ValidationError({"name": _("At most %(n)s characters.") % {"n": 100}})
    duplicate = Scheme.objects.filter(name=name)
    if scheme is not None and scheme.pk:
        duplicate = duplicate.exclude(pk=scheme.pk)
    if duplicate.exists():
        raise ValidationError({"name": _("Another scheme has this name.")})
    cleaned["name"] = name
    kind = str(data.get("subject_kind") or "")
    if kind not in SubjectKind.values:
        raise ValidationError({"subject_kind": _("Choose whether people or departments are assessed.")})
    if scheme is not None and scheme.pk and kind != scheme.subject_kind and scheme.periods.exists():
        raise ValidationError(
            {"subject_kind": _("This scheme has periods; who is assessed can no longer change. Add a new scheme.")}
        )
    cleaned["subject_kind"] = kind
    cleaned["description"] = str(data.get("description") or "").strip()[:5000]
    quota = _decimal(data, "excellent_quota", low=ZERO, high=HUNDRED)
    check_quota(quota)
    cleaned["excellent_quota"] = quota
    thresholds = {field: _decimal(data, field, low=ZERO, high=HUNDRED) for field in ("pass_min", "good_min")}
    thresholds["excellent_min"] = _decimal(data, "excellent_min", low=ZERO, high=HUNDRED)
    check_thresholds(thresholds["pass_min"], thresholds["good_min"], thresholds["excellent_min"])
    cleaned.update(thresholds)
    bonus_enabled = bool(data.get("bonus_enabled"))
    if bonus_enabled and kind != SubjectKind.STAFF:
        raise ValidationError(
            {"bonus_enabled": _("Only a civil servants' scheme pays a monthly bonus; departments are paid none.")}
        )
    cleaned["bonus_enabled"] = bonus_enabled
    for field in ("bonus_base", "bonus_per_point", "bonus_add_cap", "bonus_deduct_cap"):
        cleaned[field] = _decimal(data, field, low=ZERO, high=MONEY_LIMIT)
    cleaned["bonus_baseline"] = _decimal(data, "bonus_baseline", low=ZERO, high=HUNDRED)
    cleaned["is_active"] = bool(data.get("is_active"))
    return cleaned


@transaction.atomic
def save_scheme(*, scheme: Scheme | None = None, actor=None, **data: object) -> Scheme:
    """Create a scheme, or change the settings of ``scheme`` (every field of :data:`SETTINGS`); nothing is saved
    unless everything is valid, and the change is in the audit log (``assessment.scheme_changed``)."""
    unknown = set(data) - set(SETTINGS)
    if unknown:
        raise TypeError(f"unknown scheme settings: {sorted(unknown)}")
    current = Scheme.objects.select_for_update().get(pk=scheme.pk) if scheme is not None and scheme.pk else None
    cleaned = clean_scheme(data, scheme=current)
    before = {field: _plain(getattr(current, field)) for field in SETTINGS} if current is not None else {}
    current = current or Scheme()
    for field, value in cleaned.items():
        setattr(current, field, value)
    created = current.pk is None
    current.save()
    after = {field: _plain(getattr(current, field)) for field in SETTINGS}
    changed = {
        field: {"from": before.get(field), "to": value} for field, value in after.items() if before.get(field) != value
    }
    audit.record(
        actor,
        "assessment.scheme_changed",
        current,
        detail={"change": "scheme_created" if created else "settings_saved", "fields": changed},
    )
    if scheme is not None:
        scheme.refresh_from_db()
    return current


def _plain(value: object) -> object:
    return str(value) if isinstance(value, Decimal) else value
