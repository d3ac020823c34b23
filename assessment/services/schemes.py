"""Editing schemes: weights that sum to 100, a quota within the hard maximum, computed sources that exist."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from assessment import providers
from assessment.models import Indicator, IndicatorKind, Scheme
from assessment.models.schemes import max_quota

HUNDRED = Decimal("100")


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
    if not (scheme.pass_min <= scheme.good_min <= scheme.excellent_min):
        raise ValidationError({"excellent_min": _("The grade thresholds must rise from pass to excellent.")})


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
